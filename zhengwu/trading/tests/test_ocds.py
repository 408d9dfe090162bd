"""The OCDS export (DOMAIN.md §10): compiled releases of every process, with exact values for each stage (before
the opening, a failed tender and its re-run, two sections, the evaluation, the publicity, the award, the contract),
nothing confidential before the opening, validation against the OCDS 1.1 schema in ../shared/peer/ocds (with the
bids extension kept in the project), the management command and the API."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.identifiers import make_credit_code
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import ocds, services_bids, services_evaluation
from zhengwu.trading.choices import EvaluationMethod
from zhengwu.trading.models import Bid, CandidatePublicity, Tender, TenderSection
from zhengwu.trading.testing import (
    TENDERING_PARTY,
    at,
    credit,
    day,
    make_project,
    make_tender,
    move,
    pay,
    publish,
    published_tender,
    register,
)
from zhengwu.trading.tests.test_evaluation import opened

pytestmark = pytest.mark.django_db

PEER_OCDS = Path(__file__).resolve().parents[3] / ".." / "shared" / "peer" / "ocds"
BEFORE = at("2024-03-15 10:00")
# A 3.9 m (valid), B 4.1 m (above the 4 m control price: disqualified), C 3.6 m (lowest: wins), D 3.3 m (the
# bidder's passphrase is not given at the opening: revoked, deemed withdrawn)
FOUR = ["3900000", "4100000", "3600000", "3300000"]
API = "/api/v1/trading/ocds/releases"


# --- building processes through the services ---------------------------------------------------------------

def sealed_bid(tender, section, registration, price: str) -> Bid:
    user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
    bid, _ = services_bids.bid_upload(actor=user, tender=tender, section=section, file=b"%PDF bid", price=price,
                                      duration_days=365, quality="合格", file_name="bid.pdf",
                                      passphrase="open-sesame-1", now=BEFORE)
    return bid


def open_all(tender):
    """The opening at the tender's opening time with every bidder's passphrase."""
    passphrases = {b.pk: "open-sesame-1" for b in Bid.objects.filter(registration__tender_section__tender=tender)}
    services_bids.tender_open(actor="test", tender=tender, passphrases=passphrases, now=tender.opening_at)
    tender.refresh_from_db()
    return tender


def reported(prices=FOUR, revoked=(3,)):
    """Opened on 21 March, evaluated by the lowest evaluated price, reported on 22 March (C first, A second)."""
    tender, section = opened(prices, revoked=revoked)
    evaluation = services_evaluation.evaluation_create(actor="test", tender=tender, section=section,
                                                       method=EvaluationMethod.LOWEST_PRICE,
                                                       now=at("2024-03-21 10:00"))
    services_evaluation.evaluation_report(actor="test", evaluation=evaluation, now=at("2024-03-22 10:00"))
    evaluation.refresh_from_db()
    return tender, section, evaluation


def publicity(evaluation, action: str, when: str):
    publicity = CandidatePublicity.objects.get(evaluation=evaluation)
    return services_evaluation.publicity_transition(actor="test", publicity=publicity.pk, action=action,
                                                    now=at(when))


def awarded(prices=FOUR, *, signed_on: str | None = "2024-04-20"):
    """Publicity 22–25 March, award (notice) on 1 April, contract signed on 20 April unless ``signed_on`` is None."""
    tender, section, evaluation = reported(prices)
    publicity(evaluation, "publish", "2024-03-22 10:00")
    publicity(evaluation, "close", "2024-03-25 17:00")
    award = services_evaluation.award_decide(actor="test", evaluation=evaluation, now=at("2024-04-01 10:00"))
    if signed_on:
        award = services_evaluation.award_contract_signed(actor="test", award=award, signed_on=day(signed_on))
    return tender, section, award


def export(tender) -> dict[int, dict]:
    """The compiled releases of a tender's sections (through ``releases``, the prefetching path), by section."""
    return {int(r["tender"]["id"].rsplit("-", 1)[1]): r for r in ocds.releases(Tender.objects.filter(pk=tender.pk))}


def one(tender) -> dict:
    (release,) = export(tender).values()
    return release


def by_bidder(release) -> dict[str, dict]:
    return {b["tenderers"][0]["name"]: b for b in release["bids"]["details"]}


def roles(release) -> dict[str, list[str]]:
    return {p["name"]: p["roles"] for p in release["parties"]}


