"""The scanner on its own (no database): every default rule finds its planted clause and not its near miss.

The rules are the rows the data migration loads (the same dicts), so a change to a default pattern is tested
here before any database exists. Estimates: a works section of 2000 万 unless a case says otherwise.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest

from zhengwu.core.errors import InvalidInput
from zhengwu.fairreview.scanner import clauses, fingerprints, scan, segments, validate_rule

DEFAULTS = importlib.import_module("zhengwu.fairreview.migrations.0002_default_rules").RULES
ESTIMATE = Decimal("20000000")


def rule(**fields) -> SimpleNamespace:
    return SimpleNamespace(**{"contract_kinds": [], "threshold": None, "unless_pattern": "", "active": True,
                              "matcher": "regex", "message": "", **fields})


RULES = {r["code"]: rule(**r) for r in DEFAULTS}

# code → (planted clause that must be found, near miss that must pass)
PLANTED = {
    "FCR-REG-01": ("投标人须为本地注册企业。", "投标人注册地不限,外地企业无需在本地注册。"),
    "FCR-REG-02": ("投标人须在本区设立分支机构。", "中标人可在项目所在地设立项目部。"),
    "FCR-REG-03": ("同等条件下优先选择本市企业。", "同等条件下优先选择信用评价等级高的企业。"),
    "FCR-REG-04": ("项目经理须在本市缴纳社保满一年。", "项目经理须由投标人依法缴纳社保。"),
    "FCR-OWN-01": ("投标人须为国有企业或国有控股企业。", "投标人所有制形式不限,国有企业、民营企业平等参与。"),
    "FCR-OWN-02": ("本项目不接受民营企业投标。", "本项目接受联合体投标。"),
    "FCR-BRD-01": ("电梯须采用三菱品牌。", "电梯须采用三菱品牌或相当于同等档次的产品。"),
    "FCR-BRD-02": ("主要材料由招标人指定供应商供货。", "投标人自行选择材料供应商。"),
    "FCR-QUA-01": ("投标人须具有市政公用工程施工总承包特级资质。", "投标人须具有市政公用工程施工总承包三级及以上资质。"),
    "FCR-QUA-02": ("近三年类似工程业绩不少于5个。", "近三年类似工程业绩不少于1个。"),
    "FCR-QUA-03": ("拟派一级注册建造师不少于8名。", "拟派一级注册建造师不少于1名。"),
    "FCR-QUA-04": ("投标人须获得过鲁班奖。", "投标人应遵守文明施工的有关规定。"),
    "FCR-FIN-01": ("投标人注册资本不低于5000万元。", "投标人注册资本不低于50万元。"),
    "FCR-FIN-02": ("近三年营业收入不低于1亿元。", "近三年营业收入不低于3000万元。"),
    "FCR-FIN-03": ("投标人净资产不低于3亿元。", "投标人净资产不低于500万元。"),
    "FCR-SCO-01": ("本市业绩加分,每项加2分。", "类似工程业绩每项加1分。"),
    "FCR-SCO-02": ("价格分权重为30%。", "价格分权重为60%。"),
    "FCR-SCO-03": ("注册资本每增加1000万元加1分。", "投标报价每高于基准价1%扣1分。"),
    "FCR-OTH-01": ("投标保函须由本市农商银行出具。", "投标保证金可以银行保函形式提交。"),
}


def codes(text: str, *, estimate=ESTIMATE, kinds=("works",)) -> list[str]:
    return [f.rule_code for f in scan(text, RULES.values(), estimate=estimate, contract_kinds=kinds)]


def test_the_defaults_cover_every_category_with_at_least_twelve_rules():
    assert len(DEFAULTS) >= 12
    assert {r["category"] for r in DEFAULTS} == {"region", "ownership", "brand", "qualification", "finance",
                                                  "scoring", "other"}
    assert set(PLANTED) == set(RULES)


def test_every_default_rule_is_valid():
    for r in DEFAULTS:
        validate_rule(matcher=r["matcher"], pattern=r["pattern"], unless_pattern=r["unless_pattern"],
                      threshold=r.get("threshold"), contract_kinds=r.get("contract_kinds", []))


@pytest.mark.parametrize("code", sorted(PLANTED))
def test_a_default_rule_finds_its_planted_clause(code):
    planted, _ = PLANTED[code]
    text = f"第一章 投标人须知。{planted}其他事项按招标文件执行。"
    found = [f for f in scan(text, [RULES[code]], estimate=ESTIMATE, contract_kinds=["works"])]
    assert [f.rule_code for f in found] == [code]
    assert text[found[0].clause_start:found[0].clause_end] == planted
    assert found[0].excerpt in planted


@pytest.mark.parametrize("code", sorted(PLANTED))
def test_a_default_rule_passes_its_near_miss(code):
    _, near_miss = PLANTED[code]
    assert scan(f"第一章 投标人须知。{near_miss}", [RULES[code]], estimate=ESTIMATE, contract_kinds=["works"]) == []


def test_a_near_miss_passes_every_rule_at_once():
    text = "\n".join(miss for _, miss in PLANTED.values())
    assert codes(text) == []


def test_the_capital_limit_follows_the_section_estimate():
    assert codes("注册资本不低于50万元。") == []
    assert codes("注册资本不低于5000万元。") == ["FCR-FIN-01"]
    assert codes("注册资本不低于5000万元。", estimate=Decimal("80000000")) == []
    assert codes("注册资本不低于0.6亿元。") == ["FCR-FIN-01"]
    assert codes("注册资本不低于20,000,001元。") == ["FCR-FIN-01"]


def test_an_amount_rule_finds_nothing_without_an_estimate():
    assert codes("注册资本不低于5000万元。", estimate=None) == []


def test_the_price_weight_rule_applies_to_works_tenders_only():
    assert codes("价格分权重为30%。", kinds=["works"]) == ["FCR-SCO-02"]
    assert codes("价格分权重为30%。", kinds=["services"]) == []


def test_a_named_brand_is_flagged_and_or_equivalent_passes():
    assert codes("本项目指定品牌为海尔。") == ["FCR-BRD-01"]
    assert codes("空调须采用海尔品牌或相当于同等档次的产品。") == []
    assert codes("投标人应提供所投产品的品牌、型号。") == []


def test_one_finding_per_rule_and_clause_and_spans_point_into_the_text():
    text = "一、资格要求\n投标人须为本地注册企业,且须为本地注册满三年的企业。\n二、注册资本不低于5000万元。"
    found = scan(text, RULES.values(), estimate=ESTIMATE, contract_kinds=["works"])
    assert [f.rule_code for f in found] == ["FCR-REG-01", "FCR-FIN-01"]
    for f in found:
        assert text[f.match_start:f.match_end] == f.excerpt
        assert f.clause_start <= f.match_start < f.match_end <= f.clause_end


def test_clauses_split_on_sentence_marks_and_lines():
    text = "甲。乙;丙\uff1b丁\n  戊"
    assert [text[a:b] for a, b in clauses(text)] == ["甲。", "乙;", "丙\uff1b", "丁", "戊"]


def test_identical_clauses_get_different_fingerprints_and_an_edit_changes_the_fingerprint():
    a = scan("须为本地注册企业。须为本地注册企业。", RULES.values(), estimate=ESTIMATE)
    fps = [fp for fp, _ in fingerprints(a, source="documents_text")]
    assert len(set(fps)) == 2
    b = scan("须为本市注册企业。", RULES.values(), estimate=ESTIMATE)
    assert fingerprints(b, source="documents_text")[0][0] not in fps


def test_segments_cover_the_text_and_mark_the_clauses():
    text = "前言。须为本地注册企业。后记。"
    found = scan(text, RULES.values(), estimate=ESTIMATE)
    pieces = segments(text, found)
    assert "".join(p for p, _ in pieces) == text
    assert [(p, [f.rule_code for f in fs]) for p, fs in pieces] == [
        ("前言。", []), ("须为本地注册企业。", ["FCR-REG-01"]), ("后记。", [])]


def test_an_inactive_rule_finds_nothing():
    off = rule(**{**DEFAULTS[0], "active": False})
    assert scan(PLANTED[off.code][0], [off], estimate=ESTIMATE) == []


@pytest.mark.parametrize("fields, field", [
    ({"pattern": "本地(注册"}, "pattern"),
    ({"pattern": ""}, "pattern"),
    ({"pattern": ".*"}, "pattern"),
    ({"pattern": "本地", "unless_pattern": "[或"}, "unless_pattern"),
    ({"pattern": "注册资本(?P<amount>\\d+)", "matcher": "amount_above_estimate", "threshold": 1}, "pattern"),
    ({"pattern": "不少于(?P<value>\\d+)", "matcher": "number_above"}, "threshold"),
    ({"pattern": "本地", "contract_kinds": ["roads"]}, "contract_kinds"),
    ({"pattern": "本地", "matcher": "guess"}, "matcher"),
])
def test_validate_rule_names_the_bad_field(fields, field):
    data = {"matcher": "regex", "unless_pattern": "", "threshold": None, "contract_kinds": [], **fields}
    with pytest.raises(InvalidInput) as caught:
        validate_rule(**data)
    assert caught.value.field == field
