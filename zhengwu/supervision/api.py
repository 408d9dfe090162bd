"""The supervision API (a ninja Router mounted at /api/v1/supervision/): flags and their decisions, cases,
clues and their stages, inspection campaigns and inspections, statistics.

Each endpoint parses, calls one service or selector, and renders; reads go through the scoped selectors (a row
outside the scope is a 404, a list without ``supervision.view`` a 403); refusals are AppErrors in the platform's
one error format.
"""

from datetime import date

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.core.errors import InvalidInput
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.org.selectors import enterprises_visible_to
from zhengwu.supervision import selectors, services
from zhengwu.supervision.models import Clue, Flag, Inspection, SupervisionCase
from zhengwu.supervision.schemas import (
    CampaignIn,
    CampaignOut,
    CaseCloseIn,
    CaseOut,
    ClueIn,
    ClueOut,
    ClueTransitionIn,
    FlagClueIn,
    FlagDecisionIn,
    FlagOut,
    InspectionClueIn,
    InspectionIn,
    InspectionOut,
    StatisticsOut,
)
from zhengwu.supervision.workflow import CASE_WORKFLOW, CLUE_WORKFLOW, FLAG_WORKFLOW
from zhengwu.trading import selectors as trading_selectors

router = Router(tags=["supervision"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "supervision.view"


# --- rendering ---------------------------------------------------------------------------------------

def flag_out(flag: Flag, user=None) -> FlagOut:
    return FlagOut(
        id=flag.pk, family=flag.family, family_label=flag.get_family_display(), rule=flag.rule, status=flag.status,
        status_label=flag.get_status_display(), title=flag.title, subject_label=flag.subject_label,
        value=flag.value, evidence=flag.evidence, case_id=flag.case_id, case_number=flag.case.number,
        project_id=flag.project_id, tender_section_id=flag.tender_section_id,
        enterprise_ids=sorted(e.pk for e in flag.enterprises.all()), detected_at=flag.detected_at,
        decision_reason=flag.decision_reason, decided_at=flag.decided_at, version=flag.version,
        actions=[t.name for t in FLAG_WORKFLOW.available(flag, user)] if user is not None else [])


def case_out(case: SupervisionCase, user=None) -> CaseOut:
    flags = list(case.flags.values_list("status", flat=True))
    return CaseOut(id=case.pk, number=case.number, status=case.status, status_label=case.get_status_display(),
                   title=case.title, group_key=case.group_key, project_id=case.project_id, opened_at=case.opened_at,
                   closed_at=case.closed_at, conclusion=case.conclusion, flags=len(flags),
                   open_flags=sum(1 for s in flags if s == "open"),
                   actions=[t.name for t in CASE_WORKFLOW.available(case, user)] if user is not None else [])


def clue_out(clue: Clue, user=None) -> ClueOut:
    plain = {f: getattr(clue, f) for f in ClueOut.model_fields
             if f not in ("id", "source_label", "status_label", "actions")}
    return ClueOut(id=clue.pk, source_label=clue.get_source_display(), status_label=clue.get_status_display(),
                   actions=[t.name for t in CLUE_WORKFLOW.available(clue, user)] if user is not None else [],
                   **plain)


def inspection_out(inspection: Inspection) -> InspectionOut:
    return InspectionOut(id=inspection.pk, campaign_id=inspection.campaign_id, project_id=inspection.project_id,
                         project_number=inspection.project.number, inspected_on=inspection.inspected_on,
                         result=inspection.result, findings=inspection.findings,
                         clue_ids=[c.pk for c in inspection.clues.all()])


def campaign_out(campaign) -> CampaignOut:
    return CampaignOut(id=campaign.pk, name=campaign.name, period_start=campaign.period_start,
                       period_end=campaign.period_end, scope=campaign.scope, inspected=campaign.inspected,
                       with_problems=campaign.with_problems, clues_raised=campaign.clues_raised)


# --- flags -------------------------------------------------------------------------------------------

@router.get("/flags", response={200: list[FlagOut], **ERRORS})
@paginate(LimitOffsetPagination)
def flag_list(request: HttpRequest, family: str = "", rule: str = "", status: str = "", project_id: int | None = None,
              case_id: int | None = None, q: str = ""):
    require(request.user, VIEW)
    qs = selectors.flag_list(user=request.user, family=family, rule=rule, status=status, project_id=project_id,
                             case_id=case_id, q=q[:64]).prefetch_related("enterprises")
    return [flag_out(f) for f in qs]


@router.get("/flags/{flag_id}", response={200: FlagOut, **ERRORS})
def flag_detail(request: HttpRequest, flag_id: int):
    return flag_out(selectors.flag_get(user=request.user, pk=flag_id), request.user)


@router.post("/flags/{flag_id}/decision", response={200: FlagOut, **ERRORS})
def flag_decide(request: HttpRequest, flag_id: int, data: FlagDecisionIn):
    flag = selectors.flag_get(user=request.user, pk=flag_id)
    if data.version is not None:
        flag.version = data.version
    services.flag_decide(actor=request.user, flag=flag, action=data.action, reason=data.reason)
    return flag_out(selectors.flag_get(user=request.user, pk=flag_id), request.user)


@router.post("/flags/{flag_id}/clue", response={201: ClueOut, **ERRORS})
def flag_to_clue(request: HttpRequest, flag_id: int, data: FlagClueIn):
    flag = selectors.flag_get(user=request.user, pk=flag_id)
    clue = services.flag_to_clue(actor=request.user, flag=flag, reason=data.reason, description=data.description)
    return Status(201, clue_out(clue, request.user))


# --- cases -------------------------------------------------------------------------------------------

@router.get("/cases", response={200: list[CaseOut], **ERRORS})
@paginate(LimitOffsetPagination)
def case_list(request: HttpRequest, status: str = "", project_id: int | None = None):
    require(request.user, VIEW)
    qs = selectors.cases_visible_to(request.user)
    if status:
        qs = qs.filter(status=status)
    if project_id:
        qs = qs.filter(project_id=project_id)
    return [case_out(c) for c in qs]


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def case_detail(request: HttpRequest, case_id: int):
    return case_out(selectors.case_get(user=request.user, pk=case_id), request.user)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **ERRORS})
