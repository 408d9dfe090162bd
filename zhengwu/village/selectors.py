"""Every non-trivial read of village-level service, scoped to the user.

Administrators and leaders see the district; township staff their township; a village agent their village.
Coverage of the village directory reads the service catalog (``cases.ServiceItem``) and is not scoped (the
catalog is public). An agent's cases are the ``cases.Case`` rows whose ``agent`` is the agent's user
(whatever the channel: the cases demo records most agent submissions as mobile, see docs/village.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhengwu.cases.models import Case, ServiceItem
from zhengwu.core.periods import local_day_bounds
from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.org.models import Region, RegionLevel
from zhengwu.village.choices import AGE_BANDS, AgentStatus, StationState
from zhengwu.village.models import Agent, RatingScheme, StarRating, Station, TrainingSession

STATION_SCOPE = ScopePaths(township="township_id", village="village_id")
AGENT_SCOPE = ScopePaths(township="station__township_id", village="station__village_id")
TRAINING_SCOPE = ScopePaths(township="township_id")
RATING_SCOPE = ScopePaths(township="township_id", village="agent__station__village_id")

VILLAGE_ITEMS_GOAL = 100
TOWNSHIP_SHARE_GOAL = 80.0


def _reader(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm("village.view"))


def stations_visible_to(user: Any) -> QuerySet[Station]:
    if not _reader(user):
        return Station.objects.none()
    return scope_filter(user, Station.objects.all(), STATION_SCOPE)


def agents_visible_to(user: Any) -> QuerySet[Agent]:
    if not _reader(user):
        return Agent.objects.none()
    return scope_filter(user, Agent.objects.all(), AGENT_SCOPE)


def trainings_visible_to(user: Any) -> QuerySet[TrainingSession]:
    """Township staff see their township's sessions and the district's (township empty)."""
    if not _reader(user):
        return TrainingSession.objects.none()
    if user.scope in ("township", "village"):
        township = user.township
        return TrainingSession.objects.filter(Q(township__isnull=True) | Q(township_id=getattr(township, "pk", None)))
    return scope_filter(user, TrainingSession.objects.all(), TRAINING_SCOPE)


def ratings_visible_to(user: Any) -> QuerySet[StarRating]:
    if not _reader(user):
        return StarRating.objects.none()
    return scope_filter(user, StarRating.objects.all(), RATING_SCOPE)


def station_get(*, user: Any, pk: int) -> Station:
    return get_visible(stations_visible_to(user).select_related("village", "township"), pk=pk)


def agent_get(*, user: Any, pk: int) -> Agent:
    return get_visible(agents_visible_to(user).select_related("station", "station__township", "user"), pk=pk)


def agent_of(user: Any) -> Agent:
    """The agent record of a signed-in village agent (404 when the login has none)."""
    return get_visible(Agent.objects.select_related("station", "station__village", "station__township"),
                       user_id=getattr(user, "pk", None))


def station_list(*, user: Any, township: int | None = None, status: str = "", q: str = "") -> QuerySet[Station]:
    qs = stations_visible_to(user).select_related("village", "township")
    if township:
        qs = qs.filter(township_id=township)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(village__name__contains=q))
    return qs


def agent_list(*, user: Any, township: int | None = None, status: str = "", q: str = "") -> QuerySet[Agent]:
    qs = agents_visible_to(user).select_related("station", "station__township")
    if township:
        qs = qs.filter(station__township_id=township)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(station__name__contains=q) | Q(certificate_number__contains=q))
    return qs


def renovation_progress(*, user: Any) -> dict[str, Any]:
    """Per township: stations, renovated (renovated or model), model stations and the share renovated."""
    rows = (stations_visible_to(user).values("township_id", "township__name", "township__sort")
            .annotate(stations=Count("id"),
                      renovated=Count("id", filter=Q(status__in=(StationState.RENOVATED, StationState.MODEL))),
                      model=Count("id", filter=Q(status=StationState.MODEL)))
            .order_by("township__sort", "township_id"))
    result = []
    totals = {"stations": 0, "renovated": 0, "model": 0}
    for r in rows:
        result.append({"township_id": r["township_id"], "township": r["township__name"], "stations": r["stations"],
                       "renovated": r["renovated"], "model": r["model"],
                       "share": round(100 * r["renovated"] / r["stations"], 1) if r["stations"] else 0.0})
        for key in totals:
            totals[key] += r[key]
    totals["share"] = round(100 * totals["renovated"] / totals["stations"], 1) if totals["stations"] else 0.0
    return {"by_township": result, "totals": totals}


def age_of(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_structure(*, user: Any, on: date, active_only: bool = True) -> list[dict[str, Any]]:
    """The agents by age band (``choices.AGE_BANDS``) on ``on``."""
    qs = agents_visible_to(user)
    if active_only:
        qs = qs.filter(status=AgentStatus.ACTIVE)
    counts = {label: 0 for label, _lo, _hi in AGE_BANDS}
    for birth in qs.values_list("birth_date", flat=True):
        age = age_of(birth, on)
        for label, lo, hi in AGE_BANDS:
            if lo <= age <= hi:
                counts[label] += 1
                break
    return [{"band": label, "agents": n} for label, n in counts.items()]


def agent_cases(*, agent: Agent, start: date | None = None, end: date | None = None) -> QuerySet[Case]:
    """The cases credited to ``agent``: ``Case.agent`` is the agent's user, received in [start, end]."""
    qs = Case.objects.filter(agent_id=agent.user_id)
    if start:
        qs = qs.filter(received_at__date__gte=start)
    if end:
        qs = qs.filter(received_at__date__lte=end)
    return qs