def cny(amount) -> dict:
    return {"amount": amount, "currency": "CNY"}


# --- a complete process: every field the red-flag indicators read ------------------------------------------

def test_a_contracted_process_exports_its_tender_bids_award_and_contract_with_exact_values():
    tender, section, award = awarded()
    release = one(tender)
    the_ocid = f"ocds-zhengwu-{tender.number}-1"
    assert release["ocid"] == the_ocid
    assert release["date"] == "2024-04-20T00:00:00+08:00"  # the contract is the last change
    assert release["id"] == f"{the_ocid}-2024-04-20T00:00:00+08:00"
    assert (release["tag"], release["initiationType"], release["language"]) == (["compiled"], "tender", "zh")

    t = release["tender"]
    assert t["tenderPeriod"] == {"startDate": "2024-03-01T09:00:00+08:00", "endDate": "2024-03-21T09:30:00+08:00"}
    assert (t["status"], t["numberOfTenderers"]) == ("complete", 4)
    assert (t["procurementMethod"], t["procurementMethodDetails"], t["mainProcurementCategory"]) == (
        "open", "open", "works")
    assert (t["awardCriteria"], t["awardCriteriaDetails"]) == ("priceOnly", "lowest_price")
    assert t["value"] == cny(4000000)  # the control price
    assert t["submissionMethod"] == ["electronicSubmission"]
    assert release["planning"]["budget"]["amount"] == cny(4000000)  # the section's estimate
    assert release["planning"]["budget"]["projectID"] == tender.project.number
    assert release["planning"]["budget"]["description"] == "政府投资"

    bids = by_bidder(release)
    assert {name: (b["status"], b.get("value")) for name, b in bids.items()} == {
        "投标人A": ("valid", cny(3900000)),
        "投标人B": ("disqualified", cny(4100000)),
        "投标人C": ("valid", cny(3600000)),
        "投标人D": ("withdrawn", None),  # no price: the bid was never decrypted
    }
    assert {b["date"] for b in bids.values()} == {"2024-03-15T10:00:00+08:00"}
    uids = {str(u) for u in Bid.objects.filter(registration__tender_section__tender=tender).values_list("uid",
                                                                                                       flat=True)}
    assert {b["id"] for b in bids.values()} == uids
    assert bids["投标人A"]["tenderers"] == [{"id": f"CN-SAIC-{credit(500)}", "name": "投标人A"}]

    winner = {"id": f"CN-SAIC-{credit(502)}", "name": "投标人C"}
    assert release["awards"] == [{
        "id": f"award-{award.pk}", "title": "中标通知书", "status": "active", "date": "2024-04-01T10:00:00+08:00",
        "value": cny(3600000), "suppliers": [winner], "items": [{"id": "1", "description": "第1标段"}],
        "relatedBid": bids["投标人C"]["id"],
    }]
    assert release["contracts"] == [{
        "id": f"contract-{award.pk}", "awardID": f"award-{award.pk}", "status": "active", "value": cny(3600000),
        "items": [{"id": "1", "description": "第1标段"}], "dateSigned": "2024-04-20T00:00:00+08:00",
    }]

    buyer = {"id": f"CN-SAIC-{TENDERING_PARTY}", "name": "区交通运输局"}
    assert release["buyer"] == buyer and t["procuringEntity"] == buyer  # no agent: the tendering party runs it
    assert roles(release) == {"区交通运输局": ["buyer", "procuringEntity"], "投标人A": ["tenderer"],
                              "投标人B": ["tenderer"], "投标人C": ["tenderer", "supplier"], "投标人D": ["tenderer"]}
    assert [p["identifier"] for p in release["parties"] if p["name"] == "投标人C"] == [
        {"scheme": "CN-SAIC", "id": credit(502), "legalName": "投标人C"}]
    assert {r["id"] for r in t["tenderers"]} == {p["id"] for p in release["parties"] if "tenderer" in p["roles"]}


def test_the_single_process_function_and_the_prefetching_iterator_give_the_same_release():
    tender, section, _ = awarded()
    offer = TenderSection.objects.get(tender=tender, section=section)
    assert ocds.compiled_release(offer) == one(tender)


