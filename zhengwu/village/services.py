"""Every write of village-level service: ``<entity>_<verb>(*, actor, ...)``, one transaction and one audit
event each; refusals are :mod:`zhengwu.core.errors` naming the field (nothing half-written)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhengwu.cases.choices import CaseStatus, Outcome
from zhengwu.cases.models import Case
from zhengwu.core import audit
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.periods import local_day_bounds
from zhengwu.core.inputs import clean_text
from zhengwu.core.inputs import date_value as _date
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.org.models import Region, RegionLevel, User
from zhengwu.org.roles import Role
from zhengwu.reviews.models import Review
from zhengwu.village import scoring
from zhengwu.village.choices import CHECKLIST_KEYS, AgentStatus, StationState
from zhengwu.village.models import (
    Agent,
    Attendance,
    Inspection,
    RatingScheme,
    StarRating,
    Station,
    TrainingSession,
)
from zhengwu.village.selectors import agents_visible_to, stations_visible_to
from zhengwu.village.workflow import AGENT_WORKFLOW, STATION_WORKFLOW

MANAGE = "village.manage"
RATE = "village.rate"


def _scoped_check(actor: Any, queryset: Any, obj: Any) -> None:
    """A user acts only on rows in their scope (404 outside, as everywhere)."""
    if isinstance(actor, str):
        return
    from zhengwu.core.permissions import get_visible
    get_visible(queryset, pk=obj.pk)



def _not_future(value: date, *, field: str, label: str) -> None:
    if value > timezone.localdate():
        raise InvalidInput(f"{label}不能晚于今天。", field=field, code="future_date")


# --- stations ----------------------------------------------------------------------------------------

def station_create(*, actor: Any, village: Region, name: str = "", address: str = "",
                   opening_hours: str = "周一至周五 8:30–17:00") -> Station:
    require(actor, MANAGE)
    if village is None or village.level != RegionLevel.VILLAGE:
        raise InvalidInput("服务站必须设在村(社区)。", field="village", code="bad_region")
    if not isinstance(actor, str) and actor.scope == "township" and getattr(actor.township, "pk", None) != village.parent_id:
        raise InvalidInput("只能为本乡镇(街道)的村(社区)设站。", field="village", code="out_of_scope")
    if Station.objects.filter(village=village).exists():
        raise Conflict(f"{village.name}已有便民服务站,每个村(社区)只设一个。", field="village", code="duplicate")
    name = clean_text(name or f"{village.name}便民服务站", field="name", label="站点名称", max_length=100)
    with transaction.atomic():
        return create_with_status(
            Station, actor=actor, initial=StationState.NOT_RENOVATED, audit_action="station.create",
            audit_payload={"village": village.code}, village=village, township_id=village.parent_id, name=name,
            address=clean_text(address, field="address", label="地址", max_length=200, required=False),
            opening_hours=clean_text(opening_hours, field="opening_hours", label="开放时间", max_length=100,
                                     required=False))


def station_update(*, actor: Any, station: Station, address: str | None = None, opening_hours: str | None = None,
                   checklist_done: Iterable[str] | None = None) -> Station:
    """Address, opening hours and the checklist items done (keys of ``choices.CHECKLIST``)."""
    require(actor, MANAGE)
    _scoped_check(actor, stations_visible_to(actor), station)
    changes: dict[str, Any] = {}
    if address is not None:
        changes["address"] = clean_text(address, field="address", label="地址", max_length=200, required=False)
    if opening_hours is not None:
        changes["opening_hours"] = clean_text(opening_hours, field="opening_hours", label="开放时间",
                                              max_length=100, required=False)
    if checklist_done is not None:
        done = list(dict.fromkeys(checklist_done))
        unknown = [k for k in done if k not in CHECKLIST_KEYS]
        if unknown:
            raise InvalidInput(f"未知的清单项:{', '.join(unknown)}。", field="checklist_done", code="bad_choice")
        changes["checklist_done"] = [k for k in CHECKLIST_KEYS if k in done]
    with transaction.atomic():
        Station.objects.filter(pk=station.pk).update(**changes, updated_at=timezone.now())
        for k, v in changes.items():
            setattr(station, k, v)
        audit.record(actor=actor, action="station.update", obj=station, payload=changes)
    return station


def station_renovate(*, actor: Any, station: Station | int, on: Any) -> Station:
    day = _date(on, field="renovated_on", label="改造提升完成日期")
    _not_future(day, field="renovated_on", label="改造提升完成日期")
    return STATION_WORKFLOW.run(station, "renovate", actor=actor, payload={"_updates": {"renovated_on": day}})


def station_promote(*, actor: Any, station: Station | int, on: Any) -> Station:
    day = _date(on, field="model_on", label="评为样板站日期")
    _not_future(day, field="model_on", label="评为样板站日期")
    current = station if isinstance(station, Station) else Station.objects.filter(pk=station).first()
    if current is not None and current.renovated_on and day < current.renovated_on:
        raise InvalidInput("评为样板站日期不能早于改造提升完成日期。", field="model_on", code="before_renovation")
    return STATION_WORKFLOW.run(station, "promote", actor=actor, payload={"_updates": {"model_on": day}})


def station_demote(*, actor: Any, station: Station | int, reason: str) -> Station:
    return STATION_WORKFLOW.run(station, "demote", actor=actor, reason=reason,
                                payload={"_updates": {"model_on": None}})


# --- agents ------------------------------------------------------------------------------------------

def _check_certificate(number: str, on: date | None, birth: date) -> None:
    if bool(number) != bool(on):
        field = "certificate_date" if number else "certificate_number"
        raise InvalidInput("上岗证编号和取证日期须同时填写。", field=field, code="certificate_incomplete")
    if on is not None:
        _not_future(on, field="certificate_date", label="取证日期")
        if on <= birth:
            raise InvalidInput("取证日期须晚于出生日期。", field="certificate_date", code="before_birth")


def agent_register(*, actor: Any, user: User, station: Station, birth_date: Any, name: str = "",
                   certificate_number: str = "", certificate_date: Any = None) -> Agent:
    """Register a village agent at a station. A person works at one station: registering one who already
    serves at another is a conflict (409) naming them and that station."""
    require(actor, MANAGE)
    _scoped_check(actor, stations_visible_to(actor), station)
    if user is None or user.role != Role.VILLAGE_AGENT:
        raise InvalidInput("代办员的登录账号须为“村(社)代办员”角色。", field="user", code="bad_role")
    existing = Agent.objects.filter(user=user).select_related("station").first()
    if existing is not None:
        if existing.station_id == station.pk:
            raise Conflict(f"代办员{existing.name}已在{existing.station.name}登记。", field="user", code="duplicate")
        raise Conflict(f"代办员{existing.name}已在{existing.station.name}任职,不能同时在两个服务站"
                       f"({station.name})。", field="station", code="agent_at_two_stations",
                       details={"agent": existing.pk, "station": existing.station_id})
    birth = _date(birth_date, field="birth_date", label="出生日期")
    today = timezone.localdate()
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if not 18 <= age <= 80:
        raise InvalidInput("出生日期不合理(代办员年龄应在18至80岁之间)。", field="birth_date", code="bad_age")
    number = clean_text(certificate_number, field="certificate_number", label="上岗证编号", max_length=32,
                        required=False)
    cert_on = _date(certificate_date, field="certificate_date", label="取证日期", required=False)
    _check_certificate(number, cert_on, birth)
    if number and Agent.objects.filter(certificate_number=number).exists():
        raise Conflict(f"上岗证编号 {number} 已被使用。", field="certificate_number", code="duplicate")
    name = clean_text(name or user.display_name or user.username, field="name", label="姓名", max_length=64)
    with transaction.atomic():
        return create_with_status(
            Agent, actor=actor, initial=AgentStatus.ACTIVE, audit_action="agent.register",
            audit_payload={"station": station.pk, "user": user.pk}, name=name, user=user, station=station,
            birth_date=birth, certificate_number=number, certificate_date=cert_on)


def agent_certify(*, actor: Any, agent: Agent, certificate_number: str, certificate_date: Any) -> Agent:
    """Record the agent's certificate (持证上岗)."""
    require(actor, MANAGE)
    _scoped_check(actor, agents_visible_to(actor), agent)
    number = clean_text(certificate_number, field="certificate_number", label="上岗证编号", max_length=32)
    on = _date(certificate_date, field="certificate_date", label="取证日期")
    _check_certificate(number, on, agent.birth_date)
    if Agent.objects.filter(certificate_number=number).exclude(pk=agent.pk).exists():
        raise Conflict(f"上岗证编号 {number} 已被使用。", field="certificate_number", code="duplicate")
    with transaction.atomic():
        Agent.objects.filter(pk=agent.pk).update(certificate_number=number, certificate_date=on,
                                                 updated_at=timezone.now())
        agent.certificate_number, agent.certificate_date = number, on
        audit.record(actor=actor, action="agent.certify", obj=agent, payload={"number": number, "date": str(on)})
    return agent