def case_close(request: HttpRequest, case_id: int, data: CaseCloseIn):
    case = selectors.case_get(user=request.user, pk=case_id)
    services.case_close(actor=request.user, case=case, conclusion=data.conclusion)
    return case_out(selectors.case_get(user=request.user, pk=case_id), request.user)


# --- clues -------------------------------------------------------------------------------------------

@router.get("/clues", response={200: list[ClueOut], **ERRORS})
@paginate(LimitOffsetPagination)
def clue_list(request: HttpRequest, source: str = "", status: str = "", overdue: bool = False):
    require(request.user, VIEW)
    return [clue_out(c) for c in selectors.clue_list(user=request.user, source=source, status=status,
                                                      overdue=overdue)]


@router.post("/clues", response={201: ClueOut, **ERRORS})
def clue_register(request: HttpRequest, data: ClueIn):
    project = enterprise = inspection = None
    if data.project_id is not None:
        project = trading_selectors.project_list(user=request.user).filter(pk=data.project_id).first()
        if project is None:
            raise InvalidInput(f"交易项目不存在:{data.project_id}。", field="project_id", code="unknown_reference")
    if data.enterprise_id is not None:
        enterprise = enterprises_visible_to(request.user).filter(pk=data.enterprise_id).first()
        if enterprise is None:
            raise InvalidInput(f"企业不存在:{data.enterprise_id}。", field="enterprise_id", code="unknown_reference")
    if data.inspection_id is not None:
        inspection = selectors.inspections_visible_to(request.user).filter(pk=data.inspection_id).first()
        if inspection is None:
            raise InvalidInput(f"排查记录不存在:{data.inspection_id}。", field="inspection_id",
                               code="unknown_reference")
    if data.source == "red_flag":
        raise InvalidInput("预警转线索请使用 POST /flags/{id}/clue。", field="source", code="use_flag_endpoint")
    clue = services.clue_register(actor=request.user, source=data.source, source_reference=data.source_reference,
                                  description=data.description, project=project or getattr(inspection, "project", None),
                                  enterprise=enterprise, inspection=inspection)
    return Status(201, clue_out(clue, request.user))


