"""The trading screens of part 5: the 评定分离 decision, remote evaluation sessions and their timeline, the figures
dashboard with its Excel export, the fee schedules, the experts' login accounts.

Personas: 小钱 the trading center's staff (acts), 老周 a supervisor and 王主任 the center administrator (read; 王主任
keeps the fee schedules), 甲公司's user (a bidder: none of it) and 张专家 (an expert account: none of it).

The separated tenders are the ones of test_award_separated: three bids 390, 380 and 360 万 (投标人A, B, C in
opening order), all three recommended, the publicity closed on 25 March 2024; the decision group is 张明, 李华, 王强,
赵敏, 钱进. The lottery's seed comes from ``secrets.randbits``, replaced here by a fixed one.
"""

from __future__ import annotations

import io
import random
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from zhengwu.core.models import AuditEvent
from zhengwu.core.navigation import menu_for
from zhengwu.core.testing import external_references, make_user
from zhengwu.org.roles import Role
from zhengwu.trading import figures, services_award, services_fees, services_sessions
from zhengwu.trading.choices import AwardMode, DecisionMethod, FundingSource, ProjectType, RemoteSessionStatus, VenueKind
from zhengwu.trading.models import Award, AwardDecision, Expert, RemoteSession, ServiceFeeSchedule
from zhengwu.trading.testing import at, day, make_expert, make_project
from zhengwu.trading.tests.factories_award import award_section, awarded_project, guarantee, tender_of
from zhengwu.trading.tests.test_award_separated import GROUP, THREE, ids, publicity_closed
from zhengwu.trading.tests import test_views
from zhengwu.trading.tests.test_remote_sessions import OURS_SUB, committee, serving
from zhengwu.trading.tests.test_views import client_for, field_error, text_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REASONS = "按招标文件规定的定标方法确定"


# --- personas and helpers: those of the part 1–4 screens' tests ------------------------------------------

staff, supervisor, center_admin = test_views.staff, test_views.supervisor, test_views.center_admin


# --- who may open what ---------------------------------------------------------------------------------------

def reading_world():
    """A separated award (no decision recorded), a ranked one, a sub-venue session, an expert."""
    separated = awarded_project(price="2940000", control="3000000", notice="2024-01-20 10:00",
                                sections=[("works", "3000000")], award_mode=AwardMode.SEPARATED)
    ranked = awarded_project(price="4800000", control="5000000", notice="2024-01-15 10:00", name="城东道路工程")
    session = services_sessions.remote_session_create(
        actor="test", our_role=VenueKind.SUB, scheduled_start=at("2024-03-21 09:00"), venues=OURS_SUB,
        project_name="绍兴市某道路改造工程", project_number="SX-2024-018", host_center="绍兴市公共资源交易中心")
    make_expert(name="赵专家")
    return separated.evaluation, ranked.evaluation, session


READ_PAGES = ["decision", "sessions", "session", "timeline", "figures", "export", "fees"]


def urls(evaluation, session) -> dict[str, str]:
    return {"decision": reverse("trading:award_decision", args=[evaluation.pk]),
            "sessions": reverse("trading:sessions"), "session": reverse("trading:session", args=[session.pk]),
            "timeline": reverse("trading:session_timeline", args=[session.pk]),
            "figures": reverse("trading:figures") + "?year=2024",
            "export": reverse("trading:figures_export") + "?year=2024", "fees": reverse("trading:fee_schedules"),
            "session_new": reverse("trading:session_new"), "experts": reverse("trading:expert_accounts")}


@pytest.mark.parametrize(("role", "expected"), [
    (Role.TRADING_STAFF, {**dict.fromkeys(READ_PAGES, 200), "session_new": 200, "experts": 200}),
    (Role.SUPERVISOR, {**dict.fromkeys(READ_PAGES, 200), "session_new": 403, "experts": 200}),
    (Role.CENTER_ADMIN, {**dict.fromkeys(READ_PAGES, 200), "session_new": 403, "experts": 403}),
    (Role.ENTERPRISE_USER, {**dict.fromkeys(READ_PAGES, 403), "session_new": 403, "experts": 403}),
    (Role.EXPERT, {**dict.fromkeys(READ_PAGES, 403), "session_new": 403, "experts": 403}),
])
def test_each_page_renders_for_the_roles_that_may_see_it_and_is_refused_to_the_others(role, expected):
    evaluation, _ranked, session = reading_world()
    user = make_user(role=role, username=f"u-{role}")
    client = client_for(user)
    statuses = {name: client.get(url).status_code for name, url in urls(evaluation, session).items()}
    assert statuses == expected


