"""Every non-trivial read of the trading domain, scoped to the user; and the rule lookup."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from zhengwu.core.permissions import ScopePaths, get_visible, scope_filter
from zhengwu.org.roles import ScopeKind
from zhengwu.trading.choices import LIVE_TENDER_STATUSES, DepositForm, ExpertSource, TenderStatus
from zhengwu.trading.models import (
    Award,
    Bid,
    BidderRegistration,
    CandidateObjection,
    CandidatePublicity,
    Deposit,
    Evaluation,
    Expert,
    ExpertDraw,
    ExpertDrawMember,
    Objection,
    OpeningRecord,
    Project,
    RuleSet,
    RuleValue,
    Section,
    Specialty,
    Tender,
    TenderChange,
    TenderSection,
)
from zhengwu.trading.rules import CATALOG, RuleEntry, parse_value

REGISTRATION_SCOPE = ScopePaths(enterprise="enterprise_id")
DEPOSIT_SCOPE = ScopePaths(enterprise="registration__enterprise_id")
OBJECTION_SCOPE = ScopePaths(enterprise="objector_enterprise_id")
BID_SCOPE = ScopePaths(enterprise="registration__enterprise_id")


def _may_read(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("trading.view"))


def _enterprise_of(user: Any) -> int | None:
    """The enterprise a reader is limited to, or None for a district-wide reader."""
    return user.enterprise_id if user.scope == ScopeKind.ENTERPRISE else None


# --- rules ----------------------------------------------------------------------------------------

def _rank(rule_set: RuleSet) -> int:
    """How specific a rule set is: type × procedure, then type, then procedure, then the default."""
    return (0 if rule_set.project_type else 2) + (0 if rule_set.procedure else 1)


def rules_for(*, project_type: str, procedure: str) -> dict[str, RuleEntry]:
    """Every rule as it applies to one project type × procedure (one query).

    The most specific row wins; a code with no row at all (someone deleted the default row) falls back
    to the catalog default, which is also what the data migration wrote.
    """
    rows = (RuleValue.objects.select_related("rule_set")
            .filter(rule_set__project_type__in=[project_type or "", ""], rule_set__procedure__in=[procedure or "", ""]))
    best: dict[str, tuple[int, RuleValue]] = {}
    for row in rows:
        rank = _rank(row.rule_set)
        if row.code not in best or rank < best[row.code][0]:
            best[row.code] = (rank, row)
    result: dict[str, RuleEntry] = {}
    for code, d in CATALOG.items():
        if code in best:
            row = best[code][1]
            result[code] = RuleEntry(code=code, value=parse_value(code, row.value), text=row.value,
                                     counting=row.counting, source=row.rule_set.name)
        else:
            result[code] = RuleEntry(code=code, value=parse_value(code, d.default), text=d.default,
                                     source="catalog")
    return result


def rule_entry(project: Project, code: str) -> RuleEntry:
    return rules_for(project_type=project.project_type, procedure=project.procedure)[code]


def rule(project: Project, code: str) -> Fraction:
    """The value of rule ``code`` for ``project`` (its type × procedure row overrides the default row)."""
    return rule_entry(project, code).value


def rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.prefetch_related("values")


# --- projects and tenders ---------------------------------------------------------------------------

def projects_visible_to(user: Any) -> QuerySet[Project]:
    """Staff and supervisors see every project; an enterprise sees the projects it tenders or acts as
    agent for, and every project with a published tender (the announcement is public)."""
    if not _may_read(user):
        return Project.objects.none()
    if user.scope == ScopeKind.ALL:
        return Project.objects.all()
    enterprise = _enterprise_of(user)
    if enterprise is None:
        return Project.objects.none()
    public = Tender.objects.filter(project=OuterRef("pk")).exclude(status=TenderStatus.DRAFT)
    return Project.objects.filter(Q(tendering_enterprise_id=enterprise) | Q(agent_id=enterprise) | Exists(public))


def project_get(*, user: Any, pk: int) -> Project:
    return get_visible(projects_visible_to(user).select_related("tendering_enterprise", "agent"), pk=pk)


def project_list(*, user: Any, filters: Any = None) -> QuerySet[Project]:
    qs = projects_visible_to(user).select_related("tendering_enterprise", "agent")
    return filters.filter(qs) if filters is not None else qs


def section_get(*, user: Any, pk: int) -> Section:
    return get_visible(Section.objects.filter(project__in=projects_visible_to(user)).select_related("project"), pk=pk)


def tenders_visible_to(user: Any) -> QuerySet[Tender]:
    if not _may_read(user):
        return Tender.objects.none()
    if user.scope == ScopeKind.ALL:
        return Tender.objects.all()
    enterprise = _enterprise_of(user)
    if enterprise is None:
        return Tender.objects.none()
    return Tender.objects.filter(~Q(status=TenderStatus.DRAFT) | Q(project__tendering_enterprise_id=enterprise)
                                 | Q(project__agent_id=enterprise))


def tender_get(*, user: Any, pk: int) -> Tender:
    return get_visible(tenders_visible_to(user).select_related("project")
                       .prefetch_related("tender_sections__section"), pk=pk)


def tender_list(*, user: Any, filters: Any = None) -> QuerySet[Tender]:
    qs = tenders_visible_to(user).select_related("project")
    return filters.filter(qs) if filters is not None else qs


def tender_changes(tender: Tender) -> QuerySet[TenderChange]:
    return tender.changes.order_by("sequence")


def tenders_due_to_close(*, now: dt.datetime) -> QuerySet[Tender]:
    return Tender.objects.filter(status__in=[TenderStatus.PUBLISHED, TenderStatus.AMENDED], bid_deadline__lte=now)


# --- objections -----------------------------------------------------------------------------------

def objections_visible_to(user: Any) -> QuerySet[Objection]:
    if not _may_read(user):
        return Objection.objects.none()
    return scope_filter(user, Objection.objects.all(), OBJECTION_SCOPE)


def objection_get(*, user: Any, pk: int) -> Objection:
    return get_visible(objections_visible_to(user).select_related("tender"), pk=pk)


# --- registrations and deposits ---------------------------------------------------------------------

def registrations_visible_to(user: Any) -> QuerySet[BidderRegistration]:
    if not _may_read(user):
        return BidderRegistration.objects.none()
    return scope_filter(user, BidderRegistration.objects.all(), REGISTRATION_SCOPE)


REGISTRATION_RELATED = ("enterprise", "tender_section", "tender_section__tender", "tender_section__section")


def registration_get(*, user: Any, pk: int) -> BidderRegistration:
    return get_visible(registrations_visible_to(user).select_related(*REGISTRATION_RELATED, "deposit"), pk=pk)


def registration_list(*, user: Any, tender_id: int | None = None) -> QuerySet[BidderRegistration]:
    qs = registrations_visible_to(user).select_related(*REGISTRATION_RELATED, "deposit")
    if tender_id is not None:
        qs = qs.filter(tender_section__tender_id=tender_id)
    return qs


def deposits_visible_to(user: Any) -> QuerySet[Deposit]:
    if not _may_read(user):
        return Deposit.objects.none()
    return scope_filter(user, Deposit.objects.all(), DEPOSIT_SCOPE)


DEPOSIT_RELATED = ("registration", *(f"registration__{r}" for r in REGISTRATION_RELATED))


def deposit_get(*, user: Any, pk: int) -> Deposit:
    return get_visible(deposits_visible_to(user).select_related(*DEPOSIT_RELATED), pk=pk)


def deposit_list(*, user: Any, filters: Any = None) -> QuerySet[Deposit]:
    qs = deposits_visible_to(user).select_related(*DEPOSIT_RELATED)
    return filters.filter(qs) if filters is not None else qs


def deposits_overdue(*, user: Any, today: dt.date | None = None) -> QuerySet[Deposit]:
    """Transfers whose refund due date has passed without a refund, oldest due date first."""
    today = today or timezone.localdate()
    return (deposits_visible_to(user).select_related(*DEPOSIT_RELATED)
            .filter(form=DepositForm.TRANSFER, refunded_on__isnull=True, refund_due_on__lt=today)
            .order_by("refund_due_on", "id"))


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def unrefunded_old(qs: QuerySet[Deposit], *, years: int, today: dt.date | None = None) -> QuerySet[Deposit]:
    """Of ``qs``, the transfers never refunded whose tender closed (reached its bid deadline) more than
    ``years`` years ago."""
    cutoff = years_before(today or timezone.localdate(), years)
    start_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return (qs.filter(form=DepositForm.TRANSFER, refunded_on__isnull=True,
                      registration__tender_section__tender__bid_deadline__lt=start_of_cutoff)
            .order_by("registration__tender_section__tender__bid_deadline", "id"))


def deposits_unrefunded_old(*, user: Any, years: int, today: dt.date | None = None) -> QuerySet[Deposit]:
    return unrefunded_old(deposits_visible_to(user).select_related(*DEPOSIT_RELATED), years=years, today=today)


# --- sealed bids and openings ----------------------------------------------------------------------

BID_RELATED = ("registration", *(f"registration__{r}" for r in REGISTRATION_RELATED))


def bids_visible_to(user: Any) -> QuerySet[Bid]:
    """Staff and supervisors see every bid row (never its content before the opening); a bidder its own."""
    if not _may_read(user):
        return Bid.objects.none()
    return scope_filter(user, Bid.objects.all(), BID_SCOPE)


def bid_get(*, user: Any, pk: int) -> Bid:
    return get_visible(bids_visible_to(user).select_related(*BID_RELATED), pk=pk)


def sealed_bids(*, tender_section_id: int) -> QuerySet[Bid]:
    """The bids that count at the opening of one section (system read, unscoped)."""
    return (Bid.objects.filter(registration__tender_section_id=tender_section_id, status="sealed")
            .select_related(*BID_RELATED, "registration__deposit").order_by("received_at", "id"))


def opening_records_visible_to(user: Any) -> QuerySet[OpeningRecord]:
    """Published records: every one for staff and supervisors; a bidder's enterprise sees the records
    of the tenders it registered for."""
    if not _may_read(user):
        return OpeningRecord.objects.none()
    if user.scope == ScopeKind.ALL:
        return OpeningRecord.objects.all()
    enterprise = _enterprise_of(user)
    if enterprise is None:
        return OpeningRecord.objects.none()
    registered = BidderRegistration.objects.filter(tender_section__tender_id=OuterRef("tender_id"),
                                                   enterprise_id=enterprise)
    return OpeningRecord.objects.filter(Exists(registered))


def opening_record_list(*, user: Any, tender_id: int) -> QuerySet[OpeningRecord]:
    return (opening_records_visible_to(user).filter(tender_id=tender_id).select_related("section")
            .prefetch_related("rows"))


# --- experts and the draw (part 3) ------------------------------------------------------------------

def _may_read_experts(user: Any) -> bool:
    """Experts and draws are read by trading staff and supervisors only (the district-wide readers)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.has_perm("trading.view_experts"))