@router.get("/clues/{clue_id}", response={200: ClueOut, **ERRORS})
def clue_detail(request: HttpRequest, clue_id: int):
    return clue_out(selectors.clue_get(user=request.user, pk=clue_id), request.user)


@router.post("/clues/{clue_id}/transition", response={200: ClueOut, **ERRORS})
def clue_transition(request: HttpRequest, clue_id: int, data: ClueTransitionIn):
    clue = selectors.clue_get(user=request.user, pk=clue_id)
    services.clue_transition(actor=request.user, clue=clue.pk, action=data.action, reason=data.reason,
                             days=data.days, version=data.version)
    return clue_out(selectors.clue_get(user=request.user, pk=clue_id), request.user)


# --- inspections -------------------------------------------------------------------------------------

@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
@paginate(LimitOffsetPagination)
def campaign_list(request: HttpRequest):
    require(request.user, VIEW)
    return [campaign_out(c) for c in selectors.campaigns_with_figures(user=request.user)]


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def campaign_create(request: HttpRequest, data: CampaignIn):
    campaign = services.campaign_create(actor=request.user, name=data.name, period_start=data.period_start,
                                        period_end=data.period_end, scope=data.scope)
    return Status(201, campaign_out(selectors.campaigns_with_figures(user=request.user).get(pk=campaign.pk)))


@router.get("/campaigns/{campaign_id}", response={200: CampaignOut, **ERRORS})
def campaign_detail(request: HttpRequest, campaign_id: int):
    selectors.campaign_get(user=request.user, pk=campaign_id)
    return campaign_out(selectors.campaigns_with_figures(user=request.user).get(pk=campaign_id))


@router.get("/campaigns/{campaign_id}/inspections", response={200: list[InspectionOut], **ERRORS})
@paginate(LimitOffsetPagination)
def inspection_list(request: HttpRequest, campaign_id: int):
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    qs = (selectors.inspections_visible_to(request.user).filter(campaign=campaign).select_related("project")
          .prefetch_related("clues"))
    return [inspection_out(i) for i in qs]


@router.post("/campaigns/{campaign_id}/inspections", response={201: InspectionOut, **ERRORS})
def inspection_record(request: HttpRequest, campaign_id: int, data: InspectionIn):
    campaign = selectors.campaign_get(user=request.user, pk=campaign_id)
    project = trading_selectors.project_list(user=request.user).filter(pk=data.project_id).first()
    if project is None:
        raise InvalidInput(f"交易项目不存在:{data.project_id}。", field="project_id", code="unknown_reference")
    inspection = services.inspection_record(actor=request.user, campaign=campaign, project=project,
                                            inspected_on=data.inspected_on, result=data.result,
                                            findings=data.findings)
    return Status(201, inspection_out(inspection))


@router.post("/inspections/{inspection_id}/clue", response={201: ClueOut, **ERRORS})
def inspection_to_clue(request: HttpRequest, inspection_id: int, data: InspectionClueIn):
    inspection = selectors.inspection_get(user=request.user, pk=inspection_id)
    clue = services.inspection_to_clue(actor=request.user, inspection=inspection, description=data.description)
    return Status(201, clue_out(clue, request.user))


# --- statistics --------------------------------------------------------------------------------------

@router.get("/statistics", response={200: StatisticsOut, **ERRORS})
def statistics(request: HttpRequest, date_from: date | None = None, date_to: date | None = None):
    require(request.user, VIEW)
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("结束日期不能早于开始日期。", field="date_to", code="period_reversed")
    period = {"date_from": date_from, "date_to": date_to}
    return StatisticsOut(flags=selectors.flag_statistics(user=request.user, **period),
                         clues=selectors.clue_statistics(user=request.user, **period),
                         inspections=selectors.inspection_statistics(user=request.user, **period))
