"""500 bidders uploading sealed bids in the last minute before the deadline, through the API on loopback.

    nice python bench/trading_uploads.py [--bidders 500] [--late 20] [--window 60] [--db postgres,sqlite]
                                         [--min-kb 150] [--max-kb 750] [--open]

Per database (a throwaway PostgreSQL database, then a fresh SQLite file in WAL mode):

1. *Prepare* (a child process, through the services): one project, one published tender (bidder mode)
   of one section, ``--bidders`` + ``--late`` bidders registered, each with an enterprise user and its own
   API token (``zhengwu.core.tokens.token_create``). Dates are those of the tests (published 1 March 2024,
   registered 2 March): the date rules would otherwise need 20 days of waiting.
2. *The benchmark's shortcut*: the tender's ``bid_deadline`` and ``opening_at`` are then set to wall-clock
   time + ~70 s by a direct ``UPDATE`` (``Tender.objects.filter(pk=…).update(…)``, no service, no audit
   event), so the deadline that the server checks with its own clock is real.
3. gunicorn as in bench/case_receipt.py (2 workers × 8 threads, gthread), on loopback. One client thread
   per bidder, all started before the window opens; each sleeps until its send time, opens a connection
   and posts ``POST /api/v1/trading/tenders/{id}/bids`` (base64 JSON, bearer token, a seeded random file of
   ``--min-kb``..``--max-kb`` KB, i.e. ~200 KB..1 MB of JSON). Send times: the ``--bidders`` on-time clients
   uniformly over the ``--window`` seconds before the deadline; the ``--late`` clients uniformly over the
   10 s after it.
4. *Verify* (a child process): every bid row of the tender read back, its ciphertext's SM3 recomputed;
   compared with the receipts the clients got; the audit chain verified. ``--open`` also opens the tender
   through ``services_bids.tender_open`` with every bidder's passphrase (timed).

*Lost* = an accepted receipt whose bid is missing or differs (digest, size, bidder, time) in the database,
or a bid in the database without a receipt. A client that sent before the deadline may still be refused if
the server reaches its request only after the deadline (the server stamps the time when the service runs):
those are counted apart, not hidden.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

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
    pct,
    run_child,
    start_state,
)

PORT = 8937
API = "/api/v1/trading"
LATE_SPREAD = 10.0


def passphrase_of(credit_code: str) -> str:
    return f"opening-{credit_code}"


# --- children ------------------------------------------------------------------------------------------

def child_prepare(args: argparse.Namespace) -> None:
    child_setup()
    from zhengwu.core.tokens import token_create
    from zhengwu.org import services as org
    from zhengwu.org.roles import Role
    from zhengwu.trading import services
    from zhengwu.trading.testing import at, credit, make_project, make_tender, publish

    t0 = time.perf_counter()
    project = make_project(actor="bench")
    section = project.sections.get()
    tender = publish(make_tender(project=project, deposits={section.pk: "80000"}, actor="bench"), actor="bench")
    bidders = []
    for i in range(args.bidders + args.late):
        code = credit(5000 + i)
        registration = services.bidder_register(actor="bench", tender=tender, section=section, credit_code=code,
                                                name=f"投标企业{i:04d}有限公司", now=at("2024-03-02 10:00"))
        user = org.user_create(actor="bench", username=f"bidder{i:04d}", password=None, role=Role.ENTERPRISE_USER,
                               enterprise=registration.enterprise)
        _, raw = token_create(user=user, name="bench", actor="bench")
        bidders.append({"credit_code": code, "token": raw})
        if (i + 1) % 100 == 0:
            log(f"prepared {i + 1} bidders")
    emit({"tender": tender.pk, "section": section.pk, "bidders": bidders, "seconds": time.perf_counter() - t0})


def child_deadline(args: argparse.Namespace) -> None:
    """The benchmark's shortcut: move the deadline (and the opening) to a wall-clock moment."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from zhengwu.trading.models import Tender

    deadline = datetime.fromisoformat(args.deadline)
    assert Tender.objects.filter(pk=args.tender).update(bid_deadline=deadline, opening_at=deadline) == 1
    emit({"deadline": deadline.isoformat()})


