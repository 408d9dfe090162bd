"""Faults: the real server (gunicorn, 2 workers) and the real worker (huey consumer) are killed with SIGKILL at seeded
moments while client threads post case receipts and sealed bids through the API; then every acknowledged write must be
there exactly once, nothing unacknowledged may be half there, the audit chain must be intact, and the reminder sweep,
killed half-way, must finish after a restart without sending anything twice. The figures go to ``var/faults.json``.

It runs on the engine of the suite, on a throwaway database of its own (the server and the worker are separate
processes, so the suite's own test database is not involved): without ``DATABASE_URL`` a SQLite file under
``tmp_path``; with ``DATABASE_URL`` (the PostgreSQL pass) a database ``zw_faults_<pid>_<random>`` created on that
server and dropped at the end, pass or fail. Huey's queue stays a SQLite file under ``tmp_path`` in both cases (no
``REDIS_URL``). The figures go to ``var/faults.json`` under the engine's key. See docs/faults.md.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from zhengwu.core.tests.throwaway_pg import ThrowawayPostgres

SEED = 20261129
CASE_THREADS = 2
BIDDERS = 16
DUE_CASES = 60
SERVER_KILLS = 3
WORKER_KILLS = 1
BID_FILE_BYTES = 48_000
PASSPHRASE = "fault-test-passphrase-1"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")


# --- inside the subprocesses (the fault database's own settings) ------------------------------------------------

def setup_world(out: str) -> None:
    """Migrate the throwaway database and create the people, the item, an open tender with its registered bidders,
    and ``DUE_CASES`` overdue cases that the reminder sweep must remind about. Writes tokens and ids to ``out``."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zhengwu.cases import services as cases
    from zhengwu.cases.testing import VALID_ID
    from zhengwu.core import context
    from zhengwu.core.testing import make_department, make_user
    from zhengwu.core.tokens import token_create
    from zhengwu.org.roles import Role
    from zhengwu.trading import services as trading
    from zhengwu.trading.testing import credit, make_project

    with context.outside_request("command:fault_setup"):
        department = make_department(code="FAULT", name="故障测试局")
        make_user(role=Role.DEPARTMENT_LEADER, department=department)
        clerk = make_user(role=Role.WINDOW_CLERK, department=department, username="fault-clerk")
        item = cases.item_create(actor="fault", code="FAULT-1", department=department, name="故障测试事项",
                                 item_type="license", statutory_limit=20, promised_limit=3)
        _, clerk_token = token_create(user=clerk, name="fault", actor="fault")
        long_ago = timezone.now() - timedelta(days=60)
        for i in range(DUE_CASES):
            case, _ = cases.case_receive(actor=clerk, item=item, channel="window", applicant_kind="person",
                                         applicant_name=f"逾期{i:04d}", id_number=VALID_ID, received_at=long_ago)
            cases.case_transition(actor=clerk, case=case, action="accept", now=long_ago + timedelta(hours=1))
        project = make_project()
        section = project.sections.get()
        now = timezone.localtime()
        tender = trading.tender_create(actor="fault", project=project, title="故障测试招标", documents_issued_at=now,
                                       on_sale_from=now.date(), on_sale_to=now.date() + timedelta(days=4),
                                       bid_deadline=now + timedelta(days=20), deposits={section.pk: "80000"})
        tender = trading.tender_publish(actor="fault", tender=tender)
        bidders = []
        for i in range(BIDDERS):
            registration = trading.bidder_register(actor="fault", tender=tender, section=section,
                                                   credit_code=credit(7000 + i), name=f"故障测试{i}建设有限公司")
            user = make_user(role=Role.ENTERPRISE_USER, enterprise=registration.enterprise)
            bidders.append({"registration": registration.pk, "token": token_create(user=user, name="fault",
                                                                                   actor="fault")[1]})
    Path(out).write_text(json.dumps({"clerk_token": clerk_token, "item_id": item.pk, "tender_id": tender.pk,
                                     "section_id": section.pk, "bidders": bidders}))


def enqueue_sweep() -> None:
    """Put one reminder sweep on the worker's queue (the periodic job, enqueued now instead of at minute 0)."""
    from zhengwu.core.tasks import reminders_sweep

    reminders_sweep()


# --- processes ------------------------------------------------------------------------------------------------

