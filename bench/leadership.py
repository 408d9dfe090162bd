"""The leadership dashboard and the work report on the full demo district: how long the figures, the dashboard and
the report take, and how the report's figures compare with the seed (DOMAIN.md §13).

    python bench/leadership.py --db PATH_TO_DEMO.sqlite3 [--start 2023-01-01 --end 2023-11-30]

Needs a demo database generated beforehand (``ZHENGWU_SQLITE_PATH=PATH zhengwu demo --no-serve``, about 8–12
minutes at scale 1); it is migrated to the current code first and otherwise only read (reports read, never write;
the generated files go to a temporary directory). Measures, server side:

* the figure registry for the period with the previous year's values, uncached;
* the dashboard page (GET /leadership/ as the center leader): cold (cache cleared: figures, monthly trends and the
  ranking are computed) and warm (from the cache);
* the report: content built from the same figures and written as .docx and .html;
* the seed comparison of ``zhengwu report --compare-seed``.

    python bench/leadership.py --province-db postgres://…/DATABASE [--start 2023-01-01 --end 2023-12-31]

*Province scale*: the case and review figures of the registry (keys ``cases.*`` and ``reviews.*``, with the previous
year's, as the dashboard computes them), each timed, on the province database that ``bench/ranking.py --keep``
leaves behind (82 districts × 613,000 cases; ``bench/run_all.py --province`` runs both). The database is only read,
not migrated. When it does not exist, the section says so and nothing is measured. Written to its own section.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import table, write_section  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="the demo's SQLite file")
    parser.add_argument("--province-db", metavar="DSN", help="the province PostgreSQL database of bench/ranking.py")
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--end", default="2023-11-30")
    parser.add_argument("--no-write", action="store_true", help="print only, do not touch docs/PERFORMANCE.md")
    args = parser.parse_args()
    if args.province_db:
        province(args)
        return
    if not args.db:
        parser.error("--db or --province-db is required")
    if not Path(args.db).exists():
        sys.exit(f"{args.db} does not exist: generate the demo first (see the docstring).")
    scratch = Path(tempfile.mkdtemp(prefix="zw-bench-leadership-"))
    os.environ["ZHENGWU_SQLITE_PATH"] = str(Path(args.db).resolve())
    os.environ["ZHENGWU_VAR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from zhengwu.org.models import User
    from zhengwu.org.roles import Role
    from zhengwu.reports import registry, seed, services
    from zhengwu.reports.management.commands.report import comparison_lines, year_figures

    call_command("migrate", interactive=False, verbosity=0)
    load_before = os.getloadavg()[0]
    setup_test_environment()  # the test client may talk to the app without a host check
    period = registry.Period.parse(args.start, args.end)
    rows: list[list[object]] = []

    started = time.perf_counter()
    figures = registry.values(period)
    figures_s = time.perf_counter() - started
    rows.append([f"all {len(figures.values)} figures, with the previous year's", f"{figures_s:.2f} s"])

    leader = User.objects.filter(role=Role.LEADER, is_active=True).first()
    client = Client()
    client.force_login(leader)
    url = f"/leadership/?start={period.start}&end={period.end}"
    cache.clear()
    started = time.perf_counter()
    cold = client.get(url)
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    warm = client.get(url)
    warm_s = time.perf_counter() - started
    assert cold.status_code == warm.status_code == 200, (cold.status_code, warm.status_code)
    rows.append(["dashboard page, cold (figures, 2 × monthly trends, ranking)", f"{cold_s:.2f} s"])
    rows.append(["dashboard page, warm (from the cache)", f"{warm_s * 1000:.0f} ms"])

    started = time.perf_counter()
    written = services.report_write(period=period, output_dir=scratch, figures=figures)
    report_s = time.perf_counter() - started
    sizes = ", ".join(f"{fmt} {path.stat().st_size / 1024:.0f} KiB" for fmt, path in written.paths.items())
    rows.append([f"report from computed figures: content, .docx and .html ({sizes})", f"{report_s:.2f} s"])

    year = year_figures(period)
    lines, outside = comparison_lines(figures, year=year)
    comparisons = seed.compare(figures, year_figures=year)

    body = [table(["step", "time"], rows), "",
            f"Period {period.label}; demo database `{Path(args.db).name}` "
            f"({Path(args.db).stat().st_size / 2**30:.1f} GiB). The cold dashboard includes computing every figure "
            "again (the registry is not shared with the first step), the monthly trends of four figures for this "
            "year and the last, and the department ranking. Load average when the run started: "
            f"{load_before:.1f} (other work on the machine slows every figure here; an idle run is faster).", "",
            f"Seed comparison (`zhengwu report --compare-seed`): {len(comparisons) - outside} of {len(comparisons)} "
            f"within tolerance; the tolerances are in docs/reports.md.", "", "```", *lines, "```"]
    text = "\n".join(body)
    print(text)
    if not args.no_write:
        write_section("leadership", "Leadership dashboard and the work report on the demo district", text,
                      command=f"python bench/leadership.py --db DEMO.sqlite3 --start {args.start} --end {args.end}")
    print(f"(generated files in {scratch})", file=sys.stderr)


def province(args: argparse.Namespace) -> None:
    """The case and review figures on the province database, each timed; or a note that there is none."""
    title = "Leadership figures at province scale (cases and reviews)"
    shown = args.province_db.rsplit("/", 1)[-1]
    command = f"python bench/leadership.py --province-db postgres://…/{shown} --start {args.start} --end {args.end}"
    probe = subprocess.run(["psql", args.province_db, "-tAc",
                            "select reltuples::bigint from pg_class where relname = 'cases_case'"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0 or not probe.stdout.strip():
        reason = (probe.stderr.strip() or "no cases table").splitlines()[-1].split("FATAL:")[-1].strip()
        text = (f"Not measured: no province database at `{shown}` ({reason})."
                " The province database is the one `bench/ranking.py --districts 82 --cases-per-district 613000 "
                "--keep` fills (about 50 million cases, 38 GB, hours to generate); `python bench/run_all.py "
                "--province` runs the ranking with `--keep`, then this measure, then drops the database. The "
                "district figures are in the section above; the province *ranking* is in the ranking section.")
        print(text)
        if not args.no_write:
            write_section("leadership-province", title, text, command=command)
        sys.exit(f"no province database at {shown}")
    cases_estimate = int(probe.stdout.strip().splitlines()[0])
    scratch = Path(tempfile.mkdtemp(prefix="zw-bench-leadership-"))
    os.environ["DATABASE_URL"] = args.province_db
    os.environ["ZHENGWU_VAR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
    import django

    django.setup()
    from zhengwu.reports import registry

    period = registry.Period.parse(args.start, args.end)
    keys = [f.key for f in registry.figures() if f.key.startswith(("cases.", "reviews."))]
    load_before = os.getloadavg()[0]
    rows: list[list[object]] = []
    total = 0.0
    for key in keys:
        started = time.perf_counter()
        value = registry.values(period, keys=[key])[key]
        seconds = time.perf_counter() - started
        total += seconds
        rows.append([f"`{key}`", value.value, value.previous if value.previous is not None else "—",
                     f"{seconds:.2f} s"])
        print(rows[-1], flush=True)
    rows.append(["**all of them**", "", "", f"**{total:.2f} s**"])
    shutil.rmtree(scratch, ignore_errors=True)  # nothing is written there at province scale
    text = "\n".join([
        f"The registry's case and review figures ({len(keys)}) for {period.label}, each with the same period a year "
        f"earlier (as the dashboard computes them, uncached), on the province database of `bench/ranking.py` "
        f"(`cases_case` ≈ {cases_estimate:,} rows by the planner's estimate; PostgreSQL's stock settings). Load "
        f"average when the run started: {load_before:.1f}.", "",
        table(["figure", "value", "a year earlier", "time"], rows)])
    print(text)
    if not args.no_write:
        write_section("leadership-province", title, text, command=command)


if __name__ == "__main__":
    main()