def agent_transfer(*, actor: Any, agent: Agent, station: Station) -> Agent:
    """Move an agent to another station (they leave the first: never at two at once)."""
    require(actor, MANAGE)
    _scoped_check(actor, agents_visible_to(actor), agent)
    _scoped_check(actor, stations_visible_to(actor), station)
    if agent.station_id == station.pk:
        raise InvalidInput(f"代办员{agent.name}已在{station.name}。", field="station", code="same_station")
    with transaction.atomic():
        before = agent.station_id
        Agent.objects.filter(pk=agent.pk).update(station=station, updated_at=timezone.now())
        agent.station = station
        audit.record(actor=actor, action="agent.transfer", obj=agent, payload={"from": before, "to": station.pk})
    return agent


def agent_deactivate(*, actor: Any, agent: Agent | int, reason: str) -> Agent:
    return AGENT_WORKFLOW.run(agent, "deactivate", actor=actor, reason=reason)


def agent_reactivate(*, actor: Any, agent: Agent | int) -> Agent:
    return AGENT_WORKFLOW.run(agent, "reactivate", actor=actor)


# --- trainings and inspections -----------------------------------------------------------------------

def _resolve_agents(actor: Any, refs: Iterable[Any]) -> list[Agent]:
    """Agents by id or login name; an unknown one (or one outside the actor's scope) is named in a 422."""
    refs = list(dict.fromkeys(refs or []))
    pool = Agent.objects.all() if isinstance(actor, str) else agents_visible_to(actor)
    ids = [int(r) for r in refs if isinstance(r, int) or (isinstance(r, str) and r.strip().isdigit())]
    names = [str(r).strip() for r in refs if not (isinstance(r, int) or (isinstance(r, str) and r.strip().isdigit()))]
    found = {a.pk: a for a in pool.filter(Q(pk__in=ids) | Q(user__username__in=names)).select_related("user")}
    by_name = {a.user.username: a for a in found.values()}
    result = []
    for ref in refs:
        text = str(ref).strip()
        agent = found.get(int(text)) if text.isdigit() else by_name.get(text)
        if agent is None:
            raise InvalidInput(f"未知的代办员:{text}。", field="attendees", code="unknown_agent",
                               details={"agent": text})
        result.append(agent)
    return result


