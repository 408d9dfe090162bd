"""The transition tables of the trading domain (DOMAIN.md §10), run by the one workflow engine.

Tender::

    draft ──publish──▶ published ──amend──▶ amended ──amend──▶ amended
                          │                    │
                          └──close (system, at the bid deadline)──▶ closed ──open──▶ opened
                                                                      │                 │
                                                                      └──fail──▶ failed ◀┘

Sealed bid (a replacement is a new bid; the one it replaces is withdrawn)::

    sealed ──withdraw (before the deadline)──▶ withdrawn
       ├──open (system, at the opening)──▶ opened
       ├──revoke (system: the bidder's key did not open it)──▶ revoked
       └──fail_other (system: any other cause)──▶ failed_other

Objection to the documents::

    submitted ──answer──▶ answered

Candidates' publicity (part 4)::

    draft ──publish (within publicity_within_days of the report)──▶ published
          ──close (after publicity_min_days)──▶ closed

Remote cross-region evaluation session (part 5)::

    scheduled ──start (venues ready, committee seated)──▶ in_progress ──close (report signed)──▶ closed
        └──cancel (a reason)──▶ cancelled
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.workflow import Transition, TransitionContext, Workflow
from zhengwu.core.inputs import acting_user as _user
from zhengwu.trading import checks, hooks
from zhengwu.trading.choices import (
    BidStatus,
    ChangeKind,
    DepositForm,
    ExpertStatus,
    ObjectionStatus,
    OpeningOutcome,
    PublicityStatus,
    RemoteSessionStatus,
    SessionEventKind,
    VenueKind,
)
from zhengwu.trading.choices import TenderStatus as S
from zhengwu.trading.models import (
    Bid,
    CandidatePublicity,
    Deposit,
    Expert,
    ExpertDrawMember,
    Objection,
    OpeningRecord,
    RemoteSession,
    Tender,
    TenderChange,
)
from zhengwu.trading.rules import add_days, days_between, violation
from zhengwu.trading.selectors import (
    bids_visible_to,
    experts_visible_to,
    objections_visible_to,
    publicities_visible_to,
    rules_for,
    tenders_visible_to,
)
from zhengwu.trading.selectors_sessions import sessions_visible_to


def _rules(tender: Tender):
    return rules_for(project_type=tender.project.project_type, procedure=tender.project.procedure)


# --- publish -------------------------------------------------------------------------------------

def guard_publish(tender: Tender, ctx: TransitionContext) -> None:
    """The date rules and the deposit caps, against the rule values that apply to the project now."""
    rules = _rules(tender)
    checks.check_schedule(documents_issued_at=tender.documents_issued_at, on_sale_from=tender.on_sale_from,
                          on_sale_to=tender.on_sale_to, bid_deadline=tender.bid_deadline,
                          opening_at=tender.opening_at, bid_validity_days=tender.bid_validity_days)
    offered = list(tender.tender_sections.select_related("section"))
    if not offered:
        raise InvalidInput("招标至少要包含一个标段。", field="sections", code="no_sections")
    if tender.bid_deadline <= ctx.now:
        raise InvalidInput("投标截止时间已过,不能发布。", field="bid_deadline", code="deadline_passed")
    if checks.local_date(tender.documents_issued_at) < checks.local_date(ctx.now):
        raise InvalidInput("招标文件开始发出时间不能早于发布之日。", field="documents_issued_at",
                           code="documents_before_publication")
    documents_days = checks.check_documents_period(rules["documents_to_deadline_days"],
                                                   documents_issued_at=tender.documents_issued_at,
                                                   bid_deadline=tender.bid_deadline)
    sale_days = checks.check_sale_period(rules["documents_on_sale_days"], on_sale_from=tender.on_sale_from,
                                         on_sale_to=tender.on_sale_to)
    for offer in offered:
        checks.check_deposit_cap(rules["deposit_max_ratio"], amount=offer.deposit_required,
                                 estimate=offer.section.estimate, field="deposit_required")
    hooks.run_publish_checks(tender)  # e.g. the fair competition review's open findings
    ctx.updates["published_at"] = ctx.now
    ctx.audit.update(
        documents_days=documents_days, sale_days=sale_days,
        rules={code: rules[code].snapshot()
               for code in ("documents_to_deadline_days", "documents_on_sale_days", "deposit_max_ratio")},
    )


# --- amend -----------------------------------------------------------------------------------------

def guard_amend(tender: Tender, ctx: TransitionContext) -> None:
    """A change that affects bids needs change_notice_days before the deadline, or a new deadline that gives them."""
    title = str(ctx.payload.get("title") or "").strip()
    content = str(ctx.payload.get("content") or "").strip()
    if not title:
        raise InvalidInput("请填写修改的标题。", field="title", code="required")
    if not content:
        raise InvalidInput("请填写修改的内容。", field="content", code="required")
    if ctx.now >= tender.bid_deadline:
        raise Conflict("投标截止时间已过,不能再修改招标文件。", code="deadline_passed")
    affects_bids = bool(ctx.payload.get("affects_bids", True))
    new_deadline: dt.datetime | None = ctx.payload.get("new_bid_deadline")
    if new_deadline is not None and new_deadline <= tender.bid_deadline:
        raise InvalidInput("顺延后的投标截止时间必须晚于原投标截止时间。", field="new_bid_deadline",
                           code="deadline_not_later")
    deadline = new_deadline or tender.bid_deadline
    entry = _rules(tender)["change_notice_days"]
    days = None
    if affects_bids:
        days = checks.check_change_notice(entry, issued_at=ctx.now, bid_deadline=deadline, field="new_bid_deadline")
    if new_deadline is not None:
        ctx.updates["bid_deadline"] = new_deadline
        # The opening follows the deadline (招标投标法 §34: at the same time); a later opening stays if still later.
        ctx.updates["opening_at"] = (new_deadline if tender.opening_at == tender.bid_deadline
                                     else max(tender.opening_at, new_deadline))
    ctx.audit.update(title=title, affects_bids=affects_bids, previous_bid_deadline=tender.bid_deadline,
                     new_bid_deadline=new_deadline, days_before_deadline=days,
                     rules={"change_notice_days": entry.snapshot()})


def on_amend(tender: Tender, ctx: TransitionContext) -> None:
    TenderChange.objects.create(
        tender=tender, sequence=tender.changes.count() + 1, kind=ChangeKind.AMENDMENT,
        title=ctx.audit["title"], content=str(ctx.payload.get("content")).strip(),
        affects_bids=ctx.audit["affects_bids"], issued_at=ctx.now,
        previous_bid_deadline=ctx.audit["previous_bid_deadline"], new_bid_deadline=ctx.audit["new_bid_deadline"],
        issued_by=_user(ctx.actor))


# --- close, open, fail -------------------------------------------------------------------------------

def guard_close(tender: Tender, ctx: TransitionContext) -> None:
    if ctx.now < tender.bid_deadline:
        raise Conflict("投标截止时间未到,不能截标。", code="deadline_not_reached",
                       details={"bid_deadline": tender.bid_deadline.isoformat()})


def guard_open(tender: Tender, ctx: TransitionContext) -> None:
    """Only the opening (``services_bids.tender_open``) opens a tender: after it has written an opening record
    for every offered section, at least one of them with enough bids. Whoever calls the transition otherwise
    (a script, a future endpoint) is refused, so the ``min_bids`` rule cannot be skipped."""
    if ctx.now < tender.opening_at:
        raise Conflict("开标时间未到,不能开标。", code="sealed_until_opening",
                       details={"opening_at": tender.opening_at.isoformat()})
    offered = set(tender.tender_sections.values_list("section_id", flat=True))
    outcomes = dict(OpeningRecord.objects.filter(tender=tender).values_list("section_id", "outcome"))
    missing = sorted(offered - set(outcomes))
    if missing:
        raise Conflict("开标记录尚未生成,只能通过开标程序开标。", code="opening_record_missing",
                       details={"sections": missing})
    if OpeningOutcome.OPENED not in outcomes.values():
        raise Conflict("各标段投标人均不足,不能开标,应作流标处理。", code="rule.min_bids",
                       details={"outcomes": {str(k): v for k, v in outcomes.items()}})


def _deposits_fall_due(tender: Tender, ctx: TransitionContext, *, sections: set[int] | None = None) -> None:
    """The transfer deposits of the tender (or of some of its sections) fall due deposit_refund_days from today."""
    entry = _rules(tender)["deposit_refund_days"]
    due = add_days(checks.local_date(ctx.now), entry.as_int, entry)
    deposits = Deposit.objects.filter(registration__tender_section__tender=tender, form=DepositForm.TRANSFER,
                                      refunded_on__isnull=True, refund_due_on__isnull=True)
    if sections is not None:
        deposits = deposits.filter(registration__tender_section__section_id__in=sections)
    deposits.update(refund_due_on=due)


def on_fail(tender: Tender, ctx: TransitionContext) -> None:
    """A failed tender signs no contract: its deposits fall due deposit_refund_days after the failure."""
    _deposits_fall_due(tender, ctx)


def on_open(tender: Tender, ctx: TransitionContext) -> None:
    """A section not opened for want of bids signs no contract in this tender (it is re-run alone): its
    deposits fall due as a failed tender's do; the opened sections' wait for their contract."""
    failed = set(OpeningRecord.objects.filter(tender=tender, outcome=OpeningOutcome.TOO_FEW_BIDS)
                 .values_list("section_id", flat=True))
    if failed:
        _deposits_fall_due(tender, ctx, sections=failed)


TENDER_WORKFLOW: Workflow[Tender] = Workflow(
    model=Tender,
    visible_to=tenders_visible_to,
    initial=S.DRAFT,
    transitions=[
        Transition("publish", source={S.DRAFT}, target=S.PUBLISHED, permission="trading.publish_tender",
                   label=_("发布招标公告"), guard=guard_publish, style="success"),
        Transition("amend", source={S.PUBLISHED, S.AMENDED}, target=S.AMENDED, permission="trading.amend_tender",
                   label=_("修改招标文件"), guard=guard_amend, on_enter=(on_amend,), style="warning"),
        Transition("close", source={S.PUBLISHED, S.AMENDED}, target=S.CLOSED, permission="trading.close_tender",
                   label=_("截标"), guard=guard_close, system=True),
        Transition("open", source={S.CLOSED}, target=S.OPENED, permission="trading.open_tender", label=_("开标"),
                   guard=guard_open, on_enter=(on_open,)),
        Transition("fail", source={S.CLOSED, S.OPENED}, target=S.FAILED, permission="trading.fail_tender",
                   label=_("流标"), on_enter=(on_fail,), needs_reason=True, style="danger"),
    ],
)


# --- objections ----------------------------------------------------------------------------------

def guard_answer(objection: Objection, ctx: TransitionContext) -> None:
    late = checks.local_date(ctx.now) > objection.answer_due_on
    ctx.updates.update(answer=ctx.reason, answered_at=ctx.now, answered_late=late)
    ctx.audit["answered_late"] = late


OBJECTION_WORKFLOW: Workflow[Objection] = Workflow(
    model=Objection,
    visible_to=objections_visible_to,
    initial=ObjectionStatus.SUBMITTED,
    transitions=[
        Transition("answer", source={ObjectionStatus.SUBMITTED}, target=ObjectionStatus.ANSWERED,
                   permission="trading.answer_objection", label=_("答复异议"), guard=guard_answer,
                   needs_reason=True),
    ],
)


# --- sealed bids ---------------------------------------------------------------------------------

def bid_after_deadline(tender: Tender) -> Conflict:
    return Conflict(f"投标截止时间({tender.bid_deadline:%Y-%m-%d %H:%M})已到,不再接收、撤回或替换投标文件。",
                    code="rule.bid_after_deadline",
                    details={"rule": "bid_after_deadline", "bid_deadline": tender.bid_deadline.isoformat()})


def guard_withdraw(bid: Bid, ctx: TransitionContext) -> None:
    tender = bid.registration.tender_section.tender
    if ctx.now >= tender.bid_deadline:
        raise bid_after_deadline(tender)


def guard_open_bid(bid: Bid, ctx: TransitionContext) -> None:
    """Stage what the opening decrypted (``ctx.payload["opened"]``) for the same UPDATE."""
    ctx.updates.update(ctx.payload.pop("opened"))
    ctx.updates["opened_at"] = ctx.now


def guard_failed_bid(bid: Bid, ctx: TransitionContext) -> None:
    ctx.updates.update(failure=ctx.reason[:200], opened_at=ctx.now)


BID_WORKFLOW: Workflow[Bid] = Workflow(
    model=Bid,
    visible_to=bids_visible_to,
    initial=BidStatus.SEALED,
    select_related=("registration__tender_section__tender",),
    transitions=[
        Transition("withdraw", source={BidStatus.SEALED}, target=BidStatus.WITHDRAWN,
                   permission="trading.submit_bid", label=_("撤回投标文件"), guard=guard_withdraw, style="danger"),
        Transition("open", source={BidStatus.SEALED}, target=BidStatus.OPENED, permission="trading.open_tender",
                   label=_("解密"), guard=guard_open_bid, system=True),
        Transition("revoke", source={BidStatus.SEALED}, target=BidStatus.REVOKED, permission="trading.open_tender",
                   label=_("解密失败(投标人原因)"), guard=guard_failed_bid, system=True, needs_reason=True),
        Transition("fail_other", source={BidStatus.SEALED}, target=BidStatus.FAILED_OTHER,
                   permission="trading.open_tender", label=_("解密失败(其他原因)"), guard=guard_failed_bid,
                   system=True, needs_reason=True),
    ],
)


# --- experts ----------------------------------------------------------------------------------------
#
#   active ──suspend──▶ suspended ──reinstate──▶ active
#     └────────punish (from active or suspended)──▶ punished ──reinstate──▶ active
#
# A suspended or punished expert is never in a draw's pool; a reason is required every time.

EXPERT_WORKFLOW: Workflow[Expert] = Workflow(
    model=Expert,
    visible_to=experts_visible_to,
    initial=ExpertStatus.ACTIVE,
    transitions=[
        Transition("suspend", source={ExpertStatus.ACTIVE}, target=ExpertStatus.SUSPENDED,
                   permission="trading.manage_experts", label=_("暂停专家"), needs_reason=True, style="warning"),
        Transition("punish", source={ExpertStatus.ACTIVE, ExpertStatus.SUSPENDED}, target=ExpertStatus.PUNISHED,
                   permission="trading.manage_experts", label=_("处罚专家"), needs_reason=True, style="danger"),
        Transition("reinstate", source={ExpertStatus.SUSPENDED, ExpertStatus.PUNISHED}, target=ExpertStatus.ACTIVE,
                   permission="trading.manage_experts", label=_("恢复专家"), needs_reason=True, style="success"),
    ],
)


# --- candidates' publicity (part 4) ----------------------------------------------------------------

def _publicity_rule(publicity: CandidatePublicity, code: str):
    return _rules(publicity.evaluation.tender_section.tender)[code]


def guard_publicity_publish(publicity: CandidatePublicity, ctx: TransitionContext) -> None:
    """Published within ``publicity_within_days`` of the report (实施条例 §54): 3 days after accepted, 4 refused."""
    entry = _publicity_rule(publicity, "publicity_within_days")
    reported_on = checks.local_date(publicity.evaluation.reported_at)
    today = checks.local_date(ctx.now)
    elapsed = days_between(reported_on, today, entry)
    if elapsed > entry.as_int:
        raise violation(entry, field="published_at", message=f"收到评标报告后第 {elapsed} 天才公示中标候选人,超过期限",
                        actual=elapsed, reported_on=reported_on, latest=add_days(reported_on, entry.as_int, entry))
    ctx.updates["published_at"] = ctx.now
    ctx.audit["rules"] = {entry.code: entry.snapshot()}


def guard_publicity_close(publicity: CandidatePublicity, ctx: TransitionContext) -> None:
    """The publicity lasts at least ``publicity_min_days`` (实施条例 §54): closing after 3 days accepted, 2 refused."""
    entry = _publicity_rule(publicity, "publicity_min_days")
    published_on = checks.local_date(publicity.published_at)
    elapsed = days_between(published_on, checks.local_date(ctx.now), entry)
    if elapsed < entry.as_int:
        raise violation(entry, field="closed_at", message=f"中标候选人公示仅 {elapsed} 天,不足最短公示期",
                        actual=elapsed, published_on=published_on,
                        earliest=add_days(published_on, entry.as_int, entry))
    ctx.updates["closed_at"] = ctx.now
    ctx.audit["rules"] = {entry.code: entry.snapshot()}


PUBLICITY_WORKFLOW: Workflow[CandidatePublicity] = Workflow(
    model=CandidatePublicity,
    visible_to=publicities_visible_to,
    initial=PublicityStatus.DRAFT,
    select_related=("evaluation", "evaluation__tender_section", "evaluation__tender_section__tender",
                    "evaluation__tender_section__tender__project"),
    transitions=[
        Transition("publish", source={PublicityStatus.DRAFT}, target=PublicityStatus.PUBLISHED,
                   permission="trading.publish_candidates", label=_("公示中标候选人"), guard=guard_publicity_publish),
        Transition("close", source={PublicityStatus.PUBLISHED}, target=PublicityStatus.CLOSED,
                   permission="trading.publish_candidates", label=_("结束公示"), guard=guard_publicity_close),
    ],
)


# --- remote cross-region evaluation sessions (part 5) ------------------------------------------------

def guard_session_start(session: RemoteSession, ctx: TransitionContext) -> None:
    """Start with someone seated; as the main venue, with every serving member of the section's committee seated."""
    seated = session.members.all()
    if not seated.exists():
        raise Conflict("尚未安排任何人员到评标场地。", code="nobody_seated")
    if session.our_role == VenueKind.MAIN:
        serving = ExpertDrawMember.objects.filter(draw__tender_section_id=session.tender_section_id,
                                                  replaced_at__isnull=True)
        missing = [m.expert.name for m in serving.select_related("expert").exclude(
            pk__in=seated.filter(draw_member__isnull=False).values("draw_member_id")).order_by("position")]
        if missing:
            raise Conflict(f"评标委员会成员 {'、'.join(missing)} 尚未安排评标场地。", code="members_not_seated",
                           details={"missing": missing})
    ctx.updates["started_at"] = ctx.now
    ctx.audit["seated"] = seated.count()


def guard_session_close(session: RemoteSession, ctx: TransitionContext) -> None:
    if not session.events.filter(kind=SessionEventKind.REPORT_SIGNED).exists():
        raise Conflict("评标报告签署后才能结束远程异地评标。", code="report_not_signed")
    ctx.updates["closed_at"] = ctx.now


REMOTE_SESSION_WORKFLOW: Workflow[RemoteSession] = Workflow(
    model=RemoteSession,
    visible_to=sessions_visible_to,
    initial=RemoteSessionStatus.SCHEDULED,
    transitions=[
        Transition("start", source={RemoteSessionStatus.SCHEDULED}, target=RemoteSessionStatus.IN_PROGRESS,
                   permission="trading.evaluate", label=_("开始远程异地评标"), guard=guard_session_start,
                   style="success"),
        Transition("close", source={RemoteSessionStatus.IN_PROGRESS}, target=RemoteSessionStatus.CLOSED,
                   permission="trading.evaluate", label=_("结束远程异地评标"), guard=guard_session_close),
        Transition("cancel", source={RemoteSessionStatus.SCHEDULED}, target=RemoteSessionStatus.CANCELLED,
                   permission="trading.evaluate", label=_("取消远程异地评标"), needs_reason=True, style="danger"),
    ],
)