def experts_visible_to(user: Any) -> QuerySet[Expert]:
    return Expert.objects.all() if _may_read_experts(user) else Expert.objects.none()


def expert_get(*, user: Any, pk: int) -> Expert:
    return get_visible(experts_visible_to(user).select_related("employer", "department")
                       .prefetch_related("specialties", "declared_conflicts"), pk=pk)


def expert_list(*, user: Any, specialty: str = "", status: str = "", source: str = "") -> QuerySet[Expert]:
    qs = experts_visible_to(user).select_related("employer", "department").prefetch_related("specialties")
    if specialty:
        qs = qs.filter(specialties__code=specialty)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("id")


def specialty_list() -> QuerySet[Specialty]:
    return Specialty.objects.order_by("sort", "code")


def expert_draws_visible_to(user: Any) -> QuerySet[ExpertDraw]:
    return ExpertDraw.objects.all() if _may_read_experts(user) else ExpertDraw.objects.none()


def expert_draw_get(*, user: Any, pk: int) -> ExpertDraw:
    return get_visible(expert_draws_visible_to(user).select_related("tender_section__tender", "tender_section__section")
                       .prefetch_related("rounds", "members__expert", "members__specialty"), pk=pk)


def expert_draw_member_get(*, user: Any, pk: int) -> ExpertDrawMember:
    return get_visible(ExpertDrawMember.objects.filter(draw__in=expert_draws_visible_to(user))
                       .select_related("draw", "specialty", "expert"), pk=pk)


