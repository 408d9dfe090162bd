"""Sealed bids and the opening (DOMAIN.md §10, §14): the deadline to the second, no plaintext at rest,
the key sealed until the opening whoever asks, tamper and swap detected, withdraw and replace,
2 vs 3 bids, revoked vs failed_other, a 2-of-3 custodian split, and an audit row for every step."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from zhengwu.core.crypto import DecryptionError
from zhengwu.core.errors import AppError, Conflict, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_user
from zhengwu.org.roles import Role
from zhengwu.trading import sealing, services, services_bids
from zhengwu.trading.choices import BidStatus, OpeningOutcome, SealingMode, TenderStatus
from zhengwu.trading.models import Bid, OpeningRecord, Tender
from zhengwu.trading.testing import at, credit, make_project, make_tender, pay, publish, register

pytestmark = pytest.mark.django_db

DEADLINE = at("2024-03-21 09:30")
BEFORE = at("2024-03-15 10:00")
MARKER = b"PLAINTEXT-MARKER-7f3a9c"
PRICE = "3876543.21"


def bidders(tender: Tender, count: int, *, section=None) -> list:
    """``count`` registered bidders (each with its own enterprise user and a paid deposit)."""
    people = []
    for i in range(count):
        registration = register(tender, code=credit(400 + i), name=f"第{i + 1}建设有限公司", section=section)
        pay(registration)
        people.append(make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise))
    return people


def upload(tender: Tender, user, *, passphrase: str | None = "open-sesame-1", price: str = PRICE, when=BEFORE,
           section=None, file: bytes = b"%PDF " + MARKER):
    section = section or tender.sections.get()
    return services_bids.bid_upload(actor=user, tender=tender, section=section, file=file, price=price,
                                    duration_days=365, quality="合格 " + MARKER.decode(), file_name="bid.pdf",
                                    passphrase=passphrase, now=when)


@pytest.fixture
def tender() -> Tender:
    project = make_project()
    return publish(make_tender(project=project, deposits={project.sections.get().pk: "80000"}))


@pytest.fixture
def staff():
    return make_user(role=Role.TRADING_STAFF)


def actions(*, after: int) -> list[str]:
    return list(AuditEvent.objects.filter(id__gt=after).order_by("id").values_list("action", flat=True))


# --- upload ------------------------------------------------------------------------------------------

def test_upload_one_second_before_the_deadline_is_accepted_with_a_receipt(tender):
    (x,) = bidders(tender, 1)
    bid, receipt = upload(tender, x, when=DEADLINE - timedelta(seconds=1))
    assert bid.status == BidStatus.SEALED
    assert receipt.bid_uid == str(bid.uid)
    assert receipt.received_at == DEADLINE - timedelta(seconds=1)
    assert receipt.digest == services_bids.crypto.sm3_hex(bytes(Bid.objects.get(pk=bid.pk).ciphertext))
    assert len(receipt.digest) == 64


@pytest.mark.parametrize("offset", [0, 1, 3600])
def test_upload_at_or_after_the_deadline_is_refused_naming_the_rule(tender, offset):
    (x,) = bidders(tender, 1)
    with pytest.raises(Conflict) as refused:
        upload(tender, x, when=DEADLINE + timedelta(seconds=offset))
    assert refused.value.code == "rule.bid_after_deadline"
    assert refused.value.details["rule"] == "bid_after_deadline"
    assert not Bid.objects.exists()


def test_upload_for_a_section_the_bidder_did_not_register_for_is_refused_naming_the_field():
    project = make_project(sections=[("works", "4000000"), ("works", "3000000")])
    first, second = project.sections.order_by("number")
    tender = publish(make_tender(project=project, deposits={first.pk: "80000", second.pk: "60000"}))
    (x,) = bidders(tender, 1, section=first)
    with pytest.raises(InvalidInput) as refused:
        upload(tender, x, section=second)
    assert (refused.value.code, refused.value.field) == ("not_registered", "section_id")
    assert not Bid.objects.exists()


def test_upload_with_a_short_passphrase_is_refused_naming_the_field(tender):
    (x,) = bidders(tender, 1)
    with pytest.raises(InvalidInput) as refused:
        upload(tender, x, passphrase="short")
    assert refused.value.field == "passphrase"


def test_no_plaintext_of_a_bid_is_stored_anywhere_in_the_database(tender):
    (x,) = bidders(tender, 1)
    upload(tender, x)
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            for row in cursor.fetchall():
                blob = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row)
                if MARKER in blob or PRICE.encode() in blob:
                    found.append(table)
    assert found == []


# --- the key is sealed until the opening ----------------------------------------------------------

def test_the_key_cannot_be_unwrapped_before_the_opening_by_anyone(tender):
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x)
    personas = [x, make_user(role=Role.TRADING_STAFF), make_user(role=Role.SUPERVISOR),
                make_user(role=Role.CENTER_ADMIN), make_user(role=Role.SYSTEM_ADMIN), "system"]
    codes = []
    for persona in personas:
        with pytest.raises(Conflict) as refused:
            services_bids.bid_unwrap_key(actor=persona, bid=bid, passphrase="open-sesame-1",
                                         now=tender.opening_at - timedelta(seconds=1))
        codes.append(refused.value.code)
    assert codes == ["rule.sealed_until_opening"] * len(personas)
    refusals = AuditEvent.objects.filter(action="bid.unwrap", object_id=str(bid.pk))
    assert [e.payload["outcome"] for e in refusals] == ["refused_sealed"] * len(personas)


def test_after_the_opening_the_bidders_passphrase_unwraps_the_key_and_a_wrong_one_fails_cleanly(tender):
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x)
    key = services_bids.bid_unwrap_key(actor=x, bid=bid, passphrase="open-sesame-1", now=tender.opening_at)
    content = sealing.unseal(Bid.objects.get(pk=bid.pk).ciphertext, key=key, context=services_bids.bid_context(bid))
    assert (content.price, content.file) == (Decimal(PRICE), b"%PDF " + MARKER)
    with pytest.raises(DecryptionError):
        services_bids.bid_unwrap_key(actor=x, bid=bid, passphrase="wrong-passphrase", now=tender.opening_at)
    outcomes = [e.payload["outcome"] for e in AuditEvent.objects.filter(action="bid.unwrap").order_by("id")]
    assert outcomes == ["unwrapped", "failed"]


def test_a_flipped_ciphertext_byte_fails_decryption(tender):
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x)
    key = services_bids.bid_unwrap_key(actor=x, bid=bid, passphrase="open-sesame-1", now=tender.opening_at)
    stored = bytearray(Bid.objects.get(pk=bid.pk).ciphertext)
    stored[40] ^= 0x01
    with pytest.raises(DecryptionError):
        sealing.unseal(bytes(stored), key=key, context=services_bids.bid_context(bid))


def test_a_ciphertext_swapped_into_another_bidders_row_fails_decryption(tender):
    x, y = bidders(tender, 2)
    bid_x, _ = upload(tender, x)
    bid_y, _ = upload(tender, y, passphrase="another-pass-2")
    key_x = services_bids.bid_unwrap_key(actor=x, bid=bid_x, passphrase="open-sesame-1", now=tender.opening_at)
    ciphertext_x = bytes(Bid.objects.get(pk=bid_x.pk).ciphertext)
    # even with the right data key, A's ciphertext does not open as B's bid
    with pytest.raises(DecryptionError):
        sealing.unseal(ciphertext_x, key=key_x, context=services_bids.bid_context(bid_y))
    # and copying A's whole sealed row into B's: A's passphrase no longer unwraps the key
    Bid.objects.filter(pk=bid_y.pk).update(ciphertext=ciphertext_x, key_salt=bid_x.key_salt,
                                           key_wrapped=bid_x.key_wrapped)
    with pytest.raises(DecryptionError):
        services_bids.bid_unwrap_key(actor=y, bid=bid_y.pk, passphrase="open-sesame-1", now=tender.opening_at)


# --- withdraw and replace --------------------------------------------------------------------------

def test_a_bid_is_withdrawn_before_the_deadline_but_not_at_it(tender):
    x, y = bidders(tender, 2)
    bid_x, _ = upload(tender, x)
    bid_y, _ = upload(tender, y)
    withdrawn = services_bids.bid_withdraw(actor=x, bid=bid_x, now=DEADLINE - timedelta(seconds=1))
    assert withdrawn.status == BidStatus.WITHDRAWN
    with pytest.raises(Conflict) as refused:
        services_bids.bid_withdraw(actor=y, bid=bid_y, now=DEADLINE)
    assert refused.value.code == "rule.bid_after_deadline"
    assert Bid.objects.get(pk=bid_y.pk).status == BidStatus.SEALED


def test_a_bidder_cannot_withdraw_another_bidders_bid(tender):
    x, y = bidders(tender, 2)
    bid_x, _ = upload(tender, x)
    with pytest.raises(AppError) as refused:
        services_bids.bid_withdraw(actor=y, bid=bid_x.pk, now=BEFORE)
    assert refused.value.status == 404


def test_a_replacement_before_the_deadline_is_a_new_version_and_withdraws_the_old_one(tender):
    (x,) = bidders(tender, 1)
    old, _ = upload(tender, x)
    new, receipt = services_bids.bid_replace(actor=x, bid=old, file=b"v2", price="3000000", passphrase="new-pass-22",
                                             now=DEADLINE - timedelta(seconds=1))
    assert (new.sequence, new.replaces_id, new.status) == (2, old.pk, BidStatus.SEALED)
    assert Bid.objects.get(pk=old.pk).status == BidStatus.WITHDRAWN
    assert receipt.digest == new.digest != old.digest


def test_a_replacement_at_the_deadline_is_refused_and_changes_nothing(tender):
    (x,) = bidders(tender, 1)
    old, _ = upload(tender, x)
    with pytest.raises(Conflict) as refused:
        services_bids.bid_replace(actor=x, bid=old, file=b"v2", price="3000000", passphrase="new-pass-22",
                                  now=DEADLINE)
    assert refused.value.code == "rule.bid_after_deadline"
    assert list(Bid.objects.values_list("status", flat=True)) == [BidStatus.SEALED]


# --- the opening -----------------------------------------------------------------------------------

def test_the_opening_before_the_opening_time_is_refused(tender, staff):
    bidders(tender, 3)
    with pytest.raises(Conflict) as refused:
        services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at - timedelta(seconds=1))
    assert refused.value.code == "rule.sealed_until_opening"


def test_two_bids_fail_the_tender_without_decrypting_and_it_can_be_re_run(tender, staff):
    x, y, _ = bidders(tender, 3)
    bid_x, _ = upload(tender, x)
    upload(tender, y)
    (record,) = services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at)
    assert (record.outcome, record.bid_count, record.min_bids) == (OpeningOutcome.TOO_FEW_BIDS, 2, 3)
    failed = Tender.objects.get(pk=tender.pk)
    assert failed.status == TenderStatus.FAILED
    assert set(Bid.objects.values_list("status", flat=True)) == {BidStatus.SEALED}
    rerun = services.tender_create(actor="test", project=tender.project, title="重新招标", previous=failed,
                                   documents_issued_at=at("2024-04-01 09:00"), on_sale_from=at("2024-04-01 09:00").date(),
                                   on_sale_to=at("2024-04-05 09:00").date(), bid_deadline=at("2024-04-21 09:30"))
    assert rerun.run_number == 2


def test_three_bids_are_opened_and_the_record_lists_bidder_price_and_deposit(tender, staff):
    people = bidders(tender, 3)
    bids = [upload(tender, p, price=f"38{i}0000.00")[0] for i, p in enumerate(people)]
    (record,) = services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                                          passphrases={b.pk: "open-sesame-1" for b in bids})
    assert Tender.objects.get(pk=tender.pk).status == TenderStatus.OPENED
    assert record.outcome == OpeningOutcome.OPENED
    rows = list(record.rows.order_by("id").values_list("bidder_name", "price", "status", "deposit_amount", "digest"))
    assert rows == [(f"第{i + 1}建设有限公司", Decimal(f"38{i}0000.00"), BidStatus.OPENED, Decimal("80000"), b.digest)
                    for i, b in enumerate(bids)]
    assert OpeningRecord.objects.get(pk=record.pk).published_at == tender.opening_at


def test_a_wrong_or_missing_passphrase_is_revoked_and_a_damaged_ciphertext_is_failed_other(tender, staff):
    people = bidders(tender, 4)
    good, wrong, missing, damaged = [upload(tender, p)[0] for p in people]
    stored = bytearray(damaged.ciphertext)
    stored[-1] ^= 0xFF
    Bid.objects.filter(pk=damaged.pk).update(ciphertext=bytes(stored))
    services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                              passphrases={good.pk: "open-sesame-1", wrong.pk: "not-the-pass",
                                           damaged.pk: "open-sesame-1"})
    statuses = dict(Bid.objects.values_list("pk", "status"))
    assert [statuses[b.pk] for b in (good, wrong, missing, damaged)] == [
        BidStatus.OPENED, BidStatus.REVOKED, BidStatus.REVOKED, BidStatus.FAILED_OTHER]
    assert Bid.objects.get(pk=wrong.pk).price is None
    assert Bid.objects.get(pk=good.pk).price == Decimal(PRICE)


def test_every_step_writes_an_audit_row(tender, staff):
    people = bidders(tender, 3)
    first, _ = upload(tender, people[0])
    services_bids.bid_withdraw(actor=people[0], bid=first, now=BEFORE)
    bids = [upload(tender, p)[0] for p in people]
    seen = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                              passphrases={bids[0].pk: "open-sesame-1", bids[1].pk: "open-sesame-1"})
    assert actions(after=seen) == ["tender.close",
                         "bid.unwrap", "bid.open", "bid.unwrap", "bid.open", "bid.unwrap", "bid.revoke",
                         "openingrecord.publish", "tender.open"]


def test_upload_and_withdraw_are_audited_with_the_digest(tender):
    (x,) = bidders(tender, 1)
    bid, receipt = upload(tender, x)
    services_bids.bid_withdraw(actor=x, bid=bid, now=BEFORE)
    events = AuditEvent.objects.filter(object_id=str(bid.pk), action__startswith="bid.").order_by("id")
    assert [(e.action, e.to_state) for e in events] == [("bid.upload", BidStatus.SEALED),
                                                        ("bid.withdraw", BidStatus.WITHDRAWN)]
    assert events[0].payload["digest"] == receipt.digest


# --- custodians (k-of-n) ------------------------------------------------------------------------------

@pytest.fixture
def custodian_tender():
    project = make_project()
    tender = make_tender(project=project, deposits={project.sections.get().pk: "80000"},
                         sealing_mode=SealingMode.CUSTODIANS)
    custodians = [make_user(role=Role.TRADING_STAFF) for _ in range(3)]
    for i, c in enumerate(custodians):
        services_bids.custodian_enroll(actor=c, tender=tender, passphrase=f"custodian-pass-{i}", now=BEFORE)
    return publish(tender), custodians


def test_upload_in_custodian_mode_needs_no_bidder_passphrase_and_stores_three_shares(custodian_tender):
    tender, _ = custodian_tender
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x, passphrase=None)
    assert bid.shares.count() == 3
    assert bid.key_wrapped is None


def test_one_custodian_share_is_refused_and_two_open_the_bid(custodian_tender):
    tender, (c1, c2, _) = custodian_tender
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x, passphrase=None)
    with pytest.raises(DecryptionError) as refused:
        services_bids.bid_unwrap_key(actor=c1, bid=bid, custodian_passphrases={c1.pk: "custodian-pass-0"},
                                     now=tender.opening_at)
    assert refused.value.code == "rule.custodian_k"
    key = services_bids.bid_unwrap_key(actor=c1, bid=bid, now=tender.opening_at,
                                       custodian_passphrases={c1.pk: "custodian-pass-0", c2.pk: "custodian-pass-1"})
    content = sealing.unseal(Bid.objects.get(pk=bid.pk).ciphertext, key=key, context=services_bids.bid_context(bid))
    assert content.price == Decimal(PRICE)


def test_custodian_shares_are_sealed_until_the_opening_too(custodian_tender):
    tender, custodians = custodian_tender
    (x,) = bidders(tender, 1)
    bid, _ = upload(tender, x, passphrase=None)
    with pytest.raises(Conflict) as refused:
        services_bids.bid_unwrap_key(actor=custodians[0], bid=bid, now=tender.opening_at - timedelta(seconds=1),
                                     custodian_passphrases={c.pk: f"custodian-pass-{i}"
                                                            for i, c in enumerate(custodians)})
    assert refused.value.code == "rule.sealed_until_opening"


def test_the_opening_with_two_of_three_custodians_opens_every_bid(custodian_tender, staff):
    tender, (c1, _, c3) = custodian_tender
    for p in bidders(tender, 3):
        upload(tender, p, passphrase=None)
    services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                              custodian_passphrases={c1.pk: "custodian-pass-0", c3.pk: "custodian-pass-2"})
    assert set(Bid.objects.values_list("status", flat=True)) == {BidStatus.OPENED}


def test_a_wrong_custodian_passphrase_leaves_too_few_shares_and_is_not_the_bidders_fault(custodian_tender, staff):
    tender, (c1, c2, _) = custodian_tender
    for p in bidders(tender, 3):
        upload(tender, p, passphrase=None)
    services_bids.tender_open(actor=staff, tender=tender, now=tender.opening_at,
                              custodian_passphrases={c1.pk: "custodian-pass-0", c2.pk: "wrong-custodian"})
    assert set(Bid.objects.values_list("status", flat=True)) == {BidStatus.FAILED_OTHER}


def test_a_fourth_custodian_is_refused_by_the_n_rule(custodian_tender):
    tender, _ = custodian_tender
    with pytest.raises(Conflict) as refused:
        services_bids.custodian_enroll(actor=make_user(role=Role.TRADING_STAFF), tender=tender,
                                       passphrase="custodian-pass-4", now=BEFORE)
    assert refused.value.code == "rule.custodian_n"


# --- the sealing runs outside the storing transaction ------------------------------------------------

def test_the_bid_is_sealed_before_the_transaction_that_stores_it(tender, monkeypatch):
    """On SQLite a transaction holds the one write lock: the costly sealing must not run inside one."""
    (x,) = bidders(tender, 1)
    depth_at_call = len(connection.atomic_blocks)
    depths: list[int] = []
    real_seal = sealing.seal

    def spy(*args, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return real_seal(*args, **kwargs)

    monkeypatch.setattr(sealing, "seal", spy)
    bid, _ = upload(tender, x)
    assert depths == [depth_at_call]
    assert Bid.objects.get(pk=bid.pk).status == BidStatus.SEALED


def test_replacing_another_bidders_bid_is_not_found_and_nothing_is_sealed(tender, monkeypatch):
    x, y = bidders(tender, 2)
    bid, _ = upload(tender, x)
    sealed: list[int] = []
    monkeypatch.setattr(sealing, "seal", lambda *a, **k: sealed.append(1))
    with pytest.raises(AppError) as refused:
        services_bids.bid_replace(actor=y, bid=bid, file=b"%PDF other", price=PRICE, passphrase="open-sesame-1",
                                  now=BEFORE)
    assert refused.value.status == 404
    assert sealed == []
    assert list(Bid.objects.values_list("pk", "status")) == [(bid.pk, BidStatus.SEALED)]
