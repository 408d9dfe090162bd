"""The rule table: the defaults the migration wrote, the lookup by project type × procedure, exact
values, validation, and how a rule refusal names the rule."""

from __future__ import annotations

import importlib
from fractions import Fraction

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import services
from zhengwu.trading.choices import Counting, Procedure, ProjectType
from zhengwu.trading.models import RuleSet, RuleValue
from zhengwu.trading.rules import CATALOG
from zhengwu.trading.selectors import rule, rule_entry, rules_for
from zhengwu.trading.testing import make_project, make_tender, publish

pytestmark = pytest.mark.django_db

DEFAULTS = {
    "documents_to_deadline_days": 20, "documents_on_sale_days": 5, "change_notice_days": 15,
    "objection_before_deadline_days": 10, "deposit_max_ratio": Fraction(2, 100), "deposit_refund_days": 5,
    "min_bids": 3, "committee_min": 5, "expert_share_min": Fraction(2, 3), "publicity_within_days": 3,
    "publicity_min_days": 3, "objection_answer_days": 3, "contract_within_days": 30,
    "mandatory_limit_works": 4_000_000, "mandatory_limit_goods": 2_000_000, "mandatory_limit_services": 1_000_000,
    "control_price_max_ratio": 1, "custodian_k": 2, "custodian_n": 3,
    "expert_cooldown_days": 30, "expert_min_credit": 60, "provincial_share_min": 1,
    "separated_candidates_max": 3, "decision_group_min": 5, "vote_lottery_finalists": 2,
}


@pytest.fixture
def admin():
    return make_user(role=Role.CENTER_ADMIN)


def test_the_data_migration_wrote_the_domain_defaults_into_the_default_set():
    default = RuleSet.objects.get(project_type="", procedure="")
    stored = {v.code: v for v in default.values.all()}
    assert set(stored) == set(DEFAULTS)
    assert {code: rules_for(project_type="", procedure="")[code].value for code in DEFAULTS} == DEFAULTS
    assert all(v.counting == Counting.NATURAL and v.note for v in stored.values())


def test_the_migration_and_the_catalog_agree():
    written = {}
    for name in ("0002_default_rules", "0004_sealing_rules", "0006_expert_rules", "0010_part5_defaults"):
        migration = importlib.import_module(f"zhengwu.trading.migrations.{name}")
        written.update({code: value for code, value, _ in migration.DEFAULT_RULES})
    assert written == {c: d.default for c, d in CATALOG.items()}


def test_a_project_gets_the_default_value_when_nothing_overrides_it():
    project = make_project()
    assert rule(project, "documents_to_deadline_days") == 20
    assert rule_entry(project, "documents_to_deadline_days").source == "默认规则"


def test_a_type_and_procedure_row_overrides_the_default_row(admin):
    services.rule_value_set(actor=admin, project_type=ProjectType.PROCUREMENT,
                            procedure=Procedure.COMPETITIVE_CONSULTATION, code="documents_to_deadline_days", value="10")
    consultation = make_project(project_type=ProjectType.PROCUREMENT, procedure=Procedure.COMPETITIVE_CONSULTATION)
    open_procurement = make_project(project_type=ProjectType.PROCUREMENT, procedure=Procedure.OPEN)
    construction = make_project(project_type=ProjectType.CONSTRUCTION, procedure=Procedure.COMPETITIVE_CONSULTATION)
    assert rule(consultation, "documents_to_deadline_days") == 10
    assert rule_entry(consultation, "documents_to_deadline_days").source == "政府采购 × 竞争性磋商"
    assert rule(open_procurement, "documents_to_deadline_days") == 20
    assert rule(construction, "documents_to_deadline_days") == 20


def test_the_most_specific_row_wins_type_and_procedure_then_type_then_procedure_then_default(admin):
    code = "min_bids"
    services.rule_value_set(actor=admin, procedure=Procedure.INVITED, code=code, value="4")
    services.rule_value_set(actor=admin, project_type=ProjectType.LAND, code=code, value="2")
    services.rule_value_set(actor=admin, project_type=ProjectType.LAND, procedure=Procedure.INVITED, code=code,
                            value="1")
    assert rules_for(project_type=ProjectType.LAND, procedure=Procedure.INVITED)[code].value == 1
    assert rules_for(project_type=ProjectType.LAND, procedure=Procedure.OPEN)[code].value == 2
    assert rules_for(project_type=ProjectType.CONSTRUCTION, procedure=Procedure.INVITED)[code].value == 4
    assert rules_for(project_type=ProjectType.CONSTRUCTION, procedure=Procedure.OPEN)[code].value == 3