def provincial_share(*, user: Any, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """The figure "share of experts drawn from the provincial database" (goal 100 %): every expert drawn in the
    period (initial draws and replacements, replaced or not), by the local date of the round."""
    qs = ExpertDrawMember.objects.filter(draw__in=expert_draws_visible_to(user))
    if date_from is not None:
        qs = qs.filter(round__drawn_at__gte=timezone.make_aware(dt.datetime.combine(date_from, dt.time.min)))
    if date_to is not None:
        qs = qs.filter(round__drawn_at__lt=timezone.make_aware(
            dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min)))
    total = qs.count()
    provincial = qs.filter(source=ExpertSource.PROVINCIAL).count()
    share = Fraction(provincial, total) if total else None
    return {"date_from": date_from, "date_to": date_to, "drawn": total, "provincial": provincial,
            "local": total - provincial, "draws": qs.values("draw_id").distinct().count(),
            "share": f"{float(share):.4f}" if share is not None else None,
            "share_exact": str(share) if share is not None else None}


# --- evaluation, publicity and award (part 4) --------------------------------------------------------

def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    """Staff, supervisors and the center read evaluations; an enterprise user none (scores stay confidential
    until the candidates are published, 实施条例 §46; the public notice is a later part)."""
    if not _may_read(user) or _enterprise_of(user) is not None:
        return Evaluation.objects.none()
    return Evaluation.objects.all()


