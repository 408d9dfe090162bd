"""Sealing and opening a 10 MB bid, against the raw SM4-GCM cost measured in the same run.

    nice python bench/trading_seal.py [--mb 10] [--runs 20] [--db sqlite,postgres,postgres+ssb] [--tenders 3]

1. *Cryptography* (no database), ``--runs`` runs after two warm-up runs, one process: per run, raw
   SM4-GCM encryption and decryption of the bid file with ``cryptography`` (no packing, no key
   handling), SM3 of the ciphertext, one scrypt derivation (n=2^14, r=8, p=1); then a bid sealed and
   opened through ``zhengwu.trading.sealing`` exactly as ``services_bids`` calls it:

   * bidder mode: seal = ``sealing.seal`` (pack + SM4-GCM under a fresh key) + ``wrap_with_passphrase``
     (scrypt + SM4-GCM of the 16-byte key) + ``crypto.sm3_hex`` of the ciphertext (the receipt's digest);
     open = ``unwrap_with_passphrase`` (scrypt) + ``sealing.unseal`` (SM4-GCM + unpack);
   * custodians mode 2-of-3: seal = ``sealing.seal`` + ``split_key`` (Shamir) + three ``seal_share``
     (ephemeral X25519, HKDF-SM3, SM4-GCM) + SM3; open = two ``open_share`` (each unwraps its custodian's
     X25519 key with scrypt) + ``combine_shares`` + ``sealing.unseal``. The custodians' key pairs are
     made once, as at enrolment (timed apart).

   Every opened file is compared with the original.
2. *Service path*, per database (``--db``; a fresh SQLite file, a throwaway PostgreSQL database): ``--tenders``
   published tenders of one section with three registered bidders each; each bidder's
   ``services_bids.bid_upload`` of a ``--mb`` MB file (seal, digest, one row with the ciphertext, one
   audit event), then ``services_bids.tender_open`` of the tender (three bids: key unwrap, decryption,
   opening record, audit events). Services called with ``now=`` (2024 dates of the tests).
   ``postgres+ssb`` runs the PostgreSQL case again with psycopg's server-side binding (parameters sent
   apart from the SQL, ``bytea`` in binary), which the project's settings do not turn on: a what-if.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import postgres_version, table, write_section  # noqa: E402
from bench.trading_common import (  # noqa: E402
    ADMIN_DSN,
    child_setup,
    database,
    emit,
    load_note,
    log,
    median,
    ms,
    pct,
    run_child,
    start_state,
)

PASSPHRASE = "bench-opening-passphrase"
CREDIT_CODE = "91330100MA2B3C4D5E"


def bid_file(mb: float, seed: int) -> bytes:
    """``mb`` MiB of seeded random bytes: a compressed PDF does not compress further either."""
    return random.Random(seed).randbytes(int(mb * 2 ** 20))


# --- 1. the cryptography -----------------------------------------------------------------------------

def crypto_runs(*, mb: float, runs: int, warmup: int = 2) -> dict[str, list[float]]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    from zhengwu.core import crypto
    from zhengwu.trading import sealing

    data = bid_file(mb, seed=10)
    content = sealing.BidContent(price=Decimal("38000000.00"), duration_days=300, quality="合格",
                                 file_name="投标文件.pdf", file=data)
    custodians = []
    times: dict[str, list[float]] = {"enrol": []}
    for i in range(3):
        ctx = f"tender:1|custodian:{i + 1}".encode()
        pw = f"custodian-{i + 1}-passphrase"
        t0 = time.perf_counter()
        public, salt, sealed, kdf = sealing.custodian_keypair(passphrase=pw, context=ctx)
        times["enrol"].append(time.perf_counter() - t0)
        custodians.append({"public": public, "salt": salt, "sealed": sealed, "kdf": kdf, "pw": pw, "ctx": ctx})

    def clock(name: str, t0: float) -> float:
        now = time.perf_counter()
        if keep:
            times.setdefault(name, []).append(now - t0)
        return now

    for run in range(warmup + runs):
        keep = run >= warmup
        context = sealing.bid_context(tender_id=1, section_id=1, credit_code=CREDIT_CODE, bid_uid=str(uuid.uuid4()))
        # raw SM4-GCM, SM3 and scrypt: the floor
        key, nonce = os.urandom(16), os.urandom(12)
        t = time.perf_counter()
        enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(context)
        raw_ct = enc.update(data) + enc.finalize()
        tag = enc.tag
        t = clock("raw_encrypt", t)
        dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(context)
        raw_pt = dec.update(raw_ct) + dec.finalize()
        t = clock("raw_decrypt", t)
        digest = hashes.Hash(hashes.SM3())
        digest.update(raw_ct)
        digest.finalize()
        t = clock("raw_sm3", t)
        Scrypt(salt=os.urandom(16), length=16, n=sealing.SCRYPT_N, r=sealing.SCRYPT_R,
               p=sealing.SCRYPT_P).derive(PASSPHRASE.encode())
        clock("raw_scrypt", t)
        assert raw_pt == data
        del raw_ct, raw_pt

        # bidder mode, as services_bids._seal_into / _unwrap / _decrypt_one call it
        t = time.perf_counter()
        start = t
        key, ciphertext = sealing.seal(content, context=context)
        t = clock("b_seal_cipher", t)
        salt, wrapped, kdf = sealing.wrap_with_passphrase(key, passphrase=PASSPHRASE, context=context)
        t = clock("b_seal_kdf", t)
        receipt_digest = crypto.sm3_hex(ciphertext)
        t = clock("b_seal_digest", t)
        clock("b_seal", start)
        t = time.perf_counter()
        start = t
        opened_key = sealing.unwrap_with_passphrase(wrapped, passphrase=PASSPHRASE, salt=salt, kdf=kdf,
                                                    context=context)
        t = clock("b_open_kdf", t)
        opened = sealing.unseal(ciphertext, key=opened_key, context=context)
        t = clock("b_open_cipher", t)
        clock("b_open", start)
        assert opened.file == data and opened.price == content.price and len(receipt_digest) == 64
        del ciphertext, opened

        # custodians mode, 2 of 3
        t = time.perf_counter()
        start = t
        key, ciphertext = sealing.seal(content, context=context)
        t = clock("c_seal_cipher", t)
        shares = []
        for (index, share), c in zip(sealing.split_key(key, k=2, n=3), custodians):
            shares.append((index, *sealing.seal_share(share, public_key=c["public"], context=context), c))
        t = clock("c_seal_shares", t)
        crypto.sm3_hex(ciphertext)
        t = clock("c_seal_digest", t)
        clock("c_seal", start)
        t = time.perf_counter()
        start = t
        opened_shares = [(index, sealing.open_share(sealed, ephemeral_public_key=eph, private_key_sealed=c["sealed"],
                                                    salt=c["salt"], kdf=c["kdf"], passphrase=c["pw"],
                                                    custodian_context=c["ctx"], context=context))
                         for index, eph, sealed, c in shares[:2]]
        opened_key = sealing.combine_shares(opened_shares)
        t = clock("c_open_shares", t)
        opened = sealing.unseal(ciphertext, key=opened_key, context=context)
        t = clock("c_open_cipher", t)
        clock("c_open", start)
        assert opened.file == data and opened_key == key
        del ciphertext, opened
        log(f"run {run + 1 - warmup}/{runs}: seal {times.get('b_seal', [0])[-1] * 1000:.0f} ms "
            f"(raw {times.get('raw_encrypt', [0])[-1] * 1000:.0f} ms)" if keep else f"warm-up {run + 1}")
    return times


# --- 2. the service path (child process) ---------------------------------------------------------------

def child_service(args: argparse.Namespace) -> None:
    child_setup(server_side_binding=args.server_side_binding)
    from django.db import connection

    from zhengwu.org import services as org
    from zhengwu.org.roles import Role
    from zhengwu.trading import services_bids
    from zhengwu.trading.choices import BidStatus
    from zhengwu.trading.models import Bid
    from zhengwu.trading.testing import at, credit, make_project, make_tender, publish, register

    data = bid_file(args.mb, seed=11)
    uploads, openings, verified, ciphertext_reads = [], [], 0, []
    for n in range(args.tenders):
        project = make_project(actor="bench")
        section = project.sections.get()
        tender = publish(make_tender(project=project, deposits={section.pk: "80000"}, actor="bench"), actor="bench")
        passphrases, prices = {}, {}
        for i in range(3):
            registration = register(tender, code=credit(1000 + 10 * n + i), actor="bench")
            user = org.user_create(actor="bench", username=f"bidder-{n}-{i}", password=None,
                                   role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
            price = Decimal(f"38{n}{i}0000.00")
            t0 = time.perf_counter()
            bid, receipt = services_bids.bid_upload(actor=user, tender=tender, section=section, file=data,
                                                    price=price, duration_days=300, quality="合格",
                                                    file_name="投标文件.pdf", passphrase=f"{PASSPHRASE}-{i}",
                                                    now=at("2024-03-15 10:00"))
            uploads.append(time.perf_counter() - t0)
            passphrases[bid.pk], prices[bid.pk] = f"{PASSPHRASE}-{i}", price
            log(f"tender {n + 1}: upload {i + 1} {uploads[-1] * 1000:.0f} ms, {receipt.size:,} bytes")
        reads = [0]
        plain_from_db = Bid.from_db.__func__

        def counting_from_db(cls, db, field_names, values):
            # one Bid loaded from the database with its ciphertext = one read of the ciphertext
            reads[0] += "ciphertext" in field_names
            return plain_from_db(cls, db, field_names, values)

        Bid.from_db = classmethod(counting_from_db)
        try:
            t0 = time.perf_counter()
            (record,) = services_bids.tender_open(actor="bench", tender=tender, passphrases=passphrases,
                                                  now=at("2024-03-21 09:30"))
            openings.append(time.perf_counter() - t0)
        finally:
            Bid.from_db = classmethod(plain_from_db)
        ciphertext_reads.append(reads[0])
        log(f"tender {n + 1}: opening {openings[-1] * 1000:.0f} ms")
        for row in record.rows.all():
            assert row.status == BidStatus.OPENED and row.price == prices[row.bid_id], row
            verified += 1
    emit({"vendor": connection.vendor, "ssb": args.server_side_binding, "uploads": uploads, "openings": openings,
          "verified": verified, "ciphertext_reads": ciphertext_reads,
          "size": len(data)})


# --- the report ----------------------------------------------------------------------------------------

def stats(values: list[float]) -> tuple[float, float]:
    return median(values), pct(values, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", default="sqlite,postgres,postgres+ssb",
                        help="service path on these databases ('' for none); postgres+ssb: PostgreSQL with "
                             "psycopg's server-side binding (not the project's setting)")
    parser.add_argument("--tenders", type=int, default=3, help="tenders (3 bids each) on the service path")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server-side-binding", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_service(args)
        return
    start = start_state()
    log(f"cryptography: {args.runs} runs of {args.mb:g} MiB")
    t = crypto_runs(mb=args.mb, runs=args.runs)
    service = []
    for kind in [k for k in args.db.split(",") if k]:
        log(f"service path on {kind}")
        base, _, variant = kind.partition("+")
        extra = ["--server-side-binding"] if variant == "ssb" else []
        with database(base) as env:
            service.append((kind, run_child("trading_seal.py", ["--mb", str(args.mb), "--tenders", str(args.tenders),
                                                                *extra], env)))
    note = load_note(start)

    size_mb = args.mb * 2 ** 20 / 1e6
    raw_enc, raw_dec = median(t["raw_encrypt"]), median(t["raw_decrypt"])

    def row(label: str, key: str, parts: dict[str, str], raw: float | None) -> list[object]:
        mid, p95 = stats(t[key])
        cells = [label, ms(mid), ms(p95)]
        cells += [ms(median(t[parts[c]])) if c in parts else "" for c in ("cipher", "kdf", "digest", "shares")]
        cells.append(f"{mid / raw:.2f}×" if raw else "")
        return cells

    rows = [
        [f"raw SM4-GCM encrypt ({size_mb:.1f} MB, `cryptography`)", ms(raw_enc), ms(pct(t["raw_encrypt"], .95)),
         ms(raw_enc), "", "", "", "1.00×"],
        ["raw SM4-GCM decrypt", ms(raw_dec), ms(pct(t["raw_decrypt"], .95)), ms(raw_dec), "", "", "", "1.00×"],
        ["raw SM3 of the ciphertext", ms(median(t["raw_sm3"])), ms(pct(t["raw_sm3"], .95)), "", "",
         ms(median(t["raw_sm3"])), "", ""],
        ["raw scrypt (n=2^14, r=8, p=1), one key", ms(median(t["raw_scrypt"])), ms(pct(t["raw_scrypt"], .95)), "",
         ms(median(t["raw_scrypt"])), "", "", ""],
        row("**seal**, bidder mode", "b_seal", {"cipher": "b_seal_cipher", "kdf": "b_seal_kdf",
                                                "digest": "b_seal_digest"}, raw_enc),
        row("**open**, bidder mode", "b_open", {"cipher": "b_open_cipher", "kdf": "b_open_kdf"}, raw_dec),
        row("**seal**, custodians 2-of-3", "c_seal", {"cipher": "c_seal_cipher", "digest": "c_seal_digest",
                                                      "shares": "c_seal_shares"}, raw_enc),
        row("**open**, custodians 2-of-3 (2 shares)", "c_open", {"cipher": "c_open_cipher", "shares": "c_open_shares"},
            raw_dec),
        ["custodian enrolment (key pair + scrypt), once per custodian and tender", ms(median(t["enrol"])),
         ms(max(t["enrol"])) + " (max of 3)", "", "", "", "", ""],
    ]
    crypto_table = table(["operation", "median ms", "p95 ms", "SM4-GCM + packing", "KDF (scrypt)", "SM3 digest",
                          "key split / shares", "÷ raw SM4-GCM"], rows)

    b_seal, b_open = median(t["b_seal"]), median(t["b_open"])
    pack_over = median(t["b_seal_cipher"]) - raw_enc
    parts = [("SM4-GCM", raw_enc), ("packing and copying", pack_over), ("scrypt", median(t["b_seal_kdf"])),
             ("SM3", median(t["b_seal_digest"]))]
    split = ", ".join(f"{name} {ms(v)} ms ({v / b_seal:.0%})" for name, v in parts)
    lines = [
        f"* Sealing a {args.mb:g} MiB bid in bidder mode takes {ms(b_seal)} ms (median), {b_seal / raw_enc:.2f}× the "
        f"raw SM4-GCM encryption of the same bytes ({ms(raw_enc)} ms, {size_mb / raw_enc:.0f} MB/s). Split: {split}.",
        f"* Opening it takes {ms(b_open)} ms, {b_open / raw_dec:.2f}× the raw decryption ({ms(raw_dec)} ms): "
        f"scrypt {ms(median(t['b_open_kdf']))} ms, decryption and unpacking {ms(median(t['b_open_cipher']))} ms.",
        f"* Custodians mode seals in {ms(median(t['c_seal']))} ms (no scrypt when sealing: the shares are sealed to "
        f"public keys, {ms(median(t['c_seal_shares']))} ms for the split and the three shares) and opens in "
        f"{ms(median(t['c_open']))} ms (two custodian keys unwrapped with scrypt: "
        f"{ms(median(t['c_open_shares']))} ms).",
        f"* The fixed costs (scrypt, the shares) do not grow with the file; SM4-GCM and SM3 do: the receipt's SM3 "
        f"digest ({ms(median(t['b_seal_digest']))} ms) costs {median(t['b_seal_digest']) / raw_enc:.2f}× the "
        f"encryption of the same bytes.",
    ]

    service_part = ""
    if service:
        srows = []
        for kind, r in service:
            label = "SQLite (WAL)" if r["vendor"] == "sqlite" else postgres_version(ADMIN_DSN)
            if r["ssb"]:
                label += " with `server_side_binding` (what-if)"
            up_mid, open_mid = median(r["uploads"]), median(r["openings"])
            srows.append([label, len(r["uploads"]), ms(up_mid), ms(max(r["uploads"])),
                          ms(up_mid - b_seal), len(r["openings"]), ms(open_mid), ms(open_mid / 3),
                          ms(open_mid / 3 - b_open), r["verified"]])
            if r["ssb"]:
                plain = [x for k, x in service if k == "postgres"]
                if plain:
                    lines.append(f"* With server-side binding the PostgreSQL upload takes {ms(up_mid)} ms instead of "
                                 f"{ms(median(plain[0]['uploads']))} ms and the opening {ms(open_mid / 3)} ms per "
                                 f"bid instead of {ms(median(plain[0]['openings']) / 3)} ms.")
                continue
            lines.append(f"* On {label}, `bid_upload` of one {args.mb:g} MiB bid takes {ms(up_mid)} ms "
                         f"({ms(up_mid - b_seal)} ms beyond the sealing above: the checks, the row with "
                         f"{r['size'] / 1e6:.1f} MB of ciphertext, the audit event); the opening takes "
                         f"{ms(open_mid / 3)} ms per bid, and fetches each bid's ciphertext "
                         f"{median(r['ciphertext_reads']) / 3:.0f} times (rows with the `ciphertext` column read "
                         f"per opening of 3 bids: {', '.join(str(x) for x in r['ciphertext_reads'])}).")
        service_part = (
            f"\n\nService path, one process per database: {args.tenders} tenders × 3 bidders; `bid_upload` "
            f"timed per bid, `tender_open` per tender (3 bids of {args.mb:g} MiB, bidder mode). *Beyond sealing* = "
            f"median upload − median bidder-mode seal above; *beyond opening* = opening per bid − median "
            f"bidder-mode open above. *Verified*: opening rows found opened with the price uploaded. "
            f"*With `server_side_binding`*: the same on PostgreSQL with `OPTIONS = {{\"server_side_binding\": True}}` "
            f"(psycopg 3 sends the parameters apart from the SQL, the ciphertext as binary `bytea`); the project's "
            f"settings leave it off, so Django quotes the ciphertext into the SQL text.\n\n"
            + table(["database", "uploads", "bid_upload median ms", "max ms", "beyond sealing ms", "openings",
                     "tender_open median ms (3 bids)", "per bid ms", "beyond opening ms", "verified"], srows))

    body = (f"A bid file of {args.mb:g} MiB ({size_mb:.1f} MB) of seeded random bytes (a PDF is already compressed). "
            f"{args.runs} runs after 2 warm-up runs, one process; every run also measures the raw primitives "
            f"with `cryptography` on the same bytes, so each ratio compares figures taken under the same load. "
            f"Every opened file was compared with the original. {note}\n\n"
            + crypto_table + service_part + "\n\nWhat these figures say:\n\n" + "\n".join(lines))
    command = f"nice python bench/trading_seal.py --mb {args.mb:g} --runs {args.runs} --db {args.db}"
    if args.tenders != 3:
        command += f" --tenders {args.tenders}"
    write_section("trading_seal", f"Sealed bids: sealing and opening a {args.mb:g} MiB bid", body, command=command)
    print(body)


if __name__ == "__main__":
    main()