def child_verify(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from zhengwu.core import audit
    from zhengwu.core.crypto import sm3_hex
    from zhengwu.trading import services_bids
    from zhengwu.trading.choices import BidStatus
    from zhengwu.trading.models import Bid

    bids = []
    qs = (Bid.objects.filter(registration__tender_section__tender_id=args.tender)
          .values_list("pk", "digest", "size", "received_at", "registration__enterprise__credit_code", "status"))
    for pk, digest, size, received_at, code, status in qs.iterator(chunk_size=50):
        ciphertext = bytes(Bid.objects.values_list("ciphertext", flat=True).get(pk=pk))
        bids.append({"id": pk, "digest": digest, "sm3": sm3_hex(ciphertext), "stored_size": len(ciphertext),
                     "size": size, "received_at": received_at.isoformat(), "credit_code": code, "status": status})
    result = audit.verify()
    out: dict[str, Any] = {"bids": bids, "audit_ok": result.ok, "audit_events": result.events_checked}
    if args.open:
        passphrases = {b["id"]: passphrase_of(b["credit_code"]) for b in bids}
        t0 = time.perf_counter()
        (record,) = services_bids.tender_open(actor="bench", tender=args.tender, passphrases=passphrases)
        out["open_seconds"] = time.perf_counter() - t0
        out["opened"] = record.rows.filter(status=BidStatus.OPENED).count()
        out["open_rows"] = record.rows.count()
    emit(out)


# --- the server and the clients --------------------------------------------------------------------------

def start_server(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """gunicorn on loopback; its log (the tracebacks of any 500) goes to ``log_path``."""
    with open(log_path, "wb") as server_log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "8", "-b",
             f"127.0.0.1:{PORT}", "--keep-alive", "30", "--log-level", "warning", "zhengwu.config.wsgi:application"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=server_log, start_new_session=True)
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + log_path.read_text(errors="replace")[-2000:])


def server_errors(log_path: Path) -> dict[str, int]:
    """The exception lines of the server's log ('OperationalError: database is locked' …), counted."""
    counts: dict[str, int] = {}
    for line in log_path.read_text(errors="replace").splitlines():
        if re.match(r"^[\w.]+(Error|Exception)\b.*", line):
            counts[line.strip()[:160]] = counts.get(line.strip()[:160], 0) + 1
    return counts


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def cpu_seconds(*, master: int, database: str | None) -> dict[str, dict[int, float]]:
    """CPU time (user + system, all threads) of the gunicorn workers and of the PostgreSQL backends of
    ``database``, by process id, read from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, dict[int, float]] = {"workers": {}, "postgres": {}}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        ppid, used = int(fields[1]), (int(fields[11]) + int(fields[12])) / tick
        if ppid == master:
            out["workers"][int(entry.name)] = used
        elif database is not None and cmdline.startswith("postgres:") and f" {database} " in cmdline:
            out["postgres"][int(entry.name)] = used
    return out


def cpu_used(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds used between two readings (a process born in between counts from zero; one that ended
    in between is not counted: the workers and the pooled connections live through the run)."""
    return {kind: sum(v - before[kind].get(pid, 0.0) for pid, v in after[kind].items()) for kind in after}