def test_an_awarded_process_without_a_signed_contract_has_a_pending_contract():
    tender, _, award = awarded(signed_on=None)
    release = one(tender)
    assert release["tender"]["status"] == "complete"
    assert release["awards"][0]["status"] == "active"
    assert release["contracts"] == [{"id": f"contract-{award.pk}", "awardID": f"award-{award.pk}",
                                     "status": "pending", "value": cny(3600000),
                                     "items": [{"id": "1", "description": "第1标段"}]}]
    assert release["date"] == "2024-04-01T10:00:00+08:00"


# --- the evaluation is public only with the candidates' publicity --------------------------------------------

def test_bids_stay_pending_until_the_publicity_then_the_first_candidate_is_a_pending_award():
    tender, section, evaluation = reported()
    before = one(tender)
    assert {n: b["status"] for n, b in by_bidder(before).items()} == {
        "投标人A": "pending", "投标人B": "pending", "投标人C": "pending", "投标人D": "withdrawn"}
    assert "awards" not in before
    assert before["tender"]["status"] == "active"
    assert before["date"] == "2024-03-21T09:30:00+08:00"  # the report itself is not public

    published = publicity(evaluation, "publish", "2024-03-22 10:00")
    during = one(tender)
    assert {n: b["status"] for n, b in by_bidder(during).items()} == {
        "投标人A": "valid", "投标人B": "disqualified", "投标人C": "valid", "投标人D": "withdrawn"}
    assert during["awards"] == [{
        "id": f"candidates-{published.pk}", "title": "第一中标候选人(公示)", "status": "pending",
        "date": "2024-03-22T10:00:00+08:00", "value": cny(3600000),
        "suppliers": [{"id": f"CN-SAIC-{credit(502)}", "name": "投标人C"}],
        "items": [{"id": "1", "description": "第1标段"}], "relatedBid": by_bidder(during)["投标人C"]["id"],
    }]
    assert "contracts" not in during
    assert roles(during)["投标人C"] == ["tenderer"]  # proposed, not yet a supplier
    assert during["date"] == "2024-03-22T10:00:00+08:00"


# --- confidentiality before the opening (招标投标法 §22) -----------------------------------------------------

def test_nothing_about_registrations_or_bids_is_exported_before_the_opening():
    tender = published_tender()
    section = tender.sections.get()
    bidders = []
    for i in range(3):
        registration = register(tender, code=credit(700 + i), name=f"保密投标人{i}")
        pay(registration)
        sealed_bid(tender, section, registration, "3500000")
        bidders.append((registration.enterprise.name, registration.enterprise.credit_code))

    for state in ("published", "closed"):
        if state == "closed":
            move(tender, "close", when="2024-03-21 09:30")
        release = one(tender)
        text = json.dumps(release, ensure_ascii=False)
        for name, code in bidders:
            assert name not in text and code not in text
        assert "bids" not in release and "awards" not in release
        assert "numberOfTenderers" not in release["tender"] and "tenderers" not in release["tender"]
        assert roles(release) == {"区交通运输局": ["buyer", "procuringEntity"]}
        assert release["tender"]["status"] == "active"

    open_all(tender)
    assert one(tender)["tender"]["numberOfTenderers"] == 3


def test_experts_scores_and_deposits_are_never_exported():
    tender, _, _ = awarded()
    text = json.dumps(one(tender), ensure_ascii=False)
    for secret in ("专家", "open-sesame", "6222 0200", "technical", "score", "deposit"):
        assert secret not in text


# --- failed tenders, re-runs, several sections --------------------------------------------------------------

def test_a_tender_with_too_few_bids_is_unsuccessful_and_its_rerun_names_it():
    tender = published_tender()
    section = tender.sections.get()
    for i in range(2):
        registration = register(tender, code=credit(720 + i))
        pay(registration)
        sealed_bid(tender, section, registration, "3500000")
    open_all(tender)
    assert tender.status == "failed"

    failed = one(tender)
    assert failed["tender"]["status"] == "unsuccessful"
    assert failed["tender"]["numberOfTenderers"] == 2  # the published opening record says how many
    assert "bids" not in failed and "tenderers" not in failed["tender"]  # the bids stay sealed
    assert roles(failed) == {"区交通运输局": ["buyer", "procuringEntity"]}
    assert failed["date"] == "2024-03-21T09:30:00+08:00"

    rerun = publish(make_tender(project=tender.project, previous=tender, issued="2024-04-01 09:00",
                                deadline="2024-04-21 09:30", sale=("2024-04-01", "2024-04-05"),
                                deposits={section.pk: "80000"}), when="2024-04-01 09:00")
    release = one(rerun)
    assert release["ocid"] == f"ocds-zhengwu-{rerun.number}-1" != failed["ocid"]
    assert release["relatedProcesses"] == [{"id": "1", "relationship": ["unsuccessfulProcess"],
                                            "title": tender.title, "scheme": "ocid", "identifier": failed["ocid"]}]
    assert release["tender"]["status"] == "active"


