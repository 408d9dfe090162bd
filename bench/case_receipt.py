"""Case receipt through the API (create + accept) against the bare ceiling, on SQLite and PostgreSQL.

    python bench/case_receipt.py [--seconds 15] [--clients 1,8,32] [--db sqlite,postgres] [--app-processes 1,2]

Starts gunicorn with 2 workers on loopback (production settings path, DEBUG off), drives it
with N client threads on keep-alive connections for a fixed time per run, and reports receipts
per second and p50/p99 latency of one receipt (two requests). The platform path runs with
token authentication, validation, data scopes, the workflow engine and the audit chain; the bare
path (bench/bare.py) does the same database writes with none of that. ``--app-processes 2`` starts
two such gunicorn instances (two app nodes) on two ports against the same database and spreads the
client threads over them (client i talks to port i mod 2). Results go to docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import postgres_version, table, write_section  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
PORT = int(os.environ.get("BENCH_PORT", "8931"))


def prepare(env: dict[str, str]) -> dict:
    """Migrate and create a department, an item, a clerk and a token; return what the clients need."""
    script = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from zhengwu.cases import services
from zhengwu.core.tokens import token_create
from zhengwu.org import services as org
from zhengwu.org.roles import Role
dept = org.department_create(actor="bench", code="BENCH", name="基准测试局")
item = services.item_create(actor="bench", code="BENCH-1", department=dept, name="基准事项", item_type="license",
                            statutory_limit=20, promised_limit=5)
clerk = org.user_create(actor="bench", username="bench_clerk", password=None, role=Role.WINDOW_CLERK, department=dept)
_, raw = token_create(user=clerk, name="bench", actor="bench")
print(json.dumps({"item": item.pk, "department": dept.pk, "token": raw}))
"""
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(env: dict[str, str], port: int = PORT) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "8", "-b", f"127.0.0.1:{port}",
         "--keep-alive", "30", "--log-level", "warning", "zhengwu.config.wsgi:application"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("gunicorn did not start: " + (proc.stderr.read().decode() if proc.stderr else ""))


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def ids(n: int, seed: int) -> list[str]:
    from zhengwu.core.identifiers import make_id_card

    rng = random.Random(seed)
    return [make_id_card(rng=rng) for _ in range(n)]


def drive(*, path: str, clients: int, seconds: float, ctx: dict, id_pool: list[str],
          ports: list[int] | None = None) -> dict:
    ports = ports or [PORT]
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {ctx['token']}"}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def one(conn: http.client.HTTPConnection, method: str, url: str, body: dict | None) -> dict:
        conn.request(method, url, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status >= 300:
            raise RuntimeError(f"{url} -> {resp.status} {data[:200]!r}")
        return json.loads(data)

    def client(n: int) -> None:
        rng = random.Random(n)
        port = ports[n % len(ports)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        barrier.wait()
        while time.perf_counter() < stop_at:
            id_number = rng.choice(id_pool)
            t0 = time.perf_counter()
            try:
                if path == "platform":
                    created = one(conn, "POST", "/api/v1/cases/cases",
                                  {"item_id": ctx["item"], "channel": "window", "applicant_kind": "person",
                                   "applicant_name": "基准申请人", "id_number": id_number})
                    one(conn, "POST", f"/api/v1/cases/cases/{created['id']}/transitions", {"action": "accept"})
                else:
                    created = one(conn, "POST", "/bare/cases",
                                  {"item_id": ctx["item"], "department_id": ctx["department"],
                                   "applicant_name": "基准申请人", "id_number": id_number})
                    one(conn, "POST", f"/bare/cases/{created['id']}/accept", None)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(str(exc)[:200])
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")

    return {"rate": len(latencies) / elapsed, "p50": pct(0.50), "p99": pct(0.99), "n": len(latencies),
            "errors": len(errors), "first_error": errors[0] if errors else ""}


def run_db(kind: str, clients_list: list[int], seconds: float, processes_list: list[int]) -> list[list[object]]:
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ZHENGWU_", "REDIS_URL"))}
    tmp = Path(tempfile.mkdtemp(prefix="zw-bench-"))
    env = {**base_env, "DJANGO_SETTINGS_MODULE": "bench.settings_bench", "ZHENGWU_VAR": str(tmp),
           "PYTHONPATH": str(ROOT)}
    db = None
    if kind == "postgres":
        db = f"zhengwu_bench_{uuid.uuid4().hex[:8]}"
        subprocess.run(["psql", ADMIN_DSN, "-qc", f"CREATE DATABASE {db}"], check=True)
        env["DATABASE_URL"] = ADMIN_DSN.rsplit("/", 1)[0] + "/" + db
    rows = []
    try:
        ctx = prepare(env)
        id_pool = ids(5000, seed=7)
        for processes in processes_list:
            ports = [PORT + i for i in range(processes)]
            servers: list[subprocess.Popen] = []
            try:
                for port in ports:
                    servers.append(start_server(env, port))
                for clients in clients_list:
                    platform = drive(path="platform", clients=clients, seconds=seconds, ctx=ctx, id_pool=id_pool,
                                     ports=ports)
                    bare = drive(path="bare", clients=clients, seconds=seconds, ctx=ctx, id_pool=id_pool,
                                 ports=ports)
                    ratio = platform["rate"] / bare["rate"] if bare["rate"] else float("nan")
                    rows.append([kind, processes, clients, f"{platform['rate']:.1f}",
                                 f"{platform['p50']:.1f} / {platform['p99']:.1f}", f"{bare['rate']:.1f}",
                                 f"{bare['p50']:.1f} / {bare['p99']:.1f}", f"{ratio:.2f}",
                                 platform["errors"] + bare["errors"]])
                    print(rows[-1], platform["first_error"] or bare["first_error"], flush=True)
            finally:
                for server in servers:
                    stop_server(server)
    finally:
        if db:
            subprocess.run(["psql", ADMIN_DSN, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--app-processes", default="1,2",
                        help="app processes (gunicorn instances of 2 workers, one port each) to run, e.g. 1,2")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    processes = [int(p) for p in args.app_processes.split(",")]
    rows = []
    for kind in args.db.split(","):
        rows += run_db(kind, clients, args.seconds, processes)
    body = (f"One receipt = `POST /api/v1/cases/cases` + `POST …/transitions {{accept}}` with a bearer token "
            f"(platform) against `POST /bare/cases` + `POST /bare/cases/{{id}}/accept` (same rows, no layers). "
            f"Each app process is one gunicorn, 2 workers × 8 threads (gthread, keep-alive), on its own loopback "
            f"port; with 2 app processes the client threads alternate between the two ports (as behind a "
            f"round-robin proxy, without the proxy). {args.seconds:.0f} s per cell; the client threads and every "
            f"app process run on the same {os.cpu_count()}-core machine. SQLite in WAL mode; "
            f"{postgres_version(ADMIN_DSN)}.\n\n"
            + table(["database", "app processes", "clients", "platform receipts/s", "p50 / p99 ms", "bare receipts/s",
                     "p50 / p99 ms", "platform / bare", "errors"], rows))
    write_section("case_receipt", "Case receipt through the API", body,
                  command=f"python bench/case_receipt.py --seconds {args.seconds:.0f} --clients {args.clients} "
                          f"--db {args.db} --app-processes {args.app_processes}")
    print(body)


if __name__ == "__main__":
    main()
