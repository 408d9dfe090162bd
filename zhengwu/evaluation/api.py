"""The evaluation API: indicator values, the ranking, publications, suggestions and schemes, the cases
behind a figure and the desk's reminder; and the public list of published rankings. The same
services and selectors (and the same ``PeriodFilter``) as the web."""


from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhengwu.core.errors import InvalidInput, NotFound
from zhengwu.core.paging import mapped
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut
from zhengwu.evaluation import selectors, services, services_desk
from zhengwu.evaluation.models import Publication, Scheme, SchemeVersion, Suggestion
from zhengwu.evaluation.schemas import (
    DrillCaseOut,
    DrilldownFilter,
    GroupValuesOut,
    IndicatorOut,
    PeriodFilter,
    PeriodOut,
    PublicationDetailOut,
    PublicationIn,
    PublicationOut,
    PublicationRowOut,
    PublicPublicationOut,
    PublicRowOut,
    RankingOut,
    RankingRowOut,
    ReminderOut,
    RuleOut,
    SchemeIn,
    SchemeRevisionIn,
    SchemeVersionOut,
    SuggestionCountOut,
    SuggestionDecisionIn,
    SuggestionIn,
    SuggestionOut,
    ValueOut,
    ValuesOut,
)
from zhengwu.evaluation.workflow import PUBLICATION_WORKFLOW, SUGGESTION_WORKFLOW

router = Router(tags=["evaluation"])
public_router = Router(tags=["public"], auth=None)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PUBLIC_LIMIT = 60


# --- output helpers -------------------------------------------------------------------------------

def value_out(value) -> ValueOut:  # noqa: ANN001
    return ValueOut(numerator=value.numerator, denominator=value.denominator, percent=value.percent)


def period_out(period: selectors.Period) -> PeriodOut:
    return PeriodOut(start=period.start, end=period.end, group=period.group)


def indicator_out(indicator) -> IndicatorOut:  # noqa: ANN001
    return IndicatorOut(code=indicator.code, number=indicator.number, name=indicator.name,
                        direction=indicator.direction, unit=indicator.unit, description=indicator.description)


def version_out(version: SchemeVersion) -> SchemeVersionOut:
    rules = [RuleOut(indicator=r.indicator.code, indicator_name=r.indicator.name, weight=r.weight, method=r.method,
                     step=r.step, floor=r.floor, target=r.target)
             for r in version.rules.select_related("indicator")]
    return SchemeVersionOut(scheme_id=version.scheme_id, scheme=version.scheme.name,
                            grouping=version.scheme.grouping, number=version.number, note=version.note,
                            digest=version.digest, created_at=version.created_at, rules=rules)


def publication_data(publication: Publication, user) -> dict:  # noqa: ANN001
    version = publication.scheme_version
    return {"id": publication.pk, "status": publication.status, "status_label": publication.get_status_display(),
            "week_start": publication.week_start, "period_start": publication.period_start,
            "period_end": publication.period_end, "grouping": publication.grouping, "scheme": version.scheme.name,
            "scheme_version": version.number, "digest": publication.digest, "prepared_at": publication.prepared_at,
            "published_at": publication.published_at,
            "actions": [t.name for t in PUBLICATION_WORKFLOW.available(publication, user)]}


def publication_detail_out(publication: Publication, user) -> PublicationDetailOut:  # noqa: ANN001
    rows = [PublicationRowOut(group_id=r.group_id, name=r.name, rank=r.rank, total=r.total, scores=r.scores,
                              values={c: value_out(v) for c, v in r.values.items()})
            for r in selectors.snapshot_rows(publication)]
    return PublicationDetailOut(**publication_data(publication, user), rows=rows)


def suggestion_out(suggestion: Suggestion, user) -> SuggestionOut:  # noqa: ANN001
    return SuggestionOut(
        id=suggestion.pk, status=suggestion.status, status_label=suggestion.get_status_display(),
        version=suggestion.version, department_id=suggestion.department_id, department=str(suggestion.department),
        indicator=suggestion.indicator.code if suggestion.indicator_id else None, title=suggestion.title,
        content=suggestion.content, submitted_at=suggestion.submitted_at, decision_reason=suggestion.decision_reason,
        decided_at=suggestion.decided_at, actions=[t.name for t in SUGGESTION_WORKFLOW.available(suggestion, user)])


def _scheme(scheme_id: int) -> Scheme:
    scheme = Scheme.objects.filter(pk=scheme_id).first()
    if scheme is None:
        raise NotFound(f"评价方案不存在:{scheme_id}。")
    return scheme


# --- indicators, values, ranking ---------------------------------------------------------------------

