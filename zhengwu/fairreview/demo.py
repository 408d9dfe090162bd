"""Demo step ``fairreview.year2023`` (after the trading year): review records for a handful of the year's tenders.

The demo's tenders were published with empty documents text, and no trading figure may change. So each chosen
tender gets the story of its documents told through review records only: a first draft with planted restrictive
clauses (local registration, a branch office, a named brand, a capital requirement above the estimate, local
performance points) reviewed a few days before publication, the supervisor keeping one clause with a reason,
and the corrected text reviewed the day before publication with every other finding resolved. The reviewed
texts are kept on the review rows; the tenders themselves are not touched.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Iterable

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.fairreview import services

HEAD = ("第一章 招标公告\n{title}。本项目已具备招标条件,现进行公开招标。\n"
        "第二章 投标人须知\n一、投标人资格要求\n投标人须具有独立法人资格。\n"
        "投标人须具有{qualification}。\n")
TAIL = ("二、评标办法\n本项目采用综合评估法,评标委员会由五人组成。\n"
        "价格分权重为60%,技术分权重为30%,商务分权重为10%。\n"
        "三、其他\n投标保证金可以银行保函或电子保函形式提交。\n")

#: (clause planted in the draft, its correction; None = the clause is dropped, "keep" = kept with a reason)
PLANTED: list[list[tuple[str, str | None]]] = [
    [("投标人须为本地注册企业,外地企业不得参与投标。", None),
     ("投标人注册资本不低于{capital}万元。", "投标人注册资本不低于{fair_capital}万元。")],
    [("投标人须在本区设立分支机构。", None),
     ("本市业绩加分,每项加2分。", "类似工程业绩每项加1分,最高3分。")],
    [("照明灯具须采用飞利浦品牌。", "keep"),
     ("近三年营业收入不低于{turnover}万元。", "近三年营业收入不低于{fair_turnover}万元。")],
    [("投标人须为国有企业或国有控股企业。", None),
     ("电梯须采用三菱品牌。", "电梯须采用三菱品牌或相当于同等档次的产品。")],
]
KEEP_REASON = "本标段为既有道路照明系统的扩建,灯具须与已建成的智能控制系统兼容,经专家论证确需指定,已在文件中说明理由。"
QUALIFICATIONS = {"works": "相应专业施工总承包三级及以上资质", "goods": "所投产品的生产或经营许可",
                  "services": "相应的工程监理或设计资质"}


def _wan(value: Decimal) -> str:
    return f"{(value / 10_000).quantize(Decimal(1)):f}"


def documents(tender: Any, planted: list[tuple[str, str | None]], *, corrected: bool) -> str:
    offers = list(tender.tender_sections.select_related("section"))
    estimate = max((o.section.estimate for o in offers), default=Decimal("4000000"))
    kind = offers[0].section.contract_kind if offers else "works"
    numbers = {"capital": _wan(estimate * 3), "fair_capital": _wan(estimate / 10),
               "turnover": _wan(estimate * 5), "fair_turnover": _wan(estimate)}
    lines = []
    for draft, fix in planted:
        if not corrected:
            lines.append(draft)
        elif fix == "keep":
            lines.append(draft)
        elif fix is not None:
            lines.append(fix)
    head = HEAD.format(title=tender.title, qualification=QUALIFICATIONS.get(kind, QUALIFICATIONS["works"]))
    return head + "\n".join(line.format(**numbers) for line in lines) + "\n" + TAIL


def review_tenders(tenders: Iterable[Any], *, reviewer: Any, supervisor: Any) -> dict[str, int]:
    """Two reviews per tender (draft, then corrected), one finding kept with a reason where the story says so."""
    counts = {"tenders": 0, "reviews": 0, "found": 0, "resolved": 0, "accepted": 0}
    for tender, planted in zip(tenders, PLANTED):
        published = tender.published_at or tender.documents_issued_at
        first = services.review_texts(
            actor=reviewer, tender=tender, now=published - dt.timedelta(days=4),
            texts={"documents_text": documents(tender, planted, corrected=False),
                   "announcement": tender.announcement})
        if any(fix == "keep" for _, fix in planted):
            for finding in tender.fair_findings.filter(rule__category="brand", accepted_at__isnull=True):
                services.finding_accept(actor=supervisor, finding=finding, reason=KEEP_REASON,
                                        now=published - dt.timedelta(days=3))
                counts["accepted"] += 1
        second = services.review_texts(
            actor=reviewer, tender=tender, now=published - dt.timedelta(days=1),
            texts={"documents_text": documents(tender, planted, corrected=True),
                   "announcement": tender.announcement})
        counts["tenders"] += 1
        counts["reviews"] += 2
        counts["found"] += first.found
        counts["resolved"] += second.resolved
    return counts


@demo_step("fairreview.year2023", order=66)
def make_reviews(ctx: DemoContext) -> None:
    from zhengwu.org.models import User
    from zhengwu.org.roles import Role
    from zhengwu.trading.models import Tender

    reviewer = User.objects.filter(role=Role.TRADING_STAFF, is_active=True).order_by("pk").first() or "demo"
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first() or "demo"
    tenders = list(Tender.objects.filter(published_at__year=2023, fair_reviews__isnull=True)
                   .select_related("project").order_by("published_at", "pk")[:len(PLANTED)])
    counts = review_tenders(tenders, reviewer=reviewer, supervisor=supervisor)
    ctx.made["fairreview"] = counts
    ctx.log(f"公平竞争审查:{counts['tenders']} 个招标的文件经 {counts['reviews']} 次审查,发现问题 "
            f"{counts['found']} 项,修改消除 {counts['resolved']} 项,说明理由保留 {counts['accepted']} 项")
