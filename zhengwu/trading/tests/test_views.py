"""The trading screens on the web: the staff workspace, the bidder portal and the expert's scoring screen.

Personas: 小钱 the trading center's staff, 老周 a supervisor (reads, acts on nothing), 甲公司 and 乙公司
two bidders' users (each sees only its own), 张专家 an expert on the committee, 李专家 an expert on no
committee, and 王主任 the center administrator.

The pages run on server time: a tender "open now" is dated from today; a 2024 tender has passed its
opening and its dates are given to the services directly.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.navigation import menu_for
from zhengwu.core.testing import make_user
from zhengwu.org import services as org_services
from zhengwu.org.roles import Role
from zhengwu.trading import services, services_bids, services_evaluation, services_experts
from zhengwu.trading.choices import BidStatus, EvaluationStatus, PublicityStatus, TenderStatus
from zhengwu.trading.models import Bid, BidderRegistration, Deposit, Evaluation, ExpertDrawMember, Project, ScoreSheet
from zhengwu.trading.testing import at, credit, draw, make_expert, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db

PASS = "open-sesame-1"
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- personas ---------------------------------------------------------------------------------------------

def person(*, role: str, username: str, display_name: str = "", **extra):
    """A user with a name people read (make_user numbers its display names)."""
    user = make_user(role=role, username=username, **extra)
    if display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff():
    return person(role=Role.TRADING_STAFF, username="xiaoqian", display_name="小钱")


@pytest.fixture
def supervisor():
    return person(role=Role.SUPERVISOR, username="laozhou", display_name="老周")


@pytest.fixture
def center_admin():
    return person(role=Role.CENTER_ADMIN, username="wangzhuren", display_name="王主任")


def text_of(response) -> str:
    return response.content.decode()


def field_error(response, name: str) -> str:
    match = re.search(rf'data-testid="field-error-{re.escape(name)}">([^<]*)<', text_of(response))
    assert match is not None, f"no error shown next to {name}"
    return match.group(1)


# --- worlds -------------------------------------------------------------------------------------------------

def live_tender(*, deposit: str = "80000"):
    """A tender published today: on sale for 5 days from today, deadline in 25 days."""
    project = make_project()
    section = project.sections.get()
    now = timezone.localtime()
    tender = services.tender_create(actor="test", project=project, title="城区道路改造工程招标公告",
                                    documents_issued_at=now, on_sale_from=now.date(),
                                    on_sale_to=now.date() + timedelta(days=4), bid_deadline=now + timedelta(days=25),
                                    deposits={section.pk: deposit})
    return services.tender_publish(actor="test", tender=tender), section


def bidder_user(tender, section, *, n: int, name: str, username: str):
    registration = register(tender, code=credit(n), name=name, when=timezone.localtime().strftime("%Y-%m-%d %H:%M"),
                            section=section)
    return person(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise, username=username,
                     display_name=name), registration


BIDDERS = [("甲建设有限公司", "3800000"), ("乙建设有限公司", "3700000"), ("丙建设有限公司", "3900000")]


def past_tender():
    """A 2024 tender with three bids sealed on 15 March; its opening (21 March 09:30) has passed."""
    project = make_project(control_price="4000000")
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}))
    people, bids = [], []
    for i, (name, price) in enumerate(BIDDERS):
        registration = register(tender, code=credit(800 + i), name=name)
        pay(registration)
        user = person(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise, username=f"bidder{i}",
                         display_name=name)
        bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF bid", price=price,
                                          duration_days=300, quality="合格", file_name="bid.pdf", passphrase=PASS,
                                          now=at("2024-03-15 10:00"))
        people.append(user)
        bids.append(bid)
    return tender, section, people, bids


def experts_with_accounts(count: int = 4, *, start: int = 1):
    """Provincial building experts, each linked to an expert account (username zhuanjia<n>)."""
    found = []
    for n in range(start, start + count):
        expert = make_expert(name=f"专家{n}")
        user = person(role=Role.EXPERT, username=f"zhuanjia{n}", display_name=f"专家{n}")
        services_experts.expert_account_link(actor="test", expert=expert, user=user)
        found.append((expert, user))
    return found


def evaluating():
    """The 2024 tender opened with every passphrase, a committee of 4 linked experts, the evaluation started."""
    tender, section, people, bids = past_tender()
    services_bids.tender_open(actor="test", tender=tender, passphrases={b.pk: PASS for b in bids},
                              now=at("2024-03-21 09:30"))
    experts = experts_with_accounts()
    draw(tender, when="2024-03-21 10:00", seed=3)
    tender.refresh_from_db()
    evaluation = services_evaluation.evaluation_create(actor="test", tender=tender, section=section,
                                                       method="comprehensive", now=at("2024-03-21 10:30"))
    return tender, section, evaluation, experts


def score_everything(evaluation, *, when: str = "2024-03-21 11:00") -> None:
    for member in ExpertDrawMember.objects.filter(draw__tender_section=evaluation.tender_section, replaced_at=None):
        for bid in evaluation.bids.filter(valid=True):
            services_evaluation.score_sheet_submit(actor="test", evaluation=evaluation, member=member,
                                                   evaluated_bid=bid, technical="40", business="15", now=at(when))


# --- navigation and who may open what -------------------------------------------------------------------------

def test_each_kind_of_user_sees_only_its_own_trading_entries(staff, supervisor, center_admin):
    tender, section = live_tender()
    bidder, _ = bidder_user(tender, section, n=11, name="甲建设有限公司", username="jia")
    expert = make_user(role=Role.EXPERT, username="zhang")
    clerk = make_user(role=Role.WINDOW_CLERK)

    def trading_entries(user) -> list[str]:
        return [e.url_name for g in menu_for(user) for e in g.items if e.url_name.startswith("trading:")]

    # the center's own people also follow remote sessions and the figures (part 5)
    workspace = ["trading:projects", "trading:sessions", "trading:figures"]
    assert trading_entries(staff) == workspace
    assert trading_entries(supervisor) == workspace
    assert trading_entries(center_admin) == workspace
    assert trading_entries(bidder) == ["trading:portal"]
    assert trading_entries(expert) == ["trading:expert"]
    assert trading_entries(clerk) == []


def test_a_bidder_may_not_open_the_staff_workspace_and_staff_may_not_open_the_portal(staff):
    tender, section = live_tender()
    bidder, registration = bidder_user(tender, section, n=12, name="甲建设有限公司", username="jia")
    as_bidder = client_for(bidder)
    for url in (reverse("trading:projects"), reverse("trading:tender", args=[tender.pk]),
                reverse("trading:registrations", args=[tender.pk]), reverse("trading:bid_count", args=[tender.pk])):
        assert as_bidder.get(url).status_code == 403, url
    assert as_bidder.get(reverse("trading:deposit_record", args=[registration.pk])).status_code == 403
    assert client_for(staff).get(reverse("trading:portal")).status_code == 403
    assert client_for(staff).get(reverse("trading:expert")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get(reverse("trading:projects"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


# --- the staff workspace ------------------------------------------------------------------------------------

def test_every_workspace_page_renders_for_staff(staff):
    tender, section, evaluation, _experts = evaluating()
    registration = BidderRegistration.objects.filter(tender_section__tender=tender).first()
    client = client_for(staff)
    urls = [reverse("trading:projects"), reverse("trading:project_new"),
            reverse("trading:project", args=[tender.project_id]),
            reverse("trading:tender", args=[tender.pk]), reverse("trading:registrations", args=[tender.pk]),
            reverse("trading:opening", args=[tender.pk]), reverse("trading:committee", args=[tender.pk, section.pk]),
            reverse("trading:evaluation", args=[evaluation.pk]), reverse("trading:deposits_overdue"),
            reverse("trading:deposit_refund", args=[registration.deposit.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    draft = make_tender(project=make_project(name="第二个项目"))
    assert client.get(reverse("trading:tender", args=[draft.pk])).status_code == 200
    assert client.get(reverse("trading:tender_new", args=[draft.project_id])).status_code == 200


def test_the_project_list_stays_within_its_query_budget(staff, django_assert_max_num_queries):
    for n in range(12):
        make_project(name=f"项目{n}")
    client = client_for(staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("trading:projects"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/trading/projects/\d+/"', text_of(response))) == 12


def test_staff_register_a_project_with_its_first_section_through_the_form(staff):
    response = client_for(staff).post(reverse("trading:project_new"), {
        "name": "城北污水管网工程", "project_type": "construction", "procedure": "open",
        "funding_source": "government_invested", "estimate": "6000000", "control_price": "5800000",
        "tendering_party_name": "区住房和城乡建设局", "tendering_party_credit_code": credit(950),
        "section_name": "管网施工", "section_contract_kind": "works", "section_estimate": "5000000"})
    project = Project.objects.get(name="城北污水管网工程")
    assert response.status_code == 302 and response["Location"] == reverse("trading:project", args=[project.pk])
    section = project.sections.get()
    assert (section.name, section.estimate, section.above_limit) == ("管网施工", 5000000, True)


def test_a_control_price_above_the_estimate_is_shown_next_to_the_control_price(staff):
    response = client_for(staff).post(reverse("trading:project_new"), {
        "name": "超限价项目", "project_type": "construction", "procedure": "open",
        "funding_source": "government_invested", "estimate": "1000000", "control_price": "1000000.01",
        "tendering_party_name": "区住房和城乡建设局", "tendering_party_credit_code": credit(951),
        "section_contract_kind": "works"})
    assert response.status_code == 422
    assert "control_price_max_ratio" in field_error(response, "control_price")
    assert not Project.objects.filter(name="超限价项目").exists()


def test_a_deadline_too_close_is_refused_at_publication_with_the_rule_next_to_the_deadline(staff):
    project = make_project()
    section = project.sections.get()
    issued = timezone.localtime() + timedelta(hours=1)
    client = client_for(staff)
    response = client.post(reverse("trading:tender_new", args=[project.pk]), {
        "title": "工期紧的招标", "documents_issued_at": issued.strftime("%Y-%m-%dT%H:%M"),
        "on_sale_from": issued.date().isoformat(), "on_sale_to": (issued.date() + timedelta(days=4)).isoformat(),
        "bid_deadline": (issued + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"), "bid_validity_days": "90",
        "sealing_mode": "bidder", f"offer_{section.pk}": "on", f"deposit_{section.pk}": "80000"})
    tender = project.tenders.get()
    assert response.status_code == 302 and tender.status == TenderStatus.DRAFT
    response = client.post(reverse("trading:tender_publish", args=[tender.pk]), {"version": tender.version})
    assert response.status_code == 422
    error = field_error(response, "bid_deadline")
    assert "documents_to_deadline_days = 20" in error and "10 日" in error
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_a_draft_is_edited_and_then_published(staff):
    project = make_project()
    section = project.sections.get()
    issued = timezone.localtime() + timedelta(hours=1)
    tender = services.tender_create(actor="test", project=project, title="草稿", documents_issued_at=issued,
                                    on_sale_from=issued.date(), on_sale_to=issued.date() + timedelta(days=4),
                                    bid_deadline=issued + timedelta(days=10))
    client = client_for(staff)
    response = client.post(reverse("trading:tender_edit", args=[tender.pk]), {
        "title": "城区道路改造工程招标公告", "documents_issued_at": issued.strftime("%Y-%m-%dT%H:%M"),
        "on_sale_from": issued.date().isoformat(), "on_sale_to": (issued.date() + timedelta(days=4)).isoformat(),
        "bid_deadline": (issued + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"), "bid_validity_days": "90",
        f"offer_{section.pk}": "on", f"deposit_{section.pk}": "80000"})
    assert response.status_code == 302
    response = client.post(reverse("trading:tender_publish", args=[tender.pk]))
    assert response.status_code == 302
    tender.refresh_from_db()
    assert (tender.status, tender.title) == (TenderStatus.PUBLISHED, "城区道路改造工程招标公告")
    assert tender.tender_sections.get().deposit_required == 80000


def test_a_deposit_above_the_cap_is_shown_on_the_sections_of_the_draft(staff):
    project = make_project()
    section = project.sections.get()
    issued = timezone.localtime() + timedelta(hours=1)
    response = client_for(staff).post(reverse("trading:tender_new", args=[project.pk]), {
        "title": "保证金过高", "documents_issued_at": issued.strftime("%Y-%m-%dT%H:%M"),
        "on_sale_from": issued.date().isoformat(), "on_sale_to": (issued.date() + timedelta(days=4)).isoformat(),
        "bid_deadline": (issued + timedelta(days=21)).strftime("%Y-%m-%dT%H:%M"), "bid_validity_days": "90",
        "sealing_mode": "bidder", f"offer_{section.pk}": "on", f"deposit_{section.pk}": "80000.01"})
    assert response.status_code == 422
    assert "deposit_max_ratio" in field_error(response, "sections")
    assert not project.tenders.exists()


def test_a_supervisor_reads_the_tender_without_forms_and_may_not_publish(supervisor):
    project = make_project()
    issued = timezone.localtime() + timedelta(hours=1)
    tender = services.tender_create(actor="test", project=project, title="草稿", documents_issued_at=issued,
                                    on_sale_from=issued.date(), on_sale_to=issued.date() + timedelta(days=4),
                                    bid_deadline=issued + timedelta(days=21))
    client = client_for(supervisor)
    page = client.get(reverse("trading:tender", args=[tender.pk]))
    assert page.status_code == 200
    assert 'data-action="publish"' not in text_of(page) and 'data-testid="tender-edit-form"' not in text_of(page)
    assert client.post(reverse("trading:tender_publish", args=[tender.pk])).status_code == 403
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_staff_issue_a_clarification_and_it_is_listed(staff):
    tender, _section = live_tender()
    response = client_for(staff).post(reverse("trading:tender_change", args=[tender.pk]), {
        "kind": "clarification", "title": "关于工程量清单的澄清", "content": "第3章第2节的计量单位为米。"})
    assert response.status_code == 302
    page = client_for(staff).get(reverse("trading:tender", args=[tender.pk]))
    assert "关于工程量清单的澄清" in text_of(page)
    assert tender.changes.get().kind == "clarification"


def test_staff_see_the_number_of_sealed_bids_and_no_name(staff):
    tender, section = live_tender()
    bidder, _ = bidder_user(tender, section, n=21, name="甲建设有限公司", username="jia")
    services_bids.bid_upload(actor=bidder, tender=tender, section=section, file=b"%PDF", price="3800000",
                             passphrase=PASS)
    response = client_for(staff).get(reverse("trading:bid_count", args=[tender.pk]), **HTMX)
    body = text_of(response)
    assert response.status_code == 200
    assert re.search(r'data-testid="bid-count-total">1<', body)
    assert "甲建设有限公司" not in body and 'hx-trigger="every 5s"' in body


def test_staff_record_a_deposit_and_a_wrong_account_is_shown_on_its_field(staff):
    tender, section = live_tender()
    _bidder, registration = bidder_user(tender, section, n=22, name="甲建设有限公司", username="jia")
    url = reverse("trading:deposit_record", args=[registration.pk])
    when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    bad = client_for(staff).post(url, {"form": "transfer", "amount": "80000", "received_at": when,
                                       "payer_account_name": "甲建设有限公司", "payer_account_number": "12ab",
                                       "payer_bank": "中国工商银行城区支行"})
    assert bad.status_code == 422 and "6 到 32 位数字" in field_error(bad, "payer_account_number")
    good = client_for(staff).post(url, {"form": "transfer", "amount": "80000", "received_at": when,
                                        "payer_account_name": "甲建设有限公司",
                                        "payer_account_number": "6222020012345678", "payer_bank": "中国工商银行城区支行"})
    assert good.status_code == 302
    deposit = Deposit.objects.get(registration=registration)
    assert (deposit.amount, deposit.payer_matches_bidder) == (80000, True)


def test_an_overdue_refund_is_listed_and_recorded(staff):
    tender, section, evaluation, _experts = evaluating()
    score_everything(evaluation)
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=at("2024-03-21 12:00"))
    publicity = evaluation.publicity
    services_evaluation.publicity_transition(actor="test", publicity=publicity, action="publish",
                                             now=at("2024-03-22 09:00"))
    services_evaluation.publicity_transition(actor="test", publicity=publicity.pk, action="close",
                                             now=at("2024-03-25 09:00"))
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-03-25 10:00"))
    services_evaluation.award_contract_signed(actor="test", award=award, signed_on=at("2024-03-28 10:00").date())
    client = client_for(staff)
    page = client.get(reverse("trading:deposits_overdue"))
    assert text_of(page).count("2024-04-02") == 3  # signed 28 March + 5 days, the three transfers
    deposit = Deposit.objects.filter(registration__tender_section__tender=tender).first()
    response = client.post(reverse("trading:deposit_refund", args=[deposit.pk]),
                           {"refunded_on": "2024-04-05", "interest": "12.30", "reference": "HK-001"})
    assert response.status_code == 302
    deposit.refresh_from_db()
    assert (str(deposit.refunded_on), str(deposit.refund_interest)) == ("2024-04-05", "12.30")
    assert text_of(client.get(reverse("trading:deposits_overdue"))).count("2024-04-02") == 2


# --- the opening -----------------------------------------------------------------------------------------------

def test_the_opening_decrypts_the_bids_whose_bidders_gave_their_passphrase_in_the_portal(
        staff, django_capture_on_commit_callbacks):
    tender, _section, people, bids = past_tender()
    for user, bid in zip(people[:2], bids[:2]):
        response = client_for(user).post(reverse("trading:portal_passphrase", args=[bid.pk]), {"passphrase": PASS})
        assert response.status_code == 302
    staff_page = client_for(staff).get(reverse("trading:tender", args=[tender.pk]))
    assert "已有 2 份投标文件的投标人提交了开标口令" in text_of(staff_page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(staff).post(reverse("trading:open", args=[tender.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("trading:opening", args=[tender.pk])
    statuses = dict(Bid.objects.filter(pk__in=[b.pk for b in bids]).values_list("pk", "status"))
    assert [statuses[b.pk] for b in bids] == [BidStatus.OPENED, BidStatus.OPENED, BidStatus.REVOKED]
    record = text_of(client_for(staff).get(reverse("trading:opening", args=[tender.pk])))
    assert "3800000.00" in record and "3700000.00" in record and "3900000.00" not in record
    assert [cache.get(services_bids._given_key(b)) for b in bids] == [None, None, None]  # forgotten


def test_a_wrong_opening_passphrase_is_shown_next_to_the_field_and_is_not_kept():
    tender, _section, people, bids = past_tender()
    response = client_for(people[0]).post(reverse("trading:portal_passphrase", args=[bids[0].pk]),
                                          {"passphrase": "wrong-passphrase"})
    assert response.status_code == 422
    assert "开标口令不正确" in field_error(response, "passphrase")
    assert services_bids.opening_passphrases_given(tender=tender) == set()
    assert AuditEvent.objects.filter(action="bid.unwrap", object_id=str(bids[0].pk),
                                     payload__outcome="failed").exists()


def test_the_opening_passphrase_is_refused_before_the_opening_time():
    tender, section = live_tender()
    bidder, _ = bidder_user(tender, section, n=23, name="甲建设有限公司", username="jia")
    bid, _ = services_bids.bid_upload(actor=bidder, tender=tender, section=section, file=b"%PDF", price="3800000",
                                      passphrase=PASS)
    response = client_for(bidder).post(reverse("trading:portal_passphrase", args=[bid.pk]), {"passphrase": PASS})
    assert response.status_code == 409
    assert "开标时间" in text_of(response)
    assert cache.get(services_bids._given_key(bid)) is None


def test_custodians_enrol_on_the_tender_page_and_two_of_three_open_the_bids(staff):
    project = make_project()
    section = project.sections.get()
    tender = publish(make_tender(project=project, sealing_mode="custodians"))
    custodians = [staff, person(role=Role.TRADING_STAFF, username="custodian2"),
                  person(role=Role.TRADING_STAFF, username="custodian3")]
    for n, user in enumerate(custodians):
        response = client_for(user).post(reverse("trading:custodian_enroll", args=[tender.pk]),
                                         {"passphrase": f"custodian-{n}-secret"})
        assert response.status_code == 302
    assert list(tender.custodians.order_by("position").values_list("user_id", flat=True)) == \
        [u.pk for u in custodians]
    for i, (name, price) in enumerate(BIDDERS):
        registration = register(tender, code=credit(860 + i), name=name)
        user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF", price=price,
                                 now=at("2024-03-15 10:00"))
    page = text_of(client_for(staff).get(reverse("trading:tender", args=[tender.pk])))
    assert f'name="custodian_{custodians[1].pk}"' in page and "已有" not in page  # no bidder passphrases here
    response = client_for(staff).post(reverse("trading:open", args=[tender.pk]), {
        f"custodian_{custodians[0].pk}": "custodian-0-secret", f"custodian_{custodians[2].pk}": "custodian-2-secret"})
    assert response.status_code == 302
    assert set(Bid.objects.filter(registration__tender_section__tender=tender).values_list("status", flat=True)) \
        == {BidStatus.OPENED}


def test_the_opening_button_before_the_opening_time_shows_the_refusal(staff):
    tender, _section = live_tender()
    response = client_for(staff).post(reverse("trading:open", args=[tender.pk]))
    assert response.status_code == 409
    assert "任何人都不能解密投标文件" in text_of(response)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED


# --- the bidder portal ---------------------------------------------------------------------------------------

def test_a_bidder_registers_uploads_a_sealed_bid_and_gets_the_receipt_with_the_digest():
    tender, section = live_tender()
    enterprise_user = make_user(role=Role.ENTERPRISE_USER, username="jia",
                                enterprise=org_services.enterprise_register(
                                    actor="test", credit_code=credit(31), name="甲建设有限公司"))
    client = client_for(enterprise_user)
    assert tender.title in text_of(client.get(reverse("trading:portal")))
    response = client.post(reverse("trading:portal_register", args=[tender.pk]), {"section": section.pk})
    assert response.status_code == 302
    registration = BidderRegistration.objects.get(enterprise=enterprise_user.enterprise)
    response = client.post(reverse("trading:portal_bid_upload", args=[registration.pk]), {
        "file": SimpleUploadedFile("投标文件.pdf", b"%PDF-1.7 sealed bid"), "price": "3800000.00",
        "duration_days": "300", "quality": "合格", "passphrase": PASS, "passphrase_again": PASS})
    bid = Bid.objects.get(registration=registration)
    assert response.status_code == 302 and response["Location"] == reverse("trading:portal_receipt", args=[bid.pk])
    receipt = text_of(client.get(response["Location"]))
    assert bid.digest in receipt and f'data-testid="receipt-bid-id">{bid.pk}<' in receipt
    assert b"%PDF-1.7 sealed bid" not in bytes(bid.ciphertext) and bid.price is None


def test_mismatched_passphrases_are_refused_next_to_the_second_one():
    tender, section = live_tender()
    bidder, registration = bidder_user(tender, section, n=32, name="甲建设有限公司", username="jia")
    response = client_for(bidder).post(reverse("trading:portal_bid_upload", args=[registration.pk]), {
        "file": SimpleUploadedFile("bid.pdf", b"%PDF"), "price": "3800000", "passphrase": PASS,
        "passphrase_again": "open-sesame-2"})
    assert response.status_code == 422
    assert "不一致" in field_error(response, "passphrase_again")
    assert not Bid.objects.filter(registration=registration).exists()


def test_a_bidder_withdraws_and_replaces_its_bid_before_the_deadline():
    tender, section = live_tender()
    bidder, registration = bidder_user(tender, section, n=33, name="甲建设有限公司", username="jia")
    first, _ = services_bids.bid_upload(actor=bidder, tender=tender, section=section, file=b"%PDF v1",
                                        price="3800000", passphrase=PASS)
    client = client_for(bidder)
    response = client.post(reverse("trading:portal_bid_replace", args=[first.pk]), {
        "file": SimpleUploadedFile("bid-v2.pdf", b"%PDF v2"), "price": "3750000", "passphrase": PASS,
        "passphrase_again": PASS})
    second = Bid.objects.get(registration=registration, sequence=2)
    assert response.status_code == 302 and response["Location"] == reverse("trading:portal_receipt", args=[second.pk])
    response = client.post(reverse("trading:portal_bid_withdraw", args=[second.pk]), {"reason": "放弃投标"})
    assert response.status_code == 302
    assert list(Bid.objects.filter(registration=registration).order_by("sequence").values_list("status", flat=True)) \
        == [BidStatus.WITHDRAWN, BidStatus.WITHDRAWN]
    page = text_of(client.get(reverse("trading:portal_tender", args=[tender.pk])))
    assert 'data-testid="bid-form"' in page  # before the deadline it may bid again


def test_a_bidder_never_sees_another_bidders_bid_or_registration():
    tender, section = live_tender()
    jia, jia_registration = bidder_user(tender, section, n=41, name="甲建设有限公司", username="jia")
    yi, _ = bidder_user(tender, section, n=42, name="乙建设有限公司", username="yi")
    bid, _ = services_bids.bid_upload(actor=jia, tender=tender, section=section, file=b"%PDF", price="3800000",
                                      passphrase=PASS)
    as_yi = client_for(yi)
    assert as_yi.get(reverse("trading:portal_receipt", args=[bid.pk])).status_code == 404
    assert as_yi.post(reverse("trading:portal_bid_withdraw", args=[bid.pk])).status_code == 404
    assert as_yi.post(reverse("trading:portal_passphrase", args=[bid.pk]), {"passphrase": PASS}).status_code == 404
    assert as_yi.post(reverse("trading:portal_bid_upload", args=[jia_registration.pk])).status_code == 404
    for url in (reverse("trading:portal"), reverse("trading:portal_tender", args=[tender.pk])):
        page = as_yi.get(url)
        assert page.status_code == 200 and "甲建设有限公司" not in text_of(page)
    bid.refresh_from_db()
    assert bid.status == BidStatus.SEALED


def test_the_bidder_downloads_what_the_tender_publishes():
    tender, section = live_tender()
    services.tender_clarify(actor="test", tender=tender, title="关于图纸的澄清", content="以第2版图纸为准。")
    bidder, _ = bidder_user(tender, section, n=43, name="甲建设有限公司", username="jia")
    response = client_for(bidder).get(reverse("trading:portal_documents", args=[tender.pk]))
    body = response.content.decode("utf-8")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert "attachment" in response["Content-Disposition"]
    assert tender.number in body and "关于图纸的澄清" in body and "80000.00" in body


def test_a_bidder_reads_the_published_opening_record_of_its_tender_only():
    tender, _section, people, bids = past_tender()
    services_bids.tender_open(actor="test", tender=tender, passphrases={b.pk: PASS for b in bids},
                              now=at("2024-03-21 09:30"))
    page = text_of(client_for(people[0]).get(reverse("trading:portal_opening", args=[tender.pk])))
    assert all(price in page for price in ("3800000.00", "3700000.00", "3900000.00"))
    other_tender, other_section = live_tender()
    outsider, _ = bidder_user(other_tender, other_section, n=44, name="丁建设有限公司", username="ding")
    assert client_for(outsider).get(reverse("trading:portal_opening", args=[tender.pk])).status_code == 404


# --- the committee, the evaluation, the award ---------------------------------------------------------------

def test_an_even_committee_is_refused_next_to_its_size_and_a_draw_shows_the_exclusions(staff):
    tender, section, people, bids = past_tender()
    services_bids.tender_open(actor="test", tender=tender, passphrases={b.pk: PASS for b in bids},
                              now=at("2024-03-21 09:30"))
    experts_with_accounts()
    make_expert(name="投标人的员工", employer=people[0].enterprise)
    client = client_for(staff)
    url = reverse("trading:draw_create", args=[tender.pk, section.pk])
    response = client.post(url, {"committee_size": "6", "representatives": "1", "need_building": "5"})
    assert response.status_code == 422
    assert "committee_min" in field_error(response, "committee_size")
    response = client.post(url, {"committee_size": "5", "representatives": "1", "need_building": "4"})
    assert response.status_code == 302
    page = text_of(client.get(reverse("trading:committee", args=[tender.pk, section.pk])))
    assert page.count('data-testid="member"') == 4 and "任职于投标人 1 人" in page
    assert "投标人的员工" not in page


def test_staff_start_the_evaluation_and_the_report_is_refused_until_every_sheet_is_in(staff):
    tender, section, people, bids = past_tender()
    services_bids.tender_open(actor="test", tender=tender, passphrases={b.pk: PASS for b in bids},
                              now=at("2024-03-21 09:30"))
    experts_with_accounts()
    draw(tender, when="2024-03-21 10:00", seed=5)
    client = client_for(staff)
    response = client.post(reverse("trading:evaluation_start", args=[tender.pk, section.pk]),
                           {"method": "comprehensive", "technical_max": "50", "business_max": "20",
                            "price_max": "30", "k": "0"})
    evaluation = Evaluation.objects.get(tender_section__tender=tender)
    assert response.status_code == 302 and response["Location"] == reverse("trading:evaluation", args=[evaluation.pk])
    response = client.post(reverse("trading:evaluation_report", args=[evaluation.pk]))
    assert response.status_code == 409 and "尚有 12 份评分表未提交" in text_of(response)
    score_everything(evaluation, when=timezone.localtime().strftime("%Y-%m-%d %H:%M"))
    response = client.post(reverse("trading:evaluation_report", args=[evaluation.pk]))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.REPORTED and evaluation.report_digest


def test_closing_the_publicity_too_early_shows_the_rule_and_the_award_follows_a_closed_one(staff, monkeypatch):
    tender, section, evaluation, _experts = evaluating()
    score_everything(evaluation)
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=at("2024-03-21 12:00"))
    client = Client()

    def on(moment: str) -> Client:
        """The server's clock at ``moment``; signed in again (a jump of days ends the idle session)."""
        monkeypatch.setattr(timezone, "now", lambda: at(moment))
        client.force_login(staff)
        return client

    assert on("2024-03-22 09:00").post(reverse("trading:publicity_act", args=[evaluation.pk, "publish"])) \
        .status_code == 302
    response = on("2024-03-24 09:00").post(reverse("trading:publicity_act", args=[evaluation.pk, "close"]))
    assert response.status_code == 422 and "publicity_min_days" in text_of(response)
    assert on("2024-03-25 09:00").post(reverse("trading:publicity_act", args=[evaluation.pk, "close"])) \
        .status_code == 302
    first, second = services_evaluation.candidates(evaluation)[:2]
    refused = client.post(reverse("trading:award", args=[evaluation.pk]), {"bid": second.pk, "reason": ""})
    assert refused.status_code == 422 and "实施条例第55条" in field_error(refused, "reason")
    assert client.post(reverse("trading:award", args=[evaluation.pk]), {"bid": first.pk}).status_code == 302
    award = Evaluation.objects.get(pk=evaluation.pk).award
    assert award.winner_id == first.pk and str(award.contract_due_on) == "2024-04-24"
    response = client.post(reverse("trading:contract", args=[award.pk]), {"signed_on": "2024-03-20"})
    assert response.status_code == 422 and "不能早于" in field_error(response, "signed_on")
    assert client.post(reverse("trading:contract", args=[award.pk]), {"signed_on": "2024-04-01"}).status_code == 302
    award.refresh_from_db()
    assert str(award.contract_signed_on) == "2024-04-01"
    evaluation.publicity.refresh_from_db()
    assert evaluation.publicity.status == PublicityStatus.CLOSED


