"""Every write of the work report: the sentence templates (validated, audited), the generation job (through
its workflow) and the audited download. The figures themselves are only read (``registry.values``)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.context_processors import district_name
from zhengwu.core.errors import AppError, Conflict, InvalidInput, NotFound
from zhengwu.core.inputs import acting_user, clean_text
from zhengwu.core.permissions import require
from zhengwu.core.workflow import create_with_status
from zhengwu.reports import registry, selectors
from zhengwu.reports.build import ReportContent, report_content
from zhengwu.reports.choices import SECTION_CHOICES, FileFormat, ReportStatus
from zhengwu.reports.models import GeneratedReport, SentenceTemplate
from zhengwu.reports.permissions import MANAGE, VIEW
from zhengwu.reports.registry import FigureSet, Period
from zhengwu.reports.render_docx import write_docx
from zhengwu.reports.render_html import write_html
from zhengwu.reports.sentences import validate_text
from zhengwu.reports.workflow import REPORT_WORKFLOW

logger = logging.getLogger(__name__)

AREAS = {value for value, _label in SECTION_CHOICES}
TEMPLATE_FIELDS = ("area", "order", "heading", "text", "active")
MAX_TEXT = 2000
CONTENT_TYPES = {
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.HTML: "text/html; charset=utf-8",
}


# --- sentence templates ----------------------------------------------------------------------------------------

def _template_values(*, area: Any, order: Any, heading: Any, text: Any, active: Any) -> dict[str, Any]:
    area = str(area or "").strip()
    if area not in AREAS:
        raise InvalidInput(f"未知的位置“{area}”。", field="area", code="unknown_area")
    try:
        order = int(order)
    except (TypeError, ValueError):
        raise InvalidInput("顺序应为整数。", field="order", code="bad_order") from None
    if not 0 <= order <= 100_000:
        raise InvalidInput("顺序应在 0 到 100000 之间。", field="order", code="bad_order")
    heading = clean_text(heading, field="heading", label="小节标题", max_length=200, required=False)
    text = clean_text(text, field="text", label="句子模板", max_length=MAX_TEXT)
    if area != "opening" and not heading:
        raise InvalidInput("正文各节的句子必须填写小节标题。", field="heading", code="required")
    validate_text(text)
    return {"area": area, "order": order, "heading": heading, "text": text, "active": bool(active)}


def template_create(*, actor: Any, area: str, text: str, order: int = 100, heading: str = "",
                    active: bool = True) -> SentenceTemplate:
    require(actor, MANAGE)
    values = _template_values(area=area, order=order, heading=heading, text=text, active=active)
    with transaction.atomic():
        template = SentenceTemplate.objects.create(updated_by=acting_user(actor), **values)
        audit.record(actor=actor, action="sentencetemplate.create", obj=template, payload=values)
    return template


def template_update(*, actor: Any, template: SentenceTemplate | int, **changes: Any) -> SentenceTemplate:
    """Change any of ``area``, ``order``, ``heading``, ``text``, ``active``; the old and new values are audited."""
    require(actor, MANAGE)
    unknown = set(changes) - set(TEMPLATE_FIELDS)
    if unknown:
        raise InvalidInput(f"不能修改字段:{'、'.join(sorted(unknown))}。", field=sorted(unknown)[0],
                           code="unknown_field")
    pk = template.pk if isinstance(template, SentenceTemplate) else template
    with transaction.atomic():
        current = selectors.templates_visible_to(actor).select_for_update().filter(pk=pk).first()
        if current is None:
            raise NotFound("句子模板不存在。")
        before = {f: getattr(current, f) for f in TEMPLATE_FIELDS}
        merged = {**before, **{k: v for k, v in changes.items() if v is not None}}
        values = _template_values(**merged)
        changed = {f: {"from": before[f], "to": values[f]} for f in TEMPLATE_FIELDS if before[f] != values[f]}
        if not changed:
            return current
        for f, v in values.items():
            setattr(current, f, v)
        current.updated_by = acting_user(actor)
        current.save()
        audit.record(actor=actor, action="sentencetemplate.update", obj=current, payload={"changes": changed})
    return current


# --- building the files ----------------------------------------------------------------------------------------

@dataclass
class Written:
    content: ReportContent
    figures: FigureSet
    paths: dict[str, Path]


def _slug(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", text)


def file_stem(content: ReportContent, period: Period) -> str:
    return _slug(f"{content.title}_{period.start:%Y%m%d}-{period.end:%Y%m%d}")


def report_write(*, period: Period, output_dir: Path, formats: Iterable[str] = tuple(FileFormat.values),
                 figures: FigureSet | None = None, district: str | None = None,
                 progress: Any = None) -> Written:
    """Compute the figures once (unless given), build the content from the active templates and write the
    requested files into ``output_dir``. Reads only; the command and the job both call it."""
    formats = list(formats)
    for fmt in formats:
        if fmt not in FileFormat.values:
            raise InvalidInput(f"未知的文件格式“{fmt}”(可用:docx、html)。", field="format", code="bad_format")
    step = progress or (lambda n: None)
    if figures is None:
        figures = registry.values(period)
    step(60)
    opening, sections = selectors.templates_for_report()
    content = report_content(figures=figures, opening=opening, sections=sections,
                             district=district or district_name())
    stem = file_stem(content, period)
    paths: dict[str, Path] = {}
    if FileFormat.DOCX in formats:
        paths[FileFormat.DOCX] = write_docx(content, Path(output_dir) / f"{stem}.docx")
        step(80)
    if FileFormat.HTML in formats:
        paths[FileFormat.HTML] = write_html(content, Path(output_dir) / f"{stem}.html")
        step(95)
    return Written(content=content, figures=figures, paths=paths)


# --- the generation job ----------------------------------------------------------------------------------------

def reports_dir() -> Path:
    return Path(settings.VAR_DIR) / "reports"


def report_request(*, actor: Any, start: Any, end: Any) -> GeneratedReport:
    """Queue a generation for the period; the job (huey) starts once this transaction commits."""
    require(actor, VIEW)
    period = Period.parse(start, end)
    with transaction.atomic():
        report = create_with_status(GeneratedReport, actor=actor, initial=ReportStatus.QUEUED,
                                    audit_action="generatedreport.request",
                                    audit_payload={"start": period.start.isoformat(), "end": period.end.isoformat()},
                                    start=period.start, end=period.end, requested_by=acting_user(actor))
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from zhengwu.reports.tasks import reports_generate

    reports_generate(report_id)


def _set_progress(report_id: int, percent: int) -> None:
    GeneratedReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(progress=percent)


def report_run(*, report: GeneratedReport | int) -> GeneratedReport:
    """The job: queued → running → done with both files, or → failed with the reason. Never raises for a
    failure of the generation itself (the row says what went wrong)."""
    pk = report.pk if isinstance(report, GeneratedReport) else report
    try:
        row = REPORT_WORKFLOW.run(pk, "start", actor=None, payload={"_updates": {"progress": 5}})
    except Conflict:  # the job ran twice: the first run owns the row
        return GeneratedReport.objects.get(pk=pk)
    try:
        period = Period(row.start, row.end)
        written = report_write(period=period, output_dir=reports_dir() / str(row.pk),
                               progress=lambda n: _set_progress(row.pk, n))
        base = reports_dir()
        updates = {"progress": 100, "finished_at": timezone.now(), "title": written.content.title,
                   "docx_file": str(written.paths[FileFormat.DOCX].relative_to(base)),
                   "html_file": str(written.paths[FileFormat.HTML].relative_to(base)),
                   "headline": written.content.headline}
        return REPORT_WORKFLOW.run(row.pk, "finish", actor=None, payload={"_updates": updates})
    except Exception as exc:  # the job's failure is the row's state, shown to the user
        logger.exception("report %s failed", pk)
        message = exc.message if isinstance(exc, AppError) else f"{type(exc).__name__}: {exc}"
        return REPORT_WORKFLOW.run(row.pk, "fail", actor=None, reason=message[:500],
                                   payload={"_updates": {"message": message[:2000], "finished_at": timezone.now()}})


def report_download(*, actor: Any, report: GeneratedReport | int, fmt: str) -> tuple[Path, str, str]:
    """(path, download name, content type) of a finished report's file; the download is audited."""
    require(actor, VIEW)
    pk = report.pk if isinstance(report, GeneratedReport) else report
    row = selectors.report_get(user=actor, pk=pk)
    if fmt not in FileFormat.values:
        raise InvalidInput(f"未知的文件格式“{fmt}”(可用:docx、html)。", field="format", code="bad_format")
    if row.status != ReportStatus.DONE:
        raise Conflict(f"报告尚未生成完成(当前状态:{row.get_status_display()})。", code="not_ready")
    relative = row.docx_file if fmt == FileFormat.DOCX else row.html_file
    path = (reports_dir() / relative).resolve()
    if not relative or reports_dir().resolve() not in path.parents or not path.is_file():
        raise NotFound("报告文件不存在,请重新生成。", code="file_missing")
    with transaction.atomic():
        audit.record(actor=actor, action="generatedreport.download", obj=row, payload={"format": fmt})
    return path, path.name, CONTENT_TYPES[fmt]