def test_a_decision_page_exists_only_for_a_separated_tender_and_a_session_outside_is_404(staff):
    separated, ranked, session = reading_world()
    client = client_for(staff)
    assert client.get(reverse("trading:award_decision", args=[ranked.pk])).status_code == 404
    assert client.post(decide_url(ranked), {}).status_code == 404
    early = client.post(decide_url(separated), decision_data())  # no publicity yet: the service says so
    assert early.status_code == 409 and "公示结束后才能定标" in text_of(early).split('data-testid="decision-error">')[1]
    assert client.get(reverse("trading:session", args=[session.pk + 100])).status_code == 404
    assert client.get(reverse("trading:session_timeline", args=[session.pk + 100])).status_code == 404


def test_readers_see_no_forms_and_their_posts_are_refused(supervisor, center_admin):
    evaluation, _ranked, session = reading_world()
    as_supervisor, as_center = client_for(supervisor), client_for(center_admin)
    page = text_of(as_supervisor.get(reverse("trading:session", args=[session.pk])))
    assert 'data-testid="seat-form"' not in page and 'data-testid="event-form"' not in page
    assert 'data-action="start"' not in page
    assert as_supervisor.post(reverse("trading:award_decide", args=[evaluation.pk]), {}).status_code == 403
    assert as_supervisor.post(reverse("trading:session_event", args=[session.pk]),
                              {"kind": "note", "note": "x"}).status_code == 403
    assert as_center.post(reverse("trading:session_act", args=[session.pk, "cancel"]),
                          {"reason": "x"}).status_code == 403
    assert as_supervisor.post(reverse("trading:fee_schedule_new"), {}).status_code == 403
    assert as_supervisor.post(reverse("trading:expert_account_link"), {}).status_code == 403
    assert RemoteSession.objects.get().status == RemoteSessionStatus.SCHEDULED
    assert not RemoteSession.objects.get().events.exists()


def test_staff_supervisors_and_the_center_find_sessions_and_figures_in_the_navigation(staff, supervisor,
                                                                                     center_admin):
    def trading_entries(user) -> list[str]:
        return [e.url_name for g in menu_for(user) for e in g.items if e.url_name.startswith("trading:")]

    for user in (staff, supervisor, center_admin):
        assert trading_entries(user) == ["trading:projects", "trading:sessions", "trading:figures"]
    assert trading_entries(make_user(role=Role.ENTERPRISE_USER)) == ["trading:portal"]
    assert trading_entries(make_user(role=Role.EXPERT)) == ["trading:expert"]


# --- 评定分离: the decision through the form -------------------------------------------------------------------

def decision_data(*, group=GROUP, votes=(), reasons=REASONS, rounds: str | None = None, **extra) -> dict[str, str]:
    """The form as a person fills it: one row per member, the member's vote of each round in the same row."""
    data = {"rows": "7", "reasons": reasons}
    if rounds is not None:
        data["rounds"] = rounds
    for i, member in enumerate(group):
        data[f"m{i}_name"], data[f"m{i}_role"] = member["name"], member["role"]
    for r, ballots in enumerate(votes):
        for i, bid in enumerate(ballots):
            data[f"v{r}_{i}"] = str(bid)
    data.update({k: str(v) for k, v in extra.items()})
    return data


def decide_url(evaluation) -> str:
    return reverse("trading:award_decide", args=[evaluation.pk])


def decision_page(client, evaluation) -> str:
    return text_of(client.get(reverse("trading:award_decision", args=[evaluation.pk])))


def test_the_evaluation_page_links_a_separated_tender_to_its_decision(staff):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    page = text_of(client_for(staff).get(reverse("trading:evaluation", args=[evaluation.pk])))
    assert f'href="{reverse("trading:award_decision", args=[evaluation.pk])}" data-testid="decision-link"' in page
    form_page = decision_page(client_for(staff), evaluation)
    assert 'data-testid="decision-form"' in form_page and "招标文件规定的定标方法:票决" in form_page


