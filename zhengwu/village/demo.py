"""Demo data of village-level service (step ``village.year2023``, order 98), calibrated to DOMAIN.md §13:
275 stations (one per village, all 275 renovated, 66 of them model stations), one agent record per village
agent login of the cases demo (329, with birth dates read from their ID numbers and certificates), 1,338
training sessions held 3 January – 30 November 2023 (the seed reports January–November) with attendance
(``--scale`` multiplies the sessions), two inspections per station, and the 2023 star rating.

The cases demo already credits its agent cases (``Case.agent`` is the agent's login, ≥ 60,000 in 2023); any
2023 case received through the agent channel without an agent is credited here to an agent of its village.
Rows are written in bulk; each kind of row gets one audit event per batch (``village.demo``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q

from zhengwu.cases.choices import Channel
from zhengwu.cases.models import Case
from zhengwu.core import audit
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.org.models import Region, RegionLevel, User
from zhengwu.org.roles import Role
from zhengwu.village import scoring, services
from zhengwu.village.choices import CHECKLIST_KEYS, AgentStatus, StationState
from zhengwu.village.models import Agent, Attendance, Inspection, Station, TrainingSession

YEAR = 2023
STATIONS_RENOVATED = 275
MODEL_STATIONS = 66
#: every renovation (by 31 October) and every model station is done by the end of the seed's report period
MODEL_BY = date(YEAR, 11, 30)
TRAININGS = 1338
#: the sessions' dates: inside the seed's report period (January–November)
TRAINING_DAYS = (date(YEAR, 1, 3), date(YEAR, 11, 30))
BATCH = 2000
TOPICS = ("村级代办事项业务培训", "社保医保代办实务", "不动产登记代办要点", "“浙里办”掌上代办操作", "好差评与服务规范",
          "残疾人证与救助代办", "户籍业务代办", "农业补贴申领代办", "个人信息保护与保密", "新增下放事项培训")
HOURS = ("周一至周五 8:30–11:30,14:00–17:00", "周一至周六 8:30–17:00", "周一至周五 8:00–17:30")


def _audit(kind: str, n: int, batch: int, **payload: object) -> None:
    audit.record(actor="demo", action="village.demo", obj=("village.demo", f"{YEAR}:{kind}:{batch}"),
                 payload={"kind": kind, "rows": n, **payload})


def _day(rng, start: date, end: date) -> date:  # noqa: ANN001
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _birth(user: User, rng) -> date:  # noqa: ANN001
    """From the person's ID number (digits 7–14), else drawn."""
    number = getattr(getattr(user, "person", None), "id_number", "") or ""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except (ValueError, IndexError):
        return date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))


def make_stations(rng, villages: list[Region]) -> list[Station]:  # noqa: ANN001
    renovated = set(v.pk for v in rng.sample(villages, min(STATIONS_RENOVATED, len(villages))))
    model = set(rng.sample(sorted(renovated), min(MODEL_STATIONS, len(renovated))))
    rows = []
    for v in villages:
        state = StationState.MODEL if v.pk in model else (
            StationState.RENOVATED if v.pk in renovated else StationState.NOT_RENOVATED)
        renovated_on = _day(rng, date(2022, 3, 1), date(2023, 10, 31)) if v.pk in renovated else None
        model_on = (min(max(renovated_on + timedelta(days=30), date(2023, 6, 1)) + timedelta(days=rng.randrange(90)),
                        MODEL_BY) if v.pk in model else None)
        done = list(CHECKLIST_KEYS) if v.pk in model else (
            [k for k in CHECKLIST_KEYS if rng.random() < 0.85] if v.pk in renovated else
            [k for k in CHECKLIST_KEYS if rng.random() < 0.3])
        rows.append(Station(status=state, village=v, township_id=v.parent_id, name=f"{v.name}便民服务站",
                            address=f"{v.parent.name}{v.name}村委会一楼", opening_hours=rng.choice(HOURS),
                            renovated_on=renovated_on, model_on=model_on, checklist_done=done))
    stations = Station.objects.bulk_create(rows, batch_size=BATCH)
    _audit("stations", len(stations), 1, renovated=len(renovated), model=len(model))
    return stations


def make_agents(rng, stations: dict[int, Station]) -> list[Agent]:  # noqa: ANN001
    users = list(User.objects.filter(role=Role.VILLAGE_AGENT, region_id__in=list(stations))
                 .exclude(village_agent__isnull=False).select_related("person").order_by("pk"))
    rows = []
    for n, user in enumerate(users, start=1):
        birth = _birth(user, rng)
        certified = rng.random() < 0.95
        cert_on = _day(rng, date(2019, 1, 1), date(2023, 6, 30)) if certified else None
        rows.append(Agent(status=AgentStatus.ACTIVE, name=user.display_name or user.username, user=user,
                          station=stations[user.region_id], birth_date=birth,
                          certificate_number=f"WCDB{YEAR}{n:04d}" if certified else "", certificate_date=cert_on))
    agents = Agent.objects.bulk_create(rows, batch_size=BATCH)
    _audit("agents", len(agents), 1)
    return agents


