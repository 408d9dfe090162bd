"""The work report as one HTML page: the same :class:`~zhengwu.reports.build.ReportContent` as the Word
document, in the same order, printable (A4, 公文 fonts with fallbacks), with no external asset."""

from __future__ import annotations

from pathlib import Path

from django.template.loader import render_to_string

from zhengwu.reports.build import ReportContent
from zhengwu.reports.render_docx import TABLE_HEADERS


def render_html(content: ReportContent) -> str:
    return render_to_string("reports/report_document.html", {"report": content, "headers": TABLE_HEADERS})


def write_html(content: ReportContent, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(content), encoding="utf-8")
    return path
