"""The international indicators over our own trading data, and the flags they raise."""

from __future__ import annotations

import pytest

from zhengwu.org.models import Enterprise
from zhengwu.supervision.cardinal import Settings
from zhengwu.supervision.choices import FlagFamily
from zhengwu.supervision.detect_international import indicators_over_trading, raise_international_flags
from zhengwu.supervision.models import Flag
from zhengwu.trading import ocds
from zhengwu.trading.models import TenderSection
from zhengwu.trading.testing import at, credit, pay, published_tender, register
from zhengwu.trading.tests.test_evaluation import opened
from zhengwu.trading.tests.test_ocds import open_all, sealed_bid

pytestmark = pytest.mark.django_db

NOW = at("2024-05-01 10:00")


def single_bid_tender():
    """An open tender whose only bid is opened: the opening record says one tenderer."""
    tender = published_tender()
    section = tender.sections.get()
    registration = register(tender, code=credit(810))
    pay(registration)
    sealed_bid(tender, section, registration, "3500000")
    return open_all(tender)


def test_a_single_bid_open_tender_gives_r018_on_its_ocid():
    tender = single_bid_tender()
    offer = TenderSection.objects.get(tender=tender)

    result = indicators_over_trading()

    assert result == {"OCID": {ocds.ocid(offer): {"R018": 1.0}}}


def test_a_single_bid_raises_one_flag_on_the_tender_section_and_running_twice_adds_none():
    tender = single_bid_tender()
    offer = TenderSection.objects.get(tender=tender)
    result = indicators_over_trading()

    first = raise_international_flags(actor="test", result=result, now=NOW)
    second = raise_international_flags(actor="test", result=indicators_over_trading(), now=NOW)

    assert (first, second) == (1, 0)
    flag = Flag.objects.get()
    assert (flag.rule, flag.family, flag.subject, flag.tender_section, flag.value) == (
        "R018", FlagFamily.INTERNATIONAL, offer, offer, 1.0)
    assert flag.evidence["name"] == "单一投标"
    assert flag.evidence["facts"]["numberOfTenderers"] == 1
    assert flag.evidence["facts"]["procurementMethod"] == "open"


def test_only_the_given_sections_and_the_enabled_indicators_are_read():
    single_bid_tender()

    assert indicators_over_trading(sections=TenderSection.objects.none()) == {}
    assert indicators_over_trading(settings=Settings.build({"R003": {}})) == {}


def test_identical_prices_flag_the_section_and_each_enterprise_that_bid_the_price():
    tender, _section = opened(["3500000", "3500000", "3600000"])
    offer = TenderSection.objects.get(tender=tender)
    same = {credit(500), credit(501)}

    result = indicators_over_trading(settings=Settings.build({"R028": {}}))
    created = raise_international_flags(actor="test", result=result, now=NOW)

    assert set(result["OCID"]) == {ocds.ocid(offer)}
    assert {ocds_id.rsplit("-", 1)[1] for ocds_id in result["Tenderer"]} == same
    assert created == 3
    section_flag = Flag.objects.get(tender_section=offer)
    assert {e.credit_code for e in section_flag.enterprises.all()} == same
    assert [b["amount"] for b in section_flag.evidence["facts"]["bids"]] == [3500000, 3500000, 3600000]
    enterprise_flags = Flag.objects.filter(tender_section__isnull=True)
    assert {f.subject.credit_code for f in enterprise_flags} == same
    assert all(isinstance(f.subject, Enterprise) and f.evidence["processes"] for f in enterprise_flags)


def test_the_demo_step_raises_the_year_s_flags_dated_at_the_end_of_the_period_and_ignores_other_years():
    from zhengwu.supervision.demo_international import international_flags

    single_bid_tender()  # published in 2024
    moment = at("2024-11-30 10:00")

    assert international_flags(year=2023, detected_at=moment) == {"results_by_indicator": {}, "flags_created": 0}
    summary = international_flags(year=2024, detected_at=moment)

    assert summary == {"results_by_indicator": {"R018": 1}, "flags_created": 1}
    assert list(Flag.objects.values_list("rule", "detected_at")) == [("R018", moment)]
