"""The transaction service fee (交易服务费, DOMAIN.md §10, part 5): the tier arithmetic on hand-computed
amounts, the schedule in force on the notice date, the switch-off from a date (the seed's center stopped on
2023-10-30) with the waived fee reported as saved, configuration through audited services, and the report
by year, month and type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import fees, services_evaluation, services_fees
from zhengwu.trading.choices import ProjectType
from zhengwu.trading.models import AwardFee, ServiceFeeSchedule
from zhengwu.trading.testing import at, credit, day
from zhengwu.trading.tests.factories_award import awarded_project

pytestmark = pytest.mark.django_db

TIERS = [{"up_to": "5000000", "permille": "1"}, {"up_to": "50000000", "permille": "0.6"},
         {"up_to": "500000000", "permille": "0.2"}, {"up_to": None, "permille": "0.05"}]


def fee(amount: str, *, minimum: str = "200", cap: str | None = "50000") -> Decimal:
    return fees.compute_fee(Decimal(amount), tiers=TIERS, minimum=Decimal(minimum),
                            cap=Decimal(cap) if cap is not None else None)[0]


@pytest.fixture
def admin():
    return make_user(role=Role.CENTER_ADMIN)


def charging_from(start: str, *, project_type: str = ProjectType.CONSTRUCTION, **extra) -> ServiceFeeSchedule:
    """A new schedule of the default tiers charging from ``start`` (the default ones are switched off)."""
    return services_fees.fee_schedule_create(actor="test", project_type=project_type,
                                             effective_from=day(start), tiers=TIERS, minimum="200", cap="50000",
                                             basis="区发改局核定的交易服务费标准", **extra)


# --- the arithmetic ------------------------------------------------------------------------------------

def test_the_fee_adds_each_tiers_part_of_the_amount_at_its_rate():
    assert fee("23000000") == Decimal("15800.00")      # 5,000,000 × 1‰ + 18,000,000 × 0.6‰
    assert fee("5000000") == Decimal("5000.00")        # exactly the first bound
    assert fee("5700000") == Decimal("5420.00")        # 5,000 + 700,000 × 0.6‰
    assert fee("1234567.89") == Decimal("1234.57")     # 1,234.56789 rounded half up once


def test_the_minimum_and_the_cap_apply_after_the_tiers():
    assert fee("100000") == Decimal("200.00")          # 100 below the minimum
    amount, detail = fees.compute_fee(Decimal("800000000"), tiers=TIERS, minimum=Decimal("200"), cap=Decimal("50000"))
    assert (amount, detail["tiered"], detail["applied"]) == (Decimal("50000.00"), "137000.00", "cap")
    assert [line["fee"] for line in detail["lines"]] == ["5000.00", "27000.00", "90000.00", "15000.00"]
    assert fee("800000000", cap=None) == Decimal("137000.00")


@pytest.mark.parametrize(("tiers", "field"), [
    ([], "tiers"),
    ([{"up_to": "100", "permille": "1"}], "tiers[0].up_to"),                                    # last not open
    ([{"up_to": None, "permille": "1"}, {"up_to": None, "permille": "1"}], "tiers[0].up_to"),   # open not last
    ([{"up_to": "100", "permille": "1"}, {"up_to": "100", "permille": "1"},
      {"up_to": None, "permille": "1"}], "tiers[1].up_to"),                                     # not increasing
    ([{"up_to": None, "permille": "1000.1"}], "tiers[0].permille"),
    ([{"up_to": None, "permille": "abc"}], "tiers[0].permille"),
])
def test_bad_tiers_are_refused_naming_the_tier(tiers, field):
    with pytest.raises(InvalidInput) as refused:
        fees.tiers_clean(tiers)
    assert refused.value.field == field


# --- the schedule in force, switched off ----------------------------------------------------------------

def test_the_default_schedules_charged_until_29_october_2023_and_waive_from_the_30th():
    schedule = fees.schedule_in_force(project_type=ProjectType.CONSTRUCTION, on=day("2023-10-29"))
    assert (schedule.switched_off_from, schedule.tiers, schedule.cap) == (day("2023-10-30"), TIERS, Decimal("50000"))
    before = awarded_project(price="23000000", control="24000000", notice="2023-10-29 16:00")
    on_the_day = awarded_project(price="23000000", control="24000000", notice="2023-10-30 09:00")
    assert (before.fee.amount, before.fee.waived) == (Decimal("15800.00"), False)
    assert (on_the_day.fee.amount, on_the_day.fee.waived) == (Decimal("15800.00"), True)
    assert fees.schedule_in_force(project_type=ProjectType.LAND, on=day("2023-10-29")) is None


def test_a_later_schedule_takes_over_from_its_date_and_a_type_without_one_pays_nothing():
    charging_from("2024-03-01")
    waived = awarded_project(price="5700000", control="6000000", notice="2024-02-29 10:00")
    charged = awarded_project(price="5700000", control="6000000", notice="2024-03-01 10:00")
    assert (waived.fee.waived, charged.fee.waived, charged.fee.amount) == (True, False, Decimal("5420.00"))
    assert charged.fee.assessed_on == day("2024-03-01") and charged.fee.base == Decimal("5700000.00")
    land = awarded_project(price="5700000", control="6000000", notice="2024-03-01 10:00",
                           project_type=ProjectType.LAND)
    assert not AwardFee.objects.filter(award=land).exists()


def test_a_real_award_is_assessed_and_its_audit_event_says_so():
    from zhengwu.trading.tests.test_evaluation import closed_publicity

    evaluation = closed_publicity()  # construction, 2024: the default schedule is switched off
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    assert (award.fee.amount, award.fee.waived) == (Decimal("3600.00"), True)  # 3,600,000 × 1‰
    payload = AuditEvent.objects.get(action="award.decide").payload
    assert payload["fee"] == {"schedule": award.fee.schedule_id, "amount": "3600.00", "waived": True,
                              "assessed_on": "2024-04-01"}


# --- configuration --------------------------------------------------------------------------------------

def test_the_center_administrator_configures_a_schedule_and_it_is_audited(admin):
    with pytest.raises(Forbidden):
        services_fees.fee_schedule_create(actor=make_user(role=Role.TRADING_STAFF), project_type="construction",
                                          effective_from=day("2024-01-01"), tiers=TIERS, basis="依据")
    schedule = services_fees.fee_schedule_create(actor=admin, project_type="procurement",
                                                 effective_from=day("2024-01-01"), tiers=TIERS, minimum="100",
                                                 cap="20000", basis="区发改局核定")
    event = AuditEvent.objects.get(action="servicefeeschedule.create")
    assert (event.actor_id, event.payload["tiers"], event.payload["cap"]) == (admin.pk, TIERS, "20000.00")
    assert fees.schedule_in_force(project_type="procurement", on=day("2024-06-01")) == schedule


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"project_type": "lottery"}, "project_type", "bad_choice"),
    ({"minimum": "300", "cap": "200"}, "cap", "cap_below_minimum"),
    ({"basis": " "}, "basis", "required"),
    ({"minimum": "-1"}, "minimum", "bad_amount"),
    ({"switched_off_from": dt.date(2023, 12, 31)}, "switched_off_from", "bad_date"),
])
def test_a_bad_schedule_is_refused_naming_the_field(change, field, code):
    data = {"project_type": "construction", "effective_from": day("2024-01-01"), "tiers": TIERS, "basis": "依据",
            **change}
    with pytest.raises(InvalidInput) as refused:
        services_fees.fee_schedule_create(actor="test", **data)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert ServiceFeeSchedule.objects.count() == 2  # only the two defaults


def test_a_new_schedule_cannot_reach_back_over_fees_already_assessed():
    awarded_project(price="5700000", control="6000000", notice="2024-03-10 10:00")
    with pytest.raises(Conflict) as refused:
        charging_from("2024-03-10")
    assert (refused.value.code, refused.value.details["last_assessed_on"]) == ("fees_already_assessed",
                                                                               day("2024-03-10"))
    assert charging_from("2024-03-11").effective_from == day("2024-03-11")


def test_the_switch_off_is_set_once_not_before_a_fee_charged_and_is_audited(admin):
    schedule = charging_from("2024-03-01")
    awarded_project(price="5700000", control="6000000", notice="2024-05-10 10:00")
    with pytest.raises(Conflict) as charged:
        services_fees.fee_schedule_switch_off(actor=admin, schedule=schedule, switched_off_from=day("2024-05-10"),
                                              reason="停止收取交易服务费")
    assert charged.value.code == "fees_already_assessed"
    with pytest.raises(InvalidInput) as no_reason:
        services_fees.fee_schedule_switch_off(actor=admin, schedule=schedule, switched_off_from=day("2024-05-11"))
    assert no_reason.value.field == "reason"
    services_fees.fee_schedule_switch_off(actor=admin, schedule=schedule, switched_off_from=day("2024-05-11"),
                                          reason="区政府决定停止收取交易服务费")
    later = awarded_project(price="5700000", control="6000000", notice="2024-05-11 10:00")
    assert (later.fee.waived, later.fee.amount) == (True, Decimal("5420.00"))
    with pytest.raises(Conflict) as twice:
        services_fees.fee_schedule_switch_off(actor=admin, schedule=schedule, switched_off_from=day("2024-06-01"),
                                              reason="再次")
    assert twice.value.code == "already_switched_off"
    event = AuditEvent.objects.get(action="servicefeeschedule.switch_off")
    assert (event.reason, event.payload["switched_off_from"]) == ("区政府决定停止收取交易服务费", "2024-05-11")


# --- the report -----------------------------------------------------------------------------------------

def test_the_report_adds_up_charged_and_waived_fees_by_month_and_type():
    charging_from("2024-03-01")
    awarded_project(price="23000000", control="24000000", notice="2024-02-10 10:00")     # waived 15,800
    awarded_project(price="5700000", control="6000000", notice="2024-03-05 10:00")       # charged 5,420
    awarded_project(price="100000", control="120000", notice="2024-03-20 10:00")         # charged 200 (minimum)
    awarded_project(price="2400000", control="2500000", notice="2024-03-25 10:00",       # procurement: waived 2,400
                    project_type=ProjectType.PROCUREMENT, sections=[("goods", "2500000")])
    awarded_project(price="5700000", control="6000000", notice="2023-12-31 23:00")       # last year
    staff = make_user(role=Role.TRADING_STAFF)
    report = fees.fee_report(user=staff, year=2024)
    assert (report["awards"], report["charged"], report["charged_count"], report["waived"], report["waived_count"]) \
        == (4, Decimal("5620.00"), 2, Decimal("18200.00"), 2)
    assert [(m["month"], m["charged"], m["waived"]) for m in report["by_month"]] == [
        (2, Decimal("0.00"), Decimal("15800.00")), (3, Decimal("5620.00"), Decimal("2400.00"))]
    assert [(t["project_type"], t["charged"], t["waived"]) for t in report["by_type"]] == [
        ("construction", Decimal("5620.00"), Decimal("15800.00")), ("procurement", Decimal("0.00"), Decimal("2400.00"))]
    assert [(c["month"], c["project_type"], c["awards"]) for c in report["by_month_type"]] == [
        (2, "construction", 1), (3, "construction", 2), (3, "procurement", 1)]
    march = fees.fee_report(user=staff, year=2024, month=3)
    assert (march["awards"], march["charged"], march["waived"]) == (3, Decimal("5620.00"), Decimal("2400.00"))


def test_the_report_is_for_the_center_not_for_an_enterprise():
    enterprise = make_enterprise(credit_code=credit(801))
    with pytest.raises(Forbidden):
        fees.fee_report(user=make_user(role=Role.ENTERPRISE_USER, enterprise=enterprise), year=2024)
    assert fees.fee_report(user=make_user(role=Role.SUPERVISOR), year=2024)["awards"] == 0
    with pytest.raises(InvalidInput) as bad_month:
        fees.fee_report(user=make_user(role=Role.SUPERVISOR), year=2024, month=13)
    assert bad_month.value.field == "month"
