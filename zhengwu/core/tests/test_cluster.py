"""The cluster: two app servers (gunicorn) and two workers (huey consumers with their periodic scheduler on) against
one PostgreSQL database and one Redis, on loopback. Both schedulers check the same minute's periodic jobs; each job's
tick must run once (core/scheduling.py), every due reminder must exist once, the week's evaluation publication once;
a session opened on one app server must be valid on the other (sessions in Redis); the audit chain must verify.

PostgreSQL only (``DATABASE_URL=postgres://...``; skipped on SQLite): a throwaway database
``zw_cluster_<pid>_<random>`` on that server, dropped at the end. Redis: the server of ``REDIS_URL`` (else
127.0.0.1:6379) on the spare database ``ZHENGWU_CLUSTER_REDIS_DB`` (default 13), flushed at the end (that database
only); skipped if Redis does not answer. The periodic jobs under test are made due every minute
(``ZHENGWU_PERIODIC_EVERY_MINUTE``), so the real scheduler ticks within the test. Figures go to ``var/cluster.json``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from zhengwu.core.tests.throwaway_pg import ThrowawayPostgres

DUE_CASES = 40
PASSWORD = "Cluster-test-pass-1"
CLERK = "cluster-clerk"
UNDER_TEST = ("zhengwu.core.tasks.reminders_sweep", "zhengwu.evaluation.tasks.prepare_weekly_drafts")
REDIS_DB = int(os.environ.get("ZHENGWU_CLUSTER_REDIS_DB") or 13)
MARKER = "zhengwu:cluster-test"  # set in the spare Redis database while the test owns it
START_SECONDS = 60  # for the app servers to answer
SETTLE_SECONDS = 75  # for the workers: a second scheduler check if the first two fell in different minutes

SUITE_URL = os.environ.get("DATABASE_URL") or ""
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not SUITE_URL.startswith(("postgres://", "postgresql://")),
        reason="the cluster test needs PostgreSQL (DATABASE_URL=postgres://...)",
    ),
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX process groups"),
]


# --- inside the setup subprocess (the cluster database's own settings) ---------------------------------------


def setup_world(out: str) -> None:
    """Migrate the cluster database; create a department with its leader and a clerk who can log in, an item,
    ``DUE_CASES`` overdue cases the reminder sweep must remind about once each, and an evaluation scheme whose
    last week's publication the Monday job must prepare once."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from zhengwu.cases import services as cases
    from zhengwu.cases.testing import VALID_ID
    from zhengwu.core import context
    from zhengwu.core.testing import make_department, make_user
    from zhengwu.evaluation import services as evaluation
    from zhengwu.evaluation.demo import default_rules
    from zhengwu.org.roles import Role

    with context.outside_request("command:cluster_setup"):
        department = make_department(code="CLUSTER", name="集群测试局")
        make_user(role=Role.DEPARTMENT_LEADER, department=department)
        clerk = make_user(role=Role.WINDOW_CLERK, department=department, username=CLERK, password=PASSWORD)
        item = cases.item_create(
            actor="cluster",
            code="CLUSTER-1",
            department=department,
            name="集群测试事项",
            item_type="license",
            statutory_limit=20,
            promised_limit=3,
        )
        long_ago = timezone.now() - timedelta(days=60)
        for i in range(DUE_CASES):
            case, _ = cases.case_receive(
                actor=clerk,
                item=item,
                channel="window",
                applicant_kind="person",
                applicant_name=f"集群{i:04d}",
                id_number=VALID_ID,
                received_at=long_ago,
            )
            cases.case_transition(actor=clerk, case=case, action="accept", now=long_ago + timedelta(hours=1))
        version = evaluation.scheme_create(actor="cluster", name="集群测试评价办法", rules=default_rules())
        week = evaluation.week_of(timezone.localdate()) - timedelta(days=7)
    Path(out).write_text(json.dumps({"week": week.isoformat(), "scheme": version.scheme_id}))


# --- processes ------------------------------------------------------------------------------------------------

