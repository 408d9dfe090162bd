"""Run every benchmark of bench/ and write docs/PERFORMANCE.md: each benchmark's section, and a summary on top.

    python bench/run_all.py --quick                # everything at small scale (about 10–15 minutes on 2 cores)
    python bench/run_all.py                        # district scale (a few hours)
    python bench/run_all.py --province             # adds the 50-million-case ranking (many hours, ~40 GB)
    python bench/run_all.py --quick --only pages,leadership

Each part is the existing script, run as a subprocess with bounded arguments for the chosen scale; the script writes
its own section of docs/PERFORMANCE.md (bench/report.py). A part that fails (non-zero exit, or over its time limit)
is reported and the run goes on; its section keeps what an earlier run wrote. The summary section at the top gives
the machine (cores, RAM, CPU model, Python, PostgreSQL), the date, and for every part its exact command, duration
and result; a part not run this time is listed with the date of the section an earlier run left.

``leadership`` and ``pages`` read a demo database: the ``demo-db`` part generates one (``python -m zhengwu demo
--no-serve --scale …``) into a temporary directory, unless ``--demo-db FILE`` names one. The province figures of the
leadership (``leadership-province``) need the province database that ``ranking`` fills: with ``--province`` the
ranking keeps it (``--keep``), the figures are measured on it, and it is dropped afterwards (``--keep-province-db``
keeps it); ``--province-db DSN`` measures them on an existing one. Logs of every part go to a temporary directory
(printed at the start).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import HEADER, PERFORMANCE, machine, postgres_version, table  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DEMO = "{demo}"  # placeholder for the demo database's path in the arguments below
QUICK, DISTRICT, PROVINCE = "quick", "district", "province"


@dataclass
class Part:
    name: str
    script: str  # a file of bench/, or "-m zhengwu" for the demo generator
    sections: list[str]
    args: dict[str, list[str]]  # by scale; PROVINCE falls back to DISTRICT
    needs_demo: bool = False
    nice: bool = False
    env: dict[str, str] = field(default_factory=dict)

    def arguments(self, scale: str) -> list[str]:
        return self.args.get(scale, self.args[DISTRICT])


PARTS = [
    Part("demo-db", "-m zhengwu", [], {
        QUICK: ["demo", "--no-serve", "--scale", "0.05"],
        DISTRICT: ["demo", "--no-serve", "--scale", "1.0"]}),
    Part("audit_chain", "audit_chain.py", ["audit_chain"], {
        QUICK: ["--events", "150"],
        DISTRICT: ["--events", "2000"]}),
    Part("case_receipt", "case_receipt.py", ["case_receipt"], {
        QUICK: ["--seconds", "2", "--clients", "1,8", "--db", "sqlite,postgres", "--app-processes", "1,2"],
        DISTRICT: ["--seconds", "10", "--clients", "1,8,32", "--db", "sqlite,postgres", "--app-processes", "1,2"]}),
    Part("import_cases", "import_cases.py", ["import_cases"], {
        QUICK: ["--rows", "3000", "--postgres"],
        DISTRICT: ["--rows", "100000", "--postgres"]}),
    Part("demo_load", "demo_load.py", ["demo_load"], {
        QUICK: ["--scale", "0.01"],
        DISTRICT: ["--scale", "1.0"]}),
    Part("demo_trading", "demo_trading.py", ["demo_trading"], {
        QUICK: ["--scale", "0.05", "--write"],
        DISTRICT: ["--scale", "1.0", "--write"]}),
    Part("ranking", "ranking.py", ["ranking"], {
        QUICK: ["--districts", "1", "--cases-per-district", "20000", "--runs", "2", "--import-rows", "1000",
                "--import-pairs", "1", "--results", "{work}/ranking.json"],
        DISTRICT: ["--districts", "1", "--cases-per-district", "613000", "--results", "{work}/ranking.json"],
        PROVINCE: ["--districts", "82", "--cases-per-district", "613000", "--keep"]}, nice=True),
    Part("audit_scale", "audit_scale.py", ["audit_scale"], {
        QUICK: ["--cases", "20000", "--runs", "3"],
        DISTRICT: ["--cases", "613000", "--runs", "20"]}, nice=True),
    Part("trading_seal", "trading_seal.py", ["trading_seal"], {
        QUICK: ["--mb", "1", "--runs", "3", "--tenders", "1", "--db", "sqlite,postgres"],
        DISTRICT: ["--mb", "10", "--runs", "20", "--db", "sqlite,postgres,postgres+ssb"]}, nice=True),
    Part("trading_draw", "trading_draw.py", ["trading_draw"], {
        QUICK: ["--experts", "2000", "--draws", "10", "--choose-runs", "200"],
        DISTRICT: ["--experts", "20000", "--draws", "100"]}, nice=True),
    Part("trading_uploads", "trading_uploads.py", ["trading_uploads"], {
        QUICK: ["--bidders", "30", "--late", "3", "--window", "10", "--min-kb", "50", "--max-kb", "150"],
        DISTRICT: ["--bidders", "500", "--late", "20", "--window", "60"]}, nice=True),
    Part("redflags_ocds", "redflags_ocds.py", ["redflags-ocds"], {
        QUICK: ["--lines", "10000", "--runs", "1"],
        DISTRICT: ["--lines", "100000", "--runs", "3"]}, nice=True),
    Part("redflags_collusion", "redflags_collusion.py", ["redflags_collusion"], {
        QUICK: ["--sections", "10000", "--db-sections", "200"],
        DISTRICT: ["--sections", "100000"]}, nice=True),
    Part("redflags_all", "redflags_all.py", ["redflags-all"], {
        QUICK: ["--sections", "10000"],
        DISTRICT: ["--sections", "100000"]}, nice=True),
    Part("leadership", "leadership.py", ["leadership"], {
        DISTRICT: ["--db", DEMO, "--start", "2023-01-01", "--end", "2023-11-30"]}, needs_demo=True),
    Part("leadership-province", "leadership.py", ["leadership-province"], {
        DISTRICT: ["--province-db", "{province_db}", "--start", "2023-01-01", "--end", "2023-12-31"]}),
    Part("pages", "pages.py", ["pages"], {
        QUICK: ["--db", DEMO, "--runs", "10"],
        DISTRICT: ["--db", DEMO, "--runs", "30"]}, needs_demo=True),
]
# Time limit of one part, by scale (seconds; None: no limit).
LIMITS = {QUICK: 420, DISTRICT: 4 * 3600, PROVINCE: None}


@dataclass
class Outcome:
    part: str
    command: str
    seconds: float | None = None
    result: str = "not run"
    note: str = ""


def stamp() -> str:
    return datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def fill(args: list[str], values: dict[str, str]) -> list[str]:
    """The arguments with the placeholders ({demo}, {province_db}, {work}) replaced."""
    out = []
    for arg in args:
        for key, value in values.items():
            arg = arg.replace("{" + key + "}", value)
        out.append(arg)
    return out


def shown_command(part: Part, scale: str, demo_shown: str, province_shown: str) -> str:
    args = fill(part.arguments(scale), {"demo": demo_shown, "province_db": province_shown, "work": "/tmp/zw-run-all-XXXX"})
    head = "python -m zhengwu" if part.script.startswith("-m ") else f"python bench/{part.script}"
    if part.name == "demo-db":
        head = f"ZHENGWU_SQLITE_PATH={demo_shown} {head}"
    return ("nice " if part.nice else "") + head + (" " + shlex.join(args) if args else "")


def run_part(part: Part, scale: str, *, demo: Path, province_db: str, logs: Path) -> tuple[int | str, float, str]:
    """Run one part; return (exit code or "timeout", seconds, the log's last meaningful line)."""
    args = fill(part.arguments(scale), {"demo": str(demo), "province_db": province_db, "work": str(logs.parent)})
    head = [sys.executable, *part.script.split()] if part.script.startswith("-m ") else [
        sys.executable, str(ROOT / "bench" / part.script)]
    argv = (["nice"] if part.nice else []) + head + args
    env = {**os.environ, "PYTHONPATH": str(ROOT), **part.env}
    if part.name == "demo-db":
        env = {k: v for k, v in env.items() if not k.startswith(("DATABASE_URL", "ZHENGWU_", "REDIS_URL"))}
        env.update(ZHENGWU_SQLITE_PATH=str(demo), ZHENGWU_VAR=str(demo.parent / "var"))
    log_path = logs / f"{part.name}.log"
    started = time.perf_counter()
    with log_path.open("w") as log:
        log.write("$ " + shlex.join(argv) + "\n")
        log.flush()
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code: int | str = proc.wait(timeout=LIMITS[scale])
        except subprocess.TimeoutExpired:
            code = "timeout"
            stop(proc)
        except KeyboardInterrupt:
            stop(proc)
            raise
    seconds = time.perf_counter() - started
    lines = [line.strip() for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
    return code, seconds, lines[-1][:200] if lines else ""


def stop(proc: subprocess.Popen) -> None:
    """SIGINT first (the scripts drop their throwaway databases in ``finally``), then SIGKILL."""
    for sig, wait in ((signal.SIGINT, 60), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except (ProcessLookupError, subprocess.TimeoutExpired):
            continue


def earlier(text: str, section: str) -> tuple[str, str] | None:
    """(date, command) of a section an earlier run wrote, if any."""
    match = re.search(rf"<!-- bench:{re.escape(section)}:start -->(.*?)<!-- bench:{re.escape(section)}:end -->",
                      text, re.S)
    if not match:
        return None
    date = re.search(r"\*Date:\* ([^.]+)\.", match.group(1))
    command = re.search(r"\*Command:\* `([^`]+)`", match.group(1))
    return (date.group(1) if date else "date unknown"), (command.group(1) if command else "")


def write_summary(body: str) -> None:
    block = f"<!-- bench:summary:start -->\n## Summary of the last benchmark run\n\n{body.strip()}\n<!-- bench:summary:end -->"
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else HEADER
    pattern = re.compile(r"<!-- bench:summary:start -->.*?<!-- bench:summary:end -->", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    elif "<!-- bench:" in text:
        at = text.index("<!-- bench:")
        text = text[:at] + block + "\n\n" + text[at:]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    PERFORMANCE.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    scale_group = parser.add_mutually_exclusive_group()
    scale_group.add_argument("--quick", action="store_true", help="everything at small scale (≤ 15 min on 2 cores)")
    scale_group.add_argument("--province", action="store_true",
                             help="district scale plus the 50-million-case ranking and the province figures (hours)")
    parser.add_argument("--only", help="comma-separated parts: " + ", ".join(p.name for p in PARTS))
    parser.add_argument("--demo-db", metavar="FILE", help="an existing demo SQLite file for leadership and pages")
    parser.add_argument("--province-db", metavar="DSN", help="an existing province database for leadership-province")
    parser.add_argument("--keep-province-db", action="store_true", help="with --province: keep the ranking's database")
    args = parser.parse_args()
    scale = QUICK if args.quick else PROVINCE if args.province else DISTRICT
    by_name = {p.name: p for p in PARTS}
    if args.only:
        chosen = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in chosen if n not in by_name]
        if unknown:
            parser.error(f"unknown parts: {', '.join(unknown)} (known: {', '.join(by_name)})")
    else:
        chosen = [p.name for p in PARTS if p.name != "leadership-province" or args.province or args.province_db]
    if any(by_name[n].needs_demo for n in chosen) and not args.demo_db and "demo-db" not in chosen:
        chosen.insert(0, "demo-db")
    if args.province and "ranking" in chosen and "leadership-province" not in chosen and not args.province_db:
        chosen.append("leadership-province")
    if "leadership-province" in chosen and not (args.province or args.province_db):
        parser.error("leadership-province needs --province or --province-db")
    if args.demo_db and "demo-db" in chosen:
        chosen.remove("demo-db")  # never generate into a file the caller gave
    chosen = [p.name for p in PARTS if p.name in chosen]  # the fixed order: demo-db first, consumers after

    work = Path(tempfile.mkdtemp(prefix="zw-run-all-"))
    logs = work / "logs"
    logs.mkdir()
    demo = Path(args.demo_db).resolve() if args.demo_db else work / "demo.sqlite3"
    demo_shown = Path(args.demo_db).name if args.demo_db else "DEMO.sqlite3"
    province_db = args.province_db or ""
    invoked = "python bench/run_all.py" + (" " + shlex.join(sys.argv[1:]) if sys.argv[1:] else "")
    started_at = stamp()
    print(f"run_all ({scale}): {', '.join(chosen)}; logs in {logs}", flush=True)

    outcomes: dict[str, Outcome] = {}
    total_started = time.perf_counter()
    try:
        for name in chosen:
            part = by_name[name]
            province_shown = "postgres://…/" + province_db.rsplit("/", 1)[-1] if province_db else "(none)"
            command = shown_command(part, scale, demo_shown, province_shown)
            outcome = outcomes[name] = Outcome(name, command)
            if part.needs_demo and not demo.exists():
                outcome.result, outcome.note = "skipped", "no demo database (the demo-db part failed or was not run)"
                print(f"— {name}: skipped ({outcome.note})", flush=True)
                continue
            if name == "leadership-province" and not province_db:
                outcome.result, outcome.note = "skipped", "no province database (the ranking part failed)"
                print(f"— {name}: skipped ({outcome.note})", flush=True)
                continue
            print(f"▶ {name}: {command}", flush=True)
            code, seconds, last = run_part(part, scale, demo=demo, province_db=province_db, logs=logs)
            outcome.seconds = seconds
            outcome.result = "pass" if code == 0 else (f"fail (over {LIMITS[scale]} s)" if code == "timeout"
                                                       else f"fail (exit {code})")
            if code != 0:
                outcome.note = last
            print(f"  {name}: {outcome.result} in {seconds:.0f} s" + (f" — {last}" if code != 0 else ""), flush=True)
            if name == "ranking" and scale == PROVINCE and not args.province_db:
                found = re.search(r"database (zhengwu_bench_[0-9a-f]+)", (logs / "ranking.log").read_text())
                if found:
                    province_db = ADMIN_DSN.rsplit("/", 1)[0] + "/" + found.group(1)
    finally:
        if args.province and not args.province_db and province_db and not args.keep_province_db:
            subprocess.run(["psql", ADMIN_DSN, "-qc", f"DROP DATABASE IF EXISTS {province_db.rsplit('/', 1)[-1]} "
                            "WITH (FORCE)"], check=False)
        total = time.perf_counter() - total_started
        summarize(outcomes, scale=scale, invoked=invoked, started_at=started_at, total=total,
                  demo_shown=demo_shown, province_shown="postgres://…/DATABASE")
        if not args.demo_db:
            demo.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm"):
                Path(str(demo) + suffix).unlink(missing_ok=True)
    failed = [o.part for o in outcomes.values() if o.result.startswith("fail")]
    print(f"done in {total / 60:.1f} min; " + (f"failed: {', '.join(failed)}" if failed else "every part passed")
          + f"; logs in {logs}", flush=True)
    sys.exit(1 if failed else 0)


def summarize(outcomes: dict[str, Outcome], *, scale: str, invoked: str, started_at: str, total: float,
              demo_shown: str, province_shown: str) -> None:
    text = PERFORMANCE.read_text(encoding="utf-8") if PERFORMANCE.exists() else ""
    rows = []
    for part in PARTS:
        outcome = outcomes.get(part.name)
        if outcome is not None and outcome.result != "not run":
            result = outcome.result + (f": {outcome.note}" if outcome.note else "")
            if outcome.result.startswith(("fail", "skipped")):
                for section in part.sections:
                    before = earlier(text, section)
                    if before:
                        result += f" — the section is from an earlier run, {before[0]}"
            rows.append([part.name, f"`{outcome.command}`",
                         "—" if outcome.seconds is None else duration(outcome.seconds), result.replace("|", "/")])
            continue
        found = [earlier(text, s) for s in part.sections]
        found = [f for f in found if f]
        if found:
            rows.append([part.name, f"`{found[0][1]}`", "—", f"not run this time: from an earlier run, {found[0][0]}"])
        elif part.name == "leadership-province":
            rows.append([part.name, f"`{shown_command(part, DISTRICT, demo_shown, province_shown)}`", "—",
                         "not run: needs the province database (`--province`, hours)"])
        elif part.name != "demo-db":
            rows.append([part.name, f"`{shown_command(part, scale, demo_shown, province_shown)}`", "—",
                         "not run, no earlier section"])
    scale_note = {
        QUICK: "**quick**: every part at small scale, to check that the benchmarks run; the figures of the sections "
               "this run wrote are *not* the district-scale figures",
        DISTRICT: "district scale",
        PROVINCE: "district scale plus the province ranking (50 million cases)",
    }[scale]
    body = "\n".join([
        f"*Machine:* {machine()}, {postgres_version(ADMIN_DSN)}. *Command:* `{invoked}`. "
        f"*Date:* {started_at} (took {duration(total)}). *Scale:* {scale_note}.",
        "",
        "Each part is one script of `bench/`, run as a subprocess with the command shown; it wrote the section of "
        "the same name below, which repeats its machine, command and date. A part that failed left its section as "
        "an earlier run wrote it; a part not run this time is listed with its earlier section's command and date. "
        "*demo-db* generates the demo database that `leadership` and `pages` read (`DEMO.sqlite3`, deleted "
        "afterwards).",
        "",
        table(["part", "command", "duration", "result"], rows),
    ])
    write_summary(body)
    print(body)


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


if __name__ == "__main__":
    main()
