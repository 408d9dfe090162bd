"""Scoring methods, ties, scheme validation, version pinning, publication immutability, suggestions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.testing import make_department, make_user
from zhengwu.evaluation import scoring, services
from zhengwu.evaluation.choices import PublicationStatus
from zhengwu.evaluation.indicators import Value
from zhengwu.evaluation.models import Publication, SchemeVersion
from zhengwu.org.roles import Role

D = Decimal


def v(percent: str | None) -> Value:
    if percent is None:
        return Value(D(0), D(0), None)
    return Value(D(percent), D(100), D(percent) / D(100))


def rule(method: str, direction: str = "higher", weight: str = "10", **kw) -> scoring.Rule:
    return scoring.Rule(indicator="x", direction=direction, weight=D(weight), method=method,
                        **{k: D(val) for k, val in kw.items()})


def scores(values: dict, r: scoring.Rule) -> dict:
    return {res.group_id: res.scores["x"] for res in scoring.score({g: {"x": v(p)} for g, p in values.items()}, [r])}


def test_ties_share_the_better_rank_and_the_next_rank_is_skipped():
    ranks = scoring.competition_ranks({"a": D(90), "b": D(95), "c": D(90), "d": D(80)}, higher_is_better=True)
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_lower_is_better_ranks_the_smallest_first():
    ranks = scoring.competition_ranks({"a": D("0.5"), "b": D("0.1"), "c": None}, higher_is_better=False)
    assert ranks == {"b": 1, "a": 2, "c": None}


def test_rank_based_scoring_loses_a_step_per_rank_and_ties_score_alike():
    assert scores({"a": "99", "b": "98", "c": "98", "d": "50"}, rule("rank", step="2")) == {
        "a": D("10.00"), "b": D("8.00"), "c": D("8.00"), "d": D("4.00")}


def test_rank_based_scoring_never_goes_below_zero():
    result = scores({str(i): str(100 - i) for i in range(8)}, rule("rank", step="3"))
    assert result["7"] == D("0.00")


def test_threshold_linear_is_full_at_the_target_zero_at_the_floor_and_linear_between():
    assert scores({"a": "99", "b": "95", "c": "90", "d": "80"}, rule("threshold", floor="90", target="98")) == {
        "a": D("10.00"), "b": D("6.25"), "c": D("0.00"), "d": D("0.00")}


def test_threshold_linear_for_a_lower_is_better_indicator():
    result = scores({"a": "0.05", "b": "0.5", "c": "1.5"}, rule("threshold", direction="lower", floor="1",
                                                                    target="0.1"))
    assert result == {"a": D("10.00"), "b": D("5.56"), "c": D("0.00")}


def test_target_attainment_scores_the_share_of_the_target_reached():
    assert scores({"a": "99.4", "b": "49.7"}, rule("target", target="99.4")) == {"a": D("10.00"), "b": D("5.00")}
    lower = scores({"a": "0.2", "b": "0.4"}, rule("target", direction="lower", target="0.2"))
    assert lower == {"a": D("10.00"), "b": D("5.00")}


def test_a_group_without_data_for_an_indicator_is_rescaled_over_the_weights_that_apply():
    rules = [scoring.Rule("x", "higher", D(50), "threshold", floor=D(0), target=D(100)),
             scoring.Rule("y", "higher", D(50), "threshold", floor=D(0), target=D(100))]
    results = {r.group_id: r for r in scoring.score({"a": {"x": v("80"), "y": v(None)},
                                                     "b": {"x": v("60"), "y": v("60")}}, rules)}
    assert (results["a"].total, results["b"].total) == (D("80.00"), D("60.00"))
    assert (results["a"].rank, results["b"].rank) == (1, 2)
    assert results["a"].scores["y"] is None


NINE = ["online_rate", "acceptance_overdue_rate", "completion_overdue_rate", "instant_rate", "limit_compression",
        "review_coverage", "bad_review_rate", "rectification_on_time_rate", "reminder_response_rate"]


def default_rules(weights=(20, 10, 15, 10, 5, 10, 10, 10, 10)) -> list[dict]:
    return [{"indicator": code, "weight": w, "method": "rank", "step": "1"} for code, w in zip(NINE, weights)]


@pytest.fixture
def admin(db):
    return make_user(role=Role.CENTER_ADMIN)


@pytest.mark.django_db
def test_weights_that_do_not_sum_to_100_are_refused(admin):
    with pytest.raises(InvalidInput) as err:
        services.scheme_create(actor=admin, name="方案", rules=default_rules((20, 10, 15, 10, 5, 10, 10, 10, 9)))
    assert (err.value.field, err.value.code) == ("rules", "weights_not_100")
    assert SchemeVersion.objects.count() == 0


@pytest.mark.django_db
def test_a_target_below_its_floor_is_refused_for_a_higher_is_better_indicator(admin):
    rules = default_rules()
    rules[0] = {"indicator": "online_rate", "weight": 20, "method": "threshold", "floor": "95", "target": "90"}
    with pytest.raises(InvalidInput) as err:
        services.scheme_create(actor=admin, name="方案", rules=rules)
    assert (err.value.field, err.value.code) == ("rules[0].target", "target_below_floor")


@pytest.mark.django_db
def test_a_clerk_may_not_manage_schemes():
    from zhengwu.core.errors import Forbidden

    clerk = make_user(role=Role.WINDOW_CLERK, department=make_department())
    with pytest.raises(Forbidden):
        services.scheme_create(actor=clerk, name="方案", rules=default_rules())


@pytest.mark.django_db
def test_editing_a_scheme_makes_a_new_version_and_a_publication_keeps_the_version_that_scored_it(admin):
    v1 = services.scheme_create(actor=admin, name="评价办法", rules=default_rules())
    published = services.publication_prepare(actor=admin, scheme=v1.scheme, week_start=date(2024, 9, 23))
    published = services.publication_publish(actor=admin, publication=published)
    v2 = services.scheme_revise(actor=admin, scheme=v1.scheme, rules=default_rules((10, 10, 15, 10, 15, 10, 10, 10,
                                                                                    10)), note="调整权重")
    assert (v1.number, v2.number) == (1, 2)
    assert v1.digest != v2.digest
    nxt = services.publication_prepare(actor=admin, scheme=v1.scheme, week_start=date(2024, 9, 30))
    assert (Publication.objects.get(pk=published.pk).scheme_version_id, nxt.scheme_version_id) == (v1.pk, v2.pk)
    assert v1.rules.get(indicator__code="online_rate").weight == 20


@pytest.mark.django_db
def test_a_published_snapshot_never_changes(admin):
    version = services.scheme_create(actor=admin, name="评价办法", rules=default_rules())
    draft = services.publication_prepare(actor=admin, scheme=version.scheme, week_start=date(2024, 9, 23))
    published = services.publication_publish(actor=admin, publication=draft.pk)
    assert published.status == PublicationStatus.PUBLISHED
    assert len(published.digest) == 64
    stored = Publication.objects.get(pk=published.pk)
    stored.payload = {"rows": []}
    with pytest.raises(ValueError):
        stored.save()
    with pytest.raises(Conflict) as err:
        services.publication_prepare(actor=admin, scheme=version.scheme, week_start=date(2024, 9, 23))
    assert err.value.code == "already_published"
    with pytest.raises(Conflict):
        services.publication_publish(actor=admin, publication=published.pk)
    assert Publication.objects.get(pk=published.pk).digest == published.digest


@pytest.mark.django_db
def test_a_week_must_start_on_monday(admin):
    version = services.scheme_create(actor=admin, name="评价办法", rules=default_rules())
    with pytest.raises(InvalidInput) as err:
        services.publication_prepare(actor=admin, scheme=version.scheme, week_start=date(2024, 9, 24))
    assert err.value.field == "week_start"


@pytest.mark.django_db
def test_a_suggestion_is_adopted_or_declined_with_a_reason():
    dept = make_department(name="人社局")
    head = make_user(role=Role.DEPARTMENT_LEADER, department=dept)
    specialist = make_user(role=Role.INDICATOR_SPECIALIST)
    s = services.suggestion_submit(actor=head, department=dept, title="即办率口径", content="建议剔除材料补正件")
    with pytest.raises(InvalidInput) as err:
        services.suggestion_decide(actor=specialist, suggestion=s.pk, adopt=True, reason="")
    assert err.value.field == "reason"
    adopted = services.suggestion_decide(actor=specialist, suggestion=s.pk, adopt=True, reason="下一版本采纳")
    assert (adopted.status, adopted.decision_reason) == ("adopted", "下一版本采纳")


@pytest.mark.django_db
def test_a_department_files_suggestions_only_in_its_own_name():
    dept, other = make_department(name="人社局"), make_department(name="民政局")
    head = make_user(role=Role.DEPARTMENT_LEADER, department=dept)
    with pytest.raises(InvalidInput) as err:
        services.suggestion_submit(actor=head, department=other, title="t", content="c")
    assert err.value.field == "department"
