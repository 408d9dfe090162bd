"""The demo district at full scale into a throwaway SQLite file: time per step, and the figures it yields.

    python bench/demo_load.py [--scale 1.0] [--seed 2023] [--only org.,cases.]

Runs in a child process with ZHENGWU_VAR set to a temporary directory (the database
is deleted afterwards): migrate, then every registered demo step, as ``zhengwu demo``
does. Then reads back the calibration figures of DOMAIN.md §13 from the data.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import table, write_section  # noqa: E402


def figures() -> dict:
    from django.db import connection

    from zhengwu.cases.models import Case

    table_name = Case._meta.db_table
    out = {}
    with connection.cursor() as cursor:
        # Local (Asia/Shanghai) year and month; the column holds UTC text.
        cursor.execute(f"""
            SELECT strftime('%Y', received_at, '+8 hours') AS y,
                   count(*),
                   sum(strftime('%m', received_at, '+8 hours') <= '11'),
                   sum(channel IN ('pc', 'mobile')),
                   sum(accepted_on IS NOT NULL), sum(acceptance_overdue),
                   sum(status = 'completed'), sum(outcome = 'overdue'),
                   sum(agent_id IS NOT NULL AND strftime('%m', received_at, '+8 hours') <= '11'),
                   sum(status IN ('received', 'supplement', 'accepted', 'processing', 'suspended'))
            FROM {table_name} GROUP BY y ORDER BY y""")
        for y, n, jan_nov, online, accepted, late, completed, overdue, agent, still_open in cursor.fetchall():
            out[y] = {"cases": n, "jan_nov": jan_nov, "online": 100 * online / n,
                      "overdue_acceptance": 100 * late / accepted, "overdue_completion": 100 * overdue / completed,
                      "agent_jan_nov": agent, "open": still_open}
    return out


def child(scale: float, seed: int, only: tuple[str, ...] | None) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from zhengwu.core.demo import DemoContext, generate

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - started
    ctx = generate(DemoContext(seed=seed, scale=scale, log=lambda m: print(m, file=sys.stderr, flush=True)),
                   only=only)
    total = time.perf_counter() - started
    db = Path(settings.DATABASES["default"]["NAME"])
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {"migrate": migrate, "steps": ctx.timings, "total": total, "db_mb": size / 2**20,
            "figures": figures()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--only", help="comma-separated step name prefixes (default: every registered step)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = tuple(p.strip() for p in args.only.split(",") if p.strip()) if args.only else None
    if args.child:
        print(json.dumps(child(args.scale, args.seed, only)))
        return
    var = tempfile.mkdtemp(prefix="zhengwu-demo-")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="zhengwu.config.settings", ZHENGWU_VAR=var)
    env.pop("DATABASE_URL", None)
    env.pop("ZHENGWU_SQLITE_PATH", None)
    try:
        out = subprocess.run([sys.executable, __file__, "--child", "--scale", str(args.scale), "--seed",
                              str(args.seed), *(["--only", args.only] if args.only else [])],
                             env=env, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    # A step's own breakdown ("<step>: of which …") goes under the step.
    names = sorted(r["steps"], key=lambda n: (list(r["steps"]).index(n.split(":")[0]) if ":" in n else
                                              list(r["steps"]).index(n), ":" in n))
    steps = [["migrate", f"{r['migrate']:.1f}"]] + [[name.replace(":", " ↳", 1) if ":" in name else name,
                                                     f"{r['steps'][name]:.1f}"] for name in names]
    steps.append(["**total**", f"**{r['total']:.1f}**"])
    years = [[y, f"{f['cases']:,}", f"{f['jan_nov']:,}", f"{f['online']:.2f} %", f"{f['overdue_acceptance']:.2f} %",
              f"{f['overdue_completion']:.3f} %", f"{f['agent_jan_nov']:,}", f"{f['open']:,}"]
             for y, f in r["figures"].items()]
    which = f"the steps {', '.join(only)}…" if only else "every registered step"
    body = (f"`zhengwu demo` at scale {args.scale} (seed {args.seed}) into a fresh SQLite file (WAL): {which}, "
            f"each in its own transaction. Database afterwards: {r['db_mb']:,.0f} MB.\n\n"
            + table(["step", "seconds"], steps)
            + "\n\nWhat the generated years yield (received year; rates as the evaluation defines them: online = "
              "PC + mobile over all cases, overdue acceptance over accepted cases, overdue completion over "
              "completed cases; agent cases January–November). Seed document, 2023: 562,000 cases "
              "January–November, 99.4 %, 0.28 %, 0.03 %, 60,000+; 2022: 1.07 % and 0.17 %.\n\n"
            + table(["year", "cases", "Jan–Nov", "online", "overdue acceptance", "overdue completion",
                     "agent cases Jan–Nov", "open at the end"], years))
    write_section("demo_load", "Demo district at full scale", body,
                  command=f"python bench/demo_load.py --scale {args.scale}"
                  + (f" --only {args.only}" if args.only else ""))
    print(body)


if __name__ == "__main__":
    main()
