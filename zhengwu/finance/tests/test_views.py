"""The finance screens: the catalog, the application form (a refusal shown on its field with 422), the list and
the detail in scope (404 on another enterprise's), the actions from the workflow, the figures page and its
Excel export carrying the same numbers."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from zhengwu.core.testing import make_enterprise, make_user
from zhengwu.finance import services
from zhengwu.finance.choices import ProductKind
from zhengwu.finance.models import Application
from zhengwu.finance.testing import approved_guarantee, credit, make_institution, make_product
from zhengwu.org.roles import Role
from zhengwu.trading.testing import at, published_tender, register
from zhengwu.trading.testing import credit as trading_credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    bank = make_institution(name="浙商银行股份有限公司金华分行")
    loan = make_product(institution=bank, kind=ProductKind.LOAN, name="科技贷", amount_min="10000",
                        amount_max="1000000", rate="3.9", term_months=12)
    ent = make_enterprise(credit_code=credit(1), name="甲公司")
    return {"bank": bank, "loan": loan, "desk": make_user(role=Role.CENTER_ADMIN),
            "a": make_user(role=Role.ENTERPRISE_USER, enterprise=ent),
            "b": make_user(role=Role.ENTERPRISE_USER, enterprise=make_enterprise(credit_code=credit(2), name="乙公司")),
            "leader": make_user(role=Role.LEADER)}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_catalog_lists_products_with_an_apply_button_for_enterprises(world):
    r = client_for(world["a"]).get(reverse("finance:catalog"))
    assert r.status_code == 200
    assert "科技贷" in r.content.decode()
    assert f"?product={world['loan'].pk}" in r.content.decode()


def test_an_enterprise_applies_on_the_form_and_a_bad_amount_stays_on_its_field(world):
    client = client_for(world["a"])
    assert client.get(reverse("finance:application_new")).status_code == 200
    r = client.post(reverse("finance:application_new"), {"product": world["loan"].pk, "amount_requested": "5",
                                                          "purpose": "周转"})
    assert r.status_code == 422
    assert 'data-testid="field-error-amount_requested"' in r.content.decode()
    assert not Application.objects.exists()
    r = client.post(reverse("finance:application_new"), {"product": world["loan"].pk, "amount_requested": "50000",
                                                          "purpose": "周转"})
    assert r.status_code == 302
    application = Application.objects.get()
    assert client.get(reverse("finance:application", args=[application.pk])).status_code == 200
    assert client_for(world["b"]).get(reverse("finance:application", args=[application.pk])).status_code == 404
    assert "甲公司" in client.get(reverse("finance:applications")).content.decode()
    assert "甲公司" not in client_for(world["b"]).get(reverse("finance:applications")).content.decode()


def test_the_desk_acts_from_the_buttons_the_workflow_offers(world):
    application = services.application_submit(actor=world["a"], product=world["loan"], amount_requested="50000",
                                              purpose="周转")
    desk = client_for(world["desk"])
    page = desk.get(reverse("finance:application", args=[application.pk])).content.decode()
    assert 'data-testid="action-accept"' in page and 'data-testid="action-approve"' not in page
    assert desk.post(reverse("finance:action", args=[application.pk, "accept"])).status_code == 302
    r = desk.post(reverse("finance:action", args=[application.pk, "decline"]), {"decline-reason": ""})
    assert r.status_code == 422
    assert 'data-testid="field-error-reason"' in r.content.decode()
    r = desk.post(reverse("finance:action", args=[application.pk, "approve"]), {"approve-amount_approved": "40000"})
    assert r.status_code == 302
    assert Application.objects.get().status == "approved"
    assert client_for(world["a"]).post(reverse("finance:action", args=[application.pk, "disburse"])).status_code == 403


def test_the_catalog_keepers_forms_render_and_refuse_bad_input(world):
    desk = client_for(world["desk"])
    assert desk.get(reverse("finance:institution_new")).status_code == 200
    r = desk.post(reverse("finance:product_new"), {"institution": world["bank"].pk, "kind": "loan", "name": "x",
                                                   "amount_min": "100", "amount_max": "200", "rate": "40",
                                                   "term_months": "12"})
    assert r.status_code == 422
    assert 'data-testid="field-error-rate"' in r.content.decode()


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    tables = {}
    for key, body in re.findall(r'data-testid="table-([a-z_]+)">.*?<tbody>(.*?)</tbody>', html, re.S):
        tables[key] = [re.findall(r'data-value="([^"]*)"', row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return tables


def _number_or_text(value) -> object:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return str(value)


def test_the_excel_export_carries_the_numbers_of_the_figures_page(world):
    from openpyxl import load_workbook

    tender = published_tender(deposit="80000")
    insurer = make_institution(name="中国人民财产保险股份有限公司金华市分公司", kind="insurer", n=3)
    product = make_product(institution=insurer)
    for i, amount in enumerate(["80000", "64000.5"]):
        application = approved_guarantee(product=product, registration=register(tender, code=trading_credit(50 + i)),
                                         amount=amount)
        services.guarantee_issue(actor="test", application=application, guarantee_number=f"DZBH9{i}",
                                 valid_from="2024-03-06", valid_until="2024-07-31", now=at("2024-03-06 10:00"))
    leader = client_for(world["leader"])
    query = "?date_from=2024-01-01&date_to=2024-12-31"
    page = leader.get(reverse("finance:figures") + query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="chart-months"' in html
    tables = _page_tables(html)
    assert tables["totals"] == [["2", "2", "144000.50", "2", "144000.50"]]
    export = leader.get(reverse("finance:figures_export") + query)
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.content))
    assert len(book.sheetnames) == len(tables) == 4
    for sheet, (key, rows) in zip(book.worksheets, tables.items()):
        cells = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert len(cells) == len(rows), key
        for excel_row, page_row in zip(cells, rows):
            assert [_number_or_text(v) for v in excel_row] == [_number_or_text(v) for v in page_row]
    assert leader.get(reverse("finance:figures") + "?date_from=2024-12-31&date_to=2024-01-01").status_code == 422