def test_each_section_of_a_tender_is_its_own_process():
    project = make_project(sections=[("works", "4000000"), ("works", "3000000")])
    s1, s2 = project.sections.order_by("number")
    tender = publish(make_tender(project=project, deposits={s1.pk: "0", s2.pk: "0"}))
    for i in range(3):
        sealed_bid(tender, s1, register(tender, code=credit(740 + i), section=s1), f"{3500000 + i}")
    sealed_bid(tender, s2, register(tender, code=credit(750), section=s2), "2900000")
    open_all(tender)
    assert tender.status == "opened"

    releases = export(tender)
    assert [r["ocid"] for r in releases.values()] == [f"ocds-zhengwu-{tender.number}-1",
                                                      f"ocds-zhengwu-{tender.number}-2"]
    first, second = releases[1], releases[2]
    assert (first["tender"]["status"], first["tender"]["numberOfTenderers"]) == ("active", 3)
    assert [b["status"] for b in first["bids"]["details"]] == ["pending"] * 3
    assert sorted(b["value"]["amount"] for b in first["bids"]["details"]) == [3500000, 3500001, 3500002]
    assert (second["tender"]["status"], second["tender"]["numberOfTenderers"]) == ("unsuccessful", 1)
    assert "bids" not in second
    assert (first["planning"]["budget"]["amount"], second["planning"]["budget"]["amount"]) == (
        cny(4000000), cny(3000000))
    assert "value" not in first["tender"]  # no control price: neither section's nor a one-section project's


# --- parties ---------------------------------------------------------------------------------------------------

def test_the_tendering_party_is_the_buyer_and_its_agent_the_procuring_entity():
    bureau = make_credit_code(random.Random(1), authority="1")  # a government body: 机构编制, not 工商
    project = make_project(tendering_party_credit_code=bureau, agent_credit_code=credit(8),
                           agent_name="某招标代理有限公司", control_price="4000000")
    tender = publish(make_tender(project=project, deposits={project.sections.get().pk: "80000"}))
    release = one(tender)
    assert release["buyer"] == {"id": f"CN-USCC-{bureau}", "name": "区交通运输局"}
    assert release["tender"]["procuringEntity"] == {"id": f"CN-SAIC-{credit(8)}", "name": "某招标代理有限公司"}
    assert roles(release) == {"区交通运输局": ["buyer"], "某招标代理有限公司": ["procuringEntity"]}
    assert release["tender"]["value"] == cny(4000000)  # the project's control price: it has one section
    assert ocds.org_scheme(bureau) == "CN-USCC" and ocds.org_scheme(credit(8)) == "CN-SAIC"


# --- which processes, and the settings --------------------------------------------------------------------------

def test_drafts_are_never_exported_and_the_year_is_the_year_of_publication():
    published = published_tender()
    draft = make_tender(project=make_project())
    assert list(ocds.exportable()) == list(published.tender_sections.all())
    assert [t.tender_id for t in ocds.exportable(year=2024)] == [published.pk]
    assert list(ocds.exportable(year=2023)) == []
    with pytest.raises(Conflict) as refused:
        ocds.compiled_release(draft.tender_sections.get())
    assert refused.value.code == "not_published"
    with pytest.raises(InvalidInput) as bad:
        ocds.exportable(year=0)
    assert bad.value.field == "year"


def test_the_ocid_prefix_is_a_setting(settings):
    settings.ZHENGWU_OCDS_PREFIX = "ocds-a1b2c3-"
    tender = published_tender()
    assert one(tender)["ocid"] == f"ocds-a1b2c3-{tender.number}-1"


