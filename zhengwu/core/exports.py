"""Excel exports of every list and table, through one registry.

A domain registers each list once, next to the code that filters it for the screen::

    register_export("cases.list", title=_("办件查询"), permission="cases.view", screen="cases:list",
                    columns=[Column("number", _("办件编号")), Column("applicant_phone", _("联系电话"), mask="phone"),
                             Column("received_at", _("收件时间"))],
                    rows=case_list_rows)

``rows(user, params)`` is the SAME function the screen uses to build its rows
(the same selector, the same filter, the same order, the same data scope), so
the workbook has the rows and the figures of the screen. ``params`` is the
list's own query string (a ``QueryDict``); the ``page`` parameter is ignored.

``GET /exports/<name>.xlsx?<query>`` counts the rows: up to
``ZHENGWU["EXPORT_SYNC_ROWS"]`` (default 5,000) the workbook is sent at once;
above it an :class:`~zhengwu.core.models.ExportJob` is queued, the huey task
:func:`zhengwu.core.tasks.export_run` writes the file in batches (openpyxl's
write-only mode) and the job page shows the progress and then the download
link. Only the job's owner downloads the file; files expire after
``EXPORT_KEEP_HOURS`` (default 24) and a periodic task deletes them.

Personal data never leaves in plain text: a column with ``mask=`` goes through
``core.identifiers.mask_*``. Every export (``export.create``) and every
download of a job's file (``export.download``) is audited (DOMAIN.md §14).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import quote

from django.conf import settings
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from zhengwu.core import audit, identifiers
from zhengwu.core.errors import Forbidden, InvalidInput, NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_SYNC_ROWS = 5000
DEFAULT_KEEP_HOURS = 24
BATCH = 500

MONEY = "#,##0.00"
INTEGER = "#,##0"
PERCENT = "0.00"  # rates are stored in percent (99.40), so the cell prints 99.40 like the screen
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _looks_like_id_card(number: str) -> bool:
    """An 18-character sequence that is a valid resident ID number (a case number of 18 digits is not)."""
    try:
        identifiers.validate_id_card(number)
    except InvalidInput:
        return False
    return True


def scrub_text(value: str | None) -> str:
    """Free text (a comment, a note) with every ID card number and mobile number in it masked."""
    text = value or ""
    text = _ID_IN_TEXT.sub(lambda m: identifiers.mask_id_card(m.group(0)) if _looks_like_id_card(m.group(0))
                           else m.group(0), text)
    return _MOBILE_IN_TEXT.sub(lambda m: identifiers.mask_phone(m.group(0)), text)


_MASKS: dict[str, Callable[[str | None], str]] = {
    "text": scrub_text,
    "id_card": identifiers.mask_id_card,
    "phone": identifiers.mask_phone,
    "name": identifiers.mask_name,
    "credit_code": identifiers.mask_credit_code,
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: parameters of a list that are not filters: never part of an export's query
IGNORED_PARAMS = ("page", "partial")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is a dotted path into the row (attribute, dict key, or a method without
    arguments, e.g. ``get_status_display``), or ``value`` computes the cell from the row."""

    key: str
    label: Any
    mask: str | None = None
    number_format: str | None = None
    value: Callable[[Any], Any] | None = None
    width: int | None = None

    def __post_init__(self) -> None:
        if self.mask is not None and self.mask not in _MASKS:
            raise ValueError(f"unknown mask {self.mask!r} for column {self.key!r}")

    def cell(self, row: Any) -> Any:
        raw = self.value(row) if self.value is not None else resolve(row, self.key)
        if self.mask is not None:
            return _MASKS[self.mask](None if raw is None else str(raw)) if raw not in (None, "") else ""
        return raw


