"""The expert database and the draw: every conflict excluded with its reason, the cool-down boundary, the
committee's size and expert share, reproducibility from the recorded seed, the unfillable draw (counts, nothing
written), replacements, audit rows, the provincial share, and a draw from 20,000 experts."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import checks, services, services_experts
from zhengwu.trading.models import (
    Expert,
    ExpertDraw,
    ExpertDrawExclusion,
    ExpertDrawMember,
    ExpertDrawRound,
    Specialty,
)
from zhengwu.trading.selectors import provincial_share, rules_for
from zhengwu.trading.testing import TENDERING_PARTY, at, credit, draw, make_expert, published_tender, register

pytestmark = pytest.mark.django_db


def clean(n: int, *, start: int = 1, specialties=("building",), source="provincial") -> list[Expert]:
    return [make_expert(name=f"专家{start + i}", specialties=specialties, source=source) for i in range(n)]


def serving(d: ExpertDraw) -> list[int]:
    return sorted(d.members.filter(replaced_at__isnull=True).values_list("expert_id", flat=True))


def exclusions(d: ExpertDraw, number: int = 0) -> dict[int, list[str]]:
    return dict(ExpertDrawExclusion.objects.filter(round__draw=d, round__number=number)
                .values_list("expert_id", "reasons"))


# --- conflicts --------------------------------------------------------------------------------------

def test_every_kind_of_conflict_is_left_out_of_the_pool_with_its_reason():
    bureau = make_department(code="jtj", name="区交通运输局")
    tender = published_tender(supervising_department=bureau)
    bidder = register(tender, code=credit(11), name="甲建设有限公司").enterprise
    other_bidder = register(tender, code=credit(12), name="乙建设有限公司").enterprise
    planted = {
        "employer_bidder": make_expert(name="投标人员工", employer=bidder),
        "employer_tendering_party": make_expert(name="招标人员工",
                                                employer={"credit_code": TENDERING_PARTY, "name": "区交通运输局"}),
        "declared_relation": make_expert(name="亲属在乙", declared_conflicts=[other_bidder]),
        "supervising_department": make_expert(name="监督部门人员", department=bureau),
        "low_credit": make_expert(name="信用59分", credit_score=59),
        "local_database": make_expert(name="本地库", source="local"),
        "suspended": make_expert(name="暂停"),
        "punished": make_expert(name="受处罚"),
    }
    services_experts.expert_transition(actor="test", expert=planted["suspended"], action="suspend", reason="连续缺席")
    services_experts.expert_transition(actor="test", expert=planted["punished"], action="punish", reason="违规评标")
    eligible = clean(4) + [make_expert(name="信用60分", credit_score=60)]
    unrelated_specialty = make_expert(name="造价专家", specialties=("cost",))

    d = draw(tender, seed=7)

    left_out = exclusions(d)
    assert {reasons[0] for pk, reasons in left_out.items()} == set(planted)
    assert {pk: reasons for pk, reasons in left_out.items()} == {e.pk: [why] for why, e in planted.items()}
    assert set(serving(d)) < {e.pk for e in eligible}
    assert unrelated_specialty.pk not in left_out
    rnd = d.rounds.get()
    assert rnd.candidates_count == len(planted) + len(eligible)
    assert rnd.exclusions == {"building": {why: 1 for why in sorted(planted)}}


def test_an_expert_drawn_29_days_ago_is_cooling_down_and_one_drawn_30_days_ago_is_not():
    first, second = published_tender(), published_tender()
    experts = clean(4)
    assert serving(draw(first, when="2024-03-06 10:00")) == sorted(e.pk for e in experts)

    with pytest.raises(InvalidInput) as refused:
        draw(second, when="2024-04-04 10:00")  # 29 days later
    assert refused.value.code == "draw_unfillable"
    assert refused.value.details["missing"]["building"]["excluded"] == {"cool_down": 4}

    assert serving(draw(second, when="2024-04-05 10:00")) == sorted(e.pk for e in experts)  # 30 days later


# --- the committee ------------------------------------------------------------------------------------

def test_a_committee_of_4_is_refused_5_accepted_and_6_refused_as_even():
    rules = rules_for(project_type="", procedure="")
    minimum, share = rules["committee_min"], rules["expert_share_min"]
    for size in (4, 6):
        with pytest.raises(InvalidInput) as refused:
            checks.check_committee(minimum, share, committee_size=size, representatives=0)
        assert (refused.value.code, refused.value.field) == ("rule.committee_min", "committee_size")
        assert "committee_min = 5" in refused.value.message
    assert checks.check_committee(minimum, share, committee_size=5, representatives=1) == 4
    assert checks.check_committee(minimum, share, committee_size=7, representatives=2) == 5


def test_experts_must_be_two_thirds_counted_exactly():
    rules = rules_for(project_type="", procedure="")
    minimum, share = rules["committee_min"], rules["expert_share_min"]
    assert checks.check_committee(minimum, share, committee_size=9, representatives=3) == 6  # 6/9 = 2/3 exactly
    for size, reps in ((5, 2), (9, 4)):
        with pytest.raises(InvalidInput) as refused:
            checks.check_committee(minimum, share, committee_size=size, representatives=reps)
        assert (refused.value.code, refused.value.field) == ("rule.expert_share_min", "representatives")
    assert checks.check_committee(minimum, share, committee_size=15, representatives=5) == 10


def test_a_draw_for_a_committee_of_4_is_refused_and_writes_nothing():
    tender = published_tender()
    clean(6)
    with pytest.raises(InvalidInput) as refused:
        draw(tender, committee_size=4, representatives=0, requirements={"building": 4})
    assert refused.value.code == "rule.committee_min"
    assert not ExpertDraw.objects.exists()
    assert len(serving(draw(tender, committee_size=5, representatives=0, requirements={"房屋建筑": 5}))) == 5


def test_the_specialties_must_add_up_to_the_experts_of_the_committee():
    tender = published_tender()
    clean(6)
    with pytest.raises(InvalidInput) as refused:
        draw(tender, committee_size=5, representatives=1, requirements={"building": 3})
    assert refused.value.code == "requirements_mismatch"


def test_no_draw_before_the_sale_period_ends_because_the_bidders_are_not_known_yet():
    tender = published_tender()
    clean(4)
    with pytest.raises(Conflict) as refused:
        draw(tender, when="2024-03-05 18:00")
    assert refused.value.code == "draw_too_early"


# --- reproducibility -------------------------------------------------------------------------------

def test_the_draw_records_its_seed_and_replays_to_the_same_experts():
    tender = published_tender()
    clean(12)
    clean(6, start=100, specialties=("cost",))
    d = draw(tender, committee_size=7, representatives=2, requirements={"房屋建筑": 3, "造价": 2})
    rnd = d.rounds.get()
    assert int(rnd.seed) >= 0
    replay = services_experts.draw_replay(d)
    assert replay["matches"] is True
    assert replay["rounds"][0]["experts"] == list(d.members.order_by("position").values_list("expert_id", flat=True))


def test_different_seeds_choose_differently_and_the_same_seed_the_same():
    pool = {"building": {"provincial": list(range(1, 41)), "local": []}}
    first, _ = services_experts.choose(seed=1, needs={"building": 4}, pool=pool, local_allowed=0)
    again, _ = services_experts.choose(seed=1, needs={"building": 4}, pool=pool, local_allowed=0)
    other, _ = services_experts.choose(seed=2, needs={"building": 4}, pool=pool, local_allowed=0)
    assert first == again
    assert first != other


# --- the unfillable draw ----------------------------------------------------------------------------

def test_an_unfillable_draw_says_per_specialty_how_many_are_missing_and_why_and_writes_nothing():
    tender = published_tender()
    bidder = register(tender, code=credit(11)).enterprise
    clean(2)
    make_expert(name="投标人员工", employer=bidder)
    make_expert(name="本地库", source="local")
    clean(2, start=50, specialties=("cost",))
    events = AuditEvent.objects.count()

    with pytest.raises(InvalidInput) as refused:
        draw(tender, committee_size=7, representatives=2, requirements={"building": 3, "cost": 2})

    error = refused.value
    assert (error.code, error.field) == ("draw_unfillable", "requirements")
    assert "房屋建筑需 3 人,缺 1 人" in error.message
    assert "任职于投标人 1 人" in error.message and "本地库专家(规则 provincial_share_min 要求省库) 1 人" in error.message
    assert "造价" not in error.message
    assert error.details["missing"] == {"building": {
        "specialty": "房屋建筑", "needed": 3, "missing": 1, "holders": 4, "provincial": 2, "local": 0,
        "excluded": {"employer_bidder": 1, "local_database": 1}}}
    assert not ExpertDraw.objects.exists() and not ExpertDrawRound.objects.exists()
    assert not ExpertDrawExclusion.objects.exists() and not ExpertDrawMember.objects.exists()
    assert AuditEvent.objects.count() == events


# --- replacements ------------------------------------------------------------------------------------

def test_a_replacement_is_drawn_the_same_way_excluding_the_drawn_and_the_conflicted():
    tender = published_tender()
    bidder = register(tender, code=credit(11)).enterprise
    experts = clean(5)
    conflicted = make_expert(name="投标人员工", employer=bidder)
    d = draw(tender, seed=3)
    drawn = serving(d)
    spare = ({e.pk for e in experts} - set(drawn)).pop()
    member = d.members.order_by("position").first()

    new = services_experts.expert_draw_replace(actor="test", member=member, cause="declined", reason="出差无法到场",
                                               now=at("2024-03-20 10:00"), seed=5)

    assert new.expert_id == spare
    member.refresh_from_db()
    assert (member.replacement_cause, member.replaced_by_id, member.serving) == ("declined", new.pk, False)
    assert len(serving(d)) == 4 and member.expert_id not in serving(d)
    left_out = exclusions(d, 1)
    assert left_out[conflicted.pk] == ["employer_bidder"]
    assert {pk for pk, why in left_out.items() if "already_drawn" in why} == set(drawn)
    assert services_experts.draw_replay(d)["matches"] is True

    with pytest.raises(InvalidInput) as refused:
        services_experts.expert_draw_replace(actor="test", member=new, cause="excluded", reason="发现与投标人有亲属关系",
                                             now=at("2024-03-20 11:00"))
    assert refused.value.code == "draw_unfillable"
    assert refused.value.details["missing"]["building"]["excluded"]["already_drawn"] == 5
    with pytest.raises(Conflict):
        services_experts.expert_draw_replace(actor="test", member=member, cause="declined", reason="再次",
                                             now=at("2024-03-20 11:00"))


# --- audit ------------------------------------------------------------------------------------------

def test_the_draw_each_replacement_and_each_status_change_are_audited():
    tender = published_tender()
    experts = clean(6)
    services_experts.expert_transition(actor="test", expert=experts[5], action="suspend", reason="暂停一个月")
    d = draw(tender, seed=11)
    member = d.members.order_by("position").first()
    services_experts.expert_draw_replace(actor="test", member=member, cause="declined", reason="生病",
                                         now=at("2024-03-20 10:00"), seed=12)

    suspend = AuditEvent.objects.get(action="expert.suspend", object_id=str(experts[5].pk))
    assert (suspend.from_state, suspend.to_state, suspend.reason) == ("active", "suspended", "暂停一个月")
    created = AuditEvent.objects.get(action="expert_draw.create", object_id=str(d.pk))
    assert created.payload["seed"] == d.rounds.get(number=0).seed
    assert created.payload["candidates"] == 6
    assert created.payload["exclusions"] == {"building": {"suspended": 1}}
    assert sorted(created.payload["chosen"]) == sorted(
        d.members.filter(round__number=0).values_list("expert_id", flat=True))
    replaced = AuditEvent.objects.get(action="expert_draw.replace", object_id=str(d.pk))
    assert (replaced.payload["replaced_expert"], replaced.payload["cause"]) == (member.expert_id, "declined")
    assert replaced.payload["seed"] == "12"


# --- the provincial database -------------------------------------------------------------------------

def test_the_share_drawn_from_the_provincial_database_is_a_figure():
    staff = make_user(role=Role.TRADING_STAFF)
    admin = make_user(role=Role.CENTER_ADMIN)
    services.rule_value_set(actor=admin, code="provincial_share_min", value="3/4")
    tender = published_tender()
    clean(3)
    local = clean(2, start=10, source="local")
    d = draw(tender, seed=1)  # 4 experts, at most 1 from the local database; the province first
    assert d.local_allowed == 1
    assert len(set(serving(d)) & {e.pk for e in local}) == 1
    figure = provincial_share(user=staff)
    assert (figure["drawn"], figure["provincial"], figure["local"], figure["share"]) == (4, 3, 1, "0.7500")


def test_a_draw_from_20000_experts_runs():
    tender = published_tender()
    building, cost = Specialty.objects.get(code="building"), Specialty.objects.get(code="cost")
    Expert.objects.bulk_create([Expert(name=f"专家{i}", status="active", source="provincial" if i % 5 else "local",
                                       credit_score=50 + i % 51) for i in range(20_000)], batch_size=2000)
    ids = list(Expert.objects.values_list("pk", flat=True))
    through = Expert.specialties.through
    through.objects.bulk_create([through(expert_id=pk, specialty_id=(building if i % 3 else cost).pk)
                                 for i, pk in enumerate(ids)], batch_size=2000)
    d = draw(tender, committee_size=7, representatives=2, requirements={"building": 3, "cost": 2})
    assert len(serving(d)) == 5
    assert services_experts.draw_replay(d)["matches"] is True
    assert ExpertDrawExclusion.objects.filter(round__draw=d).count() > 0
