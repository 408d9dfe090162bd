"""The village API (a ninja Router mounted at /api/v1/village/): stations and their renovation, agents with
their cases, trainings, inspections, the directory coverage and the star rating. Each endpoint parses, calls
one service or selector, and renders; refusals are AppErrors in the platform's one error format."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from zhengwu.core.errors import InvalidInput, NotFound
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.org.models import Region, User
from zhengwu.village import selectors, services
from zhengwu.village.models import Agent, RatingScheme, Station, StarRating, TrainingSession
from zhengwu.village.schemas import (
    AgeBandOut,
    AgentCasesOut,
    AgentIn,
    AgentOut,
    AgentPageOut,
    CoverageOut,
    DateIn,
    InspectionIn,
    InspectionOut,
    ProgressOut,
    RatingOut,
    ReasonIn,
    SchemeIn,
    SchemeOut,
    StationIn,
    StationOut,
    StationPageOut,
    StationUpdateIn,
    TrainingIn,
    TrainingOut,
)

router = Router(tags=["village"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "village.view"


def _station(s: Station) -> dict:
    return {"id": s.pk, "name": s.name, "village_id": s.village_id, "village": s.village.name,
            "township_id": s.township_id, "township": s.township.name, "status": s.status,
            "status_label": s.get_status_display(), "address": s.address, "opening_hours": s.opening_hours,
            "renovated_on": s.renovated_on, "model_on": s.model_on, "checklist_done": s.checklist_done,
            "version": s.version}


def _agent(a: Agent) -> dict:
    return {"id": a.pk, "name": a.name, "user_id": a.user_id, "username": a.user.username,
            "station_id": a.station_id, "station": a.station.name, "township_id": a.station.township_id,
            "birth_date": a.birth_date, "age": selectors.age_of(a.birth_date, timezone.localdate()),
            "certificate_number": a.certificate_number, "certificate_date": a.certificate_date,
            "status": a.status, "status_label": a.get_status_display(), "version": a.version}


def _rating(r: StarRating) -> dict:
    return {"scheme_id": r.scheme_id, "scheme": r.scheme.name, "agent_id": r.agent_id, "agent": r.agent.name,
            "township_id": r.township_id, "score": r.score, "stars": r.stars,
            "rank_in_township": r.rank_in_township, "components": r.components}


def _region(pk: int | None, *, field: str) -> Region | None:
    if pk is None:
        return None
    region = Region.objects.filter(pk=pk).first()
    if region is None:
        raise InvalidInput("区划不存在。", field=field, code="unknown")
    return region


# --- stations ----------------------------------------------------------------------------------------

@router.get("/stations", response={200: StationPageOut, **ERRORS})
def station_list(request: HttpRequest, township: int | None = None, status: str = "", q: str = "",
                 limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.station_list(user=request.user, township=township, status=status, q=q)
    return {"count": qs.count(), "items": [_station(s) for s in qs[offset:offset + limit]]}


@router.get("/stations/progress", response={200: ProgressOut, **ERRORS})
def station_progress(request: HttpRequest):
    """Renovation progress per township."""
    require(request.user, VIEW)
    return selectors.renovation_progress(user=request.user)


@router.post("/stations", response={201: StationOut, **ERRORS})
def station_create(request: HttpRequest, data: StationIn):
    village = _region(data.village_id, field="village_id")
    station = services.station_create(actor=request.user, village=village,
                                      **data.dict(exclude={"village_id"}))
    return Status(201, _station(station))


@router.get("/stations/{pk}", response={200: StationOut, **ERRORS})
def station_detail(request: HttpRequest, pk: int):
    return _station(selectors.station_get(user=request.user, pk=pk))


@router.patch("/stations/{pk}", response={200: StationOut, **ERRORS})
def station_update(request: HttpRequest, pk: int, data: StationUpdateIn):
    station = selectors.station_get(user=request.user, pk=pk)
    services.station_update(actor=request.user, station=station, **data.dict(exclude_unset=True))
    return _station(selectors.station_get(user=request.user, pk=pk))


@router.post("/stations/{pk}/renovate", response={200: StationOut, **ERRORS})
def station_renovate(request: HttpRequest, pk: int, data: DateIn):
    services.station_renovate(actor=request.user, station=pk, on=data.on)
    return _station(selectors.station_get(user=request.user, pk=pk))


@router.post("/stations/{pk}/promote", response={200: StationOut, **ERRORS})
def station_promote(request: HttpRequest, pk: int, data: DateIn):
    services.station_promote(actor=request.user, station=selectors.station_get(user=request.user, pk=pk),
                             on=data.on)
    return _station(selectors.station_get(user=request.user, pk=pk))


@router.post("/stations/{pk}/demote", response={200: StationOut, **ERRORS})
def station_demote(request: HttpRequest, pk: int, data: ReasonIn):
    services.station_demote(actor=request.user, station=pk, reason=data.reason)
    return _station(selectors.station_get(user=request.user, pk=pk))


@router.post("/stations/{pk}/inspections", response={201: InspectionOut, **ERRORS})
def inspection_record(request: HttpRequest, pk: int, data: InspectionIn):
    station = selectors.station_get(user=request.user, pk=pk)
    inspection = services.inspection_record(actor=request.user, station=station, **data.dict())
    return Status(201, inspection)


# --- agents ------------------------------------------------------------------------------------------

@router.get("/agents", response={200: AgentPageOut, **ERRORS})
def agent_list(request: HttpRequest, township: int | None = None, status: str = "", q: str = "",
               limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.agent_list(user=request.user, township=township, status=status, q=q).select_related("user")
    return {"count": qs.count(), "items": [_agent(a) for a in qs[offset:offset + limit]]}


@router.get("/agents/age-structure", response={200: list[AgeBandOut], **ERRORS})
def age_structure(request: HttpRequest):
    require(request.user, VIEW)
    return selectors.age_structure(user=request.user, on=timezone.localdate())


@router.post("/agents", response={201: AgentOut, **ERRORS})
def agent_register(request: HttpRequest, data: AgentIn):
    user = User.objects.filter(pk=data.user_id).first()
    if user is None:
        raise InvalidInput("登录账号不存在。", field="user_id", code="unknown")
    station = Station.objects.filter(pk=data.station_id).first()
    if station is None:
        raise InvalidInput("服务站不存在。", field="station_id", code="unknown")
    agent = services.agent_register(actor=request.user, user=user, station=station,
                                    **data.dict(exclude={"user_id", "station_id"}))
    return Status(201, _agent(selectors.agent_get(user=request.user, pk=agent.pk)))


@router.get("/agents/{pk}", response={200: AgentOut, **ERRORS})
def agent_detail(request: HttpRequest, pk: int):
    return _agent(selectors.agent_get(user=request.user, pk=pk))


@router.get("/agents/{pk}/cases", response={200: AgentCasesOut, **ERRORS})
def agent_cases(request: HttpRequest, pk: int, start: str = "", end: str = "",
                limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    """The cases credited to the agent (``Case.agent`` is the agent's login), received in [start, end]."""
    agent = selectors.agent_get(user=request.user, pk=pk)
    lo = services._date(start, field="start", label="起始日期", required=False)
    hi = services._date(end, field="end", label="截止日期", required=False)
    qs = selectors.agent_cases(agent=agent, start=lo, end=hi).select_related("item").order_by("-received_at", "-id")
    return {"count": qs.count(), "items": [
        {"id": c.pk, "number": c.number, "item": c.item.name, "channel": c.channel, "applicant_name": c.applicant_name,
         "received_at": c.received_at, "status": c.status} for c in qs[offset:offset + limit]]}


@router.get("/agents/{pk}/ratings", response={200: list[RatingOut], **ERRORS})
def agent_ratings(request: HttpRequest, pk: int):
    agent = selectors.agent_get(user=request.user, pk=pk)
    return [_rating(r) for r in selectors.agent_history(agent=agent).select_related("agent")]


@router.post("/agents/{pk}/deactivate", response={200: AgentOut, **ERRORS})
def agent_deactivate(request: HttpRequest, pk: int, data: ReasonIn):
    services.agent_deactivate(actor=request.user, agent=pk, reason=data.reason)
    return _agent(selectors.agent_get(user=request.user, pk=pk))


@router.post("/agents/{pk}/reactivate", response={200: AgentOut, **ERRORS})
def agent_reactivate(request: HttpRequest, pk: int):
    services.agent_reactivate(actor=request.user, agent=pk)
    return _agent(selectors.agent_get(user=request.user, pk=pk))


# --- trainings ---------------------------------------------------------------------------------------

def _training(t: TrainingSession) -> dict:
    return {"id": t.pk, "held_on": t.held_on, "topic": t.topic, "township_id": t.township_id,
            "attendees": sorted(t.attendance.values_list("agent_id", flat=True))}


@router.get("/trainings", response={200: list[TrainingOut], **ERRORS})
def training_list(request: HttpRequest, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, VIEW)
    qs = selectors.trainings_visible_to(request.user).order_by("-held_on", "-id")[offset:offset + limit]
    return [_training(t) for t in qs.prefetch_related("attendance")]


@router.post("/trainings", response={201: TrainingOut, **ERRORS})
def training_record(request: HttpRequest, data: TrainingIn):
    session = services.training_record(actor=request.user, held_on=data.held_on, topic=data.topic,
                                       township=_region(data.township_id, field="township_id"),
                                       attendees=data.attendees)
    return Status(201, _training(session))


# --- directory and ratings ---------------------------------------------------------------------------

@router.get("/directory/coverage", response={200: CoverageOut, **ERRORS})
def directory_coverage(request: HttpRequest):
    require(request.user, VIEW)
    cov = selectors.directory_coverage()
    refs = lambda items: [{"id": i.pk, "code": i.code, "name": i.name} for i in items]  # noqa: E731
    return {**{k: getattr(cov, k) for k in ("village_items", "village_goal", "village_shortfall", "village_met",
                                             "personal_items", "personal_at_township", "township_share",
                                             "township_goal", "township_met")},
            "village_candidates": refs(cov.village_candidates), "township_missing": refs(cov.township_missing)}


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS})
def scheme_list(request: HttpRequest):
    require(request.user, VIEW)
    return list(selectors.schemes())


@router.post("/schemes", response={201: SchemeOut, **ERRORS})
def scheme_create_and_rate(request: HttpRequest, data: SchemeIn):
    """Create a rating period (weights, targets and thresholds default to the house scheme) and rate it."""
    scheme = services.scheme_create(actor=request.user, **data.dict())
    services.rating_run(actor=request.user, scheme=scheme)
    return Status(201, scheme)


@router.post("/schemes/{pk}/rate", response={200: SchemeOut, **ERRORS})
def scheme_rate(request: HttpRequest, pk: int):
    scheme = RatingScheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise NotFound("评定方案不存在。")
    services.rating_run(actor=request.user, scheme=scheme)
    return scheme


@router.get("/schemes/{pk}/ratings", response={200: list[RatingOut], **ERRORS})
def scheme_ratings(request: HttpRequest, pk: int, township: int | None = None):
    require(request.user, VIEW)
    scheme = RatingScheme.objects.filter(pk=pk).first()
    if scheme is None:
        raise NotFound("评定方案不存在。")
    return [_rating(r) for r in selectors.rating_ranking(user=request.user, scheme=scheme, township=township)
            .select_related("scheme")]