# --- the expert's scoring screen ----------------------------------------------------------------------------

def _seat_of(user, evaluation) -> ExpertDrawMember:
    return ExpertDrawMember.objects.get(draw__tender_section=evaluation.tender_section, expert__user=user)


def test_an_expert_sees_only_the_evaluations_of_committees_it_serves_on():
    _tender, _section, evaluation, experts = evaluating()
    on_committee = experts[0][1]
    elsewhere = make_user(role=Role.EXPERT, username="lizhuanjia")
    services_experts.expert_account_link(actor="test", expert=make_expert(name="李专家"), user=elsewhere)
    listing = text_of(client_for(on_committee).get(reverse("trading:expert")))
    assert reverse("trading:expert_evaluation", args=[evaluation.pk]) in listing
    assert client_for(on_committee).get(reverse("trading:expert_evaluation", args=[evaluation.pk])).status_code == 200
    assert "目前没有需要您参加的评标" in text_of(client_for(elsewhere).get(reverse("trading:expert")))
    assert client_for(elsewhere).get(reverse("trading:expert_evaluation", args=[evaluation.pk])).status_code == 404
    bid = evaluation.bids.first()
    response = client_for(elsewhere).post(reverse("trading:expert_score", args=[evaluation.pk, bid.pk]),
                                          {f"bid{bid.pk}-technical": "40", f"bid{bid.pk}-business": "15"})
    assert response.status_code == 404
    assert not ScoreSheet.objects.exists()


