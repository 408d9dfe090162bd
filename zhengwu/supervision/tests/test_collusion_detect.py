"""Detection end to end: bids uploaded and opened through the trading services, then ``detect_collusion``
raises flags with their evidence, once; enterprise relations recorded through org.services; the command."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from zhengwu.core.errors import InvalidInput
from zhengwu.core.identifiers import make_id_card
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org import services as org_services
from zhengwu.org.models import EnterpriseRelation
from zhengwu.org.roles import Role
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.detect_collusion import detect_collusion
from zhengwu.supervision.models import Flag, SupervisionCase
from zhengwu.trading import services_bids
from zhengwu.trading.testing import at, credit, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db
PASS = "open-sesame-1"
BEFORE = at("2024-03-15 10:00")


def opened_tender(*, uploads: list[dict], accounts: list[str] | None = None):
    """A tender whose bidders (one per entry of ``uploads``) uploaded with those facts, opened at its time."""
    project = make_project()
    tender = publish(make_tender(project=project, deposits={project.sections.get().pk: "80000"}))
    bids, enterprises = [], []
    for i, facts in enumerate(uploads):
        registration = register(tender, code=credit(800 + i), name=f"第{i + 1}建设有限公司")
        pay(registration, account=(accounts or [f"62220200000000{i:02d}" for _ in uploads])[i])
        user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
        bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=project.sections.get(),
                                          file=f"%PDF 投标文件 第{i}号 独立编制".encode(), price=facts.pop("price"),
                                          passphrase=PASS, now=BEFORE, **facts)
        bids.append(bid)
        enterprises.append(registration.enterprise)
    services_bids.tender_open(actor=make_user(role=Role.TRADING_STAFF), tender=tender, now=tender.opening_at,
                              passphrases={b.pk: PASS for b in bids})
    return tender, bids, enterprises


def test_two_bidders_uploading_from_one_ip_on_one_machine_are_flagged_once_with_the_evidence():
    tender, bids, enterprises = opened_tender(uploads=[
        {"price": "3800000", "machine_code": "MC-SAME", "upload_ip": "10.0.0.8"},
        {"price": "3712345.67", "machine_code": "MC-SAME", "upload_ip": "10.0.0.8"},
        {"price": "3655555.55", "machine_code": "MC-OTHER", "upload_ip": "10.0.9.9"},
    ])
    summary = detect_collusion(actor="test", now=at("2024-04-01 09:00"))
    assert summary["rules"]["CN_SAME_MACHINE"] == {"found": 1, "raised": 1}
    assert summary["rules"]["CN_SAME_IP"] == {"found": 1, "raised": 1}
    assert summary["raised"] == 2
    machine = Flag.objects.get(rule="CN_SAME_MACHINE")
    offer = tender.tender_sections.get()
    assert machine.family == FlagFamily.COLLUSION and machine.subject == offer
    assert machine.tender_section == offer and machine.project == tender.project
    assert machine.evidence["value"] == "MC-SAME"
    assert [b["bid"] for b in machine.evidence["bids"]] == sorted([bids[0].pk, bids[1].pk])
    assert set(machine.enterprises.values_list("pk", flat=True)) == {enterprises[0].pk, enterprises[1].pk}
    assert machine.evidence["bidder_names"][str(enterprises[0].pk)] == "第1建设有限公司"
    assert Flag.objects.get(rule="CN_SAME_IP").evidence["value"] == "10.0.0.8"
    assert SupervisionCase.objects.count() == 1  # both flags in the project's case
    again = detect_collusion(actor="test", now=at("2024-04-02 09:00"))
    assert again["raised"] == 0 and again["found"] == 2
    assert Flag.objects.count() == 2


def test_regular_prices_same_payer_and_the_same_manager_are_found_from_opened_bids():
    tender, bids, enterprises = opened_tender(
        uploads=[{"price": "3600000", "project_manager_certificate": "浙133000000009"},
                 {"price": "3700000", "project_manager_certificate": "浙133000000009"},
                 {"price": "3800000"}],
        accounts=["6222 0200 0000 0001", "6222020000000001", "6222020000000002"])
    summary = detect_collusion(actor="test")
    assert {rule: counts["found"] for rule, counts in summary["rules"].items() if counts["found"]} == \
        {"CN_REGULAR_PRICES": 1, "CN_SAME_PAYER": 1, "CN_SAME_MANAGER": 1}
    payer = Flag.objects.get(rule="CN_SAME_PAYER")
    assert payer.evidence["account"] == "****0001" and "6222020000000001" not in str(payer.evidence)
    prices = Flag.objects.get(rule="CN_REGULAR_PRICES")
    assert prices.evidence["progressions"][0]["prices"] == ["3600000.00", "3700000.00", "3800000.00"]


def test_a_tender_without_signs_raises_nothing():
    opened_tender(uploads=[{"price": "3612345.67", "machine_code": "A"}, {"price": "3709876.54", "machine_code": "B"},
                           {"price": "3890123.45", "machine_code": "C"}])
    summary = detect_collusion(actor="test")
    assert summary["found"] == 0 and not Flag.objects.exists()
    assert summary["bids"] == 3


def test_related_bidders_recorded_through_org_services_are_flagged():
    tender, bids, enterprises = opened_tender(uploads=[{"price": "3612345.67"}, {"price": "3709876.54"},
                                                       {"price": "3890123.45"}])
    boss = {"name": "李四", "id_number": make_id_card(birth=dt.date(1970, 1, 2), seq=3)}
    for enterprise in enterprises[:2]:
        org_services.enterprise_relation_add(actor="test", enterprise=enterprise, role="legal_representative",
                                             person=boss, source="国家企业信用信息公示系统")
    org_services.enterprise_relation_add(actor="test", enterprise=enterprises[2], role="parent",
                                         related_enterprise=enterprises[0], share_percent="51")
    detect_collusion(actor="test")
    kinds = {tuple(f.evidence["bidders"]): [link["kind"] for link in f.evidence["links"]]
             for f in Flag.objects.filter(rule="CN_RELATED_BIDDERS")}
    a, b, c = (e.pk for e in enterprises)
    assert kinds == {(a, b): ["legal_representative"], (a, c): ["controls"]}


def test_enterprise_relation_add_is_audited_idempotent_and_validates():
    tender, bids, enterprises = opened_tender(uploads=[{"price": "1"}, {"price": "2"}, {"price": "4"}])
    person = {"name": "王五", "id_number": make_id_card(birth=dt.date(1980, 3, 4), seq=5)}
    first = org_services.enterprise_relation_add(actor="test", enterprise=enterprises[0], role="shareholder",
                                                 person=person, share_percent="30.5")
    again = org_services.enterprise_relation_add(actor="test", enterprise=enterprises[0], role="shareholder",
                                                 person=person, share_percent="30.5")
    assert first.pk == again.pk and first.share_percent == pytest.approx(30.5)
    assert AuditEvent.objects.filter(action="enterprise.relation_add").count() == 1
    refusals = [
        ({"role": "uncle", "person": person}, "role"),
        ({"role": "shareholder"}, "person"),
        ({"role": "parent", "person": person}, "related_enterprise"),
        ({"role": "legal_representative", "related_enterprise": enterprises[1]}, "person"),
        ({"role": "parent", "related_enterprise": enterprises[0]}, "related_enterprise"),
        ({"role": "shareholder", "person": person, "share_percent": "120"}, "share_percent"),
        ({"role": "shareholder", "person": {"name": "赵六", "id_number": "330702198001011234"}}, "id_number"),
    ]
    for kwargs, field in refusals:
        with pytest.raises(InvalidInput) as refused:
            org_services.enterprise_relation_add(actor="test", enterprise=enterprises[0], **kwargs)
        assert refused.value.field == field, kwargs
    assert EnterpriseRelation.objects.count() == 1


def test_the_command_prints_counts_by_rule_and_filters_by_year():
    opened_tender(uploads=[{"price": "3800000", "upload_ip": "10.0.0.8"}, {"price": "3712345.67",
                                                                             "upload_ip": "10.0.0.8"},
                           {"price": "3655555.55"}])
    out = StringIO()
    call_command("redflags_collusion", "--year", "2023", stdout=out)
    assert "0 份投标文件" in out.getvalue() and not Flag.objects.exists()
    out = StringIO()
    call_command("redflags_collusion", "--year", "2024", stdout=out)
    line = next(l for l in out.getvalue().splitlines() if l.startswith("CN_SAME_IP"))
    assert line.split() == ["CN_SAME_IP", "1", "1"]
