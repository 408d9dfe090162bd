"""评定分离 in real Chromium: the tendering party's decision by vote, through the screen.

The separated tender of test_award_separated (three bids 390, 380 and 360 万, 投标人A, B, C; the publicity closed on
25 March 2024) is made through the services; from there 小钱 works only through the screens, with the server's
clock on 1 April 2024 (as in test_browser_trading, the live server runs in this process and the test sets
``timezone.now``): the evaluation page leads to the decision; the group of five votes A 2, C 2, B 1; the tie comes
back with a second round between A and C only; C wins it 3 to 2; the record shows the winner, the two rounds and a
digest that verifies, and the replay recomputes 投标人C. Screenshot: var/screenshots/trading-decision.png.
"""

from __future__ import annotations

import importlib

import pytest
from django.utils import timezone

from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading.choices import DecisionMethod
from zhengwu.trading.models import Award, AwardDecision, Specialty
from zhengwu.trading.tests.test_award_separated import GROUP, THREE, ids, publicity_closed
from zhengwu.trading.tests.test_browser_trading import PASSWORD, Clock, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def clock(monkeypatch):  # noqa: ANN001, ANN201
    running = Clock()
    monkeypatch.setattr(timezone, "now", running)
    return running


@pytest.fixture
def separated(transactional_db, clock):  # noqa: ANN001, ANN201
    # a transactional test flushes the data migrations' rows: the specialties come back here
    for code, name, sort in importlib.import_module("zhengwu.trading.migrations.0006_expert_rules").SPECIALTIES:
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "sort": sort})
    make_user(role=Role.TRADING_STAFF, username="xiaoqian", password=PASSWORD)
    return publicity_closed(THREE, DecisionMethod.VOTE)


def vote(page, round_index: int, choices: list[str], labels: dict[str, str]) -> None:  # noqa: ANN001
    for i, bidder in enumerate(choices):
        page.select_option(f"#decision_v{round_index}_{i}", label=labels[bidder])


def test_the_tendering_party_decides_by_vote_through_the_screen_and_a_tie_goes_to_a_second_round(
        page, live_server, separated, clock, screenshots_dir):  # noqa: ANN001
    evaluation = separated
    labels = {c: f"{c}({price}.00 元)" for c, price in zip(("投标人A", "投标人B", "投标人C"), THREE)}
    assert set(ids(evaluation)) == set(labels)
    clock.set("2024-04-01 10:00")
    sign_in(page, live_server, "xiaoqian")
    page.goto(f"{live_server.url}/trading/evaluations/{evaluation.pk}/")
    page.get_by_test_id("decision-link").click()
    page.get_by_test_id("decision-form").wait_for()
    for i, member in enumerate(GROUP):
        page.fill(f"#decision_m{i}_name", member["name"])
        page.fill(f"#decision_m{i}_role", member["role"])
    vote(page, 0, ["投标人A", "投标人A", "投标人C", "投标人C", "投标人B"], labels)
    page.fill("#decision_reasons", "按招标文件规定的票决方法确定")
    page.locator('[data-action="decide"]').click()

    # the tie: the same form comes back with the first round kept and a second round between A and C only
    page.get_by_test_id("field-error-votes").wait_for()
    assert "票数相同" in page.get_by_test_id("field-error-votes").inner_text()
    assert page.get_by_test_id("round-header").count() == 2
    second = page.locator("#decision_v1_0 option").all_inner_texts()
    assert second == ["—", labels["投标人A"], labels["投标人C"]]
    assert page.input_value("#decision_v0_4") == str(ids(evaluation)["投标人B"])
    assert not Award.objects.exists()
    vote(page, 1, ["投标人C", "投标人A", "投标人C", "投标人C", "投标人A"], labels)
    page.locator('[data-action="decide"]').click()

    # the record: 投标人C, two rounds, a digest that verifies; the replay recomputes the same winner
    page.get_by_test_id("decision-record").wait_for()
    assert page.get_by_test_id("decision-winner").inner_text() == "投标人C"
    assert page.get_by_test_id("decision-round").count() == 2
    assert page.get_by_test_id("decision-verified").inner_text() == "校验一致"
    page.locator('[data-action="replay"]').click()
    page.get_by_test_id("decision-replay").wait_for()
    assert "中标人为投标人C,与记录一致" in page.get_by_test_id("decision-replay").inner_text()
    page.screenshot(path=str(screenshots_dir / "trading-decision.png"), full_page=True)

    award = Award.objects.get()
    decision = AwardDecision.objects.get()
    assert (award.winner.bidder_name, award.notice_issued_at.date().isoformat()) == ("投标人C", "2024-04-01")
    assert [t["round"] for t in decision.outcome["tallies"]] == [1, 2]