def test_a_replaced_member_no_longer_sees_the_evaluation():
    _tender, _section, evaluation, experts = evaluating()
    user = experts[0][1]
    make_expert(name="备选专家")
    services_experts.expert_draw_replace(actor="test", member=_seat_of(user, evaluation), cause="declined",
                                         reason="临时出差", now=at("2024-03-21 10:40"))
    assert client_for(user).get(reverse("trading:expert_evaluation", args=[evaluation.pk])).status_code == 404


def test_an_expert_scores_a_bid_and_sees_its_sm3_digest():
    _tender, _section, evaluation, experts = evaluating()
    user = experts[0][1]
    bid = evaluation.bids.order_by("id").first()
    response = client_for(user).post(reverse("trading:expert_score", args=[evaluation.pk, bid.pk]),
                                     {f"bid{bid.pk}-technical": "42.5", f"bid{bid.pk}-business": "16",
                                      f"bid{bid.pk}-comment": "方案完整"}, **HTMX)
    sheet = ScoreSheet.objects.get(member=_seat_of(user, evaluation), evaluated_bid=bid)
    assert response.status_code == 200
    assert sheet.digest in text_of(response) and 'id="score-row-' in text_of(response)
    assert response["HX-Trigger"] == "sheetSaved"  # the page's progress refreshes itself
    assert (str(sheet.technical), str(sheet.business), sheet.comment) == ("42.50", "16.00", "方案完整")
    assert services_evaluation.sheet_verify(sheet)
    event = AuditEvent.objects.get(action="scoresheet.submit", object_id=str(sheet.pk))
    assert event.actor_id == user.pk