def test_vote_through_the_form_the_most_votes_win_and_the_record_verifies_and_replays(staff, supervisor):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    client = client_for(staff)
    # a group of four is refused next to the group, and nothing is written
    refused = client.post(decide_url(evaluation), decision_data(group=GROUP[:4], votes=[[c["投标人B"]] * 4]))
    assert refused.status_code == 422 and "decision_group_min = 5" in field_error(refused, "group")
    assert not Award.objects.exists()
    # B 3, A 1, C 1: B wins at its bid price
    response = client.post(decide_url(evaluation), decision_data(
        votes=[[c["投标人B"], c["投标人B"], c["投标人A"], c["投标人B"], c["投标人C"]]]))
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.winner.bidder_name, award.price, award.winner_rank) == ("投标人B", Decimal("3800000.00"), None)
    decision = AwardDecision.objects.get()
    assert decision.inputs["votes"] == [{"张明": c["投标人B"], "李华": c["投标人B"], "王强": c["投标人A"],
                                         "赵敏": c["投标人B"], "钱进": c["投标人C"]}]
    # the record, as the supervisor reads it: the winner, the tally, the digest that verifies
    page = decision_page(client_for(supervisor), evaluation)
    assert 'data-testid="decision-winner">投标人B<' in page
    assert decision.digest in page and "校验一致" in page
    tally = re.search(r'data-testid="decision-tally">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r"<td>(投标人\w)[^<]*(?:<span[^>]*>[^<]*</span>)?</td><td[^>]*>(\d)</td>", tally) == [
        ("投标人A", "1"), ("投标人B", "3"), ("投标人C", "1")]
    assert 'data-testid="decision-form"' not in page
    replay = client_for(supervisor).get(reverse("trading:award_decision_replay", args=[evaluation.pk]), **HTMX)
    assert replay.status_code == 200 and "中标人为投标人B,与记录一致" in text_of(replay)


def test_a_tie_comes_back_with_a_second_round_among_the_tied_and_that_round_decides(staff):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE)
    c = ids(evaluation)
    client = client_for(staff)
    first = [c["投标人A"], c["投标人A"], c["投标人C"], c["投标人C"], c["投标人B"]]  # A 2, C 2, B 1
    tied = client.post(decide_url(evaluation), decision_data(votes=[first]))
    page = text_of(tied)
    assert tied.status_code == 422 and not Award.objects.exists()
    assert "得票最多的候选人票数相同" in field_error(tied, "votes")
    assert re.search(r'data-testid="tie-tallies">.*投标人A 2.*投标人B 1.*投标人C 2', page, re.S)
    headers = re.findall(r'data-testid="round-header">(.*?)</th>', page, re.S)
    assert len(headers) == 2 and "投标人A、投标人C" in headers[1] and "投标人B" not in headers[1]
    second_round = re.search(r'<select name="v1_0"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r'<option value="(\d+)"', second_round) == [str(c["投标人A"]), str(c["投标人C"])]
    # the first round's votes are kept; the page carries the rounds' candidates
    assert re.search(rf'<option value="{c["投标人C"]}" selected>', re.search(
        r'<select name="v0_2"[^>]*>(.*?)</select>', page, re.S).group(1))
    rounds = re.search(r'name="rounds" value="([^"]*)"', page).group(1)
    assert rounds.split(";")[1] == f"{c['投标人A']},{c['投标人C']}"
    second = [c["投标人C"], c["投标人A"], c["投标人C"], c["投标人C"], c["投标人A"]]  # C 3, A 2
    # a first round changed into a decisive one makes the second superfluous: the form drops it
    decisive = [c["投标人A"], c["投标人A"], c["投标人A"], c["投标人C"], c["投标人B"]]
    extra = client.post(decide_url(evaluation), decision_data(votes=[decisive, second], rounds=rounds))
    assert extra.status_code == 422 and "不应再有后续轮次" in field_error(extra, "votes")
    assert len(re.findall(r'data-testid="round-header"', text_of(extra))) == 1
    response = client.post(decide_url(evaluation), decision_data(votes=[first, second], rounds=rounds))
    assert response.status_code == 302
    assert Award.objects.get().winner.bidder_name == "投标人C"
    assert [t["leaders"] for t in AwardDecision.objects.get().outcome["tallies"]] == [
        [c["投标人A"], c["投标人C"]], [c["投标人C"]]]


def test_lottery_is_a_button_and_the_seed_and_the_draw_are_shown_afterwards(staff, monkeypatch):
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    monkeypatch.setattr(services_award.secrets, "randbits", lambda bits: 20240402)
    client = client_for(staff)
    form_page = decision_page(client, evaluation)
    assert "抽签并定标" in form_page and 'name="v0_0"' not in form_page
    assert client.post(decide_url(evaluation), decision_data()).status_code == 302
    # the pool is A, B, C (bid ids ascending); random.Random(20240402).randrange(3) = 2: 投标人C
    assert random.Random(20240402).randrange(3) == 2
    award = Award.objects.get()
    assert (award.winner.bidder_name, award.price) == ("投标人C", Decimal("3600000.00"))
    page = decision_page(client, evaluation)
    assert 'data-testid="decision-seed">20240402<' in page and 'data-testid="decision-index">2<' in page
    assert re.findall(r"<li[^>]*>(投标人\w)", re.search(r'data-testid="decision-pool">(.*?)</ol>', page, re.S)
                      .group(1)) == ["投标人A", "投标人B", "投标人C"]
    replay = text_of(client.get(reverse("trading:award_decision", args=[evaluation.pk]) + "?replay=1"))
    assert "random.Random(20240402).randrange(3) = 2 → 投标人C" in replay


def test_vote_then_lottery_draws_between_the_two_most_voted(staff, monkeypatch):
    evaluation = publicity_closed(THREE, DecisionMethod.VOTE_LOTTERY)
    monkeypatch.setattr(services_award.secrets, "randbits", lambda bits: 20240403)
    c = ids(evaluation)
    client = client_for(staff)
    response = client.post(decide_url(evaluation), decision_data(
        votes=[[c["投标人C"], c["投标人C"], c["投标人B"], c["投标人B"], c["投标人B"]]]))
    assert response.status_code == 302
    # finalists B and C (A had no vote); random.Random(20240403).randrange(2) = 1: the second, 投标人C
    assert random.Random(20240403).randrange(2) == 1
    assert Award.objects.get().winner.bidder_name == "投标人C"
    page = decision_page(client, evaluation)
    assert "进入抽签的候选人:投标人B、投标人C" in page and 'data-testid="decision-seed">20240403<' in page


def test_deliberation_needs_its_minutes_next_to_the_minutes_and_awards_the_chosen_candidate(staff):
    evaluation = publicity_closed(THREE, DecisionMethod.DELIBERATION)
    c = ids(evaluation)
    client = client_for(staff)
    refused = client.post(decide_url(evaluation), decision_data(bid_id=c["投标人A"], minutes=""))
    assert refused.status_code == 422 and "议事纪要" in field_error(refused, "minutes")
    minutes = "2024年4月1日定标会议纪要:经集体议事,投标人A同类业绩最多。"
    response = client.post(decide_url(evaluation), decision_data(bid_id=c["投标人A"], minutes=minutes,
                                                                 reasons="投标人A近三年同类工程业绩最多"))
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.winner.bidder_name, award.price) == ("投标人A", Decimal("3900000.00"))
    page = decision_page(client, evaluation)
    assert minutes in page and "集体议事确定的中标人:投标人A" in page


