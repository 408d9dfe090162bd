"""The public resource trading journey in real Chromium, through the screens only:

小钱 of the trading center registers a project and publishes its tender; three bidders register and
upload sealed bids in the portal (each keeps the receipt with the SM3 digest); 小钱 records their
deposits; at the opening time each bidder gives its opening passphrase and 小钱 opens the bids (the
record shows three prices); 小钱 draws the committee (an expert employed by a bidder is excluded) and
starts the evaluation; each of the four experts signs in and scores the three bids; 小钱 writes the
report, publishes the candidates, closes the publicity after three days, awards the first candidate
and records the contract.

Time: the services take the server's clock (``timezone.now``), and the live server runs in this process,
so the test sets that clock (``Clock``) to the day of each step, as the days of a real tender pass; the
real services run, and nothing is written to the database behind the screens. Screenshots go to
var/screenshots/trading-*.png for a person to judge the design.
"""

from __future__ import annotations

import importlib
import re
import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from zhengwu.core.testing import make_user
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role
from zhengwu.trading import services_experts
from zhengwu.trading.choices import BidStatus, PublicityStatus, TenderStatus
from zhengwu.trading.models import Bid, Deposit, Evaluation, ExpertDrawMember, ScoreSheet, Specialty, Tender
from zhengwu.trading.testing import TENDERING_PARTY, at, credit, make_expert

PASSWORD = "Wucheng-Hall-2024!"
BIDDERS = [("jia", "甲建设有限公司", "3800000", "jia-opening-2024"),
           ("yi", "乙建设有限公司", "3700000", "yi-opening-2024"),
           ("bing", "丙建设有限公司", "3900000", "bing-opening-2024")]
EXPERTS = ["zhuanjia1", "zhuanjia2", "zhuanjia3", "zhuanjia4"]

pytestmark = pytest.mark.browser


class Clock:
    """The server's clock for the journey: set to a moment, it runs on in real seconds from there."""

    def __init__(self) -> None:
        self.base = at("2024-03-01 08:30")
        self.started = time.monotonic()

    def set(self, moment: str) -> None:
        self.base, self.started = at(moment), time.monotonic()

    def __call__(self) -> datetime:
        return self.base + timedelta(seconds=time.monotonic() - self.started)


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    running = Clock()
    monkeypatch.setattr(timezone, "now", running)
    return running


@pytest.fixture
def hall(transactional_db, clock):  # noqa: ANN001, ANN201
    # A transactional test flushes what the data migrations wrote: the specialty table comes back here
    # (the rule values fall back to the catalog's defaults, the same numbers).
    for code, name, sort in importlib.import_module("zhengwu.trading.migrations.0006_expert_rules").SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    make_user(role=Role.TRADING_STAFF, username="xiaoqian", password=PASSWORD)
    bidders = {}
    for n, (username, name, _price, _passphrase) in enumerate(BIDDERS):
        enterprise = org_services.enterprise_register(actor="test", credit_code=credit(700 + n), name=name)
        bidders[username] = make_user(role=Role.ENTERPRISE_USER, username=username, enterprise=enterprise,
                                      password=PASSWORD)
    for n, username in enumerate(EXPERTS, start=1):
        account = make_user(role=Role.EXPERT, username=username, password=PASSWORD)
        services_experts.expert_account_link(actor="test", expert=make_expert(name=f"专家{n}"), user=account)
    # 甲's engineer is a building expert too: the draw must leave him out (任职于投标人)
    make_expert(name="甲公司总工", employer=bidders["jia"].enterprise)
    return bidders


def sign_in(page, live_server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url)


def open_nav(page, label: str) -> None:  # noqa: ANN001
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=label).click()


def flash(page, expected: str) -> None:  # noqa: ANN001
    """Wait for the success message of the page the last action landed on."""
    page.locator(".alert-success", has_text=expected).first.wait_for()