def test_a_score_above_the_maximum_is_shown_next_to_the_technical_score():
    _tender, _section, evaluation, experts = evaluating()
    bid = evaluation.bids.order_by("id").first()
    response = client_for(experts[0][1]).post(reverse("trading:expert_score", args=[evaluation.pk, bid.pk]),
                                              {f"bid{bid.pk}-technical": "50.01", f"bid{bid.pk}-business": "10"})
    assert response.status_code == 422
    assert "50" in field_error(response, "technical")
    assert not ScoreSheet.objects.exists()


def test_an_expert_corrects_a_sheet_until_the_report_and_not_after():
    _tender, _section, evaluation, experts = evaluating()
    user = experts[0][1]
    bid = evaluation.bids.order_by("id").first()
    url = reverse("trading:expert_score", args=[evaluation.pk, bid.pk])
    client = client_for(user)
    assert client.post(url, {f"bid{bid.pk}-technical": "40", f"bid{bid.pk}-business": "15"}).status_code == 302
    assert client.post(url, {f"bid{bid.pk}-technical": "41", f"bid{bid.pk}-business": "15"}).status_code == 302
    sheet = ScoreSheet.objects.get(member=_seat_of(user, evaluation), evaluated_bid=bid)
    assert str(sheet.technical) == "41.00"
    score_everything(evaluation)
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=at("2024-03-21 12:00"))
    page = text_of(client.get(reverse("trading:expert_evaluation", args=[evaluation.pk])))
    assert 'data-testid="scoring-closed"' in page and 'data-testid="score-form"' not in page
    response = client.post(url, {f"bid{bid.pk}-technical": "30", f"bid{bid.pk}-business": "10"})
    assert response.status_code == 409
    sheet.refresh_from_db()
    assert str(sheet.technical) == "40.00"  # score_everything corrected it to 40 before the report