def test_a_package_declares_the_bids_extension_and_dates_itself_by_its_last_release(settings):
    settings.ZHENGWU_OCDS_PUBLISHER = "某区公共资源交易中心"
    tender, _, _ = awarded()
    package = ocds.release_package(ocds.releases(ocds.exportable()), uri="urn:uuid:0")
    assert package["version"] == "1.1"
    assert package["extensions"] == [
        "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"]
    assert package["publisher"] == {"name": "某区公共资源交易中心"}
    assert package["publishedDate"] == "2024-04-20T00:00:00+08:00"
    assert [r["ocid"] for r in package["releases"]] == [f"ocds-zhengwu-{tender.number}-1"]


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_number_of_processes():
    awarded()
    with CaptureQueriesContext(connection) as one_process:
        assert len(list(ocds.releases(ocds.exportable()))) == 1
    awarded()
    with CaptureQueriesContext(connection) as two_processes:
        assert len(list(ocds.releases(ocds.exportable()))) == 2
    assert len(two_processes) == len(one_process)


# --- validation against the OCDS schema (../shared/peer/ocds, skipped when absent) -------------------------------

@pytest.fixture(scope="module")
def schema():
    """Draft 4 validators of the peer's OCDS 1.1.5 schemas, ``$ref`` resolved locally, no network."""
    if not (PEER_OCDS / "release-schema.json").is_file():
        pytest.skip(f"the OCDS schema is not at {PEER_OCDS.resolve()} (peer material, not in the project)")
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (the test extra) validates the export")
    from referencing import Registry, Resource

    def load(name):
        return json.loads((PEER_OCDS / name).read_text(encoding="utf-8"))

    core, package = load("release-schema.json"), load("release-package-schema.json")
    extended = ocds.extended_release_schema(core)
    registry = Registry().with_resources([(s["id"], Resource.from_contents(s)) for s in (core, package, extended)])

    def validator(s):
        return jsonschema.Draft4Validator(s, registry=registry, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)

    def codes(name):
        lines = (PEER_OCDS / "codelists" / name).read_text(encoding="utf-8").splitlines()[1:]
        return {line.split(",", 1)[0] for line in lines if line}

    return {"core": validator(core), "bids": validator(extended), "package": validator(package), "codes": codes}


def errors(validator, instance) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance))


