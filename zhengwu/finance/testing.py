"""Factories for the finance tests (plain functions, explicit arguments, fixed seeds)."""

from __future__ import annotations

import random
from typing import Any

from zhengwu.core.identifiers import make_credit_code
from zhengwu.finance import services
from zhengwu.finance.choices import InstitutionKind, ProductKind
from zhengwu.finance.models import Application, Institution, Product
from zhengwu.trading.testing import at

ACTOR = "test"


def credit(n: int) -> str:
    """The same valid unified social credit code for the same ``n``."""
    return make_credit_code(random.Random(f"finance:{n}"))


def make_institution(*, name: str = "金华银行股份有限公司城西支行", kind: str = InstitutionKind.BANK, n: int = 1,
                     actor: Any = ACTOR) -> Institution:
    return services.institution_create(actor=actor, name=name, credit_code=credit(n), kind=kind,
                                       contact_name="王经理", contact_phone="0579-82345678")


def make_product(*, institution: Institution, kind: str = ProductKind.BID_GUARANTEE, name: str = "电子投标保函",
                 amount_min: str = "1000", amount_max: str = "800000", rate: str = "0.5", term_months: int = 6,
                 actor: Any = ACTOR) -> Product:
    return services.product_create(actor=actor, institution=institution, kind=kind, name=name,
                                   amount_min=amount_min, amount_max=amount_max, rate=rate, term_months=term_months,
                                   conditions="依法注册、信用良好的投标人。")


def approved_guarantee(*, product: Product, registration: Any, amount: str = "80000",
                       actor: Any = ACTOR) -> Application:
    """A bid guarantee application for ``registration`` submitted on 3 March 2024, accepted and approved."""
    application = services.application_submit(actor=actor, product=product, amount_requested=amount,
                                              purpose="投标保证金", credit_code=registration.enterprise.credit_code,
                                              registration=registration, now=at("2024-03-03 10:00"))
    services.application_accept(actor=actor, application=application, now=at("2024-03-04 10:00"))
    return services.application_approve(actor=actor, application=Application.objects.get(pk=application.pk),
                                        amount_approved=amount, now=at("2024-03-05 10:00"))