def test_price_competition_the_lowest_final_offer_wins_and_an_offer_above_the_bid_is_shown_on_its_field(staff):
    evaluation = publicity_closed(THREE, DecisionMethod.PRICE_COMPETITION)
    c = ids(evaluation)
    client = client_for(staff)
    refused = client.post(decide_url(evaluation), decision_data(**{f"offer_{c['投标人C']}": "3600000.01"}))
    assert refused.status_code == 422
    assert "高于其投标报价" in field_error(refused, f"offer_{c['投标人C']}")
    # A 3,550,000 and B 3,580,000.50; C makes no offer and stands at 3,600,000: A wins at its offer
    response = client.post(decide_url(evaluation), decision_data(**{f"offer_{c['投标人A']}": "3550000",
                                                                    f"offer_{c['投标人B']}": "3580000.50"}))
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.winner.bidder_name, award.price) == ("投标人A", Decimal("3550000.00"))
    page = decision_page(client, evaluation)
    assert 'data-testid="decision-price">3550000.00' in page and "未报价,按投标报价" in page


def test_a_group_members_missing_role_is_shown_next_to_that_row(staff):
    evaluation = publicity_closed(THREE, DecisionMethod.LOTTERY)
    client = client_for(staff)
    group = [dict(m) for m in GROUP]
    group[2]["role"] = ""
    data = decision_data(group=group)
    # the third member is typed in the sixth row, after a blank one: the service's group[4] is that row
    data["m5_name"], data["m5_role"] = data.pop("m2_name"), data.pop("m2_role")
    refused = client.post(decide_url(evaluation), data)
    assert refused.status_code == 422 and "王强的身份" in field_error(refused, "m5_role")
    assert not AwardDecision.objects.exists()


# --- remote evaluation sessions ------------------------------------------------------------------------------

MAIN_VENUES = {"venue0_name": "区公共资源交易中心评标室", "venue0_city": "本区", "venue0_kind": "main",
               "venue1_name": "温州市公共资源交易中心远程评标室", "venue1_city": "温州", "venue1_kind": "sub", "ours": "0"}


