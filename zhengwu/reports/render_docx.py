"""The work report as a Word document (python-docx), set the way a government document is.

Fonts: the title in 方正小标宋简体 (二号, 22 pt), the part heading "一、" in 黑体, the section headings "(一)" in
楷体_GB2312, the body in 仿宋_GB2312 (三号, 16 pt) with a first-line indent of two characters; Latin text and
digits in Times New Roman. The East Asian font is set on each style (``w:eastAsia``), which Word uses for
Chinese text; a computer without a GB2312 font gets Word's own substitute (仿宋 / 楷体 / 宋体), a document
cannot list fallbacks itself. The section headings use Word's Heading 1 / Heading 2 styles, so the navigation
pane and a table of contents see them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from zhengwu.reports.build import ReportContent

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
PART_FONT = "黑体"
SECTION_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

TABLE_HEADERS = ("指标", "数值", "上年同期", "同比", "口径说明", "统计期间")
#: column widths (cm) on the 15.6 cm text width of an A4 公文 page
TABLE_WIDTHS = (2.6, 2.5, 2.5, 2.0, 4.2, 1.8)


def _set_font(holder, east_asia: str, *, size: float | None = None, bold: bool | None = None) -> None:
    """Set Latin and East Asian fonts on a style or a run (``holder.font`` and its ``w:rFonts``)."""
    font = holder.font
    font.name = LATIN_FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    element = holder.element if hasattr(holder, "element") else holder._element
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:hint"), "eastAsia")


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT, size=16)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    _set_font(doc.styles["Title"], TITLE_FONT, size=22, bold=False)
    _set_font(doc.styles["Heading 1"], PART_FONT, size=16, bold=False)
    _set_font(doc.styles["Heading 2"], SECTION_FONT, size=16, bold=False)
    for name in ("Title", "Heading 1", "Heading 2"):
        fmt = doc.styles[name].paragraph_format
        fmt.space_before = Pt(6)
        fmt.space_after = Pt(6)
    # the Title style draws a rule under itself in the default template; a 公文 title has none
    ppr = doc.styles["Title"].element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def _body(doc, text: str) -> None:
    p = doc.add_paragraph(text)
    p.paragraph_format.first_line_indent = Pt(32)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _table(doc, content: ReportContent) -> None:
    doc.add_heading("附表:主要指标口径及统计期间", level=2)
    note = doc.add_paragraph(f"统计期间:{content.period_label};上年同期:{content.previous_period_label}。"
                             "数值为精确值,正文按万、亿并保留一位小数书写。")
    note.paragraph_format.first_line_indent = Pt(32)
    table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, TABLE_HEADERS):
        cell.text = text
    for row in content.table:
        cells = table.add_row().cells
        values = (row["label"], row["exact"], row["previous_exact"], row["change_text"] or "—",
                  row["definition"], row["period"])
        for cell, text in zip(cells, values):
            cell.text = str(text)
    table.autofit = False
    for i, r in enumerate(table.rows):
        for cell, width in zip(r.cells, TABLE_WIDTHS):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    _set_font(run, TABLE_FONT, size=10.5, bold=(i == 0))


def write_docx(content: ReportContent, path: Path) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    doc.core_properties.title = content.title
    doc.core_properties.subject = content.period_label
    _styles(doc)
    title = doc.add_heading(content.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if content.opening:
        _body(doc, content.opening)
    doc.add_heading(content.part_heading, level=1)
    for sec in content.sections:
        doc.add_heading(f"{sec.number}{sec.heading}", level=2)
        for paragraph in sec.paragraphs:
            _body(doc, paragraph)
    _table(doc, content)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