def cases_per_agent(*, agents: QuerySet[Agent] | list[Agent], start: date, end: date) -> dict[int, int]:
    """Agent id → number of cases credited to them in the period (one grouped query)."""
    by_user = {a.user_id: a.pk for a in agents}
    rows = (Case.objects.filter(agent_id__in=list(by_user), received_at__date__gte=start,
                                received_at__date__lte=end)
            .values("agent_id").annotate(n=Count("id")).order_by())
    return {by_user[r["agent_id"]]: r["n"] for r in rows}


# --- the village directory ---------------------------------------------------------------------------

@dataclass
class Coverage:
    village_items: int
    village_goal: int
    village_shortfall: int
    personal_items: int
    personal_at_township: int
    township_share: float
    township_goal: float
    #: active items assisted by agents (帮办代办目录) that are not yet handled at village level
    village_candidates: list[ServiceItem]
    #: active personal items not yet handled at township level
    township_missing: list[ServiceItem]

    @property
    def village_met(self) -> bool:
        return self.village_items >= self.village_goal

    @property
    def township_met(self) -> bool:
        return self.township_share >= self.township_goal


def directory_coverage() -> Coverage:
    """Coverage of the village directory against the goals (DOMAIN.md §6): ≥ 100 active items handled at
    village level; ≥ 80 % of the active items for persons (applicant kinds person or both) at township level."""
    active = ServiceItem.objects.filter(is_active=True)
    village_items = active.filter(level_village=True).count()
    personal = active.filter(applicant_kinds__in=("person", "both"))
    personal_n = personal.count()
    at_township = personal.filter(level_township=True).count()
    share = round(100 * at_township / personal_n, 1) if personal_n else 0.0
    return Coverage(
        village_items=village_items, village_goal=VILLAGE_ITEMS_GOAL,
        village_shortfall=max(0, VILLAGE_ITEMS_GOAL - village_items),
        personal_items=personal_n, personal_at_township=at_township, township_share=share,
        township_goal=TOWNSHIP_SHARE_GOAL,
        village_candidates=list(active.filter(village_assisted=True, level_village=False)
                                .select_related("department").order_by("code")),
        township_missing=list(personal.filter(level_township=False).select_related("department").order_by("code")),
    )


def village_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(is_active=True, level_village=True).select_related("department").order_by("code")


# --- ratings -----------------------------------------------------------------------------------------

def schemes() -> QuerySet[RatingScheme]:
    return RatingScheme.objects.all()


def rating_ranking(*, user: Any, scheme: RatingScheme, township: int | None = None) -> QuerySet[StarRating]:
    qs = ratings_visible_to(user).filter(scheme=scheme).select_related("agent", "agent__station", "township")
    if township:
        qs = qs.filter(township_id=township)
    return qs.order_by("township__sort", "township_id", "rank_in_township")


def stars_by_township(*, user: Any, scheme: RatingScheme) -> list[dict[str, Any]]:
    rows = (ratings_visible_to(user).filter(scheme=scheme)
            .values("township_id", "township__name", "township__sort")
            .annotate(agents=Count("id"), **{f"s{n}": Count("id", filter=Q(stars=n)) for n in range(1, 6)})
            .order_by("township__sort", "township_id"))
    return [{"township_id": r["township_id"], "township": r["township__name"], "agents": r["agents"],
             "stars": [r[f"s{n}"] for n in range(1, 6)]} for r in rows]


def agent_history(*, agent: Agent) -> QuerySet[StarRating]:
    return agent.ratings.select_related("scheme").order_by("-scheme__period_end")


def townships_visible_to(user: Any) -> QuerySet[Region]:
    qs = Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("sort", "code")
    if user.scope in ("township", "village"):
        township = user.township
        return qs.filter(pk=getattr(township, "pk", None))
    return qs


# --- district-wide reads for the leadership dashboard and the work report (issue 11) ----------------------------

def stations_renovated_by(*, on: date) -> int:
    """Stations renovated (改造提升, model stations included) by ``on``: state renovated or model, renovation
    date on or before ``on`` (the cumulative count ``renovation_progress`` shows today)."""
    return Station.objects.filter(status__in=(StationState.RENOVATED, StationState.MODEL),
                                  renovated_on__lte=on).count()


def model_stations_by(*, on: date) -> int:
    """Model stations (样板站) named on or before ``on``."""
    return Station.objects.filter(status=StationState.MODEL, model_on__lte=on).count()


def agents_trained(*, start: date, end: date) -> int:
    """Distinct agents who attended at least one training session held in [start, end]."""
    return Agent.objects.filter(attendance__session__held_on__gte=start,
                                attendance__session__held_on__lte=end).distinct().count()


def trainings_held(*, start: date, end: date) -> int:
    """Training sessions held in [start, end] (the district's and the townships')."""
    return TrainingSession.objects.filter(held_on__gte=start, held_on__lte=end).count()


def agent_cases_count(*, start: date, end: date) -> int:
    """Cases credited to village agents (``Case.agent`` is an agent's login), received in [start, end]; the sum
    of :func:`cases_per_agent` over every agent."""
    first, after = local_day_bounds(start, end)
    return Case.objects.filter(agent__village_agent__isnull=False, received_at__gte=first,
                               received_at__lt=after).count()


def station_coverage() -> tuple[int, int]:
    """(villages with a service station, villages) of the district today."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE)
    return villages.filter(service_station__isnull=False).count(), villages.count()