def make_trainings(rng, agents: list[Agent], townships: list[Region], sessions: int) -> int:  # noqa: ANN001
    by_township: dict[int, list[int]] = {}
    for a in agents:
        by_township.setdefault(a.station.township_id, []).append(a.pk)
    rows = []
    for _ in range(sessions):
        district = rng.random() < 0.08 or not by_township
        township = None if district else rng.choice([t for t in townships if t.pk in by_township])
        rows.append(TrainingSession(held_on=_day(rng, *TRAINING_DAYS),
                                    topic=rng.choice(TOPICS), township=township))
    created = TrainingSession.objects.bulk_create(rows, batch_size=BATCH)
    attendance = []
    all_ids = [a.pk for a in agents]
    for s in created:
        pool = all_ids if s.township_id is None else by_township[s.township_id]
        k = min(len(pool), 40) if s.township_id is None else len(pool)
        chosen = rng.sample(pool, k) if s.township_id is None else [pk for pk in pool if rng.random() < 0.8]
        attendance += [Attendance(session=s, agent_id=pk) for pk in chosen]
    for i in range(0, len(attendance), BATCH * 5):
        chunk = attendance[i:i + BATCH * 5]
        Attendance.objects.bulk_create(chunk, batch_size=BATCH)
        _audit("attendance", len(chunk), i // (BATCH * 5) + 1)
    _audit("trainings", len(created), 1)
    return len(attendance)


def make_inspections(rng, stations: list[Station]) -> None:  # noqa: ANN001
    rows = []
    for s in stations:
        for half in ((date(YEAR, 3, 1), date(YEAR, 6, 30)), (date(YEAR, 9, 1), date(YEAR, 11, 30))):
            base = 88 if s.status == StationState.MODEL else 78
            rows.append(Inspection(station=s, inspected_on=_day(rng, *half), inspector="区政务服务中心",
                                   score=min(100, max(50, round(rng.gauss(base, 7), 1)))))
    Inspection.objects.bulk_create(rows, batch_size=BATCH)
    _audit("inspections", len(rows), 1)


def credit_agent_channel_cases(rng, agents: list[Agent]) -> int:  # noqa: ANN001
    """2023 agent-channel cases without an agent are credited to an agent of their village."""
    by_village: dict[int, list[int]] = {}
    for a in agents:
        by_village.setdefault(a.station.village_id, []).append(a.user_id)
    pending = (Case.objects.filter(channel=Channel.AGENT, agent__isnull=True, received_at__year=YEAR,
                                   village_id__in=list(by_village))
               .values_list("pk", "village_id").order_by("pk"))
    groups: dict[int, list[int]] = {}
    for pk, village in pending:
        groups.setdefault(rng.choice(by_village[village]), []).append(pk)
    total = 0
    for user_id, ids in groups.items():
        total += Case.objects.filter(pk__in=ids, agent__isnull=True).update(agent_id=user_id)
    if total:
        _audit("case_credit", total, 1)
    return total


@demo_step("village.year2023", order=98)
def make_year(ctx: DemoContext) -> None:
    rng = ctx.rng_for("village.year2023")
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE).exclude(service_station__isnull=False)
                    .select_related("parent").order_by("parent__sort", "sort", "pk"))
    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("sort", "pk"))
    stations = make_stations(rng, villages)
    by_village = {s.village_id: s for s in Station.objects.select_related("village")}
    agents = make_agents(rng, by_village)
    agents = list(Agent.objects.select_related("station"))
    attendance = make_trainings(rng, agents, townships, ctx.scaled(TRAININGS))
    make_inspections(rng, stations)
    credited = credit_agent_channel_cases(rng, agents)
    scheme = services.scheme_create(actor="demo", name=f"{YEAR}年度代办员星级评定", period_start=date(YEAR, 1, 1),
                                    period_end=date(YEAR, 12, 31), weights=scoring.DEFAULT_WEIGHTS,
                                    targets=scoring.DEFAULT_TARGETS, thresholds=scoring.DEFAULT_THRESHOLDS)
    ratings = services.rating_run(actor="demo", scheme=scheme)
    ctx.made.update(village_stations=len(stations), village_agents=len(agents))
    ctx.log(f"    village: {len(stations)} stations, {len(agents)} agents, {ctx.scaled(TRAININGS)} trainings "
            f"({attendance} attendances), {credited} cases credited, {len(ratings)} ratings; "
            f"agent cases {YEAR}: {Case.objects.filter(Q(agent__isnull=False), received_at__year=YEAR).count()}")