@router.get("/indicators", response={200: list[IndicatorOut], **ERRORS})
def indicator_list(request: HttpRequest):
    require(request.user, "evaluation.view")
    return [indicator_out(i) for i in selectors.indicators_active()]


@router.get("/values", response={200: ValuesOut, **ERRORS})
def values(request: HttpRequest, filters: Query[PeriodFilter]):
    """Every indicator for every department (or township) with data in the period, and the district."""
    require(request.user, "evaluation.view")
    period = selectors.period_of(filters)
    table = selectors.indicator_table(period=period)

    def row(r) -> GroupValuesOut:  # noqa: ANN001
        return GroupValuesOut(group_id=r.group_id, name=r.name, values={c: value_out(v) for c, v in r.values.items()})

    return ValuesOut(period=period_out(period), indicators=[indicator_out(i) for i in table.indicators],
                     district=row(table.district), rows=[row(r) for r in table.rows])


@router.get("/ranking", response={200: RankingOut, **ERRORS})
def ranking(request: HttpRequest, filters: Query[PeriodFilter], scheme_id: int | None = None):
    """The live ranking of the period under the current version of a scheme (default: the first of the grouping)."""
    require(request.user, "evaluation.view")
    period = selectors.period_of(filters)
    version = selectors.scheme_version_current(grouping=period.group, scheme_id=scheme_id)
    if version is None:
        raise NotFound("尚未制定评价方案。")
    table = selectors.ranking_table(version=version, period=period)
    return RankingOut(period=period_out(table.period), scheme_id=version.scheme_id, scheme=version.scheme.name,
                      scheme_version=version.number, scheme_digest=version.digest,
                      rows=[RankingRowOut(group_id=r.group_id, name=r.name, rank=r.rank, total=r.total,
                                          scores=r.scores, values={c: value_out(v) for c, v in r.values.items()})
                            for r in table.rows])


# --- the cases behind a figure, reminders -----------------------------------------------------------------

@router.get("/cases", response={200: list[DrillCaseOut], **ERRORS})
@paginate(LimitOffsetPagination)
def drilldown(request: HttpRequest, filters: Query[DrilldownFilter]):
    """The cases behind one figure, as far as the user's data scope reaches."""
    require(request.user, "evaluation.view_details")
    period = selectors.period_of(filters)
    indicator = selectors.indicator_get(filters.indicator)
    cases = selectors.drilldown_cases(user=request.user, indicator=indicator, period=period,
                                      group_id=filters.group_id, part=filters.part)
    return mapped(cases, lambda c: DrillCaseOut(
        id=c.pk, number=c.number, item_name=c.item.name, department_id=c.department_id, status=c.status,
        status_label=c.get_status_display(), received_at=c.received_at, completed_at=c.completed_at))


@router.post("/cases/{case_id}/remind", response={200: ReminderOut, **ERRORS})
def remind(request: HttpRequest, case_id: int):
    """One reminder per case and day (``sent`` is false for a second one the same day)."""
    result = services_desk.case_remind(actor=request.user, case=case_id)
    year = timezone.localdate().year
    return ReminderOut(case_id=result.case.pk, sent=result.sent, stage=result.stage,
                       reminders_this_year=selectors.reminders_sent(user=request.user, year=year))


# --- schemes ------------------------------------------------------------------------------------------------

@router.get("/schemes", response={200: list[SchemeVersionOut], **ERRORS})
def scheme_list(request: HttpRequest):
    """Each scheme's current version with its rules."""
    require(request.user, "evaluation.view")
    return [version_out(s.current) for s in Scheme.objects.order_by("pk") if s.current is not None]


@router.post("/schemes", response={201: SchemeVersionOut, **ERRORS})
def scheme_create(request: HttpRequest, data: SchemeIn):
    version = services.scheme_create(actor=request.user, name=data.name, grouping=data.grouping,
                                     rules=[r.dict() for r in data.rules], note=data.note)
    return Status(201, version_out(version))


@router.post("/schemes/{scheme_id}/versions", response={201: SchemeVersionOut, **ERRORS})
def scheme_revise(request: HttpRequest, scheme_id: int, data: SchemeRevisionIn):
    require(request.user, "evaluation.manage_schemes")
    version = services.scheme_revise(actor=request.user, scheme=_scheme(scheme_id),
                                     rules=[r.dict() for r in data.rules], note=data.note)
    return Status(201, version_out(version))


# --- publications -----------------------------------------------------------------------------------------------