def training_record(*, actor: Any, held_on: Any, topic: str, township: Region | None = None,
                    attendees: Iterable[Any] = ()) -> TrainingSession:
    """A training session (township-level, or district-level when ``township`` is empty) with attendance."""
    require(actor, MANAGE)
    day = _date(held_on, field="held_on", label="培训日期")
    topic = clean_text(topic, field="topic", label="培训主题", max_length=200)
    if township is not None and township.level != RegionLevel.TOWNSHIP:
        raise InvalidInput("组织单位须为乡镇(街道)。", field="township", code="bad_region")
    if not isinstance(actor, str) and actor.scope == "township":
        if township is None or township.pk != getattr(actor.township, "pk", None):
            raise InvalidInput("只能登记本乡镇(街道)组织的培训。", field="township", code="out_of_scope")
    agents = _resolve_agents(actor, attendees)
    with transaction.atomic():
        session = TrainingSession.objects.create(held_on=day, topic=topic, township=township)
        Attendance.objects.bulk_create([Attendance(session=session, agent=a) for a in agents])
        audit.record(actor=actor, action="training.record", obj=session,
                     payload={"held_on": str(day), "attendees": [a.pk for a in agents]})
    return session


def training_attend(*, actor: Any, session: TrainingSession, attendees: Iterable[Any]) -> TrainingSession:
    """Add attendance to a session; agents already signed in are left as they are."""
    require(actor, MANAGE)
    agents = _resolve_agents(actor, attendees)
    with transaction.atomic():
        have = set(session.attendance.values_list("agent_id", flat=True))
        new = [a for a in agents if a.pk not in have]
        Attendance.objects.bulk_create([Attendance(session=session, agent=a) for a in new])
        audit.record(actor=actor, action="training.attend", obj=session, payload={"added": [a.pk for a in new]})
    return session