def test_a_tender_goes_from_publication_through_sealed_bids_opening_draw_scoring_and_publicity_to_its_contract(
        page, live_server, hall, clock, screenshots_dir):  # noqa: ANN001
    shots = screenshots_dir
    # --- 1 March: 小钱 registers the project and publishes the tender -----------------------------------
    sign_in(page, live_server, "xiaoqian")
    open_nav(page, "交易项目")
    page.get_by_role("link", name="登记项目").click()
    page.fill("#id_name", "城区道路改造工程")
    page.select_option("#id_funding_source", "government_invested")
    page.fill("#id_estimate", "20000000")
    page.fill("#id_tendering_party_name", "区交通运输局")
    page.fill("#id_tendering_party_credit_code", TENDERING_PARTY)
    page.fill("#id_section_name", "道路施工")
    page.select_option("#id_section_contract_kind", "works")
    page.fill("#id_section_estimate", "4000000")
    page.fill("#id_section_control_price", "4000000")
    page.get_by_role("button", name="登记", exact=True).click()
    page.get_by_role("heading", name="城区道路改造工程").wait_for()
    page.get_by_role("link", name="创建招标").click()
    page.fill("#id_documents_issued_at", "2024-03-01T09:00")
    page.fill("#id_on_sale_from", "2024-03-01")
    page.fill("#id_on_sale_to", "2024-03-05")
    page.fill("#id_bid_deadline", "2024-03-21T09:30")
    page.locator("input[name^=deposit_]").fill("80000")
    page.get_by_role("button", name="创建草稿").click()
    clock.set("2024-03-01 09:00")
    page.locator('[data-action="publish"]').click()
    flash(page, "招标公告已发布")
    assert "已发布" in page.get_by_test_id("tender-status").inner_text()
    tender = Tender.objects.get()
    assert (tender.status, tender.published_at.date().isoformat()) == (TenderStatus.PUBLISHED, "2024-03-01")

    # --- 2 March: three bidders register and upload their sealed bids -----------------------------------
    clock.set("2024-03-02 10:00")
    digests = {}
    for username, name, price, passphrase in BIDDERS:
        sign_in(page, live_server, username)
        open_nav(page, "投标人门户")
        page.get_by_role("link", name=tender.number).click()
        page.get_by_role("button", name="以本单位名义报名").click()
        flash(page, "已报名")
        form = page.get_by_test_id("bid-form")
        form.locator("input[name=file]").set_input_files(
            {"name": f"{username}-投标文件.pdf", "mimeType": "application/pdf",
             "buffer": f"%PDF-1.7 {name} 投标报价 {price}".encode()})
        form.locator("input[name=price]").fill(price)
        form.locator("input[name=duration_days]").fill("300")
        form.locator("input[name=quality]").fill("合格")
        form.locator("input[name=passphrase]").fill(passphrase)
        form.locator("input[name=passphrase_again]").fill(passphrase)
        form.get_by_role("button", name="加密并递交").click()
        receipt = page.get_by_test_id("receipt")
        receipt.wait_for()
        bid = Bid.objects.get(registration__enterprise__name=name)
        assert page.get_by_test_id("receipt-digest").inner_text() == bid.digest
        assert page.get_by_test_id("receipt-time").inner_text().startswith("2024-03-02 10:")
        digests[name] = bid.digest
        if username == "jia":
            page.screenshot(path=str(shots / "trading-portal-receipt.png"), full_page=True)
    assert Bid.objects.filter(status=BidStatus.SEALED, price__isnull=True).count() == 3  # nothing in clear

    # --- 10 March: 小钱 sees three sealed bids (no names) and records the deposits ---------------------
    clock.set("2024-03-10 10:00")
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/tenders/{tender.pk}/")
    assert page.get_by_test_id("bid-count-total").inner_text() == "3"
    assert "甲建设有限公司" not in page.get_by_test_id("bid-count").inner_text()
    page.get_by_role("link", name="报名与保证金").click()
    for n in range(3):
        page.get_by_role("link", name="登记保证金").first.click()
        page.fill("#id_payer_account_number", f"62220200123456{n:02d}")
        page.fill("#id_payer_bank", "中国工商银行城区支行")
        page.get_by_role("button", name="登记", exact=True).click()
        flash(page, "保证金")
    assert Deposit.objects.filter(payer_matches_bidder=True).count() == 3

    # --- 21 March, after the opening time: each bidder gives its passphrase; 小钱 opens -----------------
    clock.set("2024-03-21 09:31")
    for username, _name, _price, passphrase in BIDDERS:
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}/trading/portal/tenders/{tender.pk}/")
        form = page.get_by_test_id("passphrase-form")
        form.locator("input[name=passphrase]").fill(passphrase)
        form.get_by_role("button", name="提交口令").click()
        page.get_by_test_id("passphrase-given").wait_for()
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/tenders/{tender.pk}/")
    assert "已有 3 份" in page.get_by_test_id("passphrases-given").inner_text()
    page.locator('[data-action="open"]').click()
    flash(page, "开标完成")
    prices = page.get_by_test_id("opening-price").all_inner_texts()
    assert sorted(prices) == ["3700000.00", "3800000.00", "3900000.00"]
    page.screenshot(path=str(shots / "trading-opening-record.png"), full_page=True)

    # --- 小钱 draws the committee (4 experts + 1 representative) and starts the evaluation ---------------
    page.goto(f"{live_server.url}/trading/tenders/{tender.pk}/")
    page.get_by_test_id("committee-link").click()
    page.fill("#draw_need_building", "4")
    page.locator('[data-action="draw"]').click()
    flash(page, "评标专家已抽取")
    assert page.get_by_test_id("member").count() == 4
    assert "任职于投标人 1 人" in page.get_by_test_id("exclusions").inner_text()
    assert "甲公司总工" not in page.get_by_test_id("members").inner_text()
    page.screenshot(path=str(shots / "trading-committee.png"), full_page=True)
    page.locator('[data-action="start-evaluation"]').click()
    flash(page, "评标已开始")
    evaluation = Evaluation.objects.get()

    # --- each expert signs in and scores the three bids ------------------------------------------------
    clock.set("2024-03-21 10:30")
    for n, username in enumerate(EXPERTS):
        sign_in(page, live_server, username)
        open_nav(page, "我的评标")
        page.get_by_role("link", name=tender.number).click()
        for row in page.get_by_test_id("score-row").all():
            row.locator("input[name$=technical]").fill(str(40 + n))
            row.locator("input[name$=business]").fill("15")
        for i in range(3):
            row = page.get_by_test_id("score-row").nth(i)
            row.get_by_role("button", name="提交").click()
            row.get_by_test_id("sheet-digest").wait_for()
        page.get_by_test_id("my-progress").filter(has_text="3 / 3").wait_for()
        digests_shown = page.get_by_test_id("sheet-digest").all_inner_texts()
        mine = ScoreSheet.objects.filter(member__expert__user__username=username).order_by("evaluated_bid_id")
        assert digests_shown == [s.digest for s in mine] and len(digests_shown) == 3
        if n == 0:
            page.screenshot(path=str(shots / "trading-expert-scoring.png"), full_page=True)
    assert ScoreSheet.objects.count() == 12
    assert ExpertDrawMember.objects.filter(replaced_at=None).count() == 4

    # --- 小钱 writes the report and publishes the candidates ---------------------------------------------
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/evaluations/{evaluation.pk}/")
    assert "已提交 12 / 12" in page.get_by_test_id("sheet-progress").inner_text()
    page.locator('[data-action="report"]').click()
    flash(page, "评标报告已提交")
    candidates = page.get_by_test_id("candidates").inner_text()
    assert re.match(r"甲建设有限公司", candidates.strip())  # equal scores: the price at the base ranks first
    clock.set("2024-03-22 09:00")
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/evaluations/{evaluation.pk}/")
    page.locator('[data-action="publish"]').click()
    flash(page, "公示中标候选人")

    # --- 25 March: the publicity closes after three days; the first candidate is awarded ---------------
    clock.set("2024-03-25 09:00")
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/evaluations/{evaluation.pk}/")
    page.locator('[data-action="close"]').click()
    flash(page, "结束公示")
    page.locator('[data-action="award"]').click()
    flash(page, "已定标")
    assert "甲建设有限公司" in page.get_by_test_id("award").inner_text()

    # --- 28 March: the contract is signed ----------------------------------------------------------------
    clock.set("2024-03-28 15:00")
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/evaluations/{evaluation.pk}/")
    page.fill("#contract_signed_on", "2024-03-28")
    page.get_by_role("button", name="登记合同").click()
    flash(page, "合同签订已登记")
    assert page.get_by_test_id("contract-signed").inner_text() == "2024-03-28"
    page.screenshot(path=str(shots / "trading-award-contract.png"), full_page=True)

    evaluation.refresh_from_db()
    award = evaluation.award
    assert (award.winner.bidder_name, award.winner_rank, str(award.price)) == ("甲建设有限公司", 1, "3800000.00")
    assert evaluation.publicity.status == PublicityStatus.CLOSED
    assert str(award.contract_signed_on) == "2024-03-28" and str(award.contract_due_on) == "2024-04-24"
    assert {str(d) for d in Deposit.objects.values_list("refund_due_on", flat=True)} == {"2024-04-02"}
    assert {b.digest for b in Bid.objects.all()} == set(digests.values())