@router.get("/publications", response={200: list[PublicationOut], **ERRORS})
@paginate(LimitOffsetPagination)
def publication_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                     grouping: str | None = None,
                     status: str | None = None):
    require(request.user, "evaluation.view")
    return [PublicationOut(**publication_data(p, request.user))
            for p in selectors.publication_list(user=request.user, year=year, grouping=grouping, status=status)]


@router.post("/publications", response={201: PublicationDetailOut, **ERRORS})
def publication_prepare(request: HttpRequest, data: PublicationIn):
    """Prepare the draft of a week (the Monday job does the same); a second call returns the same draft,
    a week already published is a 409 at ``week_start``."""
    require(request.user, "evaluation.publish")
    draft = services.publication_prepare(actor=request.user, scheme=_scheme(data.scheme_id),
                                         week_start=data.week_start)
    return Status(201, publication_detail_out(selectors.publication_get(user=request.user, pk=draft.pk),
                                              request.user))


@router.get("/publications/{publication_id}", response={200: PublicationDetailOut, **ERRORS})
def publication_detail(request: HttpRequest, publication_id: int):
    require(request.user, "evaluation.view")
    return publication_detail_out(selectors.publication_get(user=request.user, pk=publication_id), request.user)


@router.post("/publications/{publication_id}/publish", response={200: PublicationDetailOut, **ERRORS})
def publication_publish(request: HttpRequest, publication_id: int):
    services.publication_publish(actor=request.user, publication=publication_id)
    return publication_detail_out(selectors.publication_get(user=request.user, pk=publication_id), request.user)


# --- suggestions ---------------------------------------------------------------------------------------------------

@router.get("/suggestions", response={200: list[SuggestionOut], **ERRORS})
@paginate(LimitOffsetPagination)
def suggestion_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                    status: str | None = None,
                    department_id: int | None = None):
    require(request.user, "evaluation.view")
    return [suggestion_out(s, request.user) for s in selectors.suggestion_list(
        user=request.user, year=year, status=status, department_id=department_id)]


@router.get("/suggestions/counts", response={200: list[SuggestionCountOut], **ERRORS})
def suggestion_counts(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    """Suggestions per department (filed, adopted, declined, waiting); the last row is all together."""
    require(request.user, "evaluation.view")
    counts, total = selectors.suggestion_counts(suggestions=selectors.suggestion_list(user=request.user, year=year))
    return [SuggestionCountOut(**vars(c)) for c in [*counts, total]]


@router.post("/suggestions", response={201: SuggestionOut, **ERRORS})
def suggestion_submit(request: HttpRequest, data: SuggestionIn):
    from zhengwu.org.selectors import departments_visible_to

    require(request.user, "evaluation.suggest")
    department_id = data.department_id or getattr(request.user, "department_id", None)
    if department_id is None:
        raise InvalidInput("请选择提出建议的部门。", field="department_id", code="required")
    department = departments_visible_to(request.user).filter(pk=department_id).first()
    if department is None:
        raise InvalidInput(f"部门不存在:{department_id}。", field="department_id", code="unknown_reference")
    indicator = selectors.indicator_get(data.indicator, field_name="indicator") if data.indicator else None
    suggestion = services.suggestion_submit(actor=request.user, department=department, title=data.title,
                                            content=data.content, indicator=indicator)
    return Status(201, suggestion_out(selectors.suggestion_get(user=request.user, pk=suggestion.pk), request.user))


@router.post("/suggestions/{suggestion_id}/decision", response={200: SuggestionOut, **ERRORS})
def suggestion_decide(request: HttpRequest, suggestion_id: int, data: SuggestionDecisionIn):
    suggestion = selectors.suggestion_get(user=request.user, pk=suggestion_id)
    if data.version is not None:
        suggestion.version = data.version
    services.suggestion_decide(actor=request.user, suggestion=suggestion, adopt=data.adopt, reason=data.reason)
    return suggestion_out(selectors.suggestion_get(user=request.user, pk=suggestion_id), request.user)


# --- public --------------------------------------------------------------------------------------------------------

@public_router.get("/publications", response={200: list[PublicPublicationOut], **ERRORS})
def public_publications(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                        grouping: str | None = None):
    """The published weeks, newest first (at most 60): names, totals and ranks only."""
    published = selectors.publications_published(year=year, grouping=grouping)[:PUBLIC_LIMIT]
    return [PublicPublicationOut(
        week_start=p.week_start, period_start=p.period_start, period_end=p.period_end, grouping=p.grouping,
        scheme_version=p.scheme_version.number, digest=p.digest, published_at=p.published_at,
        rows=[PublicRowOut(name=r.name, rank=r.rank, total=r.total) for r in selectors.snapshot_rows(p)],
    ) for p in published]