def evaluation_get(*, user: Any, pk: int) -> Evaluation:
    return get_visible(evaluations_visible_to(user).select_related(
        "tender_section", "tender_section__tender", "tender_section__tender__project", "tender_section__section"), pk=pk)


def publicities_visible_to(user: Any) -> QuerySet[CandidatePublicity]:
    return CandidatePublicity.objects.filter(evaluation__in=evaluations_visible_to(user))


def award_get(*, user: Any, pk: int) -> Award:
    return get_visible(Award.objects.filter(evaluation__in=evaluations_visible_to(user)), pk=pk)


def candidate_objection_get(*, user: Any, pk: int) -> CandidateObjection:
    return get_visible(CandidateObjection.objects.filter(publicity__in=publicities_visible_to(user)), pk=pk)


def contracts_overdue(*, user: Any, today: dt.date | None = None) -> QuerySet[Award]:
    """Awards whose contract is not recorded after ``contract_within_days`` from the notice (30 days ok, 31 late)."""
    today = today or timezone.localdate()
    return Award.objects.filter(evaluation__in=evaluations_visible_to(user), contract_signed_on__isnull=True,
                                contract_due_on__lt=today).order_by("contract_due_on", "id")


def candidate_objections_overdue(*, user: Any, today: dt.date | None = None) -> QuerySet[CandidateObjection]:
    """Objections to the candidates still unanswered after their answer day."""
    today = today or timezone.localdate()
    return CandidateObjection.objects.filter(publicity__in=publicities_visible_to(user), answered_at__isnull=True,
                                             answer_due_on__lt=today).order_by("answer_due_on", "id")


# --- the web screens: the live bid count, the expert's own committees ---------------------------------

def sealed_bid_counts(*, user: Any, tender_id: int) -> dict[int, int]:
    """Section id → number of sealed bids of a tender, without any name (staff watch it before the opening)."""
    rows = (bids_visible_to(user).filter(registration__tender_section__tender_id=tender_id, status="sealed")
            .values_list("registration__tender_section__section_id").annotate(n=Count("pk")).order_by())
    return dict(rows)


def _serving(user: Any) -> QuerySet[ExpertDrawMember]:
    """The committee seats the user holds as an expert (a member not replaced), through ``Expert.user``."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.has_perm("trading.score_bids")):
        return ExpertDrawMember.objects.none()
    return ExpertDrawMember.objects.filter(expert__user=user, replaced_at__isnull=True)


def evaluations_for_expert(user: Any) -> QuerySet[Evaluation]:
    """The evaluations of the committees the user serves on as an expert; nothing else."""
    seats = _serving(user).filter(draw__tender_section_id=OuterRef("tender_section_id"))
    return Evaluation.objects.filter(Exists(seats))


def expert_evaluation_get(*, user: Any, pk: int) -> Evaluation:
    return get_visible(evaluations_for_expert(user).select_related(
        "tender_section", "tender_section__tender", "tender_section__tender__project", "tender_section__section"), pk=pk)


def expert_seat(*, user: Any, evaluation: Evaluation) -> ExpertDrawMember:
    """The user's own seat on the evaluation's committee (404 when the user holds none)."""
    return get_visible(_serving(user).filter(draw__tender_section_id=evaluation.tender_section_id)
                       .select_related("draw", "expert", "specialty"), draw__tender_section_id=evaluation.tender_section_id)


def sections_free_for_tender(*, project: Project, tender: Tender | None = None) -> QuerySet[Section]:
    """The project's sections no other live tender offers: what a new tender (or this draft) may offer."""
    busy = TenderSection.objects.filter(section__project=project, tender__status__in=LIVE_TENDER_STATUSES)
    if tender is not None:
        busy = busy.exclude(tender=tender)
    return project.sections.exclude(pk__in=busy.values("section_id")).order_by("number")
