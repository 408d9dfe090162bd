"""Server time of the main screens on a demo database: p50/p95 and the queries of each page.

    python bench/pages.py --db PATH_TO_DEMO.sqlite3 [--runs 20] [--no-write]
    python bench/pages.py --scale 0.05 [--runs 20]      # generates a throwaway demo database first

Renders about fifteen main screens (the dashboard, the case inbox, list and one case, reviews and bad reviews, the
evaluation ranking and desk, the village stations, the enterprise demands, the trading projects and one tender,
the supervision flags, the leadership dashboard, the reports, the audit log), each as the demo login that works
with it, ``--runs`` times in a row.

*Server time* is measured in process: Django's test ``Client`` (a real session through the project's session
engine, logged in with ``force_login``; every middleware of the settings runs, DEBUG off, no test-environment
template instrumentation) calls the WSGI handler, and the time is taken around that call. No network, no
gunicorn, no browser: what is left out is the socket, the HTTP parsing and the static files. The first run of
each page is shown apart (caches empty: the leadership dashboard computes its figures then); p50 / p95 are over
the other runs. Queries are counted with ``connection.execute_wrapper`` on the last run.

The database is migrated to the current code first and otherwise only read (a GET may write a session row or a
cache entry). Without ``--db`` a demo database is generated at ``--scale`` into a temporary directory
(``python -m zhengwu demo --no-serve``) and deleted afterwards. Exits non-zero if a screen does not answer 200.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import table, write_section  # noqa: E402


def screens() -> list[tuple[str, str, str]]:
    """(screen, login, path): the objects a detail page shows are picked from the demo data."""
    from django.apps import apps

    case = apps.get_model("cases", "Case").objects.filter(department__code="SCJ").order_by("-pk").first()
    tender = apps.get_model("trading", "Tender").objects.order_by("-pk").first()
    out = [
        ("dashboard (home)", "admin", "/"),
        ("case inbox", "clerk_scj", "/cases/"),
        ("case list", "head_scj", "/cases/list/"),
        ("case detail", "clerk_scj", f"/cases/{case.pk}/" if case else ""),
        ("reviews", "admin", "/reviews/"),
        ("bad reviews", "admin", "/reviews/bad/"),
        ("evaluation ranking", "specialist", "/evaluation/"),
        ("evaluation desk", "specialist", "/evaluation/desk/"),
        ("village stations", "township", "/village/"),
        ("enterprise demands", "admin", "/enterprise/inbox/"),
        ("trading projects", "trading", "/trading/"),
        ("tender detail", "trading", f"/trading/tenders/{tender.pk}/" if tender else ""),
        ("supervision flags", "supervisor", "/supervision/flags/"),
        ("leadership dashboard", "leader", "/leadership/"),
        ("reports", "leader", "/reports/"),
        # The audit log has no HTML screen for the audit administrator (the Django admin is for staff users):
        # its reading is the API's list of the latest 100 events, with the session.
        ("audit log (API, JSON)", "auditor", "/api/v1/core/audit/events?limit=100"),
    ]
    return out


def measure(*, runs: int) -> list[dict]:
    from django.db import connection
    from django.test import Client

    from zhengwu.org.models import User

    results = []
    for name, username, path in screens():
        if not path:
            results.append({"screen": name, "login": username, "path": "(no object in the demo data)",
                            "status": "—", "first": None, "times": [], "queries": None, "kb": None})
            continue
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        times: list[float] = []
        statuses: set[int] = set()
        size = 0
        queries = 0
        for n in range(runs):
            count = [0]

            def counter(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
            statuses.add(response.status_code)
            times.append(elapsed)
            size = len(response.content)
            queries = count[0]
        results.append({"screen": name, "login": username, "path": path, "status": "/".join(map(str, statuses)),
                        "first": times[0], "times": times[1:], "queries": queries, "kb": size / 1024})
        print(f"{name:24} {path:32} {results[-1]['status']:>5} first {times[0] * 1000:8.1f} ms, "
              f"p50 {pct(times[1:], 0.5) * 1000:8.1f} ms, {queries} queries", flush=True)
    return results


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def ms(value: float | None) -> str:
    return "—" if value is None or value != value else f"{value * 1000:,.1f}"


def generate(path: Path, scale: float, var: Path) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ZHENGWU_", "REDIS_URL"))}
    env.update(ZHENGWU_SQLITE_PATH=str(path), ZHENGWU_VAR=str(var), PYTHONPATH=str(ROOT))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "zhengwu", "demo", "--no-serve", "--scale", str(scale)], env=env,
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="a demo SQLite file (generated beforehand)")
    parser.add_argument("--scale", type=float, default=0.05, help="without --db: generate a demo at this scale")
    parser.add_argument("--runs", type=int, default=20, help="renders per screen (the first shown apart)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not touch docs/PERFORMANCE.md")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zw-bench-pages-"))
    try:
        generated = None
        if args.db:
            db = Path(args.db).resolve()
            if not db.exists():
                sys.exit(f"{db} does not exist: generate the demo first (see the docstring).")
        else:
            db = scratch / "demo.sqlite3"
            generated = generate(db, args.scale, scratch)
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)
        os.environ.update(ZHENGWU_SQLITE_PATH=str(db), ZHENGWU_VAR=str(scratch), ZHENGWU_DEBUG="0",
                          ZHENGWU_OTP_REQUIRED="0", ZHENGWU_ALLOWED_HOSTS="testserver",
                          DJANGO_SETTINGS_MODULE="zhengwu.config.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        load = os.getloadavg()[0]
        results = measure(runs=args.runs)
        size_mb = db.stat().st_size / 2**20
        debug = settings.DEBUG
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    rows = [[r["screen"], f"`{r['login']}`", f"`{r['path']}`", r["status"], ms(r["first"]),
             ms(pct(r["times"], 0.5) if r["times"] else None), ms(pct(r["times"], 0.95) if r["times"] else None),
             "—" if r["queries"] is None else r["queries"], "—" if r["kb"] is None else f"{r['kb']:,.0f}"]
            for r in results]
    source = (f"a demo database generated for this run at scale {args.scale} ({generated:.0f} s to generate)"
              if generated is not None else f"the demo database `{Path(args.db).name}`")
    body = "\n".join([
        f"Each screen rendered {args.runs} times in a row as the demo login shown, on {source} "
        f"({size_mb:,.0f} MB, SQLite). Server time in process: Django's test `Client` with a real session "
        f"(`force_login`), every middleware, DEBUG {'on' if debug else 'off'}, no network and no gunicorn; "
        f"*first* = the first render (empty caches), p50 / p95 over the other {args.runs - 1}; queries counted "
        f"on the last render. Load average at the start: {load:.1f}.",
        "",
        table(["screen", "login", "path", "status", "first ms", "p50 ms", "p95 ms", "queries", "KiB"], rows),
    ])
    print(body)
    if not args.no_write:
        command = ("python bench/pages.py " + ("--db DEMO.sqlite3" if args.db else f"--scale {args.scale}")
                   + f" --runs {args.runs}")
        write_section("pages", "Page render times of the main screens", body, command=command)
    bad = [r["screen"] for r in results if r["status"] != "200"]
    if bad:
        sys.exit("screens that did not answer 200: " + ", ".join(bad))


if __name__ == "__main__":
    main()
