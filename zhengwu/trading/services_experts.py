"""Experts and the draw of an evaluation committee (DOMAIN.md §10: 评标委员会, 回避).

* ``expert_register`` adds an expert (active) with specialties, employer, department, declared relations;
  ``expert_transition`` suspends, punishes or reinstates one through the expert workflow (audited).
* ``expert_draw_create`` draws the experts of a section's committee: the committee is checked against
  ``committee_min`` (odd) and ``expert_share_min`` (exact fractions); per required specialty the pool is the
  active experts with that specialty minus every conflict (each left-out candidate gets an exclusion row with
  its reasons); the choice is ``random.Random(seed)`` over the pool sorted by id, the seed from
  ``secrets.randbits`` and recorded with the pool, so ``draw_replay`` recomputes the same experts.
* ``expert_draw_replace`` replaces one member who declines or must withdraw, drawn the same way (a round
  of its own, with its own seed), excluding everyone already drawn for the committee.
* ``expert_account_link`` links an expert to the login account (role 评标专家) the expert scores with;
  ``require_scorer`` says who may submit a member's score sheet (staff for any member, the expert for itself).

A draw that cannot be filled raises ``InvalidInput`` ``draw_unfillable``, saying per specialty how many
are missing and why, and writes nothing. Time is the server's; tests pass ``now`` (and may pass ``seed``).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable

from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.core.inputs import acting_user as _user, clean_text as _text
from zhengwu.org import services as org_services
from zhengwu.org.models import Department, Enterprise
from zhengwu.org.roles import Role
from zhengwu.trading import checks, hooks
from zhengwu.trading.choices import (
    DrawRoundKind,
    ExclusionReason,
    ExpertSource,
    ExpertStatus,
    ReplacementCause,
    TenderStatus,
)
from zhengwu.trading.models import (
    BidderRegistration,
    Expert,
    ExpertDraw,
    ExpertDrawExclusion,
    ExpertDrawMember,
    ExpertDrawRound,
    Section,
    Specialty,
    Tender,
    TenderSection,
)
from zhengwu.trading.rules import RuleEntry
from zhengwu.trading.selectors import rules_for
from zhengwu.trading.workflow import EXPERT_WORKFLOW

#: a tender whose bidder list is final once its sale period is over: the draw may run
DRAW_STATUSES = (TenderStatus.PUBLISHED, TenderStatus.AMENDED, TenderStatus.CLOSED, TenderStatus.OPENED)
EXPERT_RULES = ("committee_min", "expert_share_min", "expert_cooldown_days", "expert_min_credit",
                "provincial_share_min")


def specialty_resolve(key: Any, *, field: str = "specialties") -> Specialty:
    """A specialty by its code (``building``) or its name (``房屋建筑``)."""
    text = str(key or "").strip()
    found = Specialty.objects.filter(code=text).first() or Specialty.objects.filter(name=text).first()
    if found is None:
        raise InvalidInput(f"未知的专业:{text}。", field=field, code="unknown_specialty")
    return found


# --- the expert database ------------------------------------------------------------------------------

def _enterprise(actor: Any, value: Enterprise | dict[str, Any], *, field: str) -> Enterprise:
    if isinstance(value, Enterprise):
        return value
    try:
        return org_services.enterprise_register(actor=actor, credit_code=value.get("credit_code", ""),
                                                name=value.get("name", "") or "")
    except InvalidInput as exc:
        exc.field = f"{field}.{exc.field}"
        raise


def expert_register(*, actor: Any, name: str, specialties: Iterable[Any], source: str,
                    employer: Enterprise | dict[str, Any] | None = None, employer_name: str = "",
                    department: Department | None = None, region: str = "", title: str = "",
                    credit_score: int = 100, declared_conflicts: Iterable[Enterprise | dict[str, Any]] = (),
                    id_number: str = "", phone: str = "") -> Expert:
    """Add an active expert. ``employer`` / ``declared_conflicts``: enterprises, or ``{credit_code, name}``."""
    require(actor, "trading.manage_experts")
    name = _text(name, field="name", label="姓名", max_length=32)
    if source not in ExpertSource.values:
        raise InvalidInput(f"未知的专家库:{source}。", field="source", code="bad_choice")
    codes = [specialty_resolve(s) for s in specialties]
    if not codes:
        raise InvalidInput("专家至少要有一个专业。", field="specialties", code="required")
    if not isinstance(credit_score, int) or not 0 <= credit_score <= 100:
        raise InvalidInput("信用分应为 0 到 100 的整数。", field="credit_score", code="bad_credit_score")
    fields = {"name": name, "source": source, "credit_score": credit_score, "department": department,
              "region": _text(region, field="region", label="所在地区", max_length=64, required=False),
              "title": _text(title, field="title", label="职称", max_length=64, required=False),
              "registered_by": _user(actor)}
    with transaction.atomic():
        if id_number:
            fields["person"] = org_services.person_register(actor=actor, name=name, id_number=id_number,
                                                            phone=phone, audit_event=False)
        if employer is not None:
            fields["employer"] = _enterprise(actor, employer, field="employer")
            fields["employer_name"] = fields["employer"].name
        else:
            fields["employer_name"] = _text(employer_name, field="employer_name", label="工作单位", max_length=128,
                                            required=False)
        declared = [_enterprise(actor, d, field="declared_conflicts") for d in declared_conflicts]
        expert = create_with_status(
            Expert, actor=actor, initial=ExpertStatus.ACTIVE, audit_action="expert.register",
            audit_payload={"name": name, "source": source, "specialties": sorted(s.code for s in codes),
                           "employer": fields.get("employer") and fields["employer"].credit_code,
                           "department": department.pk if department else None,
                           "declared_conflicts": sorted(e.credit_code for e in declared),
                           "person": fields.get("person") and fields["person"].pk},
            **fields)
        expert.specialties.set(codes)
        expert.declared_conflicts.set(declared)
    return expert


def expert_transition(*, actor: Any, expert: Expert | int, action: str, reason: str,
                      now: dt.datetime | None = None, expected_version: int | None = None) -> Expert:
    """Suspend, punish or reinstate an expert (one audit event each, by the workflow engine)."""
    return EXPERT_WORKFLOW.run(expert, action, actor=actor, reason=reason, now=now,
                               expected_version=expected_version)


def expert_account_link(*, actor: Any, expert: Expert, user: Any) -> Expert:
    """Link an expert to the login account the expert scores with (role 评标专家); one account per expert.

    Linking another account replaces the link; the audit event keeps the account before."""
    require(actor, "trading.manage_experts")
    if user is None or isinstance(user, str) or getattr(user, "role", None) != Role.EXPERT:
        raise InvalidInput("只能关联角色为“评标专家”的账号。", field="user_id", code="not_an_expert_account")
    with transaction.atomic():
        taken = Expert.objects.select_for_update().filter(user=user).exclude(pk=expert.pk).first()
        if taken is not None:
            raise Conflict(f"该账号已关联专家{taken.name}。", field="user_id", code="duplicate")
        before = Expert.objects.filter(pk=expert.pk).values_list("user_id", flat=True).first()
        Expert.objects.filter(pk=expert.pk).update(user=user)
        expert.user = user
        audit.record(actor=actor, action="expert.link_account", obj=expert,
                     payload={"user": user.pk, "username": user.get_username(), "before": before})
    return expert


def require_scorer(actor: Any, member: ExpertDrawMember) -> None:
    """Who may submit a committee member's score sheet: staff recording it for the member
    (``trading.evaluate``), or the member's own expert account (``trading.score_bids``, ``Expert.user``).
    Anyone else is refused (403), an expert included when the sheet is another member's."""
    if isinstance(actor, str) or (actor is not None and actor.has_perm("trading.evaluate")):
        return
    require(actor, "trading.score_bids")
    if member.expert.user_id is None or member.expert.user_id != actor.pk:
        raise Forbidden("只能提交本人的评分表。", code="not_own_sheet")