def test_a_sub_venue_session_with_wrong_venues_is_refused_next_to_the_venues(staff):
    client = client_for(staff)
    base = {"our_role": "sub", "scheduled_start": "2024-05-06T09:00", "project_name": "绍兴市某道路改造工程",
            "project_number": "SX-2024-018", "host_center": "绍兴市公共资源交易中心",
            "venue0_name": "区公共资源交易中心远程评标室", "venue0_city": "本区", "venue0_kind": "sub",
            "venue1_name": "绍兴市公共资源交易中心评标室", "venue1_city": "绍兴", "venue1_kind": "sub", "ours": "0"}
    two_subs = client.post(reverse("trading:session_new"), base)
    assert two_subs.status_code == 422 and "只有一个主场" in field_error(two_subs, "venues")
    no_name = client.post(reverse("trading:session_new"), {**base, "venue1_kind": "main", "venue1_name": ""})
    assert no_name.status_code == 422 and "场地名称" in field_error(no_name, "venue1_name")
    assert not RemoteSession.objects.exists()
    created = client.post(reverse("trading:session_new"), {**base, "venue1_kind": "main"})
    session = RemoteSession.objects.get()
    assert created.status_code == 302 and created["Location"] == reverse("trading:session", args=[session.pk])
    assert (session.our_role, session.tender_section, session.host_center) == ("sub", None, "绍兴市公共资源交易中心")


def test_a_main_session_runs_through_the_screens_and_its_timeline_lists_every_action_in_order(staff, supervisor):
    tender, section = committee()
    offer = tender.tender_sections.get(section=section)
    client = client_for(staff)
    # the tender's page offers the section's session
    tender_page = text_of(client.get(reverse("trading:tender", args=[tender.pk])))
    assert f'{reverse("trading:session_new")}?offer={offer.pk}' in tender_page
    created = client.post(reverse("trading:session_new"), {"our_role": "main", "scheduled_start": "2024-03-21T09:00",
                                                           "offer": offer.pk, **MAIN_VENUES})
    assert created.status_code == 302
    session = RemoteSession.objects.get()
    main, sub = session.venues.get(kind="main"), session.venues.get(kind="sub")
    detail = reverse("trading:session", args=[session.pk])
    # nobody seated yet: the start is refused above the page, with the names still missing
    refused = client.post(reverse("trading:session_act", args=[session.pk, "start"]))
    assert refused.status_code == 409 and 'data-testid="session-error"' in text_of(refused)
    members = serving(tender)
    for i, member in enumerate(members):
        assert client.post(reverse("trading:session_seat", args=[session.pk]), {
            "venue": (main if i < 2 else sub).pk, "member": member.pk, "role": "expert"}).status_code == 302
    assert client.post(reverse("trading:session_seat", args=[session.pk]), {
        "venue": main.pk, "name": "招标人代表甲", "role": "representative"}).status_code == 302
    events = reverse("trading:session_event", args=[session.pk])
    for seat in session.members.filter(role="expert").order_by("id"):
        response = client.post(events, {"kind": "check_in", "member": seat.pk}, **HTMX)
        assert response.status_code == 200 and "list-group-item-success" in text_of(response)
    assert client.post(events, {"kind": "video_up", "venue": sub.pk}, **HTMX).status_code == 200
    assert client.post(reverse("trading:session_act", args=[session.pk, "start"])).status_code == 302
    out_of_order = client.post(events, {"kind": "scoring_finished", "venue": main.pk}, **HTMX)
    assert out_of_order.status_code == 409 and "应先记录“开始评审”" in field_error(out_of_order, "kind")
    for kind in ("bids_opened", "scoring_started", "scoring_finished", "report_signed"):
        assert client.post(events, {"kind": kind, "venue": main.pk}, **HTMX).status_code == 200
    assert client.post(reverse("trading:session_act", args=[session.pk, "close"])).status_code == 302
    session.refresh_from_db()
    assert session.status == RemoteSessionStatus.CLOSED
    assert "已结束" in text_of(client.get(detail))

    # the timeline, as the supervisor reads it: every action once, in order, each with its audit event
    page = text_of(client_for(supervisor).get(reverse("trading:session_timeline", args=[session.pk])))
    kinds = re.findall(r'data-testid="timeline-entry" data-kind="([^"]+)"', page)
    assert kinds == (["remotesession.create"] + ["remotesession.seat"] * 5 + ["check_in"] * 4
                     + ["video_up", "remotesession.start", "bids_opened", "scoring_started", "scoring_finished",
                        "report_signed", "remotesession.close"])
    audit_ids = [int(n) for n in re.findall(r'data-testid="timeline-audit">(\d+)<', page)]
    trail = list(AuditEvent.objects.filter(object_type="trading.remotesession", object_id=str(session.pk))
                 .order_by("id").values_list("id", flat=True))
    assert audit_ids == trail and len(trail) == len(kinds)
    assert "温州市公共资源交易中心远程评标室" in page and "招标人代表甲" in page
    # the project's page leads to its sessions
    listing = text_of(client.get(reverse("trading:sessions") + f"?project={tender.project_id}"))
    assert detail in listing