def inspection_record(*, actor: Any, station: Station, inspected_on: Any, score: Any, inspector: str,
                      note: str = "") -> Inspection:
    require(actor, MANAGE)
    _scoped_check(actor, stations_visible_to(actor), station)
    day = _date(inspected_on, field="inspected_on", label="检查日期")
    _not_future(day, field="inspected_on", label="检查日期")
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        raise InvalidInput("检查得分须为数字。", field="score", code="bad_number") from None
    if not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput("检查得分须在0至100之间。", field="score", code="out_of_range")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            station=station, inspected_on=day, score=value.quantize(Decimal("0.1")),
            inspector=clean_text(inspector, field="inspector", label="检查人(单位)", max_length=100),
            note=clean_text(note, field="note", label="检查情况", max_length=500, required=False))
        audit.record(actor=actor, action="inspection.record", obj=inspection,
                     payload={"station": station.pk, "score": str(inspection.score)})
    return inspection


# --- the star rating ---------------------------------------------------------------------------------

def _check_scheme_data(weights: dict[str, Any], targets: dict[str, Any], thresholds: list[Any]) -> None:
    if set(weights) - set(scoring.COMPONENTS):
        raise InvalidInput(f"未知的评分项:{', '.join(sorted(set(weights) - set(scoring.COMPONENTS)))}。",
                           field="weights", code="bad_component")
    try:
        values = [Decimal(str(weights.get(c, 0))) for c in scoring.COMPONENTS]
    except InvalidOperation:
        raise InvalidInput("权重须为数字。", field="weights", code="bad_number") from None
    if any(v < 0 for v in values) or sum(values) <= 0:
        raise InvalidInput("权重不能为负,且合计须大于0。", field="weights", code="bad_weights")
    for key in ("cases", "training"):
        if not isinstance(targets.get(key), (int, float)) or targets[key] <= 0:
            raise InvalidInput(f"满分标准“{key}”须为正数。", field="targets", code="bad_target")
    stars = sorted(int(t[1]) for t in thresholds) if thresholds else []
    if stars != [1, 2, 3, 4, 5]:
        raise InvalidInput("星级分数线须为1至5星各一条。", field="thresholds", code="bad_thresholds")


def scheme_create(*, actor: Any, name: str, period_start: Any, period_end: Any,
                  weights: dict[str, Any] | None = None, targets: dict[str, Any] | None = None,
                  thresholds: list[Any] | None = None) -> RatingScheme:
    require(actor, RATE)
    name = clean_text(name, field="name", label="评定名称", max_length=100)
    start = _date(period_start, field="period_start", label="考评期起")
    end = _date(period_end, field="period_end", label="考评期止")
    if end < start:
        raise InvalidInput("考评期止不能早于考评期起。", field="period_end", code="bad_period")
    weights = dict(weights or scoring.DEFAULT_WEIGHTS)
    targets = dict(targets or scoring.DEFAULT_TARGETS)
    thresholds = [list(t) for t in (thresholds or scoring.DEFAULT_THRESHOLDS)]
    _check_scheme_data(weights, targets, thresholds)
    if RatingScheme.objects.filter(period_start=start, period_end=end).exists():
        raise Conflict("该考评期已有评定方案。", field="period_start", code="duplicate")
    with transaction.atomic():
        scheme = RatingScheme.objects.create(name=name, period_start=start, period_end=end, weights=weights,
                                             targets=targets, thresholds=thresholds)
        audit.record(actor=actor, action="rating_scheme.create", obj=scheme,
                     payload={"weights": weights, "targets": targets, "thresholds": thresholds})
    return scheme


_bounds = local_day_bounds