# --- the pool ---------------------------------------------------------------------------------------------

@dataclass
class Pool:
    """The candidates of one specialty in one round: ids sorted ascending, and who was left out and why."""

    specialty: Specialty
    holders: int = 0
    provincial: list[int] = field(default_factory=list)
    local: list[int] = field(default_factory=list)
    excluded: dict[int, list[str]] = field(default_factory=dict)

    def reasons(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for reasons in self.excluded.values():
            counts.update(reasons)
        return dict(sorted(counts.items()))

    def as_json(self) -> dict[str, list[int]]:
        return {"provincial": self.provincial, "local": self.local}


def _party(section: TenderSection) -> tuple[set[int], set[int], set[str], set[str]]:
    """(bidder enterprise ids, tendering party and agent ids, bidder names, party names)."""
    project = section.tender.project
    bidders = dict(BidderRegistration.objects.filter(tender_section=section)
                   .values_list("enterprise_id", "enterprise__name"))
    party = {pk for pk in (project.tendering_enterprise_id, project.agent_id) if pk}
    party |= set(Enterprise.objects.filter(credit_code=project.tendering_party_credit_code)
                 .values_list("pk", flat=True))
    party_names = {project.tendering_party_name, *(Enterprise.objects.filter(pk__in=party)
                                                  .values_list("name", flat=True))}
    return set(bidders), party, set(bidders.values()), party_names


def recently_drawn(*, now: dt.datetime, cooldown_days: int) -> set[int]:
    """Experts drawn (for any committee) less than ``cooldown_days`` natural days before ``now``'s date:
    with 30 days, one drawn 29 days ago is still cooling down, one drawn 30 days ago is not."""
    if cooldown_days <= 0:
        return set()
    first_day = checks.local_date(now) - dt.timedelta(days=cooldown_days - 1)
    since = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    return set(ExpertDrawMember.objects.filter(round__drawn_at__gte=since).values_list("expert_id", flat=True))


def build_pools(*, section: TenderSection, specialties: list[Specialty], rules: dict[str, RuleEntry],
                now: dt.datetime, local_allowed: int, already: set[int] = frozenset()) -> dict[str, Pool]:
    """Per specialty, the experts holding it split into the pool and the excluded (with every reason)."""
    project = section.tender.project
    bidders, party, bidder_names, party_names = _party(section)
    cooling = recently_drawn(now=now, cooldown_days=rules["expert_cooldown_days"].as_int)
    min_credit = rules["expert_min_credit"].value
    holdings = list(Expert.specialties.through.objects.filter(specialty__in=specialties)
                    .values_list("expert_id", "specialty_id"))
    experts = {row["id"]: row for row in Expert.objects.filter(specialties__in=specialties).distinct()
               .values("id", "status", "credit_score", "employer_id", "employer_name", "department_id", "source")}
    declared = set(Expert.declared_conflicts.through.objects.filter(enterprise_id__in=bidders | party)
                   .values_list("expert_id", flat=True))
    banned = hooks.run_expert_exclusions(experts, now)  # other domains' exclusions (behaviour records)
    reasons: dict[int, list[str]] = {}
    for pk, e in experts.items():
        why = []
        if e["status"] == ExpertStatus.SUSPENDED:
            why.append(ExclusionReason.SUSPENDED)
        elif e["status"] == ExpertStatus.PUNISHED:
            why.append(ExclusionReason.PUNISHED)
        if e["credit_score"] < min_credit:
            why.append(ExclusionReason.LOW_CREDIT)
        if e["employer_id"] in bidders or (not e["employer_id"] and e["employer_name"] in bidder_names):
            why.append(ExclusionReason.EMPLOYER_BIDDER)
        if e["employer_id"] in party or (not e["employer_id"] and e["employer_name"] in party_names):
            why.append(ExclusionReason.EMPLOYER_TENDERING_PARTY)
        if pk in declared:
            why.append(ExclusionReason.DECLARED_RELATION)
        if project.supervising_department_id and e["department_id"] == project.supervising_department_id:
            why.append(ExclusionReason.SUPERVISING_DEPARTMENT)
        if pk in cooling:
            why.append(ExclusionReason.COOL_DOWN)
        if e["source"] == ExpertSource.LOCAL and local_allowed <= 0:
            why.append(ExclusionReason.LOCAL_DATABASE)
        if pk in already:
            why.append(ExclusionReason.ALREADY_DRAWN)
        reasons[pk] = [str(r) for r in why] + banned.get(pk, [])
    by_id = {s.pk: s for s in specialties}
    pools = {s.code: Pool(specialty=s) for s in specialties}
    for expert_id, specialty_id in sorted(holdings):
        pool = pools[by_id[specialty_id].code]
        pool.holders += 1
        if reasons[expert_id]:
            pool.excluded[expert_id] = reasons[expert_id]
        elif experts[expert_id]["source"] == ExpertSource.PROVINCIAL:
            pool.provincial.append(expert_id)
        else:
            pool.local.append(expert_id)
    return pools


def choose(*, seed: int, needs: dict[str, int], pool: dict[str, dict[str, list[int]]],
           local_allowed: int) -> tuple[list[tuple[str, int, str]], dict[str, int]]:
    """The random choice, a pure function of its arguments (what ``draw_replay`` reruns).

    Specialties in code order; within one, the provincial database first, then the local one up to
    ``local_allowed`` in all; an expert holding two specialties is drawn once. Returns the chosen
    ``(specialty code, expert id, source)`` in order and the number missing per specialty.
    """
    rng = random.Random(seed)
    taken: set[int] = set()
    chosen: list[tuple[str, int, str]] = []
    missing: dict[str, int] = {}
    local_left = local_allowed
    for code in sorted(needs):
        need = needs[code]
        for source in (ExpertSource.PROVINCIAL, ExpertSource.LOCAL):
            available = [pk for pk in pool[code][str(source)] if pk not in taken]
            limit = need if source == ExpertSource.PROVINCIAL else min(need, local_left)
            picks = rng.sample(available, min(limit, len(available)))
            if source == ExpertSource.LOCAL:
                local_left -= len(picks)
            taken.update(picks)
            chosen.extend((code, pk, str(source)) for pk in picks)
            need -= len(picks)
        if need:
            missing[code] = need
    return chosen, missing


def _unfillable(pools: dict[str, Pool], needs: dict[str, int], missing: dict[str, int],
                local_allowed: int) -> InvalidInput:
    labels = dict(ExclusionReason.choices)
    parts, details = [], {}
    for code in sorted(missing):
        pool = pools[code]
        counts = pool.reasons()
        why = "、".join(f"{labels[r]} {n} 人" for r, n in counts.items()) or "无"
        parts.append(f"{pool.specialty.name}需 {needs[code]} 人,缺 {missing[code]} 人(具备该专业 {pool.holders} 人,"
                     f"可抽省库 {len(pool.provincial)} 人、本地库 {len(pool.local)} 人;排除:{why})")
        details[code] = {"specialty": pool.specialty.name, "needed": needs[code], "missing": missing[code],
                         "holders": pool.holders, "provincial": len(pool.provincial), "local": len(pool.local),
                         "excluded": counts}
    return InvalidInput("专家抽取无法满足:" + ";".join(parts) + "。", field="requirements", code="draw_unfillable",
                        details={"missing": details, "local_allowed": local_allowed})


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbits(64)


def _write_round(*, draw: ExpertDraw, number: int, kind: str, seed: int, needs: dict[str, int],
                 pools: dict[str, Pool], local_allowed: int, chosen: list[tuple[str, int, str]], now: dt.datetime,
                 actor: Any, reason: str = "", first_position: int = 1) -> tuple[ExpertDrawRound, list[ExpertDrawMember]]:
    summary = {code: pool.reasons() for code, pool in sorted(pools.items())}
    candidates = len({pk for pool in pools.values()
                      for pk in (*pool.provincial, *pool.local, *pool.excluded)})
    rnd = ExpertDrawRound.objects.create(
        draw=draw, number=number, kind=kind, seed=str(seed), needs=needs,
        pool={code: pool.as_json() for code, pool in sorted(pools.items())}, local_allowed=local_allowed,
        candidates_count=candidates, exclusions=summary, reason=reason, drawn_at=now, drawn_by=_user(actor))
    ExpertDrawExclusion.objects.bulk_create(
        [ExpertDrawExclusion(round=rnd, expert_id=pk, specialty=pool.specialty, reasons=why)
         for pool in pools.values() for pk, why in sorted(pool.excluded.items())], batch_size=500)
    by_code = {code: pool.specialty for code, pool in pools.items()}
    members = ExpertDrawMember.objects.bulk_create(
        [ExpertDrawMember(draw=draw, round=rnd, expert_id=pk, specialty=by_code[code], source=source,
                          position=first_position + i) for i, (code, pk, source) in enumerate(chosen)])
    return rnd, members


# --- the draw ---------------------------------------------------------------------------------------------

def _needs(requirements: dict[Any, Any]) -> tuple[dict[str, int], list[Specialty]]:
    if not isinstance(requirements, dict) or not requirements:
        raise InvalidInput("请填写各专业抽取人数,如 {\"房屋建筑\": 3, \"造价\": 2}。", field="requirements",
                           code="required")
    needs: dict[str, int] = {}
    specialties = []
    for key, count in requirements.items():
        specialty = specialty_resolve(key, field="requirements")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise InvalidInput(f"专业“{specialty.name}”的人数应为正整数。", field="requirements", code="bad_count")
        if specialty.code in needs:
            raise InvalidInput(f"专业“{specialty.name}”重复。", field="requirements", code="duplicate")
        needs[specialty.code] = count
        specialties.append(specialty)
    return needs, specialties


def expert_draw_create(*, actor: Any, tender: Tender, section: Section, committee_size: int, representatives: int,
                       requirements: dict[Any, Any], now: dt.datetime | None = None,
                       seed: int | None = None) -> ExpertDraw:
    """Draw the experts of the evaluation committee of one section of ``tender``.

    ``requirements``: specialty (code or name) → number of experts; they add up to ``committee_size −
    representatives``. Refused before the sale period has ended (the bidder list must be final).
    """
    require(actor, "trading.draw_experts")
    now = now or timezone.now()
    offer = (TenderSection.objects.select_related("tender__project", "section")
             .filter(tender=tender, section=section).first())
    if offer is None:
        raise InvalidInput(f"本次招标不包含{section}。", field="section_id", code="section_not_in_tender")
    if tender.status not in DRAW_STATUSES:
        raise Conflict(f"当前状态“{tender.get_status_display()}”不能抽取评标专家。", code="invalid_state",
                       details={"state": tender.status})
    if checks.local_date(now) <= tender.on_sale_to:
        raise Conflict(f"招标文件发售期({tender.on_sale_to:%Y-%m-%d}止)结束后,投标人名单确定,方可抽取评标专家。",
                       code="draw_too_early", details={"on_sale_to": tender.on_sale_to.isoformat()})
    project = tender.project
    rules = rules_for(project_type=project.project_type, procedure=project.procedure)
    expert_count = checks.check_committee(rules["committee_min"], rules["expert_share_min"],
                                          committee_size=committee_size, representatives=representatives)
    needs, specialties = _needs(requirements)
    if sum(needs.values()) != expert_count:
        raise InvalidInput(f"各专业人数合计 {sum(needs.values())} 人,应等于专家人数 {expert_count} 人"
                           f"(委员会 {committee_size} 人减招标人代表 {representatives} 人)。",
                           field="requirements", code="requirements_mismatch")
    share = rules["provincial_share_min"]
    # the provincial minimum binds projects above the mandatory-tendering limit; others prefer the province
    local_allowed = (int(expert_count - share.value * expert_count) if project.above_limit else expert_count)
    if ExpertDraw.objects.filter(tender_section=offer).exists():
        raise Conflict("本标段已抽取评标专家;如需更换专家请补抽。", code="duplicate")
    pools = build_pools(section=offer, specialties=specialties, rules=rules, now=now, local_allowed=local_allowed)
    seed = _seed(seed)
    chosen, missing = choose(seed=seed, needs=needs, pool={c: p.as_json() for c, p in pools.items()},
                             local_allowed=local_allowed)
    if missing:
        raise _unfillable(pools, needs, missing, local_allowed)
    snapshot = {code: rules[code].snapshot() for code in EXPERT_RULES}
    with transaction.atomic():
        draw = ExpertDraw.objects.create(tender_section=offer, committee_size=committee_size,
                                         representatives=representatives, expert_count=expert_count,
                                         requirements=needs, local_allowed=local_allowed, rules=snapshot,
                                         created_at=now, created_by=_user(actor))
        rnd, members = _write_round(draw=draw, number=0, kind=DrawRoundKind.INITIAL, seed=seed, needs=needs,
                                    pools=pools, local_allowed=local_allowed, chosen=chosen, now=now, actor=actor)
        audit.record(actor=actor, action="expert_draw.create", obj=draw,
                     payload={"tender": tender.number, "section": section.number, "seed": rnd.seed,
                              "committee_size": committee_size, "representatives": representatives,
                              "requirements": needs, "candidates": rnd.candidates_count,
                              "pool_sizes": {c: len(p.provincial) + len(p.local) for c, p in pools.items()},
                              "exclusions": rnd.exclusions, "chosen": [m.expert_id for m in members],
                              "provincial": sum(1 for m in members if m.source == ExpertSource.PROVINCIAL),
                              "local_allowed": local_allowed, "rules": snapshot})
    return draw


def expert_draw_replace(*, actor: Any, member: ExpertDrawMember, cause: str, reason: str,
                        now: dt.datetime | None = None, seed: int | None = None) -> ExpertDrawMember:
    """Replace a member who declines or must withdraw: one expert of the same specialty, drawn the same way,
    excluding everyone already drawn for this committee. Returns the new member."""
    require(actor, "trading.draw_experts")
    now = now or timezone.now()
    if cause not in ReplacementCause.values:
        raise InvalidInput(f"未知的替换原因:{cause}。", field="cause", code="bad_choice")
    reason = _text(reason, field="reason", label="替换原因", max_length=2000)
    with transaction.atomic():
        member = ExpertDrawMember.objects.select_for_update().select_related("draw", "specialty").get(pk=member.pk)
        if member.replaced_at is not None:
            raise Conflict("该专家已被替换。", code="already_replaced")
        draw = member.draw
        offer = TenderSection.objects.select_related("tender__project", "section").get(pk=draw.tender_section_id)
        project = offer.tender.project
        rules = rules_for(project_type=project.project_type, procedure=project.procedure)
        serving_local = (draw.members.filter(replaced_at__isnull=True, source=ExpertSource.LOCAL)
                         .exclude(pk=member.pk).count())
        local_allowed = max(draw.local_allowed - serving_local, 0)
        already = set(draw.members.values_list("expert_id", flat=True))
        needs = {member.specialty.code: 1}
        pools = build_pools(section=offer, specialties=[member.specialty], rules=rules, now=now,
                            local_allowed=local_allowed, already=already)
        seed = _seed(seed)
        chosen, missing = choose(seed=seed, needs=needs, pool={c: p.as_json() for c, p in pools.items()},
                                 local_allowed=local_allowed)
        if missing:
            raise _unfillable(pools, needs, missing, local_allowed)
        number = draw.rounds.count()
        position = draw.members.count() + 1
        rnd, (new,) = _write_round(draw=draw, number=number, kind=DrawRoundKind.REPLACEMENT, seed=seed, needs=needs,
                                   pools=pools, local_allowed=local_allowed, chosen=chosen, now=now, actor=actor,
                                   reason=reason, first_position=position)
        new = ExpertDrawMember.objects.get(draw=draw, expert_id=new.expert_id)
        ExpertDrawMember.objects.filter(pk=member.pk, replaced_at__isnull=True).update(
            replaced_at=now, replacement_cause=cause, replacement_reason=reason, replaced_by=new)
        audit.record(actor=actor, action="expert_draw.replace", obj=draw,
                     payload={"round": number, "seed": rnd.seed, "replaced_member": member.pk,
                              "replaced_expert": member.expert_id, "cause": cause, "reason": reason,
                              "specialty": member.specialty.code, "candidates": rnd.candidates_count,
                              "exclusions": rnd.exclusions, "chosen": [new.expert_id], "source": new.source})
    return new


def draw_replay(draw: ExpertDraw) -> dict[str, Any]:
    """Rerun every round of ``draw`` from its recorded seed and pool; ``matches`` says whether the experts
    come out the same as the ones recorded."""
    rounds = []
    recorded_by_round: dict[int, list[int]] = defaultdict(list)
    for m in draw.members.order_by("position"):
        recorded_by_round[m.round_id].append(m.expert_id)
    for rnd in draw.rounds.order_by("number"):
        chosen, missing = choose(seed=int(rnd.seed), needs=rnd.needs, pool=rnd.pool, local_allowed=rnd.local_allowed)
        experts = [pk for _, pk, _ in chosen]
        rounds.append({"number": rnd.number, "seed": rnd.seed, "experts": experts,
                       "recorded": recorded_by_round[rnd.pk], "matches": experts == recorded_by_round[rnd.pk]
                       and not missing})
    return {"draw": draw.pk, "rounds": rounds, "matches": all(r["matches"] for r in rounds)}


def expert_share(draw: ExpertDraw) -> Fraction:
    """The share of experts in the committee as drawn (exact)."""
    return Fraction(draw.expert_count, draw.committee_size)


# --- credit score (used by the credit domain: penalty points and their revocation) -----------------------

def expert_credit_adjust(*, actor: Any, expert: Expert | int, delta: int, reason: str,
                         now: dt.datetime | None = None, payload: dict[str, Any] | None = None) -> tuple[int, int]:
    """Change an expert's ``credit_score`` by ``delta``, kept within 0..100; one audit event
    (``expert.credit_adjust``, with the score before and after and ``at``). Returns ``(before, after)``.

    The caller has checked its own permission (the credit domain: ``credit.manage_penalties``)."""
    if not isinstance(delta, int) or isinstance(delta, bool):
        raise InvalidInput("信用分调整值应为整数。", field="delta", code="bad_delta")
    reason = _text(reason, field="reason", label="调整原因", max_length=2000)
    now = now or timezone.now()
    pk = expert.pk if isinstance(expert, Expert) else expert
    with transaction.atomic():
        row = Expert.objects.select_for_update().get(pk=pk)
        before = row.credit_score
        after = min(100, max(0, before + delta))
        Expert.objects.filter(pk=pk).update(credit_score=after)
        if isinstance(expert, Expert):
            expert.credit_score = after
        audit.record(actor=actor, action="expert.credit_adjust", obj=row, reason=reason,
                     payload={"delta": delta, "before": before, "after": after, "at": now.isoformat(),
                              **(payload or {})})
    return before, after