@dataclass(frozen=True)
class ExportSpec:
    """A registered exportable table."""

    name: str
    title: Any
    permission: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, QueryDict], Iterable[Any]]
    #: the URL name of the screen the export mirrors (the tests compare their row counts)
    screen: str | None = None
    #: the rows' count without building them; default: ``.count()`` of a queryset, else ``len``
    count: Callable[[Any, QueryDict], int] | None = None
    #: kwargs for reversing ``screen`` (rarely needed)
    screen_kwargs: dict[str, Any] = field(default_factory=dict)
    #: the screen's template context variable holding its rows, when it is not ``page_obj`` (a dotted path such
    #: as ``coverage.missing`` reaches into it): a page (its paginator's count) or, for a screen that is not
    #: paginated, the whole list (the tests compare the number with the workbook's)
    screen_rows: str | None = None

    def allowed(self, user: Any) -> bool:
        return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                    and user.has_perm(self.permission))


_REGISTRY: dict[str, ExportSpec] = {}
_discovered = False


def register_export(name: str, *, title: Any, permission: str, columns: Iterable[Column],
                    rows: Callable[[Any, QueryDict], Iterable[Any]], screen: str | None = None,
                    count: Callable[[Any, QueryDict], int] | None = None,
                    screen_kwargs: dict[str, Any] | None = None, screen_rows: str | None = None) -> ExportSpec:
    """Declare an exportable table (idempotent for the same name, so a module imported twice is harmless)."""
    if not _NAME.match(name):
        raise ValueError(f"export name {name!r}: use lower-case dotted words, e.g. 'cases.list'")
    columns = tuple(columns)
    if not columns:
        raise ValueError(f"export {name!r} has no columns")
    spec = ExportSpec(name=name, title=title, permission=permission, columns=columns, rows=rows, screen=screen,
                      count=count, screen_kwargs=dict(screen_kwargs or {}), screen_rows=screen_rows)
    _REGISTRY[name] = spec
    return spec


def discover() -> None:
    """Import every installed app's ``exports`` module, where the registrations live (once per process)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("exports")
        _discovered = True


def registered() -> dict[str, ExportSpec]:
    discover()
    return dict(sorted(_REGISTRY.items()))


def spec_for(name: str, user: Any) -> ExportSpec:
    """The spec a user may export: unknown name 404, no permission 403."""
    discover()
    spec = _REGISTRY.get(name)
    if spec is None:
        raise NotFound(_("没有名为“%(name)s”的导出。") % {"name": name}, code="export_unknown")
    if not spec.allowed(user):
        raise Forbidden(_("您没有导出此列表的权限(%(perm)s)。") % {"perm": spec.permission}, code="permission_denied")
    return spec


def clean_params(params: QueryDict | dict[str, Any] | str | None) -> QueryDict:
    """The list's filters: a mutable copy without the paging parameters."""
    if isinstance(params, QueryDict):
        query = params.copy()
    elif isinstance(params, str):
        query = QueryDict(params, mutable=True)
    else:
        query = QueryDict(mutable=True)
        for key, value in (params or {}).items():
            if isinstance(value, (list, tuple)):
                query.setlist(key, [str(v) for v in value])
            else:
                query[key] = str(value)
    for key in IGNORED_PARAMS:
        query.pop(key, None)
    return query


# --- values ------------------------------------------------------------------------------------------------------

def resolve(row: Any, path: str) -> Any:
    """``a.b.c`` through dicts, attributes and argument-less methods; a missing step gives None."""
    value = row
    for part in path.split("."):
        if value is None:
            return None
        if isinstance(value, dict):
            value = value.get(part)
        else:
            value = getattr(value, part, None)
        if callable(value) and not isinstance(value, (models.Model, models.Manager)):
            value = value()
    return value