def test_the_session_list_filters_by_year_role_and_status(staff):
    def sub(start: str, name: str) -> RemoteSession:
        return services_sessions.remote_session_create(
            actor="test", our_role=VenueKind.SUB, scheduled_start=at(start), venues=OURS_SUB, project_name=name,
            host_center="绍兴市公共资源交易中心")

    sub("2023-11-02 09:00", "二〇二三年的项目")
    cancelled = sub("2024-05-06 09:00", "取消的项目")
    services_sessions.remote_session_transition(actor="test", session=cancelled.pk, action="cancel", reason="延期")
    sub("2024-06-10 09:00", "排期的项目")
    client = client_for(staff)

    def names(query: str) -> list[str]:
        page = text_of(client.get(reverse("trading:sessions") + query))
        return re.findall(r'data-testid="session-row">.*?<td>([^<]+)<div', page, re.S)

    assert names("") == ["排期的项目", "取消的项目", "二〇二三年的项目"]
    assert names("?year=2024") == ["排期的项目", "取消的项目"]
    assert names("?year=2024&status=cancelled") == ["取消的项目"]
    assert names("?our_role=main") == []


def test_the_session_list_stays_within_its_query_budget(staff, django_assert_max_num_queries):
    for n in range(12):
        services_sessions.remote_session_create(
            actor="test", our_role=VenueKind.SUB, scheduled_start=at(f"2024-06-{n + 1:02d} 09:00"), venues=OURS_SUB,
            project_name=f"项目{n}", host_center="绍兴市公共资源交易中心")
    client = client_for(staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("trading:sessions"))
    assert len(re.findall(r'data-testid="session-row"', text_of(response))) == 12


# --- the figures dashboard and its export --------------------------------------------------------------------

TIERS = [{"up_to": "5000000", "permille": "1"}, {"up_to": "50000000", "permille": "0.6"},
         {"up_to": "500000000", "permille": "0.2"}, {"up_to": None, "permille": "0.05"}]


@pytest.fixture
def year_2024():
    """Four projects of 2024 (amounts in 万: 480/500 and 294/300 in January, 240/250 in February, 570/600 and
    390/400 in March and April), a guarantee, construction charged again from 1 March, a main session held."""
    services_fees.fee_schedule_create(actor="test", project_type=ProjectType.CONSTRUCTION,
                                      effective_from=day("2024-03-01"), tiers=TIERS, minimum="200", cap="50000",
                                      basis="区发改局核定")
    gov = FundingSource.GOVERNMENT_INVESTED
    p1 = awarded_project(price="4800000", control="5000000", notice="2024-01-15 10:00", funding_source=gov,
                         sections=[("works", "5000000")])
    awarded_project(price="2940000", control="3000000", notice="2024-01-20 10:00", funding_source=gov,
                    sections=[("works", "3000000")], award_mode=AwardMode.SEPARATED)
    awarded_project(price="2400000", control="2500000", notice="2024-02-10 10:00",
                    funding_source=FundingSource.STATE_FUNDED, project_type=ProjectType.PROCUREMENT,
                    sections=[("goods", "2500000")])
    t5 = tender_of(make_project(funding_source=gov, sections=[("works", "6000000"), ("works", "4000000")]))
    p5 = award_section(t5, section_number=1, price="5700000", control="6000000", notice="2024-03-05 10:00")
    award_section(t5, section_number=2, price="3900000", control="4000000", notice="2024-04-02 10:00")
    guarantee(p1.winner.bid.registration, amount="80000", received="2024-01-05 10:00", number="G-1")
    RemoteSession.objects.create(status=RemoteSessionStatus.CLOSED, our_role=VenueKind.MAIN,
                                 tender_section=p5.evaluation.tender_section, project_name="项目",
                                 host_center="本中心", scheduled_start=at("2024-03-05 09:00"),
                                 started_at=at("2024-03-05 09:00"))


