"""The audit trail at district scale on PostgreSQL: its reads on the partitioned table, and the time a populated
database is locked while the migrations partition it.

    nice python bench/audit_scale.py [--cases 613000] [--events-per-case 5] [--runs 20] [--no-write]

In one throwaway database (created and dropped, like bench/audit_chain.py), migrated, so ``cases_case`` and
``core_auditevent`` are partitioned by year (zhengwu.core.partitions):

1. *Data.* One district-year of cases, reviews, bad-review handlings and reminders from ``bench/ranking_data.py``
   (the ranking benchmark's generator, COPY), and an audit trail of up to ``--events-per-case`` events per case
   (``case.receive``, ``case.accept``, ``case.start``, ``case.approve``, ``review.submit``: as many as the case
   reached, at its own moments) plus ``--rare`` events of a rare action, COPYed through the partitioned parent.
   Chains and digests are filled but do not form a valid chain (verifying is bench/audit_chain.py's business).
2. *Reads*, each as the product makes it, warm: one unmeasured run, then the median and p95 of ``--runs``:
   a case's timeline (``audit.events_for``: the case page and the bad-review page); the audit API of the audit
   administrator (``GET /api/v1/core/audit/events``: the latest 100; by object; by a frequent action; by a rare
   action; by an object id alone); the Django admin's list of the trail (unfiltered, by action, searched by an
   object id); ``partitions.partition_list``. Each with the plan's root and the partitions it read (EXPLAIN
   ANALYZE of the query's SQL).
3. *Conversion.* ``partitions.unconvert`` then ``partitions.convert`` of both tables with their rows: the second
   is what migrations core 0008 and cases 0003 do to a populated database, in one locked transaction each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.pages import pct  # noqa: E402
from bench.report import log, postgres_version, table, write_section  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
RARE_ACTION = "backup.restore"
EVENT_COLUMNS = ("chain", "seq", "created_at", "actor_label", "action", "object_type", "object_id", "from_state",
                 "to_state", "reason", "payload", "request_id", "ip", "origin", "digest")


# --- the trail -------------------------------------------------------------------------------------------------


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text)


def case_events(case_id: int, received: str, completed: str | None, reviewed: str | None, n: int,
                rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    """(moment, action, object type, from state, to state) of one case's trail, as far as the case got."""
    start = _when(received)
    steps = [(start, "case.receive", "", "received"),
             (start + timedelta(minutes=rng.randint(2, 90)), "case.accept", "received", "accepted"),
             (start + timedelta(minutes=rng.randint(91, 600)), "case.start", "accepted", "processing")]
    if completed:
        steps.append((_when(completed), "case.approve", "processing", "completed"))
    out = [(at.isoformat(), action, "cases.case", before, after) for at, action, before, after in steps]
    if reviewed:
        out.append((_when(reviewed).isoformat(), "review.submit", "reviews.review", "", ""))
    return out[:n]