def cell_value(value: Any) -> Any:
    """What a cell holds: numbers as numbers, dates as dates (local time, naive: Excel has no time zones),
    choices and lazy strings as text, yes/no in Chinese, never a formula."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, models.Choices):
        return str(value.label)
    if isinstance(value, (list, tuple, set)):
        return "、".join(str(cell_value(v)) for v in value)
    text = str(value) if isinstance(value, Promise) else str(value)
    if text.startswith("="):
        # openpyxl would store it as a formula: a list cell is data, never code.
        text = "'" + text
    return text


def default_format(value: Any) -> str | None:
    if isinstance(value, Decimal):
        return MONEY
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return INTEGER
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    return None


# --- counting and writing ------------------------------------------------------------------------------------------

def rows_for(spec: ExportSpec, user: Any, params: QueryDict) -> Iterable[Any]:
    rows = spec.rows(user, params)
    if rows is None:
        raise InvalidInput(_("筛选条件有误,请在列表页修改后再导出。"), code="export_bad_filter")
    return rows


def count_rows(spec: ExportSpec, user: Any, params: QueryDict) -> int:
    if spec.count is not None:
        return int(spec.count(user, params))
    rows = rows_for(spec, user, params)
    if isinstance(rows, models.QuerySet):
        return rows.count()
    if hasattr(rows, "__len__"):
        return len(rows)  # type: ignore[arg-type]
    return sum(1 for _row in rows)


def _iterate(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, models.QuerySet) and not rows._prefetch_related_lookups:
        return rows.iterator(chunk_size=BATCH)
    return iter(rows)


def filter_label(params: QueryDict) -> str:
    """The filter in words for the title row: ``status=accepted, received_from=2023-01-01`` (or 全部)."""
    parts = [f"{key}={', '.join(v for v in params.getlist(key) if v)}" for key in params if any(params.getlist(key))]
    return ";".join(parts) if parts else _("全部")


def sheet_title(title: str) -> str:
    return _SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"


def write_workbook(spec: ExportSpec, rows: Iterable[Any], target: Any, *, params: QueryDict,
                   progress: Callable[[int], None] | None = None) -> int:
    """Write the workbook to ``target`` (a path or a binary file) and return the number of data rows.

    Row 1 names the list, the filter and the moment; row 2 is the bold header, frozen with the title; then
    one line per row. ``progress(rows_done)`` is called after every batch.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title(str(spec.title)))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EFF9")
    for index, column in enumerate(spec.columns, start=1):
        width = column.width or max(10, min(40, len(str(column.label)) * 2 + 4))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    title = WriteOnlyCell(sheet, value=cell_value(f"{spec.title}({_('筛选')}:{filter_label(params)};"
                                                  f"{_('导出时间')}:{stamp})"))
    title.font = bold
    sheet.append([title])
    header = []
    for column in spec.columns:
        head = WriteOnlyCell(sheet, value=str(column.label))
        head.font, head.fill = bold, fill
        head.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(head)
    sheet.append(header)
    done = 0
    for row in _iterate(rows):
        line = []
        for column in spec.columns:
            raw = column.cell(row)
            cell = WriteOnlyCell(sheet, value=cell_value(raw))
            fmt = column.number_format or default_format(raw)
            if fmt and not isinstance(raw, bool):
                cell.number_format = fmt
            line.append(cell)
        sheet.append(line)
        done += 1
        if progress is not None and done % BATCH == 0:
            progress(done)
    book.save(target)
    if progress is not None:
        progress(done)
    return done


def workbook_bytes(spec: ExportSpec, user: Any, params: QueryDict) -> tuple[bytes, int]:
    stream = io.BytesIO()
    written = write_workbook(spec, rows_for(spec, user, params), stream, params=params)
    return stream.getvalue(), written


def filename(spec: ExportSpec) -> str:
    return f"{spec.title}-{timezone.localdate():%Y%m%d}.xlsx"


