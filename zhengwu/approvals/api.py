"""The approvals API (a ninja Router mounted at /api/v1/approvals/): projects, bundles, combined applications
(file, list, get, issue) and the timing figures. Each endpoint parses, calls one service or selector, and
renders; refusals are AppErrors in the platform's one error format ({code, message, field, details})."""

from django.http import HttpRequest
from ninja import Query, Router, Status

from zhengwu.approvals import selectors, services, timing
from zhengwu.approvals.rendering import application_dict, bundle_dict, project_dict
from zhengwu.approvals.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    BundleIn,
    BundleOut,
    FiguresOut,
    ProjectIn,
    ProjectOut,
    ProjectPageOut,
)
from zhengwu.core.permissions import require
from zhengwu.core.schemas import ErrorOut

router = Router(tags=["approvals"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _project(request: HttpRequest, pk: int) -> dict:
    project = selectors.project_get(user=request.user, pk=pk)
    return project_dict(project, progress=selectors.stage_progress([project])[project.pk])


@router.get("/projects", response={200: ProjectPageOut, **ERRORS})
def project_list(request: HttpRequest, q: str = "", project_type: str = "", risk_class: str = "",
                 township: int | None = None, limit: int = Query(100, ge=1, le=500), offset: int = Query(0, ge=0)):
    require(request.user, "approvals.view")
    qs = selectors.project_list(user=request.user, q=q, project_type=project_type, risk_class=risk_class,
                                township=township)
    rows = list(qs[offset:offset + limit])
    progress = selectors.stage_progress(rows)
    return {"count": qs.count(), "items": [project_dict(p, progress=progress[p.pk]) for p in rows]}


@router.post("/projects", response={201: ProjectOut, **ERRORS})
def project_register(request: HttpRequest, data: ProjectIn):
    project = services.project_register(actor=request.user, township=data.township_id,
                                        **data.dict(exclude={"township_id"}))
    return Status(201, _project(request, project.pk))


@router.get("/projects/{pk}", response={200: ProjectOut, **ERRORS})
def project_detail(request: HttpRequest, pk: int):
    return _project(request, pk)


@router.get("/bundles", response={200: list[BundleOut], **ERRORS})
def bundle_list(request: HttpRequest, stage: str = ""):
    require(request.user, "approvals.view")
    qs = selectors.bundles_visible_to(request.user).filter(is_active=True)
    if stage:
        qs = qs.filter(stage=stage)
    return [bundle_dict(b) for b in qs]


@router.post("/bundles", response={201: BundleOut, **ERRORS})
def bundle_create(request: HttpRequest, data: BundleIn):
    bundle = services.bundle_create(actor=request.user, name=data.name, stage=data.stage,
                                    parallel_environmental=data.parallel_environmental,
                                    items=[{"item": i.item_id, "materials": i.materials} for i in data.items])
    return Status(201, bundle_dict(selectors.bundle_get(user=request.user, pk=bundle.pk)))


@router.get("/applications", response={200: ApplicationPageOut, **ERRORS})
def application_list(request: HttpRequest, project: int | None = None, status: str = "", stage: str = "",
                     limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0)):
    require(request.user, "approvals.view")
    qs = selectors.application_list(user=request.user, project=project, status=status, stage=stage)
    return {"count": qs.count(), "items": [application_dict(a) for a in qs[offset:offset + limit]]}


@router.post("/applications", response={201: ApplicationOut, **ERRORS})
def application_file(request: HttpRequest, data: ApplicationIn):
    project = selectors.project_get(user=request.user, pk=data.project_id)
    bundle = selectors.bundle_get(user=request.user, pk=data.bundle_id)
    application = services.application_file(actor=request.user, project=project, bundle=bundle,
                                            materials=data.materials)
    return Status(201, application_dict(selectors.application_get(user=request.user, pk=application.pk)))


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS})
def application_detail(request: HttpRequest, pk: int):
    return application_dict(selectors.application_get(user=request.user, pk=pk))


@router.post("/applications/{pk}/issue", response={200: ApplicationOut, **ERRORS})
def application_issue(request: HttpRequest, pk: int):
    selectors.application_get(user=request.user, pk=pk)
    services.application_issue(actor=request.user, application=pk)
    return application_dict(selectors.application_get(user=request.user, pk=pk))


@router.get("/figures", response={200: FiguresOut, **ERRORS})
def figures(request: HttpRequest, year: int | None = None):
    require(request.user, "approvals.view_figures")
    return timing.figures(selectors.application_list(user=request.user), year=year)