GUNICORN_CONF = """
def post_worker_init(worker):
    from django.urls import get_resolver

    get_resolver().url_patterns
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str:
    base = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(base._replace(path=f"/{REDIS_DB}", query=""))


class Cluster:
    """The throwaway database, the spare Redis database, and the four processes."""

    def __init__(self, tmp_path: Path) -> None:
        import redis

        self.dir = tmp_path
        self.redis_url = _redis_url()
        self.redis = redis.Redis.from_url(self.redis_url, socket_connect_timeout=2, socket_timeout=10)
        try:
            self.redis.ping()
        except redis.RedisError as exc:
            pytest.skip(f"the cluster test needs Redis at {self.redis_url}: {exc}")
        if self.redis.dbsize() and not self.redis.exists(MARKER):
            pytest.fail(
                f"Redis database {REDIS_DB} at {self.redis_url} holds someone else's keys; the cluster test "
                "flushes its database: set ZHENGWU_CLUSTER_REDIS_DB to a spare one"
            )
        self.redis.flushdb()  # only this database: the test's own, or a previous run's left-overs
        self.redis.set(MARKER, "1")
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="zhengwu.config.settings",
            ZHENGWU_VAR=str(tmp_path),
            REDIS_URL=self.redis_url,
            ZHENGWU_HUEY_NAME=f"zw-cluster-{os.getpid()}",
            ZHENGWU_HUEY_IMMEDIATE="0",
            ZHENGWU_LOG_LEVEL="ERROR",
            PYTHONUNBUFFERED="1",
            ZHENGWU_PERIODIC_EVERY_MINUTE=",".join(UNDER_TEST),
        )
        self.pg = ThrowawayPostgres(SUITE_URL, "zw_cluster")
        self.env["DATABASE_URL"] = self.pg.url

    def query(self, sql: str, *params: Any) -> list[tuple]:
        return self.pg.query(sql, *params)

    # --- subprocesses -------------------------------------------------------------------------------------------

    def python(self, code: str, **env: str) -> None:
        prelude = "import django; django.setup(); from zhengwu.core.tests import test_cluster as c; "
        done = subprocess.run(
            [sys.executable, "-c", prelude + code], env={**self.env, **env}, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-3000:]

    def spawn(self, name: str, args: list[str], **env: str) -> None:
        with open(self.dir / f"{name}.log", "ab") as out:
            self.procs[name] = subprocess.Popen(
                args,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.dir,
            )

    def start_app(self, name: str, port: int) -> None:
        config = self.dir / "gunicorn_conf.py"
        config.write_text(GUNICORN_CONF)
        self.spawn(
            name,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zhengwu.config.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
                "--preload",
                "--config",
                str(config),
            ],
        )

    def wait_app(self, name: str, port: int, until: float) -> None:
        while time.monotonic() < until:
            try:
                if request(port, "GET", "/api/v1/cases/items")[0] == 401:
                    return
            except (OSError, http.client.HTTPException):
                time.sleep(0.1)
        raise AssertionError(f"{name} did not start: " + (self.dir / f"{name}.log").read_text()[-2000:])

    def start_worker(self, name: str) -> None:
        # the production command, scheduler on; INFO shows the scheduler's claims and huey's executions
        self.spawn(name, [sys.executable, "-m", "zhengwu", "worker", "--workers", "2"], ZHENGWU_LOG_LEVEL="INFO")

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def close(self) -> None:
        try:
            for proc in self.procs.values():
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)  # the whole group: gunicorn's master and its worker
                proc.wait(timeout=30)
        finally:
            try:
                self.pg.drop()
            finally:
                self.redis.flushdb()  # this database only (never FLUSHALL)
                self.redis.close()


def request(
    port: int, method: str, path: str, *, body: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, list[str]], str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        received: dict[str, list[str]] = {}
        for key, value in response.getheaders():
            received.setdefault(key.lower(), []).append(value)
        return response.status, received, response.read().decode(errors="replace")
    finally:
        conn.close()


def cookies_of(headers: dict[str, list[str]]) -> dict[str, str]:
    return dict(c.split(";", 1)[0].split("=", 1) for c in headers.get("set-cookie", []))


CLAIM = re.compile(r"periodic tick (\S+)@(\d{12}) (claimed|skipped)")
EXECUTED = re.compile(r"(zhengwu\.\S+): ([0-9a-f-]{36}) executed in")


def ticks(log: str) -> list[tuple[str, str, str]]:
    """(task, tick minute, claimed|skipped) of one consumer's scheduler checks."""
    return CLAIM.findall(log)


def executions(logs: list[str]) -> Counter:
    """Runs per task across the consumers (a run is one task id; huey may log a line twice)."""
    return Counter(task for task, _ in {m for log in logs for m in EXECUTED.findall(log)})


# --- the test ---------------------------------------------------------------------------------------------------


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.close()


