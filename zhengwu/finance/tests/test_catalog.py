"""The catalog: institutions and products validated against their kind (credit code, phone, amount range, rate,
term, who offers what); a refusal names the field and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengwu.core.errors import Conflict, Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.finance import services
from zhengwu.finance.choices import InstitutionKind, ProductKind
from zhengwu.finance.models import Institution, Product
from zhengwu.finance.testing import credit, make_institution, make_product
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank():
    return make_institution()


def test_a_product_on_the_shelf_keeps_its_terms_and_one_audit_event(bank):
    before = AuditEvent.objects.count()
    product = make_product(institution=bank, kind=ProductKind.LOAN, name="政采贷", amount_min="100000",
                           amount_max="5000000", rate="3.85", term_months=12)
    assert (product.amount_min, product.amount_max, product.rate, product.term_months) == (
        100000, 5000000, Decimal("3.85"), 12)
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").action == "product.create"


@pytest.mark.parametrize("field,value,code", [
    ("amount_min", "-1", "bad_amount"),
    ("amount_min", "abc", "bad_amount"),
    ("amount_max", "500", "bad_range"),
    ("rate", "30", "rate_out_of_range"),
    ("rate", "0", "rate_out_of_range"),
    ("rate", "1.23456", "bad_rate"),
    ("term_months", "0", "term_out_of_range"),
    ("term_months", "400", "term_out_of_range"),
    ("term_months", "twelve", "bad_term"),
    ("kind", "mortgage", "bad_choice"),
    ("name", "  ", "required"),
])
def test_a_product_with_a_bad_term_is_refused_naming_the_field(bank, field, value, code):
    values = {"institution": bank, "kind": ProductKind.LOAN, "name": "流动资金贷款", "amount_min": "1000",
              "amount_max": "100000", "rate": "4.2", "term_months": "12", field: value}
    with pytest.raises(InvalidInput) as exc:
        services.product_create(actor="test", **values)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert not Product.objects.exists()


def test_a_guarantee_fee_rate_above_five_percent_is_refused(bank):
    with pytest.raises(InvalidInput) as exc:
        make_product(institution=bank, rate="6")
    assert exc.value.field == "rate"


def test_an_insurer_cannot_offer_a_loan():
    insurer = make_institution(name="中国平安财产保险股份有限公司金华中心支公司", kind=InstitutionKind.INSURER, n=2)
    with pytest.raises(InvalidInput) as exc:
        make_product(institution=insurer, kind=ProductKind.LOAN, name="贷款", rate="4")
    assert (exc.value.field, exc.value.code) == ("kind", "kind_not_offered")


@pytest.mark.parametrize("field,value", [("credit_code", "91330702ABCDEFGH12"), ("contact_phone", "12345"),
                                         ("kind", "pawnshop"), ("contact_name", "")])
def test_an_institution_with_bad_input_is_refused_naming_the_field(field, value):
    values = {"name": "某银行", "credit_code": credit(9), "kind": InstitutionKind.BANK, "contact_name": "李",
              "contact_phone": "13800138000", field: value}
    with pytest.raises(InvalidInput) as exc:
        services.institution_create(actor="test", **values)
    assert exc.value.field == field
    assert not Institution.objects.exists()


def test_the_same_institution_twice_is_a_conflict(bank):
    with pytest.raises(Conflict) as exc:
        services.institution_create(actor="test", name=bank.name, credit_code=credit(5), kind="bank",
                                    contact_name="李", contact_phone="13800138000")
    assert exc.value.field == "name"


def test_an_enterprise_user_cannot_keep_the_catalog(bank):
    user = make_user(role=Role.ENTERPRISE_USER)
    with pytest.raises(Forbidden):
        make_product(institution=bank, actor=user)