def test_an_expert_may_submit_only_its_own_sheet_and_staff_any():
    _tender, _section, evaluation, experts = evaluating()
    (_zhang, zhang_user), (_wang, wang_user) = experts[0], experts[1]
    bid = evaluation.bids.order_by("id").first()
    wang_seat = _seat_of(wang_user, evaluation)
    with pytest.raises(Forbidden):
        services_evaluation.score_sheet_submit(actor=zhang_user, evaluation=evaluation, member=wang_seat,
                                               evaluated_bid=bid, technical="40", business="15")
    staff = make_user(role=Role.TRADING_STAFF)
    sheet = services_evaluation.score_sheet_submit(actor=staff, evaluation=evaluation, member=wang_seat,
                                                   evaluated_bid=bid, technical="40", business="15")
    assert sheet.expert_id == wang_seat.expert_id
    with pytest.raises(Forbidden):  # an expert may not start or report an evaluation
        services_evaluation.evaluation_report(actor=zhang_user, evaluation=evaluation)


def test_an_expert_account_is_linked_once_and_only_to_an_expert_role():
    expert, other = make_expert(name="赵专家"), make_expert(name="钱专家")
    clerk = make_user(role=Role.WINDOW_CLERK)
    with pytest.raises(InvalidInput) as refused:
        services_experts.expert_account_link(actor="test", expert=expert, user=clerk)
    assert refused.value.code == "not_an_expert_account"
    account = make_user(role=Role.EXPERT, username="zhao")
    services_experts.expert_account_link(actor="test", expert=expert, user=account)
    with pytest.raises(Conflict) as taken:
        services_experts.expert_account_link(actor="test", expert=other, user=account)
    assert taken.value.code == "duplicate"
    expert.refresh_from_db()
    assert expert.user_id == account.pk
    assert AuditEvent.objects.filter(action="expert.link_account", object_id=str(expert.pk)).count() == 1
    with pytest.raises(Forbidden):
        services_experts.expert_account_link(actor=make_user(role=Role.SUPERVISOR), expert=other, user=account)


def test_the_screens_speak_english_when_the_browser_asks_for_it(staff):
    tender, section = live_tender()
    bidder, _ = bidder_user(tender, section, n=51, name="甲建设有限公司", username="jia")
    workspace = text_of(client_for(staff).get(reverse("trading:tender", args=[tender.pk]), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Registrations and deposits" in workspace and "Clarifications and amendments" in workspace
    portal = text_of(client_for(bidder).get(reverse("trading:portal_tender", args=[tender.pk]),
                                            HTTP_ACCEPT_LANGUAGE="en"))
    assert "Upload a bid" in portal and "Seal and upload" in portal