def dates(data, path=""):
    """Every date-time value of a release, with its path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"date", "startDate", "endDate", "dateSigned", "publishedDate"} and isinstance(value, str):
                yield f"{path}/{key}", value
            else:
                yield from dates(value, f"{path}/{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from dates(value, f"{path}/{i}")


def every_kind_of_process():
    """A contracted, an awarded, a publicised, a reported, a failed and re-run, a two-section and a running process."""
    awarded()
    awarded(signed_on=None)
    _, _, evaluation = reported()
    publicity(evaluation, "publish", "2024-03-22 10:00")
    reported()
    failed = published_tender()
    for i in range(2):
        sealed_bid(failed, failed.sections.get(), register(failed, code=credit(760 + i)), "3000000")
    open_all(failed)
    publish(make_tender(project=failed.project, previous=failed, issued="2024-04-01 09:00",
                        deadline="2024-04-21 09:30", sale=("2024-04-01", "2024-04-05")), when="2024-04-01 09:00")
    project = make_project(sections=[("goods", "2500000"), ("services", "1500000")], agent_credit_code=credit(9),
                           agent_name="某代理公司")
    publish(make_tender(project=project))
    return list(ocds.releases(ocds.exportable()))


def test_every_release_is_valid_against_the_ocds_schema_and_the_bids_extension(schema):
    releases = every_kind_of_process()
    assert len(releases) == 8
    assert {r["tender"]["status"] for r in releases} == {"complete", "active", "unsuccessful"}
    for release in releases:
        assert errors(schema["core"], release) == [], release["ocid"]
        assert errors(schema["bids"], release) == [], release["ocid"]
        for path, value in dates(release):
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", value), (path, value)
            datetime.fromisoformat(value)
        # the open codelists are not enforced by the schema
        assert {r for p in release["parties"] for r in p["roles"]} <= schema["codes"]("partyRole.csv")
        assert set(release["tender"]["submissionMethod"]) <= schema["codes"]("submissionMethod.csv")
        assert release["tender"].get("awardCriteria", "ratedCriteria") in schema["codes"]("awardCriteria.csv")
        for related in release.get("relatedProcesses", []):
            assert set(related["relationship"]) <= schema["codes"]("relatedProcess.csv")
    package = ocds.release_package(releases, uri="urn:uuid:5f0c2a8e-8c1d-4c1e-9d7a-0a1b2c3d4e5f")
    assert errors(schema["package"], package) == []


def test_the_bids_extension_schema_is_applied_where_the_core_schema_lets_anything_through(schema):
    tender, _, _ = awarded()
    release = one(tender)
    release["bids"]["details"][0]["status"] = "opened"  # our word, not the bidStatus codelist's
    del release["bids"]["details"][1]["id"]
    assert errors(schema["core"], release) == []  # the core schema allows additional properties
    assert errors(schema["bids"], release) == [
        "bids/details/0/status: 'opened' is not one of ['invited', 'pending', 'valid', 'disqualified', "
        "'withdrawn', None]",
        "bids/details/1: 'id' is a required property",
    ]


# --- the management command ----------------------------------------------------------------------------------

def test_the_command_writes_one_compiled_release_per_line_and_is_audited(tmp_path):
    tender, _, _ = awarded()
    out = tmp_path / "ocds.jsonl"
    stdout = StringIO()
    call_command("ocds_export", "--year", "2024", "--output", str(out), stdout=stdout)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [one(tender)]
    assert "1 compiled releases written" in stdout.getvalue()
    event = AuditEvent.objects.get(action="ocds.export")
    assert (event.payload["year"], event.payload["format"], event.payload["count"]) == (2024, "jsonl", 1)

    empty = tmp_path / "2023.jsonl"
    call_command("ocds_export", "--year", "2023", "--output", str(empty), stdout=StringIO())
    assert empty.read_text(encoding="utf-8") == ""


def test_the_command_writes_a_release_package_to_standard_output():
    tender, _, _ = awarded()
    stdout = StringIO()
    call_command("ocds_export", "--format", "package", "--uri", "https://example.org/ocds/2024.json", stdout=stdout)
    package = json.loads(stdout.getvalue())
    assert package["uri"] == "https://example.org/ocds/2024.json"
    assert package["releases"] == [one(tender)]


# --- the API -----------------------------------------------------------------------------------------------------

@pytest.fixture
def people():
    return {"staff": make_user(role=Role.TRADING_STAFF), "supervisor": make_user(role=Role.SUPERVISOR),
            "bidder": make_user(role=Role.ENTERPRISE_USER, enterprise=register(published_tender(),
                                                                               code=credit(780)).enterprise)}


def get(user, query=""):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"{API}{query}")


def test_staff_and_supervisors_get_a_release_package_others_are_refused(people):
    response = get(people["staff"], "?year=2024")
    assert response.status_code == 200
    package = response.json()
    assert set(package) == {"uri", "version", "extensions", "publishedDate", "publisher", "releases"}
    assert package["uri"] == "http://testserver/api/v1/trading/ocds/releases?year=2024&page=1"
    assert package["releases"] == [one(Tender.objects.get())]
    assert get(people["supervisor"]).status_code == 200
    refused = get(people["bidder"])
    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert get(None).status_code == 401


def test_the_api_pages_through_the_processes_with_links(people, settings):
    settings.ZHENGWU_OCDS_PAGE_SIZE = 1
    project = make_project(sections=[("works", "4000000"), ("works", "3000000")])
    publish(make_tender(project=project))  # two more processes: three in all
    first = get(people["staff"]).json()
    assert len(first["releases"]) == 1
    assert first["links"] == {"next": "http://testserver/api/v1/trading/ocds/releases?page=2"}
    second = get(people["staff"], "?page=2").json()
    assert second["links"] == {"next": "http://testserver/api/v1/trading/ocds/releases?page=3",
                               "prev": "http://testserver/api/v1/trading/ocds/releases?page=1"}
    third = get(people["staff"], "?page=3").json()
    assert third["links"] == {"prev": "http://testserver/api/v1/trading/ocds/releases?page=2"}
    ocids = [p["releases"][0]["ocid"] for p in (first, second, third)]
    assert len(set(ocids)) == 3
    beyond = get(people["staff"], "?page=4")
    assert (beyond.status_code, beyond.json()["field"], beyond.json()["code"]) == (422, "page", "page_out_of_range")
    assert get(people["staff"], "?year=2023").json()["releases"] == []
    assert get(people["staff"], "?year=0").json()["field"] == "year"