class World:
    """The throwaway database, the environment of the subprocesses, and the server and worker processes.

    The engine is the suite's: PostgreSQL when ``DATABASE_URL`` is set (a database of its own on that server, created
    here and dropped by :meth:`close`), else a SQLite file under ``tmp_path``. Huey's queue is the settings' SQLite
    file under ``ZHENGWU_VAR`` (= ``tmp_path``) either way, so the worker consumes what the server enqueues."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        suite_url = os.environ.get("DATABASE_URL")
        self.engine = "postgresql" if suite_url else "sqlite"
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(DJANGO_SETTINGS_MODULE="zhengwu.config.settings", ZHENGWU_VAR=str(tmp_path),
                        ZHENGWU_HUEY_IMMEDIATE="0", ZHENGWU_LOG_LEVEL="ERROR", PYTHONUNBUFFERED="1")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.server_starts = 0
        self.worker_starts = 0
        self.pg: ThrowawayPostgres | None = None  # the PostgreSQL database while it exists
        if suite_url:  # last: once the database exists, close() must drop it
            self.pg = ThrowawayPostgres(suite_url, "zw_faults")
            self.env["DATABASE_URL"] = self.pg.url
        else:
            self.db = tmp_path / "faults.sqlite3"
            self.env["ZHENGWU_SQLITE_PATH"] = str(self.db)

    def python(self, code: str) -> None:
        prelude = "import django; django.setup(); from zhengwu.core.tests import test_faults as f; "
        done = subprocess.run([sys.executable, "-c", prelude + code], env=self.env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.dir / log, "ab")
        try:
            return subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=self.dir)
        finally:
            out.close()

    def start_server(self) -> None:
        self.server_starts += 1
        config = self.dir / "gunicorn_conf.py"
        config.write_text(GUNICORN_CONF)
        self.server = self._spawn([sys.executable, "-m", "gunicorn", "zhengwu.config.wsgi", "--workers", "2",
                                   "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "--preload",
                                   "--config", str(config), "--control-socket", str(self.dir / "gunicorn.ctl")], "server.log")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # up when it answers a request (a 401 without a token)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/api/v1/cases/items")
                if conn.getresponse().status == 401:
                    return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
            finally:
                conn.close()
        raise AssertionError("gunicorn did not start: " + (self.dir / "server.log").read_text()[-2000:])

    def start_worker(self) -> None:
        self.worker_starts += 1
        # the consumer of `zhengwu worker` with the settings' options, minus the periodic scheduler: the sweeps this
        # test enqueues are the only ones, whatever the wall clock says
        self.worker = self._spawn([sys.executable, "-m", "zhengwu", "run_huey", "--workers", "2", "--no-periodic"],
                                  "worker.log")

    @staticmethod
    def _kill(proc: subprocess.Popen | None) -> None:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole group: gunicorn's master and its workers
        if proc is not None:
            proc.wait(timeout=30)

    def kill_server(self) -> None:
        self._kill(self.server)

    def kill_worker(self) -> None:
        self._kill(self.worker)

    def close(self) -> None:
        try:
            self.kill_server()
            self.kill_worker()
        finally:
            if self.pg is not None:
                self.pg.drop()

    def query(self, sql: str, *params: Any) -> list[tuple]:
        """Rows of ``sql`` (portable SQL, ``?`` placeholders) on the fault database, as plain tuples."""
        if self.engine == "sqlite":
            db = sqlite3.connect(self.db, timeout=20)
            try:
                return db.execute(sql, params).fetchall()
            finally:
                db.close()
        if params:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.pg.query(sql, *params)


# Each worker loads the URLs (and the API) before it serves, as a production server warmed up by its first
# requests would; otherwise the first requests after every restart would spend seconds importing.
GUNICORN_CONF = """
def post_worker_init(worker):
    from django.urls import get_resolver

    get_resolver().url_patterns