def test_an_override_decides_whether_a_tender_may_be_published(admin):
    services.rule_value_set(actor=admin, project_type=ProjectType.PROCUREMENT,
                            procedure=Procedure.COMPETITIVE_CONSULTATION, code="documents_to_deadline_days", value="10")
    project = make_project(project_type=ProjectType.PROCUREMENT, procedure=Procedure.COMPETITIVE_CONSULTATION)
    tender = publish(make_tender(project=project, deadline="2024-03-11 09:30", sale=("2024-03-01", "2024-03-05")))
    assert tender.status == "published"
    other = make_project(project_type=ProjectType.PROCUREMENT, procedure=Procedure.OPEN)
    with pytest.raises(InvalidInput) as err:
        publish(make_tender(project=other, deadline="2024-03-11 09:30"))
    assert err.value.code == "rule.documents_to_deadline_days"


def test_values_are_exact_fractions_so_two_thirds_is_two_thirds():
    entry = rules_for(project_type="", procedure="")["expert_share_min"]
    assert entry.value == Fraction(2, 3)
    assert Fraction(6, 9) >= entry.value
    assert entry.text == "2/3"


@pytest.mark.parametrize(("code", "value"), [
    ("documents_to_deadline_days", "abc"), ("documents_to_deadline_days", "-1"),
    ("documents_to_deadline_days", "2.5"), ("committee_min", "4"), ("deposit_max_ratio", "1.5"),
    ("expert_share_min", "3/0"), ("mandatory_limit_works", "-100"),
])
def test_a_bad_value_is_refused_naming_the_value_field(code, value, admin):
    with pytest.raises(InvalidInput) as err:
        services.rule_value_set(actor=admin, code=code, value=value)
    assert (err.value.field, err.value.code) == ("value", "bad_rule_value")


def test_an_unknown_rule_code_is_refused(admin):
    with pytest.raises(InvalidInput) as err:
        services.rule_value_set(actor=admin, code="bids_per_day", value="3")
    assert (err.value.field, err.value.code) == ("code", "unknown_rule")


def test_only_a_day_rule_may_count_working_days(admin):
    row = services.rule_value_set(actor=admin, code="deposit_refund_days", value="5", counting=Counting.WORKING,
                                  project_type=ProjectType.PROCUREMENT)
    assert row.counting == Counting.WORKING
    with pytest.raises(InvalidInput) as err:
        services.rule_value_set(actor=admin, code="min_bids", value="3", counting=Counting.WORKING)
    assert (err.value.field, err.value.code) == ("counting", "bad_counting")


def test_setting_a_rule_is_audited_with_the_value_before(admin):
    services.rule_value_set(actor=admin, code="deposit_max_ratio", value="0.01")
    event = AuditEvent.objects.filter(action="rule_value.set").latest("id")
    assert event.payload["value"] == "0.01"
    assert event.payload["before"] == ["0.02", "natural"]
    assert rules_for(project_type="", procedure="")["deposit_max_ratio"].value == Fraction(1, 100)


def test_only_the_rule_keepers_may_set_a_rule():
    with pytest.raises(Forbidden):
        services.rule_value_set(actor=make_user(role=Role.TRADING_STAFF), code="min_bids", value="2")


def test_an_override_may_be_removed_but_a_default_row_may_not(admin):
    override = services.rule_value_set(actor=admin, project_type=ProjectType.LAND, code="min_bids", value="1")
    services.rule_value_delete(actor=admin, row=override)
    assert rules_for(project_type=ProjectType.LAND, procedure="")["min_bids"].value == 3
    default_row = RuleValue.objects.get(rule_set__project_type="", rule_set__procedure="", code="min_bids")
    with pytest.raises(Conflict) as err:
        services.rule_value_delete(actor=admin, row=default_row)
    assert err.value.code == "default_rule_required"


def test_a_missing_default_row_falls_back_to_the_catalog_default():
    RuleValue.objects.filter(rule_set__project_type="", code="publicity_min_days").delete()
    entry = rules_for(project_type="", procedure="")["publicity_min_days"]
    assert (entry.value, entry.source) == (3, "catalog")


def test_a_rule_refusal_names_the_rule_and_its_value_in_the_message_and_the_details():
    project = make_project()
    with pytest.raises(InvalidInput) as err:
        publish(make_tender(project=project, deadline="2024-03-20 09:30"))
    assert err.value.code == "rule.documents_to_deadline_days"
    assert "documents_to_deadline_days = 20" in err.value.message
    assert err.value.details["rule"] == "documents_to_deadline_days"
    assert err.value.details["value"] == "20"
    assert err.value.details["actual"] == 19
    assert err.value.status == 422


def test_the_system_check_is_quiet_with_the_defaults_and_warns_when_a_default_row_is_missing():
    from zhengwu.trading.system_checks import trading_rules_complete

    assert trading_rules_complete(databases=["default"]) == []
    RuleValue.objects.filter(rule_set__project_type="", code="min_bids").delete()
    assert [w.id for w in trading_rules_complete(databases=["default"])] == ["trading.W001"]
