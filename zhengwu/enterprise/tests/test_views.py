"""The pages render for their personas, the steps run through the forms (a refusal shown on its field), the
scopes give 404, and the Excel exports carry the numbers the screen shows, phone numbers masked."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from zhengwu.enterprise import selectors, services
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.testing import MOBILE, answered, at, raise_demand, routed, section

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("persona", "url", "status"), [
    ("staff", "/enterprise/", 200), ("staff", "/enterprise/figures/", 200), ("staff", "/enterprise/coverage/", 200),
    ("staff", "/enterprise/liaison/", 200), ("clerk_a", "/enterprise/inbox/", 200),
    ("user_x", "/enterprise/portal/", 200), ("user_x", "/enterprise/demands/new/", 200),
    ("staff", "/enterprise/demands/new/", 200), ("user_x", "/enterprise/", 403), ("citizen", "/enterprise/portal/", 403),
    ("clerk_a", "/enterprise/figures/", 200), ("leader", "/enterprise/figures/", 200),
])
def test_the_pages_render_for_their_personas(w, persona, url, status):
    routed(w)
    assert client_for(w[persona]).get(url).status_code == status


def test_the_enterprise_raises_a_demand_in_the_portal_and_a_bad_mobile_shows_on_its_field(w):
    client = client_for(w["user_x"])
    bad = client.post("/enterprise/demands/new/", {"title": "用地", "content": "需要用地指标", "contact_name": "王",
                                                   "contact_mobile": "123"})
    assert bad.status_code == 422
    assert 'data-testid="field-error-contact_mobile"' in bad.content.decode()
    assert Demand.objects.count() == 0
    ok = client.post("/enterprise/demands/new/", {"title": "用地", "content": "需要用地指标", "contact_name": "王",
                                                  "contact_mobile": MOBILE})
    demand = Demand.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/enterprise/demands/{demand.pk}/"
    assert demand.enterprise == w["ent_x"]
    assert "用地" in client.get("/enterprise/portal/").content.decode()


def test_staff_classify_and_route_through_the_forms_and_no_lead_is_refused_on_its_field(w):
    demand = raise_demand(w)
    staff = client_for(w["staff"])
    page = staff.get(f"/enterprise/demands/{demand.pk}/").content.decode()
    assert 'data-testid="form-classify"' in page
    assert staff.post(f"/enterprise/demands/{demand.pk}/classify/", {"classify-section": section("talent").pk,
                                                                     "classify-demand_class": "routine"}).status_code == 302
    refused = staff.post(f"/enterprise/demands/{demand.pk}/route/", {"route-lead_part": "x"})
    assert refused.status_code == 422
    assert 'data-testid="field-error-lead_department"' in refused.content.decode()
    assert staff.post(f"/enterprise/demands/{demand.pk}/route/", {
        "route-lead_department": w["dept_a"].pk, "route-assist_0_department": w["dept_b"].pk,
        "route-assist_0_part": "乙局部分"}).status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == "routed"
    clerk_b = client_for(w["clerk_b"])
    assert 'data-testid="form-part"' in clerk_b.get(f"/enterprise/demands/{demand.pk}/").content.decode()
    assert clerk_b.post(f"/enterprise/demands/{demand.pk}/part/", {"part-answer": "已办"}).status_code == 302
    assert client_for(w["clerk_a"]).post(f"/enterprise/demands/{demand.pk}/answer/",
                                         {"answer-content": "答复"}).status_code == 302
    assert Demand.objects.get(pk=demand.pk).status == "answered"


def test_another_department_and_another_enterprise_get_404(w):
    demand = routed(w)
    assert client_for(w["clerk_b"]).get(f"/enterprise/demands/{demand.pk}/").status_code == 404
    assert client_for(w["user_y"]).get(f"/enterprise/demands/{demand.pk}/").status_code == 404
    assert client_for(w["user_y"]).post(f"/enterprise/demands/{demand.pk}/rate/",
                                        {"rate-rating": "satisfied"}).status_code == 404
    assert client_for(w["clerk_b"]).get("/enterprise/inbox/").content.decode().count("data-testid=\"demand-") == 0


def test_the_enterprise_rates_and_an_unsatisfied_rating_can_be_reopened(w):
    demand = answered(w)
    client = client_for(w["user_x"])
    assert 'data-testid="form-rate"' in client.get(f"/enterprise/demands/{demand.pk}/").content.decode()
    assert client.post(f"/enterprise/demands/{demand.pk}/rate/", {"rate-rating": "unsatisfied"}).status_code == 422
    assert client.post(f"/enterprise/demands/{demand.pk}/rate/", {"rate-rating": "unsatisfied",
                                                                  "rate-comment": "没有答复时间"}).status_code == 302
    assert client.post(f"/enterprise/demands/{demand.pk}/reopen/", {"reopen-reason": "请再答复"}).status_code == 302
    assert Demand.objects.get(pk=demand.pk).round == 2


def test_the_detail_shows_escalations_and_overdue(w):
    demand = routed(w, now="2024-09-27 10:00")
    services.demands_escalate(now=at("2024-10-10 09:00"))
    page = client_for(w["staff"]).get(f"/enterprise/demands/{demand.pk}/").content.decode()
    assert "部门负责人督办" in page and "中心领导督办" in page
    assert 'data-testid="overdue"' in page


def _cells(html: str, testid: str) -> list[str]:
    row = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def number(value):
    """A cell as the screen prints it: a number compared as a number, an empty rate as "—"."""
    if value is None or value == "—":
        return "—"
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def test_the_excel_figures_carry_the_numbers_of_the_screen(w):
    answered(w, answer_at="2024-09-30 10:00")
    late = routed(w, now="2024-09-27 10:00", title="迟到的诉求")
    services.demands_escalate(now=at("2024-10-10 09:00"))
    services.demand_answer(actor=w["clerk_a"], demand=late.pk, content="迟到的答复", now=at("2024-10-10 10:00"))
    services.demand_rate(actor=w["user_x"], demand=late.pk, rating="satisfied", now=at("2024-10-11 10:00"))
    client = client_for(w["staff"])
    params = {"date_from": "2024-09-01", "date_to": "2024-09-30"}
    html = client.get("/enterprise/figures/", params).content.decode()
    screen = _cells(html, "by-section-total")
    book = load_workbook(io.BytesIO(client.get("/enterprise/figures.xlsx", params).content))
    sheet = book["按板块"]
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert [number(v) for v in last] == [number(c) for c in screen]
    data = selectors.figures(user=w["staff"], date_from=at("2024-09-01 00:00").date(),
                             date_to=at("2024-09-30 00:00").date())
    assert (data["total"]["received"], data["total"]["on_time"], data["total"]["overdue"],
            data["total"]["escalated"], data["total"]["satisfied"]) == (2, 1, 1, 1, 1)


def test_the_excel_demand_list_masks_the_phone_numbers(w):
    routed(w)
    content = client_for(w["staff"]).get("/enterprise/demands.xlsx").content
    sheet = load_workbook(io.BytesIO(content))["诉求清单"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[1][-1] == "138****5678"
    assert MOBILE not in str(rows)


def test_the_coverage_page_enters_a_missing_item(w):
    from zhengwu.cases.testing import make_item

    item = make_item(department=w["dept_a"], code="E1", enterprise_related=True)
    client = client_for(w["staff"])
    assert "E1" in client.get("/enterprise/coverage/").content.decode()
    assert client.post("/enterprise/coverage/", {"item": item.pk, "section": section().pk}).status_code == 302
    assert selectors.coverage()["percent"] == 100.0


def test_the_portal_shows_finance_applications_when_the_finance_app_offers_them_and_hides_the_section_otherwise(
        w, monkeypatch):
    import zhengwu.finance.selectors as finance

    client = client_for(w["user_x"])
    assert 'data-testid="finance"' in client.get("/enterprise/portal/").content.decode()
    monkeypatch.delattr(finance, "applications_for")
    page = client.get("/enterprise/portal/")
    assert page.status_code == 200
    assert 'data-testid="finance"' not in page.content.decode()