def load_trail(dsn: str, *, per_case: int, rare: int, seed: int) -> dict[str, Any]:
    """COPY the trail of every case (read back from cases_case and reviews_review) into core_auditevent."""
    import psycopg

    rng = random.Random(seed)
    chains = 16
    written = 0
    started = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as read, conn.cursor() as write:
            read.execute("SET TimeZone = 'Asia/Shanghai'")
            read.execute("SELECT c.id, c.received_at, c.completed_at, min(r.created_at) FROM cases_case c "
                         "LEFT JOIN reviews_review r ON r.case_id = c.id GROUP BY c.id, c.received_at, c.completed_at ORDER BY c.id")
            rows = read.fetchall()
            with write.copy(f"COPY core_auditevent ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                buffer: list[str] = []
                for case_id, received, completed, reviewed in rows:
                    events = case_events(case_id, received.isoformat(), completed and completed.isoformat(),
                                         reviewed and reviewed.isoformat(), per_case, rng)
                    for moment, action, object_type, before, after in events:
                        object_id = case_id if object_type == "cases.case" else f"r{case_id}"
                        buffer.append("\t".join((
                            str(written % chains), str(written // chains), moment, f"clerk{case_id % 400}",
                            action, object_type, str(object_id), before, after, "", "{}",
                            f"{rng.getrandbits(64):016x}", f"10.0.{case_id % 250}.{case_id % 200 + 1}", "web",
                            f"{written:064x}")))
                        written += 1
                    if len(buffer) >= 20_000:
                        copy.write("\n".join(buffer) + "\n")
                        buffer.clear()
                for k in range(rare):
                    moment = (datetime(2023, 1, 1, 9) + timedelta(days=k * 360 // max(rare, 1))).isoformat() + "+08:00"
                    buffer.append("\t".join((str(written % chains), str(written // chains), moment, "ops",
                                             RARE_ACTION, "core.backup", str(k), "", "", "", "{}", "0" * 16,
                                             "10.0.0.1", "cli", f"{written:064x}")))
                    written += 1
                copy.write("\n".join(buffer) + "\n")
        conn.commit()
    seconds = time.perf_counter() - started
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("ANALYZE core_auditevent")
        actions = dict(conn.execute("SELECT action, count(*) FROM core_auditevent GROUP BY action").fetchall())
    return {"events": written, "seconds": seconds, "cases": len(rows), "actions": actions}


# --- reads -----------------------------------------------------------------------------------------------------


def timed_runs(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"p50": statistics.median(times), "p95": pct(times, 0.95)}


def plan_of(sql: str, params: Any) -> dict[str, Any]:
    """The root node, the partitions read and the buffers of EXPLAIN ANALYZE of one captured query."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    nodes, partitions, with_rows, index_names = [plan["Plan"]], set(), set(), set()
    rows_read = 0
    while nodes:
        node = nodes.pop()
        relation = node.get("Relation Name", "")
        if relation.startswith("core_auditevent_"):
            partitions.add(relation)
            # both figures are per loop (a parallel scan: one loop per process)
            read = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
            rows_read += read
            if read:
                with_rows.add(relation.rsplit("_", 1)[-1])
        if node.get("Index Name"):
            # the partitions' copies of one index differ only by the partition's name: keep the parent's part
            index_names.add(re.sub(r"^core_auditevent_(y\d{4}|default)_", "", node["Index Name"]))
        nodes.extend(node.get("Plans", []))
    return {"root": plan["Plan"]["Node Type"], "partitions": len(partitions), "with_rows": sorted(with_rows),
            "rows_read": rows_read, "indexes": sorted(index_names), "ms": plan.get("Execution Time"),
            "sql": sql, "explain": plan}


def captured(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    from django.db import connection

    seen: list[tuple[str, Any]] = []

    def keep(execute, sql, params, many, context):
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        fn()
    return seen


def heaviest_plan(fn: Callable[[], Any]) -> dict[str, Any]:
    """The plan of the slowest SELECT touching the trail among the queries ``fn`` makes."""
    plans = [plan_of(sql, params) for sql, params in captured(fn)
             if sql.lstrip().upper().startswith("SELECT") and "core_auditevent" in sql]
    return max(plans, key=lambda p: p["ms"] or 0) if plans else {"root": "—", "partitions": 0, "with_rows": [],
                                                                 "rows_read": 0, "indexes": [], "ms": None}


def reads(runs: int, seed: int) -> list[dict[str, Any]]:
    from django.test import Client

    from zhengwu.core import audit
    from zhengwu.core.models import AuditEvent
    from zhengwu.core.partitions import partition_list
    from zhengwu.org.models import User
    from zhengwu.org.roles import Role

    rng = random.Random(seed)
    top = AuditEvent.objects.filter(object_type="cases.case").order_by("-id").values_list("object_id", flat=True)[0]
    case_ids = [str(rng.randint(1, int(top))) for _ in range(runs + 1)]
    ring = iter(case_ids * 1000)
    auditor = User.objects.create(username="bench-auditor", display_name="审计", role=Role.AUDIT_ADMIN)
    staff = User.objects.create(username="bench-staff", display_name="系统", role=Role.SYSTEM_ADMIN,
                                is_staff=True, is_superuser=True)
    api, admin = Client(), Client()
    api.force_login(auditor)
    admin.force_login(staff)
    # the process's first requests load the URL conf, the API and the templates: not part of any read below
    api.get("/api/v1/core/audit/events?object_type=none&object_id=none")
    admin.get("/admin/core/auditevent/?q=none")

    def get(client: Any, path: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
            return response
        return call

    one = case_ids[0]
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("a case's timeline (`audit.events_for`)", lambda: list(audit.events_for(("cases.case", next(ring))))),
        ("API: the latest 100", get(api, "/api/v1/core/audit/events")),
        ("API: one object", get(api, f"/api/v1/core/audit/events?object_type=cases.case&object_id={one}")),
        ("API: a frequent action (`case.accept`)", get(api, "/api/v1/core/audit/events?action=case.accept")),
        (f"API: a rare action (`{RARE_ACTION}`)", get(api, f"/api/v1/core/audit/events?action={RARE_ACTION}")),
        ("API: an object id alone", get(api, f"/api/v1/core/audit/events?object_id={one}")),
        ("admin list, unfiltered", get(admin, "/admin/core/auditevent/")),
        ("admin list, one action", get(admin, "/admin/core/auditevent/?action=case.accept")),
        ("admin list, searched by an object id", get(admin, f"/admin/core/auditevent/?q={one}")),
        ("`partitions.partition_list()`", partition_list),
    ]
    out = []
    for name, fn in cases:
        log(f"read: {name}")
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        figures = timed_runs(fn, runs)
        plan = heaviest_plan(fn)
        out.append({"read": name, "first": first, **figures, "plan": plan})
        log(f"  first {first * 1000:.1f} ms, p50 {figures['p50'] * 1000:.1f} ms, p95 {figures['p95'] * 1000:.1f} ms;"
            f" {plan['root']}, {plan['partitions']} partitions, {plan['rows_read']:,} rows read")
    return out


# --- index builds ----------------------------------------------------------------------------------------------


def index_builds() -> list[dict[str, Any]]:
    """Drop and rebuild each index of migration core 0009 on the loaded trail, timed: what the migration costs a
    populated database (writes to the trail wait while each builds)."""
    from django.db import connection

    out = []
    with connection.cursor() as cur:
        for name in ("audit_action_idx", "audit_object_idx", "audit_actor_idx", "audit_request_idx"):
            cur.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
            definition = cur.fetchone()[0]
            # a partitioned table's index reads "ON ONLY" (the parent alone): build it on every partition, as the
            # migration's CREATE INDEX does
            definition = definition.replace(" ON ONLY ", " ON ", 1)
            cur.execute(f'DROP INDEX "{name}"')
            t0 = time.perf_counter()
            cur.execute(definition)
            seconds = time.perf_counter() - t0
            cur.execute("SELECT coalesce(sum(pg_relation_size(inhrelid)), 0) FROM pg_inherits "
                        "WHERE inhparent = %s::regclass", [name])
            size = cur.fetchone()[0]
            log(f"index {name}: {seconds:.1f} s, {size / 2**20:.0f} MB")
            out.append({"index": name, "seconds": seconds, "size": size})
    return out


# --- conversion ------------------------------------------------------------------------------------------------


def conversion() -> list[dict[str, Any]]:
    from django.apps import apps
    from django.db import connection, transaction

    from zhengwu.core import partitions

    out = []
    for table_name, key, model in (("core_auditevent", "created_at", "core.AuditEvent"),
                                   ("cases_case", "received_at", "cases.Case")):
        with connection.cursor() as cur:
            cur.execute("SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                        "WHERE inhparent = %s::regclass", [table_name])
            size = cur.fetchone()[0]
            cur.execute(f"SELECT count(*) FROM {table_name}")  # nosec B608 - a fixed name
            rows = cur.fetchone()[0]
        log(f"unconvert {table_name} ({rows:,} rows)")
        t0 = time.perf_counter()
        with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
            partitions.unconvert(editor, table_name, key, apps, model)
        back = time.perf_counter() - t0
        log(f"convert {table_name}")
        t0 = time.perf_counter()
        with transaction.atomic(), connection.schema_editor(atomic=False) as editor:
            partitions.convert(editor, table_name, key)
        forward = time.perf_counter() - t0
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table_name}")  # nosec B608 - a fixed name
            after = cur.fetchone()[0]
            partitioned = partitions.is_partitioned(cur, table_name)
        log(f"  {table_name}: back {back:.1f} s, forward {forward:.1f} s, rows {rows:,} → {after:,}")
        out.append({"table": table_name, "rows": rows, "after": after, "size": size, "back": back,
                    "forward": forward, "partitioned": partitioned})
    return out


# --- the section -----------------------------------------------------------------------------------------------


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def body(res: dict[str, Any], args: argparse.Namespace, pg: str) -> str:
    trail = res["trail"]
    load = res["load"]
    read_rows = []
    for r in res["reads"]:
        plan = r["plan"]
        where = f" (rows in {', '.join(plan['with_rows'])})" if plan["with_rows"] else ""
        read_rows.append([r["read"], ms(r["first"]), f"**{ms(r['p50'])}**", ms(r["p95"]),
                          f"{plan['root']}; {plan['partitions']} partitions scanned{where}; "
                          f"{plan['rows_read']:,} rows read; {', '.join(plan['indexes']) or 'no index'}"])
    conv_rows = [[c["table"], f"{c['rows']:,}", f"{c['size'] / 2**20:,.0f} MB", f"{c['forward']:.1f} s",
                  f"{c['back']:.1f} s", "yes" if c["after"] == c["rows"] and c["partitioned"] else "**no**"]
                 for c in res["conversion"]]
    return "\n".join([
        f"{pg} with its stock settings. One throwaway database, migrated (`cases_case` and `core_auditevent` "
        f"partitioned by year). Data: one district-year from `bench/ranking_data.py` ({load['cases']:,} cases, "
        f"{load['reviews']:,} reviews, generated and COPYed in {load['copy_seconds']:.1f} s, indexes rebuilt in "
        f"{load['index_seconds']:.1f} s) and its audit trail: {trail['events']:,} events (up to "
        f"{args.events_per_case} per case, as far as each case got, and {args.rare} `{RARE_ACTION}` events; by "
        f"action: {', '.join(f'{a} {n:,}' for a, n in sorted(trail['actions'].items()))}), "
        f"COPYed through the partitioned parent in {trail['seconds']:.1f} s "
        f"({trail['events'] / trail['seconds']:,.0f} events/s). Load average when the reads started: "
        f"{res['load_average']:.1f}.",
        "",
        f"*Reads*, warm: one unmeasured run, then {args.runs} runs (p50 / p95); *first* = the first run after the "
        "data was loaded. The API and admin rows are server time in process (Django's test `Client`, a real "
        "session, every middleware; the audit administrator for the API, a superuser for the admin). *Plan* = "
        "EXPLAIN ANALYZE of the slowest query on the trail the read makes: its root node, the partitions it read, "
        "the rows it read there (returned plus removed by a filter) and the indexes used.",
        "",
        table(["read", "first", "p50", "p95", "plan of its slowest query"], read_rows),
        "",
        "*Index builds* of migration core 0009 on this trail (each dropped, then created again with its own "
        "definition, on every partition; writes to the trail wait while one builds):",
        "",
        table(["index", "build", "size"], [[f"`{i['index']}`", f"{i['seconds']:.1f} s", f"{i['size'] / 2**20:,.0f} MB"]
                                           for i in res["indexes"]]),
        "",
        "*Conversion* of a populated database: `partitions.convert` (what migrations core 0008 and cases 0003 run, "
        "in one transaction that holds an exclusive lock on the table) after `partitions.unconvert` (their "
        "reverse). The tables are unavailable for the forward time: plan the upgrade of a populated district "
        "database as downtime of about that long (the index rebuild is inside it).",
        "",
        table(["table", "rows", "size (with indexes)", "convert (forward)", "unconvert (back)", "rows kept"],
              conv_rows),
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=613_000, help="cases of the district-year")
    parser.add_argument("--events-per-case", type=int, default=5)
    parser.add_argument("--rare", type=int, default=12, help="events of the rare action")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--no-write", action="store_true", help="print, do not write docs/PERFORMANCE.md")
    parser.add_argument("--results", default=str(Path(tempfile.gettempdir()) / "zw-audit-scale-results.json"),
                        help="where the figures and the plans are saved as JSON")
    args = parser.parse_args()
    db = f"zhengwu_bench_{uuid.uuid4().hex[:8]}"
    dsn = ADMIN_DSN.rsplit("/", 1)[0] + "/" + db
    subprocess.run(["psql", ADMIN_DSN, "-qc", f"CREATE DATABASE {db}"], check=True)
    var = Path(tempfile.mkdtemp(prefix="zw-audit-scale-"))
    log(f"database {db}")
    res: dict[str, Any] = {}
    try:
        os.environ.update(DATABASE_URL=dsn, DJANGO_SETTINGS_MODULE="zhengwu.config.settings", ZHENGWU_VAR=str(var),
                          ZHENGWU_DEBUG="0", ZHENGWU_OTP_REQUIRED="0", ZHENGWU_ALLOWED_HOSTS="testserver")
        os.environ.pop("REDIS_URL", None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from bench import ranking_data as data

        call_command("migrate", verbosity=0)
        districts = data.make_org(1, log)
        res["load"] = data.load(dsn, districts, cases_per_district=args.cases, seed=args.seed, log=log)
        connection.close()
        res["trail"] = load_trail(dsn, per_case=args.events_per_case, rare=args.rare, seed=args.seed)
        log(f"trail: {res['trail']['events']:,} events in {res['trail']['seconds']:.1f} s")
        res["load_average"] = os.getloadavg()[0]
        res["reads"] = reads(args.runs, args.seed)
        connection.close()
        res["indexes"] = index_builds()
        res["conversion"] = conversion()
        connection.close()
    finally:
        subprocess.run(["psql", ADMIN_DSN, "-qc", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], check=False)
        shutil.rmtree(var, ignore_errors=True)
    Path(args.results).write_text(json.dumps({"res": res, "args": vars(args)}, indent=1, default=str))
    log(f"figures and plans saved to {args.results}")
    text = body(res, args, postgres_version(ADMIN_DSN))
    print(text)
    if not args.no_write:
        command = (f"nice python bench/audit_scale.py --cases {args.cases} --events-per-case {args.events_per_case} "
                   f"--runs {args.runs}")
        write_section("audit_scale", "Audit trail at district scale, and partitioning a populated database", text,
                      command=command)


if __name__ == "__main__":
    main()