"""


def call(port: int, path: str, token: str, body: dict) -> tuple[str | int, Any]:
    """POST once. ``("refused", None)``: never reached the server; ``("lost", None)``: sent, no answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        try:
            conn.connect()
        except ConnectionRefusedError:
            return "refused", None
        try:
            conn.request("POST", path, body=json.dumps(body), headers={"Authorization": f"Bearer {token}",
                                                                       "Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            return "lost", None
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data[:200]
    finally:
        conn.close()


# --- the test ---------------------------------------------------------------------------------------------------

@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    try:
        yield w
    finally:
        w.close()


def test_killed_server_and_worker_lose_no_acknowledged_write_and_half_write_nothing(world):
    started = time.monotonic()
    rng = random.Random(SEED)
    world.python(f"f.setup_world({str(world.dir / 'world.json')!r})")
    setup = json.loads((world.dir / "world.json").read_text())
    setup_seconds = time.monotonic() - started
    world.start_server()
    world.start_worker()

    stop = threading.Event()
    cases: list[dict] = []
    bids: list[dict] = []
    refused = [0]
    latency: list[float] = []
    lock = threading.Lock()

    def case_client(t: int) -> None:
        i = 0
        while not stop.is_set():
            key = f"故障{t}-{i:05d}"
            body = {"item_id": setup["item_id"], "channel": "window", "applicant_kind": "person",
                    "applicant_name": key, "id_number": "11010519491231002X"}
            t = time.monotonic()
            status, data = call(world.port, "/api/v1/cases/cases", setup["clerk_token"], body)
            if status == 201:
                with lock:
                    latency.append(time.monotonic() - t)
            if status == "refused":  # the server is down: nothing was sent, the same request is tried again
                with lock:
                    refused[0] += 1
                time.sleep(0.05)
                continue
            with lock:
                cases.append({"key": key, "status": status, "data": data})
            i += 1

    files = [rng.randbytes(BID_FILE_BYTES) for _ in range(BIDDERS)]

    def bid_client() -> None:
        for n, bidder in enumerate(setup["bidders"]):
            body = {"section_id": setup["section_id"], "file_base64": base64.b64encode(files[n]).decode(),
                    "file_name": "bid.pdf", "price": f"{3_800_000 + n}.00", "duration_days": 300,
                    "quality": "合格", "passphrase": PASSPHRASE}
            attempts = []
            while not stop.is_set():
                status, data = call(world.port, f"/api/v1/trading/tenders/{setup['tender_id']}/bids",
                                    bidder["token"], body)
                if status == "refused":
                    with lock:
                        refused[0] += 1
                    time.sleep(0.05)
                    continue
                attempts.append({"status": status, "data": data})
                if status != "lost":
                    break
                time.sleep(0.2)  # no answer: the bidder tries again (the same registration: 201 or 409, never two)
            with lock:
                bids.append({"bidder": n, "registration": bidder["registration"], "attempts": attempts})

    threads = [threading.Thread(target=case_client, args=(t,)) for t in range(CASE_THREADS)]
    threads.append(threading.Thread(target=bid_client))
    for thread in threads:
        thread.start()
    kills = {"server": 0, "worker": 0}
    try:
        # the kills at seeded moments, each 1–3 s after the server is back up (so it serves between them)
        plan = ["server"] * SERVER_KILLS + ["worker"] * WORKER_KILLS
        rng.shuffle(plan)
        t0 = time.monotonic()
        for what in plan:
            time.sleep(rng.uniform(1.0, 3.0))
            if what == "server":
                world.kill_server()
                world.start_server()
            else:
                world.kill_worker()
                world.start_worker()
            kills[what] += 1
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    stream_seconds = time.monotonic() - t0

    # --- the requests against the database -----------------------------------------------------------------
    assert not [c for c in cases if isinstance(c["status"], int) and c["status"] >= 500], "server errors"
    rows: dict[str, list] = {}
    for pk, number, name in world.query("SELECT id, number, applicant_name FROM cases_case "
                                        "WHERE applicant_name LIKE '故障%'"):
        rows.setdefault(name, []).append((pk, number))
    audited = {int(r[0]) for r in world.query("SELECT object_id FROM core_auditevent WHERE action = 'case.receive' "
                                             "AND object_type = 'cases.case'")}
    acked = [c for c in cases if c["status"] == 201]
    lost_requests = [c for c in cases if c["status"] == "lost"]
    writes_lost = [c["key"] for c in acked if len(rows.get(c["key"], [])) == 0]
    duplicates = [k for k, v in rows.items() if len(v) > 1]
    wrong_number = [c["key"] for c in acked if rows.get(c["key"]) and rows[c["key"]][0][1] != c["data"]["number"]]
    half = [k for k, v in rows.items() for pk, number in v if number.startswith("tmp-") or pk not in audited]
    unacked_present = sum(1 for c in lost_requests if rows.get(c["key"]))
    assert all(c["status"] in (201, "lost") for c in cases), {c["status"] for c in cases}
    assert writes_lost == [] and duplicates == [] and wrong_number == [] and half == []
    assert set(rows) <= {c["key"] for c in cases}  # no row for a request never sent

    bid_rows = {r[0]: r for r in world.query("SELECT registration_id, uid, digest, size, length(ciphertext), status, "
                                             "id FROM trading_bid")}
    bid_counts = dict(world.query("SELECT registration_id, count(*) FROM trading_bid GROUP BY registration_id"))
    bid_audited = {int(r[0]) for r in world.query("SELECT object_id FROM core_auditevent WHERE action = 'bid.upload'")}
    bids_acked = [b for b in bids if any(a["status"] == 201 for a in b["attempts"])]
    bid_lost, bid_half = [], []
    for b in bids:
        receipt = next((a["data"] for a in b["attempts"] if a["status"] == 201), None)
        row = bid_rows.get(b["registration"])
        if receipt is not None and (row is None or str(row[1]).replace("-", "") != receipt["bid_uid"].replace("-", "")
                                    or row[2] != receipt["digest"]):
            bid_lost.append(b["bidder"])
        # the uid is a uuid on PostgreSQL, 32 hex digits on SQLite; length(ciphertext) counts bytes on both
        if row is not None and (row[3] != row[4] or row[4] == 0 or row[5] != "sealed" or row[6] not in bid_audited):
            bid_half.append(b["bidder"])
        assert all(a["status"] in (201, 409, "lost") for a in b["attempts"]), b["attempts"]
    bids_sent = sum(len(b["attempts"]) for b in bids)
    bids_unacked = [b for b in bids if b["attempts"] and all(a["status"] == "lost" for a in b["attempts"])]
    assert bid_lost == [] and bid_half == []
    assert all(n == 1 for n in bid_counts.values())  # one sealed bid per bidder, whatever the retries
    assert len(bids) > 0 and len(acked) > 0

    # --- the reminder sweep, killed half-way ------------------------------------------------------------------
    def sent() -> int:
        return world.query("SELECT count(*) FROM core_reminder WHERE kind LIKE 'case%'")[0][0]

    assert sent() == 0
    kill_at = rng.randint(DUE_CASES // 5, DUE_CASES * 3 // 5)
    world.python("f.enqueue_sweep()")
    deadline = time.monotonic() + 60
    while sent() < kill_at and time.monotonic() < deadline:
        time.sleep(0.005)
    world.kill_worker()
    at_kill = sent()
    kills["worker"] += 1
    world.start_worker()
    world.python("f.enqueue_sweep()")
    deadline = time.monotonic() + 90
    while sent() < DUE_CASES and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    world.kill_worker()
    reminders = sent()
    distinct = world.query("SELECT count(*) FROM (SELECT DISTINCT object_type, object_id, kind, stage "
                           "FROM core_reminder WHERE kind LIKE 'case%') AS d")[0][0]
    notify = world.query("SELECT r.id, count(n.id) FROM core_reminder r LEFT JOIN core_notification n "
                         "ON n.reminder_id = r.id GROUP BY r.id")
    audit_sends = world.query("SELECT count(*) FROM core_auditevent WHERE action = 'reminder.send'")[0][0]
    assert 0 < at_kill < DUE_CASES, f"the worker was not killed mid-sweep ({at_kill} of {DUE_CASES} sent)"
    assert reminders == distinct == DUE_CASES
    assert audit_sends == DUE_CASES
    assert {count for _, count in notify} == {2}  # the clerk and the leader, once each

    verify = subprocess.run([sys.executable, "-m", "zhengwu", "audit", "verify"], env=world.env,
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout

    figures = {
        "seed": SEED,
        "requests_sent": len(cases) + bids_sent,
        "case_receipts": {"sent": len(cases), "acknowledged": len(acked), "unacknowledged": len(lost_requests),
                          "unacknowledged_but_complete": unacked_present},
        "bid_uploads": {"bidders": len(bids), "bidders_reached": sum(1 for b in bids if b["attempts"]), "attempts": bids_sent, "acknowledged": len(bids_acked),
                        "retries": sum(max(0, len(b["attempts"]) - 1) for b in bids), "never_acknowledged": len(bids_unacked)},
        "refused_while_down": refused[0],
        "case_receipt_seconds_median": round(sorted(latency)[len(latency) // 2], 3),
        "kills_injected": {**kills, "total": kills["server"] + kills["worker"]},
        "writes_lost": len(writes_lost) + len(bid_lost),
        "duplicates": len(duplicates) + sum(1 for n in bid_counts.values() if n > 1),
        "half_written": len(half) + len(bid_half),
        "reminders": {"due": DUE_CASES, "sent_before_kill": at_kill, "sent_after_restart": reminders,
                      "duplicates": reminders - distinct},
        "audit_chain": verify.stdout.strip(),
        "setup_seconds": round(setup_seconds, 1),
        "stream_seconds": round(stream_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    # one entry per engine: the SQLite pass and the PostgreSQL pass each rewrite their own and keep the other's
    path = Path(settings.VAR_DIR) / "faults.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        recorded = json.loads(path.read_text())
    except (OSError, ValueError):
        recorded = {}
    if not isinstance(recorded, dict) or not set(recorded) <= {"sqlite", "postgresql"}:
        recorded = {}  # the figures of the single-engine format: replaced
    recorded[world.engine] = figures
    path.write_text(json.dumps(recorded, ensure_ascii=False, indent=2))
    print(json.dumps({world.engine: figures}, ensure_ascii=False))