def test_two_app_servers_and_two_workers_run_each_periodic_tick_once_and_share_sessions(cluster):
    started = time.monotonic()
    cluster.python(f"c.setup_world({str(cluster.dir / 'world.json')!r})", ZHENGWU_HUEY_IMMEDIATE="1")
    world = json.loads((cluster.dir / "world.json").read_text())
    setup_seconds = time.monotonic() - started

    ports = {"app1": _free_port(), "app2": _free_port()}
    for name, port in ports.items():
        cluster.start_app(name, port)
    for name, port in ports.items():
        cluster.wait_app(name, port, time.monotonic() + START_SECONDS)

    # both schedulers check at their start: start them early enough in a minute that both checks fall in it
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    workers_started = time.monotonic()
    for name in ("worker1", "worker2"):
        cluster.start_worker(name)

    # --- sessions: log in through app 1, use the cookie on app 2 -----------------------------------------------
    status, headers, page = request(ports["app1"], "GET", "/login/")
    assert status == 200
    csrf = cookies_of(headers)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = f"username={CLERK}&password={PASSWORD}&csrfmiddlewaretoken={token}"
    status, headers, _ = request(
        ports["app1"],
        "POST",
        "/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
    )
    assert status == 302, "the login was refused"
    session = cookies_of(headers)["sessionid"]
    anonymous = request(ports["app2"], "GET", "/")
    on_app2 = request(ports["app2"], "GET", "/", headers={"Cookie": f"sessionid={session}"})
    on_app1 = request(ports["app1"], "GET", "/", headers={"Cookie": f"sessionid={session}"})
    assert anonymous[0] == 302 and anonymous[1]["location"][0].startswith("/login/")
    assert on_app2[0] == 200 and on_app1[0] == 200
    assert CLERK in on_app2[2] or "窗口" in on_app2[2]  # the clerk's page, not the login form
    assert 'name="password"' not in on_app2[2]

    # --- the periodic jobs: wait until both workers have checked the same tick and the runs are done ------------
    def reminders() -> int:
        return cluster.query("SELECT count(*) FROM core_reminder WHERE kind LIKE 'case%%'")[0][0]

    def publications() -> int:
        return cluster.query("SELECT count(*) FROM evaluation_publication WHERE week_start = %s", world["week"])[0][0]

    def shared_ticks() -> dict[str, set[str]]:
        """Per task under test, the minutes both workers checked."""
        seen = [{(task, minute) for task, minute, _ in ticks(cluster.log(w))} for w in ("worker1", "worker2")]
        both = seen[0] & seen[1]
        return {task: {minute for t, minute in both if t == task} for task in UNDER_TEST}

    def settled() -> bool:
        runs = executions([cluster.log("worker1"), cluster.log("worker2")])
        checked = Counter(t for t, _ in {(t, m) for w in ("worker1", "worker2") for t, m, _ in ticks(cluster.log(w))})
        return (
            all(shared_ticks().values())
            and all(runs[t] >= checked[t] >= 1 for t in UNDER_TEST)
            and reminders() >= DUE_CASES
            and publications() >= 1
        )

    until = workers_started + SETTLE_SECONDS
    while not settled() and time.monotonic() < until:
        time.sleep(0.5)
    time.sleep(1.0)  # a duplicate, if there were one, would have a moment to show
    run_seconds = time.monotonic() - workers_started

    logs = {w: cluster.log(w) for w in ("worker1", "worker2")}
    attempts = [(task, minute, how, w) for w, log in logs.items() for task, minute, how in ticks(log)]
    claims_per_tick = Counter((task, minute) for task, minute, how, _ in attempts if how == "claimed")
    attempts_per_tick = Counter((task, minute) for task, minute, _, _ in attempts)
    runs = executions(list(logs.values()))
    ticks_per_task = Counter(task for task, _ in attempts_per_tick)  # the distinct scheduled runs
    both = shared_ticks()

    assert all(both.values()), f"the two workers never checked the same minute: {attempts}"
    # one run per scheduled tick, counted from the executions (not from the claims)
    duplicates = sum(max(0, runs[task] - ticks_per_task[task]) for task in runs)
    assert duplicates == 0, (runs, ticks_per_task)
    for task in UNDER_TEST:
        assert runs[task] == ticks_per_task[task] >= 1, (task, runs, ticks_per_task)
    assert set(claims_per_tick.values()) == {1}, "a tick was claimed twice"
    assert set(attempts_per_tick) == set(claims_per_tick)  # every tick checked was claimed by one worker

    distinct = cluster.query(
        "SELECT count(*) FROM (SELECT DISTINCT object_type, object_id, kind, stage "
        "FROM core_reminder WHERE kind LIKE 'case%%') AS d"
    )[0][0]
    audit_sends = cluster.query("SELECT count(*) FROM core_auditevent WHERE action = 'reminder.send'")[0][0]
    assert reminders() == distinct == DUE_CASES
    assert audit_sends == DUE_CASES
    assert publications() == 1
    assert cluster.query("SELECT count(*) FROM evaluation_publication")[0][0] == 1

    for proc in cluster.procs.values():
        assert proc.poll() is None, "a process of the cluster died"
    verify = subprocess.run(
        [sys.executable, "-m", "zhengwu", "audit", "verify"],
        env=cluster.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr
    assert "audit chain intact" in verify.stdout

    figures = {
        "processes": {"app_servers": 2, "workers": 2, "postgresql": 1, "redis": 1},
        "periodic": {
            "ticks_attempted": len(attempts),
            "ticks": len(attempts_per_tick),
            "ticks_attempted_by_both_workers": sum(1 for n in attempts_per_tick.values() if n == 2),
            "runs_executed": sum(runs[task] for task in ticks_per_task),
            "runs_per_task": {task.rsplit(".", 1)[-1]: runs[task] for task in sorted(ticks_per_task)},
            "claims_won": {w: sum(1 for *_, how, who in attempts if how == "claimed" and who == w) for w in logs},
            "duplicates": duplicates,
        },
        "reminders": {"due": DUE_CASES, "sent": reminders(), "duplicates": reminders() - distinct},
        "weekly_publication": {"week": world["week"], "rows": publications()},
        "session_shared": {"login_on": "app1", "used_on": "app2", "status": on_app2[0]},
        "audit_chain": verify.stdout.strip(),
        "setup_seconds": round(setup_seconds, 1),
        "workers_to_settled_seconds": round(run_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    path = Path(settings.VAR_DIR) / "cluster.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    print(json.dumps(figures, ensure_ascii=False))
