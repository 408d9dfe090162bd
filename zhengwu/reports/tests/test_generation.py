"""Writing the report: sentences from figures, the Word document opened with python-docx, the HTML version with
the same numbers, leaving out paragraphs without data, and the period's wording."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document

from zhengwu.reports import registry, services
from zhengwu.reports.build import chinese_number
from zhengwu.reports.registry import Period
from zhengwu.reports.sentences import period_text, render_sentence
from zhengwu.reports.tests import report_fixtures

fake_figures = report_fixtures.fake_figures
fake_templates = report_fixtures.fake_templates
pytestmark = pytest.mark.django_db
P2023 = Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("start", "end", "text"), [
    ("2023-01-01", "2023-11-30", "2023年1-11月"),
    ("2023-01-01", "2023-12-31", "2023年"),
    ("2023-03-01", "2023-03-31", "2023年3月"),
    ("2023-01-01", "2023-06-15", "2023年1月1日至6月15日"),
    ("2022-12-01", "2023-01-31", "2022年12月1日至2023年1月31日"),
])
def test_the_period_is_written_the_way_a_report_writes_it(start, end, text):
    assert period_text(Period.parse(start, end)) == text


def test_chinese_numbers_for_sections_and_paragraphs():
    assert [chinese_number(n) for n in (1, 5, 10, 11, 20, 23)] == ["一", "五", "十", "十一", "二十", "二十三"]


def test_a_sentence_writes_scaled_exact_change_and_previous_values(fake_figures):
    figures = registry.values(P2023)
    text = render_sentence("{period}受理{t.cases}({t.cases|exact}),网办率{t.rate}({t.rate|change}),"
                           "差评{t.bad|change},上年{t.bad|previous},金额{t.amount}。", figures, district="示范区")
    assert text == ("2023年1-11月受理56.2万件(562,118 件),网办率99.4%(同比提高0.5个百分点),"
                    "差评同比下降20.45%,上年880件,金额372.3亿元。")


def test_a_sentence_whose_figures_all_lack_data_is_left_out_and_a_partial_one_writes_a_dash(fake_figures):
    figures = registry.values(P2023)
    assert render_sentence("梳理下放{t.empty}事项,上年{t.empty|previous}。", figures, district="示范区") is None
    assert render_sentence("提醒{t.reminders},{t.reminders|change}。", figures, district="示范区") == "提醒3946件,—。"
    assert render_sentence("没有数字的句子。", figures, district="示范区") == "没有数字的句子。"


def test_the_word_document_has_the_title_the_sections_the_numbers_and_the_table(fake_templates, tmp_path,
                                                                                 settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "DISTRICT_NAME": "婺城区"}
    written = services.report_write(period=P2023, output_dir=tmp_path)
    doc = Document(str(written.paths["docx"]))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paragraphs[0] == ("Title", "婺城区行政服务中心2023年工作总结")
    assert paragraphs[1][1] == ("2023年1-11月,我区共受理政务服务事项56.2万件(562,118 件),网办率达99.4%。"
                                "完成交易金额372.3亿元。")
    headings = [t for s, t in paragraphs if s.startswith("Heading")]
    # the (一) typed in the first heading is dropped (the report numbers); the village section has no data
    assert headings == ["一、2023年工作总结", "(一)坚持问题导向,提升政务服务效能", "(二)聚焦降本增效",
                        "附表:主要指标口径及统计期间"]
    body = [t for s, t in paragraphs if s == "Normal"]
    assert "一是差评件同比下降20.45%,上年同期880件件数为参考。" in body
    assert "二是累计提醒超期事项3946件。" in body
    assert "成交金额37,230,000,000.00 元,同比增长24.10%。" in body
    assert not any("下放" in t for t in body)
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["指标", "数值", "上年同期", "同比", "口径说明", "统计期间"]
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["受理事项"] == ["受理事项", "562,118 件", "530,000 件", "同比增长6.06%", "测试:期间内收件数。",
                                   "2023-01-01 至 2023-11-30"]
    assert by_label["无数据指标"][1] == "—"
    assert len(rows) == 1 + 6
    normal = doc.styles["Normal"].element.rPr.rFonts
    assert normal.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋_GB2312"


def test_the_html_version_has_the_same_sentences_and_numbers_in_the_same_order(fake_templates, tmp_path):
    written = services.report_write(period=P2023, output_dir=tmp_path)
    html = written.paths["html"].read_text(encoding="utf-8")
    doc = Document(str(written.paths["docx"]))
    text = _text(html)
    positions = [text.index(p.text) for p in doc.paragraphs if p.text]
    assert positions == sorted(positions)
    for number in ("56.2万件", "562,118 件", "99.4%", "372.3亿元", "同比下降20.45%", "3946件", "37,230,000,000.00 元"):
        assert number in text
    assert "<link" not in html and "<script" not in html and "http" not in html
    assert 'data-key="t.amount"' in html


def test_only_the_formats_asked_for_are_written_and_an_unknown_one_is_refused(fake_templates, tmp_path):
    written = services.report_write(period=P2023, output_dir=tmp_path, formats=["html"])
    assert list(written.paths) == ["html"]
    assert [p.suffix for p in tmp_path.iterdir()] == [".html"]
    with pytest.raises(services.InvalidInput) as caught:
        services.report_write(period=P2023, output_dir=tmp_path, formats=["pdf"])
    assert caught.value.field == "format"