def rating_counts(*, agents: list[Agent], start: date, end: date) -> dict[int, scoring.Counts]:
    """Each agent's counts in [start, end] in five grouped queries (cases, reviews, trainings, inspections)."""
    lo, hi = _bounds(start, end)
    counts = {a.pk: scoring.Counts() for a in agents}
    by_user = {a.user_id: a.pk for a in agents}
    case_rows = (Case.objects.filter(agent_id__in=list(by_user), received_at__gte=lo, received_at__lt=hi)
                 .values("agent_id").order_by()
                 .annotate(n=Count("id"), done=Count("id", filter=Q(status=CaseStatus.COMPLETED)),
                           late=Count("id", filter=Q(status=CaseStatus.COMPLETED, outcome=Outcome.OVERDUE))))
    for r in case_rows:
        c = counts[by_user[r["agent_id"]]]
        c.cases, c.completed, c.on_time = r["n"], r["done"], r["done"] - r["late"]
    review_rows = (Review.objects.filter(case__agent_id__in=list(by_user), case__received_at__gte=lo,
                                         case__received_at__lt=hi)
                   .values("case__agent_id").order_by().annotate(n=Count("id"), s=Sum("level")))
    for r in review_rows:
        c = counts[by_user[r["case__agent_id"]]]
        c.reviews, c.review_level_sum = r["n"], int(r["s"] or 0)
    for r in (Attendance.objects.filter(agent_id__in=list(counts), session__held_on__gte=start,
                                        session__held_on__lte=end)
              .values("agent_id").order_by().annotate(n=Count("id"))):
        counts[r["agent_id"]].trainings = r["n"]
    by_station: dict[int, list[int]] = {}
    for a in agents:
        by_station.setdefault(a.station_id, []).append(a.pk)
    for r in (Inspection.objects.filter(station_id__in=list(by_station), inspected_on__gte=start,
                                        inspected_on__lte=end)
              .values("station_id").order_by().annotate(n=Count("id"), s=Sum("score"))):
        for agent_id in by_station[r["station_id"]]:
            counts[agent_id].inspections, counts[agent_id].inspection_score_sum = r["n"], Decimal(r["s"])
    return counts


def rating_run(*, actor: Any, scheme: RatingScheme) -> list[StarRating]:
    """Score every active agent for the scheme's period and rank them per township. Running again replaces
    the scheme's ratings (the history keeps one rating per agent and scheme)."""
    require(actor, RATE)
    agents = list(Agent.objects.filter(status=AgentStatus.ACTIVE).select_related("station"))
    counts = rating_counts(agents=agents, start=scheme.period_start, end=scheme.period_end)
    scored: dict[int, tuple[Decimal, dict[str, Any]]] = {}
    for agent in agents:
        c = counts[agent.pk]
        parts = scoring.components(c, targets=scheme.targets)
        value = scoring.score(parts, weights=scheme.weights)
        scored[agent.pk] = (value, {"counts": {k: str(v) for k, v in vars(c).items()},
                                    "parts": {k: str(v.quantize(Decimal("0.1"))) for k, v in parts.items()}})
    by_township: dict[int, list[tuple[int, Decimal]]] = {}
    for agent in agents:
        by_township.setdefault(agent.station.township_id, []).append((agent.pk, scored[agent.pk][0]))
    ranks: dict[int, int] = {}
    for rows in by_township.values():
        ranks.update(scoring.ranks(rows))
    with transaction.atomic():
        StarRating.objects.filter(scheme=scheme).delete()
        ratings = StarRating.objects.bulk_create([
            StarRating(scheme=scheme, agent=agent, township_id=agent.station.township_id,
                       score=scored[agent.pk][0], stars=scoring.stars_for(scored[agent.pk][0],
                                                                         thresholds=scheme.thresholds),
                       rank_in_township=ranks[agent.pk], components=scored[agent.pk][1])
            for agent in agents], batch_size=1000)
        now = timezone.now()
        RatingScheme.objects.filter(pk=scheme.pk).update(rated_at=now)
        scheme.rated_at = now
        audit.record(actor=actor, action="rating_scheme.rate", obj=scheme,
                     payload={"agents": len(ratings),
                              "stars": {n: sum(1 for r in ratings if r.stars == n) for n in range(1, 6)}})
    return ratings
