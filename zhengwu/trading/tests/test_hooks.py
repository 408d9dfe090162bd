"""Other domains' checks run where trading decides: a publish check refuses a tender, a bidder check refuses a
registration, an expert exclusion leaves an expert out of the draw's pool with its reason; nothing is written
by a refused action, and a hook registered twice runs once."""

from __future__ import annotations

import pytest

from zhengwu.core.errors import Conflict
from zhengwu.trading import hooks
from zhengwu.trading.choices import ExclusionReason, TenderStatus
from zhengwu.trading.models import BidderRegistration, ExpertDrawExclusion, Tender
from zhengwu.trading.testing import credit, draw, make_expert, make_project, make_tender, publish, \
    published_tender, register

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    """Register hooks for one test and take them away after it."""
    added: list[tuple[list, object]] = []

    def add(registry, fn):
        hooks.register(registry, fn)
        hooks.register(registry, fn)  # twice: kept once
        added.append((registry, fn))
        return fn

    yield add
    for registry, fn in added:
        registry.remove(fn)


def test_a_publish_check_refuses_the_tender_and_it_stays_a_draft(registered):
    seen = []

    def refuse(tender):
        seen.append(tender.pk)
        raise Conflict("招标文件有未处理的公平竞争审查意见。", field="documents_text", code="fair_review_open")

    registered(hooks.publish_checks, refuse)
    project = make_project()
    tender = make_tender(project=project, deposits={project.sections.get().pk: "80000"})

    with pytest.raises(Conflict) as refused:
        publish(tender)

    assert refused.value.code == "fair_review_open"
    assert seen == [tender.pk]
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.DRAFT


def test_a_bidder_check_refuses_the_registration_and_writes_nothing(registered):
    banned = credit(31)

    def no_banned(enterprise, offer, now):
        if enterprise.credit_code == banned:
            raise Conflict(f"{enterprise.name}被禁止参加投标。", field="credit_code", code="banned")

    registered(hooks.bidder_checks, no_banned)
    tender = published_tender()

    with pytest.raises(Conflict):
        register(tender, code=banned)
    allowed = register(tender, code=credit(32))

    assert list(BidderRegistration.objects.values_list("pk", flat=True)) == [allowed.pk]


def test_an_expert_exclusion_leaves_the_expert_out_of_the_pool_with_its_reason(registered):
    tender = published_tender()
    for n in (41, 42, 43):
        register(tender, code=credit(n))
    experts = [make_expert(name=f"专家{i}") for i in range(6)]
    banned = experts[0]

    registered(hooks.expert_exclusions,
               lambda ids, now: {pk: ExclusionReason.BEHAVIOUR_RECORD for pk in ids if pk == banned.pk})
    d = draw(tender, seed=3)

    left_out = dict(ExpertDrawExclusion.objects.filter(round__draw=d).values_list("expert_id", "reasons"))
    assert left_out == {banned.pk: ["behaviour_record"]}
    assert banned.pk not in set(d.members.values_list("expert_id", flat=True))