def shown_figures(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-cell="([^"]+)" data-value="([^"]*)"', page))


def expected_cells(data: dict) -> dict[str, str]:
    """Every figure of ``trading_figures`` under the name the page gives it."""
    def cell(prefix: str, values: dict) -> dict[str, str]:
        keys = ("projects", "awards", "amount", "control_total", "savings", "savings_rate",
                "awards_without_control_price")
        return {f"{prefix}:{k}": "" if values[k] is None else str(values[k]) for k in keys}

    cells = {**cell("overview:total", data), **cell("overview:above_limit", data["above_limit"]),
             **cell("overview:below_limit", data["below_limit"])}
    for m in data["by_month"]:
        cells.update(cell(f"by_month:{m['month']}", m))
    for t in data["by_type"]:
        cells.update(cell(f"by_type:{t['project_type']}", t))
    for table in ("separated", "guarantees", "service_fee", "remote_sessions"):
        cells.update({f"{table}:{k}:value": "" if v is None else str(v) for k, v in data[table].items()})
    return cells


def test_the_figures_page_shows_exactly_the_numbers_of_trading_figures(staff, year_2024):
    response = client_for(staff).get(reverse("trading:figures") + "?year=2024")
    assert response.status_code == 200
    data = figures.trading_figures(user=staff, year=2024)
    shown = shown_figures(text_of(response))
    assert shown == expected_cells(data)
    # counted by hand: 5 awards, 1,974 万 over 2,050 万 of control prices: savings 76 万, 3.71 %
    assert (shown["overview:total:awards"], shown["overview:total:amount"], shown["overview:total:savings"],
            shown["overview:total:savings_rate"]) == ("5", "19740000.00", "760000.00", "0.0371")
    assert (shown["separated:share:value"], shown["service_fee:charged_count:value"],
            shown["remote_sessions:main:value"]) == ("0.3333", "2", "1")
    page = text_of(response)
    assert 'data-testid="chart-month"' in page and "vendor/echarts/echarts.min.js" in page
    assert external_references(page) == []


def test_the_excel_export_has_the_same_figures_in_its_cells(staff, year_2024):
    from openpyxl import load_workbook

    response = client_for(staff).get(reverse("trading:figures_export") + "?year=2024")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    data = figures.trading_figures(user=staff, year=2024)
    keys = ("projects", "awards", "amount", "control_total", "savings", "savings_rate", "awards_without_control_price")

    def numbers(row) -> list[Decimal | None]:
        return [None if v is None else Decimal(str(v)) for v in row]

    def figures_of(values: dict) -> list[Decimal | None]:
        return [None if values[k] is None else Decimal(str(values[k])) for k in keys]

    overview = [list(r) for r in book["成交与节约"].iter_rows(min_row=3, max_row=5, values_only=True)]
    assert [numbers(r[1:]) for r in overview] == [figures_of(data), figures_of(data["above_limit"]),
                                                  figures_of(data["below_limit"])]
    months = [list(r) for r in book["按月"].iter_rows(min_row=3, values_only=True) if r[1] is not None]
    assert [numbers(r[1:]) for r in months] == [figures_of(m) for m in data["by_month"]]
    assert [r[0] for r in months] == ["2024年1月", "2024年2月", "2024年3月", "2024年4月"]
    types = [list(r) for r in book["按项目类型"].iter_rows(min_row=3, values_only=True) if r[1] is not None]
    assert [(r[0], numbers(r[1:])) for r in types] == [(t["label"], figures_of(t)) for t in data["by_type"]]
    fee_sheet = {r[0]: r[1] for r in book["交易服务费"].iter_rows(min_row=3, values_only=True) if r[1] is not None}
    assert [Decimal(str(v)) for v in fee_sheet.values()] == [
        Decimal(data["service_fee"][k]) for k in ("charged_count", "charged", "waived_count", "waived")]
    share = next(r for r in book["评定分离"].iter_rows(min_row=3, values_only=True))
    assert Decimal(str(share[1])) == Decimal(data["separated"]["share"])
    sessions = [r[1] for r in book["远程异地评标"].iter_rows(min_row=3, max_row=4, values_only=True)]
    assert sessions == [data["remote_sessions"]["main"], data["remote_sessions"]["sub"]]
    assert book["成交与节约"]["D3"].number_format == "#,##0.00" and book["成交与节约"]["G3"].number_format == "0.00%"


def test_a_year_out_of_range_is_shown_next_to_the_year(staff):
    response = client_for(staff).get(reverse("trading:figures") + "?year=1999")
    assert response.status_code == 422 and "2000 到 2100" in field_error(response, "year")
    assert client_for(staff).get(reverse("trading:figures_export") + "?year=abc").status_code == 422


# --- the fee schedules ----------------------------------------------------------------------------------------

def fee_data(**extra) -> dict[str, str]:
    data = {"project_type": "construction", "effective_from": "2027-01-01", "minimum": "200", "cap": "50000",
            "basis": "区发改局〔2026〕12号", "t0_up_to": "5000000", "t0_permille": "1", "t1_up_to": "50000000",
            "t1_permille": "0.6", "t2_up_to": "", "t2_permille": "0.2"}
    data.update(extra)
    return data


def test_fee_schedule_errors_are_shown_on_their_fields_and_a_valid_schedule_is_created(center_admin):
    client = client_for(center_admin)
    url = reverse("trading:fee_schedule_new")
    before = ServiceFeeSchedule.objects.count()
    cases = [
        (fee_data(t1_up_to="4000000"), "t1_up_to", "递增"),
        (fee_data(t2_up_to="90000000"), "t2_up_to", "最后一档不设上限"),
        (fee_data(t1_permille="1200"), "t1_permille", "0 到 1000"),
        (fee_data(cap="100"), "cap", "低于最低收费"),
        (fee_data(basis=""), "basis", "依据"),
        (fee_data(effective_from="2000-01-01"), "effective_from", "同一执行日期"),
    ]
    for data, field, words in cases:
        response = client.post(url, data)
        assert response.status_code in (409, 422), field
        assert words in field_error(response, field), field
    assert ServiceFeeSchedule.objects.count() == before
    # a blank row between tiers is skipped: the third tier typed in row 5 is still the open last tier
    created = client.post(url, fee_data(t2_permille="", t4_up_to="", t4_permille="0.2"))
    assert created.status_code == 302
    schedule = ServiceFeeSchedule.objects.get(effective_from=day("2027-01-01"))
    assert schedule.tiers == [{"up_to": "5000000", "permille": "1"}, {"up_to": "50000000", "permille": "0.6"},
                              {"up_to": None, "permille": "0.2"}]
    page = text_of(client.get(reverse("trading:fee_schedules")))
    assert "500万元以下部分 1‰;500万元至5000万元部分 0.6‰;5000万元以上部分 0.2‰" in page


def test_a_switch_off_needs_a_reason_and_may_not_precede_a_fee_charged(center_admin, staff):
    schedule = services_fees.fee_schedule_create(actor="test", project_type=ProjectType.CONSTRUCTION,
                                                 effective_from=day("2024-03-01"), tiers=TIERS, minimum="200",
                                                 cap="50000", basis="区发改局核定")
    awarded_project(price="5700000", control="6000000", notice="2024-03-05 10:00")  # charged under it
    client = client_for(center_admin)
    url = reverse("trading:fee_schedule_switch_off", args=[schedule.pk])
    no_reason = client.post(url, {f"off{schedule.pk}-switched_off_from": "2024-06-01"})
    assert no_reason.status_code == 422 and "理由" in field_error(no_reason, "reason")
    too_early = client.post(url, {f"off{schedule.pk}-switched_off_from": "2024-03-02",
                                  f"off{schedule.pk}-reason": "区政府决定免收"})
    assert too_early.status_code == 409 and "已按该标准收费" in field_error(too_early, "switched_off_from")
    assert client.post(url, {f"off{schedule.pk}-switched_off_from": "2024-06-01",
                             f"off{schedule.pk}-reason": "区政府决定免收"}).status_code == 302
    schedule.refresh_from_db()
    assert schedule.switched_off_from == day("2024-06-01")
    # staff read the schedules and the report, without the forms
    page = text_of(client_for(staff).get(reverse("trading:fee_schedules") + "?year=2024"))
    assert 'data-testid="fee-schedule-form"' not in page and 'data-testid="switch-off-form"' not in page
    assert re.search(r'data-testid="fee-report-total"><td>2024年合计</td><td class="text-end">1</td>'
                     r'<td class="text-end">1</td><td class="text-end zw-num">5420.00</td>', page)
    assert client_for(staff).post(url, {}).status_code == 403


# --- the experts' accounts ------------------------------------------------------------------------------------

def test_staff_link_an_expert_to_an_expert_account_and_another_role_is_refused_on_the_account(staff, supervisor):
    expert = make_expert(name="赵专家")
    make_user(role=Role.WINDOW_CLERK, username="chuangkou")
    make_user(role=Role.EXPERT, username="zhaozhuanjia")
    client = client_for(staff)
    url = reverse("trading:expert_account_link")
    wrong_role = client.post(url, {"expert": expert.pk, "username": "chuangkou"})
    assert wrong_role.status_code == 422 and "评标专家" in field_error(wrong_role, "username")
    unknown = client.post(url, {"expert": expert.pk, "username": "nobody"})
    assert unknown.status_code == 422 and "没有这个账号" in field_error(unknown, "username")
    assert client.post(url, {"expert": expert.pk, "username": "zhaozhuanjia"}).status_code == 302
    assert Expert.objects.get(pk=expert.pk).user.username == "zhaozhuanjia"
    assert AuditEvent.objects.filter(action="expert.link_account", object_id=str(expert.pk)).count() == 1
    page = text_of(client_for(supervisor).get(reverse("trading:expert_accounts")))
    assert "zhaozhuanjia" in page and 'data-testid="expert-account-form"' not in page


def test_the_part5_screens_speak_english_when_the_browser_asks_for_it(staff):
    page = text_of(client_for(staff).get(reverse("trading:figures") + "?year=2024", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Trading figures" in page and "Export to Excel" in page
    sessions = text_of(client_for(staff).get(reverse("trading:sessions"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Remote evaluation" in sessions