def content_disposition(name: str) -> str:
    ascii_name = _FILENAME_UNSAFE.sub("_", name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


# --- settings -------------------------------------------------------------------------------------------------------

def sync_limit() -> int:
    return int(settings.ZHENGWU.get("EXPORT_SYNC_ROWS", DEFAULT_SYNC_ROWS))


def keep_hours() -> int:
    return int(settings.ZHENGWU.get("EXPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- services -------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportStart:
    """What ``export_start`` did: a workbook to send now, or a queued job."""

    rows: int
    content: bytes | None = None
    job: Any = None


def _payload(spec: ExportSpec, params: QueryDict, rows: int, **extra: Any) -> dict[str, Any]:
    return {"name": spec.name, "params": params.urlencode(), "rows": rows, **extra}


def export_start(*, actor: Any, name: str, params: QueryDict | dict[str, Any] | str | None) -> ExportStart:
    """Export a list for ``actor``: the workbook at once when it is small, else a background job.

    Audited as ``export.create`` with the name, the filter and the row count.
    """
    from zhengwu.core.models import ExportJob

    spec = spec_for(name, actor)
    query = clean_params(params)
    total = count_rows(spec, actor, query)
    if total <= sync_limit():
        content, written = workbook_bytes(spec, actor, query)
        audit.record(actor=actor, action="export.create", obj=("export", spec.name),
                     payload=_payload(spec, query, written, delivery="direct"))
        return ExportStart(rows=written, content=content)
    with transaction.atomic():
        job = ExportJob.objects.create(user=actor, name=spec.name, title=str(spec.title)[:128],
                                       params=query.urlencode(), rows_total=total,
                                       expires_at=timezone.now() + dt.timedelta(hours=keep_hours()))
        audit.record(actor=actor, action="export.create", obj=job,
                     payload=_payload(spec, query, total, delivery="job", job=job.pk))

        def enqueue() -> None:
            from zhengwu.core.tasks import export_run

            export_run(job.pk)

        transaction.on_commit(enqueue)
    return ExportStart(rows=total, job=job)


def export_job_run(*, job_id: int) -> Any:
    """Write a queued job's file in batches, keeping ``rows_done`` current; a failure marks the job failed."""
    from zhengwu.core.models import ExportJob, ExportStatus

    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=timezone.now())
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    if not claimed:
        return job  # already taken (a retried task): nothing to do twice
    path = export_dir() / f"export-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx"
    try:
        discover()
        spec = _REGISTRY.get(job.name)
        if spec is None or not spec.allowed(job.user):
            raise Forbidden(_("导出已不可用或您已无导出权限。"), code="permission_denied")
        query = clean_params(job.params)
        rows = rows_for(spec, job.user, query)

        def progress(done: int) -> None:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        written = write_workbook(spec, rows, path, params=query, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure ends in a failed job the user can see, never a stuck one
        path.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, finished_at=timezone.now(),
                                                   error=str(getattr(exc, "message", exc))[:255])
        audit.record(actor="system", action="export.failed", obj=job,
                     payload={"name": job.name, "params": job.params, "error": str(exc)[:255]})
    else:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.DONE, finished_at=timezone.now(),
                                                   rows_total=written, rows_done=written, file_path=str(path))
    job.refresh_from_db()
    return job


def export_jobs_for(user: Any) -> models.QuerySet:
    """A user's own export jobs, newest first (nobody sees another's jobs)."""
    from zhengwu.core.models import ExportJob

    if user is None or not getattr(user, "is_authenticated", False):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(user=user).order_by("-created_at", "-id")


def export_job_get(*, user: Any, job_id: int) -> Any:
    job = export_jobs_for(user).filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("导出任务不存在。"), code="export_job_unknown")
    return job


def export_job_download(*, actor: Any, job_id: int) -> tuple[Any, Path]:
    """The finished file of the actor's own job (another user's job is a 404); audited as ``export.download``."""
    from zhengwu.core.models import ExportStatus

    job = export_job_get(user=actor, job_id=job_id)
    path = Path(job.file_path) if job.file_path else None
    if job.status != ExportStatus.DONE or path is None or not path.exists():
        raise NotFound(_("导出文件尚未生成或已过期删除。"), code="export_file_missing")
    if job.expires_at <= timezone.now():
        raise NotFound(_("导出文件已过期,请重新导出。"), code="export_file_expired")
    audit.record(actor=actor, action="export.download", obj=job,
                 payload={"name": job.name, "params": job.params, "rows": job.rows_done})
    return job, path


def export_jobs_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the files of expired jobs and mark them expired; returns how many jobs were purged."""
    from zhengwu.core.models import ExportJob, ExportStatus

    now = now or timezone.now()
    purged = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportStatus.EXPIRED):
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file_path="")
        purged += 1
    if purged:
        audit.record(actor="system", action="export.purge", obj=("export", "expired"), payload={"jobs": purged})
    return purged
