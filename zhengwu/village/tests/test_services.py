"""Stations, agents, trainings, inspections, the directory coverage and the star rating (services and selectors).

Personas: an administrator of the center (district scope), township staff of township A, a village agent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhengwu.cases.choices import CaseStatus, Channel
from zhengwu.cases.testing import make_item, move, receive
from zhengwu.core.errors import Conflict, InvalidInput, NotFound
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.roles import Role
from zhengwu.village import scoring, selectors, services
from zhengwu.village.choices import AgentStatus, StationState
from zhengwu.village.models import Agent, Attendance, Station, TrainingSession
from zhengwu.village.testing import make_agent, make_station

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    tree = make_region_tree(townships=2, villages_per_township=2)
    a1, a2, b1, _b2 = tree["villages"]
    admin = make_user(role=Role.CENTER_ADMIN)
    staff = make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0])
    stations = [make_station(village=v) for v in (a1, a2, b1)]
    return {"tree": tree, "admin": admin, "staff": staff, "stations": stations}


def test_one_station_per_village_and_a_second_is_a_conflict(world):
    village = world["stations"][0].village
    with pytest.raises(Conflict) as exc:
        services.station_create(actor=world["admin"], village=village)
    assert exc.value.field == "village"
    assert Station.objects.filter(village=village).count() == 1


def test_a_station_must_stand_in_a_village(world):
    with pytest.raises(InvalidInput) as exc:
        services.station_create(actor=world["admin"], village=world["tree"]["townships"][0])
    assert exc.value.field == "village"


def test_renovate_then_promote_records_the_dates_and_audits_each_step(world):
    station = world["stations"][0]
    station = services.station_renovate(actor=world["admin"], station=station, on="2023-03-01")
    station = services.station_promote(actor=world["admin"], station=station, on=date(2023, 6, 1))
    station.refresh_from_db()
    assert (station.status, station.renovated_on, station.model_on) == (
        StationState.MODEL, date(2023, 3, 1), date(2023, 6, 1))
    actions = list(AuditEvent.objects.filter(object_id=str(station.pk), action__startswith="station.")
                   .values_list("action", flat=True))
    assert sorted(actions) == ["station.create", "station.promote", "station.renovate"]


def test_promote_refuses_a_station_not_yet_renovated_and_changes_nothing(world):
    station = world["stations"][0]
    with pytest.raises(Conflict):
        services.station_promote(actor=world["admin"], station=station, on="2023-06-01")
    station.refresh_from_db()
    assert station.status == StationState.NOT_RENOVATED and station.model_on is None


def test_promote_refuses_a_date_before_the_renovation(world):
    station = services.station_renovate(actor=world["admin"], station=world["stations"][0], on="2023-03-01")
    with pytest.raises(InvalidInput) as exc:
        services.station_promote(actor=world["admin"], station=station, on="2023-02-01")
    assert exc.value.field == "model_on"


def test_checklist_keeps_known_items_and_names_an_unknown_one(world):
    station = world["stations"][0]
    services.station_update(actor=world["admin"], station=station, checklist_done=["network", "signage"])
    station.refresh_from_db()
    assert station.checklist_done == ["signage", "network"]
    with pytest.raises(InvalidInput) as exc:
        services.station_update(actor=world["admin"], station=station, checklist_done=["signage", "spaceship"])
    assert exc.value.field == "checklist_done" and "spaceship" in exc.value.message


def test_township_staff_cannot_touch_a_station_of_another_township(world):
    other = world["stations"][2]
    with pytest.raises(NotFound):
        services.station_renovate(actor=world["staff"], station=other, on="2023-03-01")


def test_renovation_progress_counts_per_township(world):
    a1, a2, b1 = world["stations"]
    services.station_renovate(actor="test", station=a1, on="2023-01-05")
    a2 = services.station_renovate(actor="test", station=a2, on="2023-01-06")
    services.station_promote(actor="test", station=a2, on="2023-05-06")
    progress = selectors.renovation_progress(user=world["admin"])
    rows = {r["township_id"]: r for r in progress["by_township"]}
    assert (rows[a1.township_id]["stations"], rows[a1.township_id]["renovated"], rows[a1.township_id]["model"],
            rows[a1.township_id]["share"]) == (2, 2, 1, 100.0)
    assert (rows[b1.township_id]["renovated"], rows[b1.township_id]["share"]) == (0, 0.0)
    assert progress["totals"] == {"stations": 3, "renovated": 2, "model": 1, "share": 66.7}


def test_an_agent_at_two_stations_is_a_conflict_naming_the_agent_and_nothing_changes(world):
    first, second = world["stations"][0], world["stations"][1]
    agent = make_agent(station=first, name="王小兰")
    with pytest.raises(Conflict) as exc:
        services.agent_register(actor=world["admin"], user=agent.user, station=second, birth_date="1980-01-01")
    assert exc.value.status == 409 and exc.value.field == "station"
    assert "王小兰" in exc.value.message and first.name in exc.value.message
    assert Agent.objects.count() == 1 and Agent.objects.get().station == first


def test_an_agent_needs_a_village_agent_login(world):
    clerk = make_user(role=Role.WINDOW_CLERK)
    with pytest.raises(InvalidInput) as exc:
        services.agent_register(actor=world["admin"], user=clerk, station=world["stations"][0],
                                birth_date="1980-01-01")
    assert exc.value.field == "user"


def test_certificate_number_and_date_go_together(world):
    user = make_user(role=Role.VILLAGE_AGENT, region=world["stations"][0].village)
    with pytest.raises(InvalidInput) as exc:
        services.agent_register(actor=world["admin"], user=user, station=world["stations"][0],
                                birth_date="1980-01-01", certificate_number="DB-001")
    assert exc.value.field == "certificate_date"
    assert not Agent.objects.exists()


def test_deactivate_needs_a_reason_and_reactivate_brings_the_agent_back(world):
    agent = make_agent(station=world["stations"][0])
    with pytest.raises(InvalidInput) as exc:
        services.agent_deactivate(actor=world["admin"], agent=agent, reason="")
    assert exc.value.field == "reason"
    agent = services.agent_deactivate(actor=world["admin"], agent=agent, reason="外出务工")
    assert agent.status == AgentStatus.INACTIVE
    agent = services.agent_reactivate(actor=world["admin"], agent=agent)
    assert agent.status == AgentStatus.ACTIVE


def test_age_structure_puts_each_agent_in_its_band(world):
    s = world["stations"][0]
    for birth in (date(1998, 1, 1), date(1985, 6, 30), date(1985, 7, 1), date(1962, 1, 1)):
        make_agent(station=s, birth=birth)
    bands = {r["band"]: r["agents"] for r in selectors.age_structure(user=world["admin"], on=date(2023, 6, 30))}
    assert bands == {"30岁以下": 1, "30–39岁": 2, "40–49岁": 0, "50–59岁": 0, "60岁及以上": 1}


def test_training_with_an_unknown_agent_is_refused_naming_it_and_nothing_is_written(world):
    agent = make_agent(station=world["stations"][0], username="zhang_agent")
    with pytest.raises(InvalidInput) as exc:
        services.training_record(actor=world["admin"], held_on="2023-04-01", topic="社保业务培训",
                                 attendees=[agent.pk, "nobody_here"])
    assert exc.value.status == 422 and exc.value.field == "attendees" and "nobody_here" in exc.value.message
    assert not TrainingSession.objects.exists() and not Attendance.objects.exists()


def test_training_records_attendance_by_id_or_login(world):
    a = make_agent(station=world["stations"][0], username="agent_a")
    b = make_agent(station=world["stations"][1], username="agent_b")
    session = services.training_record(actor=world["staff"], held_on="2023-04-01", topic="代办业务",
                                       township=world["tree"]["townships"][0], attendees=[a.pk, "agent_b"])
    assert set(session.attendance.values_list("agent_id", flat=True)) == {a.pk, b.pk}


def test_township_staff_cannot_sign_in_an_agent_of_another_township(world):
    other = make_agent(station=world["stations"][2])
    with pytest.raises(InvalidInput) as exc:
        services.training_record(actor=world["staff"], held_on="2023-04-01", topic="代办业务",
                                 township=world["tree"]["townships"][0], attendees=[other.pk])
    assert exc.value.field == "attendees"


def test_inspection_score_must_lie_between_0_and_100(world):
    with pytest.raises(InvalidInput) as exc:
        services.inspection_record(actor=world["admin"], station=world["stations"][0], inspected_on="2023-05-01",
                                   score="120", inspector="区中心")
    assert exc.value.field == "score"


def test_cases_submitted_by_the_agent_are_credited_to_the_agent(world):
    dept = make_department()
    item = make_item(department=dept, code="V-1", level_village=True, village_assisted=True)
    agent = make_agent(station=world["stations"][0])
    other = make_agent(station=world["stations"][1])
    for when in ("2023-03-01 09:00", "2023-03-02 09:00", "2024-01-03 09:00"):
        receive(actor=agent.user, item=item, when=when, channel=Channel.AGENT, village=agent.station.village)
    receive(actor=other.user, item=item, when="2023-03-01 10:00", channel=Channel.AGENT, village=other.station.village)
    assert selectors.agent_cases(agent=agent).count() == 3
    assert selectors.agent_cases(agent=agent, start=date(2023, 1, 1), end=date(2023, 12, 31)).count() == 2
    assert selectors.cases_per_agent(agents=[agent, other], start=date(2023, 1, 1), end=date(2023, 12, 31)) == {
        agent.pk: 2, other.pk: 1}


# --- coverage ----------------------------------------------------------------------------------------

def test_directory_coverage_counts_village_items_and_the_township_share_of_personal_items(db):
    dept = make_department()
    make_item(department=dept, code="P-1", applicant_kinds="person", level_township=True, level_village=True)
    make_item(department=dept, code="P-2", applicant_kinds="both", level_township=True)
    make_item(department=dept, code="P-3", applicant_kinds="person", village_assisted=True)
    make_item(department=dept, code="E-1", applicant_kinds="enterprise", level_village=True)
    make_item(department=dept, code="X-1", applicant_kinds="person", level_village=True, level_township=True,
              is_active=False)
    cov = selectors.directory_coverage()
    assert (cov.village_items, cov.village_shortfall, cov.village_met) == (2, 98, False)
    assert (cov.personal_items, cov.personal_at_township, cov.township_share) == (3, 2, 66.7)
    assert cov.township_met is False
    assert [i.code for i in cov.township_missing] == ["P-3"]
    assert [i.code for i in cov.village_candidates] == ["P-3"]


# --- the star rating ---------------------------------------------------------------------------------

def test_scoring_a_hand_counted_agent_with_cases_reviews_trainings_and_inspection():
    counts = scoring.Counts(cases=200, completed=10, on_time=9, reviews=4, review_level_sum=18, trainings=3,
                            inspections=1, inspection_score_sum=Decimal(95))
    parts = scoring.components(counts, targets={"cases": 180, "training": 4})
    # cases capped at 100; 9/10 on time; mean review 4.5 → (4.5 − 1) / 4; 3 of 4 trainings; inspection 95
    assert parts == {"cases": 100, "timeliness": 90, "satisfaction": Decimal("87.5"), "training": 75,
                     "inspection": 95}
    value = scoring.score(parts, weights=scoring.DEFAULT_WEIGHTS)
    # (30×100 + 20×90 + 20×87.5 + 15×75 + 15×95) / 100 = 91.0
    assert value == Decimal("91.0")
    assert scoring.stars_for(value, thresholds=scoring.DEFAULT_THRESHOLDS) == 5


def test_stars_follow_the_thresholds_at_their_edges():
    t = scoring.DEFAULT_THRESHOLDS
    assert [scoring.stars_for(Decimal(v), thresholds=t) for v in ("89.9", "80", "79.9", "60", "59.9", "0")] == [
        4, 4, 3, 2, 1, 1]


def test_ranks_share_a_place_on_equal_scores():
    assert scoring.ranks([(1, Decimal(70)), (2, Decimal(80)), (3, Decimal(70)), (4, Decimal(60))]) == {
        2: 1, 1: 2, 3: 2, 4: 4}


def test_rating_run_scores_a_hand_counted_township_and_keeps_history(world):
    dept = make_department()
    clerk = make_user(role=Role.WINDOW_CLERK, department=dept)
    item = make_item(department=dept, code="V-2", level_village=True, promised=5, statutory=20)
    s_a, s_b, s_c = world["stations"]
    a = make_agent(station=s_a, name="甲代办")
    b = make_agent(station=s_b, name="乙代办")
    c = make_agent(station=s_c, name="丙代办")
    # A: 3 cases in 2023 (one completed on time) and one in 2024
    cases = [receive(actor=a.user, item=item, when=w, channel=Channel.AGENT, village=s_a.village)
             for w in ("2023-03-01 09:00", "2023-03-02 09:00", "2023-03-03 09:00", "2024-01-03 09:00")]
    accepted = move(cases[0], "accept", actor=clerk, when="2023-03-01 10:00")
    done = move(accepted, "approve", actor=clerk, when="2023-03-02 10:00")
    assert done.status == CaseStatus.COMPLETED
    # trainings: A attends one in 2023 and one in 2024; B attends two in 2023
    s1 = services.training_record(actor="test", held_on="2023-04-01", topic="一", attendees=[a.pk, b.pk])
    services.training_record(actor="test", held_on="2023-05-01", topic="二", attendees=[b.pk])
    services.training_record(actor="test", held_on="2024-02-01", topic="三", attendees=[a.pk])
    assert s1.attendance.count() == 2
    # inspections of A's station: 80 and 90 in 2023 (mean 85); B's station none (60)
    services.inspection_record(actor="test", station=s_a, inspected_on="2023-06-01", score=80, inspector="区中心")
    services.inspection_record(actor="test", station=s_a, inspected_on="2023-09-01", score=90, inspector="区中心")
    scheme = services.scheme_create(actor=world["admin"], name="2023年度", period_start="2023-01-01",
                                    period_end="2023-12-31", targets={"cases": 4, "training": 2})
    services.rating_run(actor=world["admin"], scheme=scheme)
    ratings = {r.agent_id: r for r in scheme.ratings.all()}
    # A: cases 3/4 → 75; timeliness 1/1 → 100; no review → 50; training 1/2 → 50; inspection 85
    #    (30×75 + 20×100 + 20×50 + 15×50 + 15×85) / 100 = 72.75 → 72.8, 3 stars
    # B: cases 0; no completed case → 0; 50; training 2/2 → 100; 60 → (0 + 0 + 1000 + 1500 + 900) / 100 = 34.0
    # C (the other township): 0, 0, 50, 0, 60 → (1000 + 900) / 100 = 19.0
    assert (ratings[a.pk].score, ratings[a.pk].stars, ratings[a.pk].rank_in_township) == (Decimal("72.8"), 3, 1)
    assert (ratings[b.pk].score, ratings[b.pk].stars, ratings[b.pk].rank_in_township) == (Decimal("34.0"), 1, 2)
    assert (ratings[c.pk].score, ratings[c.pk].stars, ratings[c.pk].rank_in_township) == (Decimal("19.0"), 1, 1)
    # running again replaces, never duplicates; a second period adds to the agent's history
    services.rating_run(actor=world["admin"], scheme=scheme)
    assert scheme.ratings.count() == 3
    later = services.scheme_create(actor=world["admin"], name="2024年度", period_start="2024-01-01",
                                   period_end="2024-12-31", targets={"cases": 4, "training": 2})
    services.rating_run(actor=world["admin"], scheme=later)
    assert [r.scheme.name for r in selectors.agent_history(agent=a)] == ["2024年度", "2023年度"]


def test_a_scheme_with_a_missing_star_level_is_refused(world):
    with pytest.raises(InvalidInput) as exc:
        services.scheme_create(actor=world["admin"], name="坏方案", period_start="2023-01-01",
                               period_end="2023-12-31", thresholds=[[90, 5], [80, 4], [0, 1]])
    assert exc.value.field == "thresholds"