def bodies(*, n: int, section: int, codes: list[str], min_kb: int, max_kb: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        size = rng.randint(min_kb * 1000, max_kb * 1000)
        out.append(json.dumps({
            "section_id": section, "file_base64": base64.b64encode(rng.randbytes(size)).decode(),
            "file_name": f"投标文件{i:04d}.pdf", "price": f"{rng.randint(3_600_000, 3_990_000)}.00",
            "duration_days": rng.randint(200, 365), "quality": "合格", "passphrase": passphrase_of(codes[i]),
        }, ensure_ascii=False).encode())
    return out


def drive(*, tender: int, tokens: list[str], payloads: list[bytes], send_at: list[float]) -> list[dict[str, Any]]:
    """One thread per client; each sends at its wall-clock moment and records what came back."""
    results: list[dict[str, Any]] = [{} for _ in tokens]

    def client(i: int) -> None:
        delay = send_at[i] - time.time()
        if delay > 0:
            time.sleep(delay)
        sent = time.time()
        t0 = time.perf_counter()
        r: dict[str, Any] = {"planned": send_at[i], "sent": sent}
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=900)
            conn.request("POST", f"{API}/tenders/{tender}/bids", body=payloads[i],
                         headers={"Content-Type": "application/json", "Authorization": f"Bearer {tokens[i]}"})
            resp = conn.getresponse()
            data = resp.read()
            r["status"] = resp.status
            try:
                r["body"] = json.loads(data)
            except ValueError:
                r["body"] = {"raw": data[:2000].decode(errors="replace")}
            conn.close()
        except Exception as exc:  # noqa: BLE001 - counted and reported
            r["status"] = 0
            r["body"] = {"error": repr(exc)[:200]}
        r["latency"] = time.perf_counter() - t0
        r["done"] = time.time()
        results[i] = r

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def run_db(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    with database(kind) as env:
        log(f"{kind}: preparing {args.bidders} + {args.late} bidders")
        prep = run_child("trading_uploads.py", ["prepare", "--bidders", str(args.bidders), "--late", str(args.late)],
                         env)
        n = args.bidders + args.late
        codes = [b["credit_code"] for b in prep["bidders"]]
        tokens = [b["token"] for b in prep["bidders"]]
        log(f"{kind}: prepared in {prep['seconds']:.1f} s; building {n} request bodies")
        payloads = bodies(n=n, section=prep["section"], codes=codes, min_kb=args.min_kb, max_kb=args.max_kb,
                          seed=31)
        log_path = Path(env["ZHENGWU_VAR"]) / "gunicorn.log"
        server = start_server(env, log_path)
        try:
            lead = 12.0  # seconds for the deadline child and the client threads before the window opens
            deadline = time.time() + lead + args.window
            run_child("trading_uploads.py", ["deadline", "--tender", str(prep["tender"]), "--deadline",
                                             datetime.fromtimestamp(deadline).astimezone().isoformat()], env)
            rng = random.Random(47)
            send_at = [deadline - args.window + rng.uniform(0, args.window) for _ in range(args.bidders)]
            send_at += [deadline + rng.uniform(0.2, LATE_SPREAD) for _ in range(args.late)]
            log(f"{kind}: window opens in {deadline - args.window - time.time():.1f} s, deadline in "
                f"{deadline - time.time():.1f} s")
            database_name = env["DATABASE_URL"].rsplit("/", 1)[1] if "DATABASE_URL" in env else None
            before, client_before = cpu_seconds(master=server.pid, database=database_name), os.times()
            results = drive(tender=prep["tender"], tokens=tokens, payloads=payloads, send_at=send_at)
            after, client_after = cpu_seconds(master=server.pid, database=database_name), os.times()
        finally:
            stop_server(server)
        cpu = cpu_used(before, after)
        cpu["clients"] = ((client_after.user + client_after.system)
                          - (client_before.user + client_before.system))
        exceptions = server_errors(log_path)
        log(f"{kind}: all answered {max(r['done'] for r in results) - deadline:+.1f} s after the deadline; verifying")
        verify_args = ["verify", "--tender", str(prep["tender"])] + (["--open"] if args.open else [])
        check = run_child("trading_uploads.py", verify_args, env)
    return summarize(kind, args, results=results, check=check, codes=codes, deadline=deadline, cpu=cpu,
                     exceptions=exceptions,
                     payload_bytes=[len(p) for p in payloads])


# --- figures -------------------------------------------------------------------------------------------

def summarize(kind: str, args: argparse.Namespace, *, results: list[dict[str, Any]], check: dict[str, Any],
              codes: list[str], deadline: float, payload_bytes: list[int], cpu: dict[str, float],
              exceptions: dict[str, int]) -> dict[str, Any]:
    db = {b["id"]: b for b in check["bids"]}
    on_time = [(i, r) for i, r in enumerate(results) if r["sent"] < deadline]
    late = [(i, r) for i, r in enumerate(results) if r["sent"] >= deadline]
    accepted = [(i, r) for i, r in results_with(results, 201)]
    refused_deadline = [(i, r) for i, r in enumerate(results)
                        if r["status"] == 409 and r["body"].get("code") == "rule.bid_after_deadline"]
    errors = [(i, r) for i, r in enumerate(results)
              if r["status"] != 201 and not (r["status"] == 409 and r["body"].get("code") == "rule.bid_after_deadline")]
    lost, mismatched = [], []
    receipts = set()
    for i, r in accepted:
        receipt = r["body"]
        receipts.add(receipt["bid_id"])
        row = db.get(receipt["bid_id"])
        if row is None:
            lost.append(i)
            continue
        same = (row["digest"] == receipt["digest"] == row["sm3"] and row["size"] == receipt["size"] == row["stored_size"]
                and row["credit_code"] == codes[i] and row["status"] == "sealed"
                and same_moment(row["received_at"], receipt["received_at"]))
        if not same:
            mismatched.append(i)
            if len(mismatched) == 1:
                log(f"first mismatch: receipt {receipt} row {row} bidder {codes[i]}")
    orphans = sorted(set(db) - receipts)
    stamped_after = [b for b in check["bids"] if datetime.fromisoformat(b["received_at"]).timestamp() >= deadline]
    late_refused = [i for i, r in late if r["status"] == 409 and r["body"].get("code") == "rule.bid_after_deadline"]
    in_time_refused = [i for i, r in on_time if r["status"] == 409 and r["body"].get("code") == "rule.bid_after_deadline"]
    lat = [r["latency"] for _, r in accepted]
    lag = [datetime.fromisoformat(r["body"]["received_at"]).timestamp() - r["sent"] for _, r in accepted]
    first = min(r["sent"] for _, r in on_time) if on_time else deadline
    last = max(r["done"] for _, r in accepted) if accepted else first
    acc_bytes = sum(payload_bytes[i] for i, _ in accepted)
    out = {
        "kind": kind, "on_time": len(on_time), "late": len(late), "accepted": len(accepted),
        "accepted_on_time": sum(1 for i, _ in accepted if results[i]["sent"] < deadline),
        "accepted_late": sum(1 for i, _ in accepted if results[i]["sent"] >= deadline),
        "late_refused": len(late_refused), "in_time_refused": len(in_time_refused),
        "refused_deadline": len(refused_deadline), "errors": len(errors),
        "first_error": short(errors[0][1]["body"]) if errors else None,
        "error_statuses": sorted({r["status"] for _, r in errors}),
        "lost": len(lost) + len(mismatched) + len(orphans), "missing": len(lost), "mismatched": len(mismatched),
        "orphans": len(orphans), "db_bids": len(db), "stamped_after": len(stamped_after),
        "audit_ok": check["audit_ok"], "audit_events": check["audit_events"],
        "p50": pct(lat, .50), "p95": pct(lat, .95), "p99": pct(lat, .99), "max": max(lat) if lat else float("nan"),
        "lag_p50": median(lag), "lag_p99": pct(lag, .99), "lag_max": max(lag) if lag else float("nan"),
        "late_latency_max": max((r["latency"] for _, r in late), default=float("nan")),
        "rate": len(accepted) / (last - first) if last > first else float("nan"),
        "mb_per_s": acc_bytes / 1e6 / (last - first) if last > first else float("nan"),
        "busy_seconds": last - first, "drained_after_deadline": last - deadline,
        "payload_mb_mean": sum(payload_bytes) / len(payload_bytes) / 1e6,
        "cpu": cpu, "requests": len(results), "exceptions": exceptions,
        "open_seconds": check.get("open_seconds"), "opened": check.get("opened"), "open_rows": check.get("open_rows"),
    }
    log(json.dumps(out, ensure_ascii=False, default=str))
    return out


def short(body: dict[str, Any]) -> str:
    """An error body in a few words: the platform's code and message, or the title of an HTML page."""
    if "code" in body:
        return f"{body['code']}: {str(body.get('message', ''))[:80]}"
    raw = str(body.get("raw") or body.get("error") or body)
    title = re.search(r"<title>(.*?)</title>", raw, re.S)
    return f"HTML page “{title.group(1).strip()}”" if title else raw[:120]


def same_moment(stored: str, shown: str) -> bool:
    """The receipt's time is shown to the millisecond (the API's JSON); the row holds microseconds."""
    a, b = datetime.fromisoformat(stored), datetime.fromisoformat(shown)
    return a.replace(microsecond=a.microsecond // 1000 * 1000) == b


def results_with(results: list[dict[str, Any]], status: int):
    return ((i, r) for i, r in enumerate(results) if r["status"] == status)


def s(value: float) -> str:
    return f"{value:.2f}"


def render(args: argparse.Namespace, runs: list[dict[str, Any]], note: str) -> str:
    rows, lines, crow = [], [], []
    for r in runs:
        label = "SQLite (WAL)" if r["kind"] == "sqlite" else postgres_version(ADMIN_DSN)
        rows.append([label, r["on_time"], r["accepted_on_time"], r["in_time_refused"], r["late"],
                     f"{r['late_refused']} / {r['late']}", r["lost"], r["errors"],
                     f"{s(r['p50'])} / {s(r['p95'])} / {s(r['p99'])} / {s(r['max'])}",
                     f"{r['rate']:.1f} ({r['mb_per_s']:.1f} MB/s)",
                     f"{s(r['lag_p50'])} / {s(r['lag_p99'])} / {s(r['lag_max'])}",
                     "intact" if r["audit_ok"] else "**broken**"])
        verdict = ("no bid lost" if r["lost"] == 0 else
                   f"**{r['lost']} lost** ({r['missing']} receipts without a row, {r['mismatched']} rows differing "
                   f"from their receipt, {r['orphans']} rows without a receipt)")
        late_ok = ("every late client refused with `rule.bid_after_deadline`" if r["late_refused"] == r["late"]
                   else f"**only {r['late_refused']} of {r['late']} late clients refused**")
        text = (f"* {label}: {r['accepted']} of {r['on_time']} on-time uploads accepted, {verdict}, {late_ok}. "
                f"Accepted uploads took {s(r['p50'])} s at the median and {s(r['p99'])} s at p99 (max "
                f"{s(r['max'])} s), at {r['rate']:.1f} bids/s while the window lasted; the last answer came "
                f"{r['drained_after_deadline']:+.1f} s from the deadline.")
        if r["in_time_refused"]:
            text += (f" **{r['in_time_refused']} clients that sent before the deadline were refused as late**: the "
                     f"application reached their requests only after it: the receipt time is stamped when the "
                     f"application starts on a request (`core.middleware.ReceivedAtMiddleware`), and these waited "
                     f"in gunicorn's queue (2 workers × 8 threads) past the deadline; behind a body-buffering proxy "
                     f"with `ZHENGWU_REQUEST_START_HEADER` the proxy's stamp counts instead (no proxy in this run). "
                     f"p99 of that wait for accepted bids: {s(r['lag_p99'])} s.")
        else:
            text += (f" Between a client's send and the server's receipt time at most {s(r['lag_max'])} s passed, "
                     f"so no client that sent in time was refused.")
        if r["errors"]:
            causes = "; ".join(f"`{line}` × {n}" for line, n in sorted(r["exceptions"].items(), key=lambda kv: -kv[1]))
            text += (f" **{r['errors']} upload(s) failed** with status {', '.join(map(str, r['error_statuses']))} "
                     f"({r['first_error']}); the server's log says: {causes or 'nothing'}. Such a client has no "
                     f"receipt and no bid is stored: not lost, but refused for no rule.")
        if r.get("open_seconds") is not None:
            text += (f" Opening all {r['open_rows']} bids afterwards (`tender_open`, bidder mode): "
                     f"{r['open_seconds']:.1f} s, {r['opened']} opened.")
        lines.append(text)
        c = r["cpu"]
        server = c["workers"] + c["postgres"]
        crow.append([label, r["requests"], f"{c['workers']:.1f}", f"{c['postgres']:.1f}" if r["kind"] != "sqlite"
                     else "(in the workers)", f"{server / r['requests'] * 1000:.0f}",
                     f"{server / max(r['accepted'], 1) * 1000:.0f}", f"{server / r['busy_seconds']:.2f}",
                     f"{c['clients']:.1f}"])
    for r in runs:
        server = r["cpu"]["workers"] + r["cpu"]["postgres"]
        per_request, per_bid = server / r["requests"], server / max(r["accepted"], 1)
        lines.append(
            f"* {'SQLite' if r['kind'] == 'sqlite' else 'PostgreSQL'}: the server spent {per_request * 1000:.0f} ms "
            f"of CPU per request ({per_bid * 1000:.0f} ms per accepted bid if the refused requests, which read and "
            f"parse the body but seal nothing, are counted against the accepted ones). At that cost two otherwise "
            f"idle cores would take roughly {2 / per_bid:.0f}–{2 / per_request:.0f} uploads/s, against the "
            f"{args.bidders / args.window:.1f}/s that {args.bidders} bids in {args.window:.0f} s need; during this "
            f"run the server got {server / r['busy_seconds']:.2f} of the 2 cores on average.")
    return (f"`POST /api/v1/trading/tenders/{{id}}/bids` through gunicorn (2 workers × 8 threads, gthread) on "
            f"loopback, one new connection per upload, each bidder with its own API token. {args.bidders} on-time "
            f"clients send uniformly over the {args.window:.0f} s before the deadline, {args.late} late clients "
            f"over the {LATE_SPREAD:.0f} s after it; all client threads started before the window opens and run "
            f"on the same 2-core machine. Bid files of {args.min_kb}–{args.max_kb} KB of seeded random bytes "
            f"(base64 JSON bodies of {runs[0]['payload_mb_mean']:.2f} MB on average), bidder mode (one scrypt "
            f"per bid). The deadline is set by a direct `UPDATE` of the tender to wall-clock time + "
            f"{12 + args.window:.0f} s (the benchmark's shortcut around the 20-day rule). *Refused in time*: "
            f"sent before the deadline, refused with `rule.bid_after_deadline`. *Lost*: an accepted receipt "
            f"whose bid is missing from the database or differs from it (SM3 of the stored ciphertext, size, "
            f"bidder, time to the millisecond shown), or a bid without a receipt. Latency: send to answer, accepted uploads. *Send → "
            f"receipt time*: the client's send time to the server's `received_at`. {note}\n\n"
            + table(["database", "on-time clients", "accepted", "refused in time", "late clients",
                     "refused late", "lost", "other errors", "latency p50 / p95 / p99 / max s",
                     "bids/s in the window", "send → receipt time p50 / p99 / max s", "audit chain"], rows)
            + "\n\nCPU time from the start of the window to the last answer (from /proc: the gunicorn workers, "
              "all threads; the PostgreSQL backends of the benchmark's database), and how many of the two cores "
              "the server (workers + backends) used on average while the window lasted:\n\n"
            + table(["database", "requests", "workers CPU s", "PostgreSQL backends CPU s",
                     "server CPU per request ms", "per accepted bid ms", "cores used", "client threads CPU s"],
                    crow)
            + "\n\nWhat these figures say:\n\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=500)
    parser.add_argument("--late", type=int, default=20)
    parser.add_argument("--window", type=float, default=60)
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--min-kb", type=int, default=150)
    parser.add_argument("--max-kb", type=int, default=750)
    parser.add_argument("--open", action="store_true", help="open the tender afterwards (timed)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("step", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--tender", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--deadline", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        {"prepare": child_prepare, "deadline": child_deadline, "verify": child_verify}[args.step](args)
        return
    start = start_state()
    runs = [run_db(kind, args) for kind in args.db.split(",") if kind]
    body = render(args, runs, load_note(start))
    command = (f"nice python bench/trading_uploads.py --bidders {args.bidders} --late {args.late} "
               f"--window {args.window:g} --db {args.db} --min-kb {args.min_kb} --max-kb {args.max_kb}"
               + (" --open" if args.open else ""))
    write_section("trading_uploads", f"Sealed bids: {args.bidders} uploads in the last minute before the deadline",
                  body, command=command)
    print(body)


if __name__ == "__main__":
    main()
