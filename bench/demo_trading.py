"""The demo trading year (``zhengwu/trading/demo.py``) into a throwaway SQLite file: its time, and the figures
of DOMAIN.md §13 read back through ``trading.figures.trading_figures``.

    python bench/demo_trading.py [--scale 1.0] [--seed 2023] [--write]

Runs in a child process with ZHENGWU_VAR set to a temporary directory (deleted afterwards): migrate, then
the demo steps ``org.`` and ``trading.`` (the trading year needs the district, not the cases). Prints the
time per step (with the part spent sealing and opening bids, i.e. in scrypt), the figures next to the
seed's (scaled), and whether the audit chain verifies. ``--write`` also rewrites this benchmark's section
of docs/PERFORMANCE.md.
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
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import table, write_section  # noqa: E402

YI = Decimal("100000000")  # 亿
WAN = Decimal("10000")  # 万


def child(scale: float, seed: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    from zhengwu.core import audit
    from zhengwu.core.demo import DemoContext, generate
    from zhengwu.org.models import User
    from zhengwu.trading.choices import BidStatus
    from zhengwu.trading.figures import trading_figures
    from zhengwu.trading.models import Bid, DepositRefundBatch, Expert, ExpertDrawMember, ScoreSheet, Tender

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - started
    ctx = generate(DemoContext(seed=seed, scale=scale, log=lambda m: print(m, file=sys.stderr, flush=True)),
                   only=("org.", "trading."))
    staff = User.objects.get(username="trading")
    f = trading_figures(user=staff, year=2023)
    checked = time.perf_counter()
    verified = audit.verify()
    batch = DepositRefundBatch.objects.get()
    counts = {"tenders": Tender.objects.count(), "failed tenders": Tender.objects.filter(status="failed").count(),
              "bids": Bid.objects.count(), "bids opened": Bid.objects.filter(status=BidStatus.OPENED).count(),
              "experts": Expert.objects.count(), "experts drawn": ExpertDrawMember.objects.count(),
              "score sheets": ScoreSheet.objects.count()}
    return {
        "migrate": migrate, "steps": ctx.timings, "counts": counts,
        "verify": {"ok": bool(verified.ok), "seconds": time.perf_counter() - checked},
        "figures": {
            "projects": f["projects"], "amount": str(f["amount"]),
            "above_projects": f["above_limit"]["projects"], "above_amount": str(f["above_limit"]["amount"]),
            "above_savings": str(f["above_limit"]["savings"]), "above_rate": f["above_limit"]["savings_rate"],
            "separated_projects": f["separated"]["projects"], "separated_amount": str(f["separated"]["amount"]),
            "separated_share": f["separated"]["share"],
            "guarantees": f["guarantees"]["count"], "guarantee_amount": str(f["guarantees"]["amount_freed"]),
            "old_deposits": str(batch.total), "remote_main": f["remote_sessions"]["main"],
            "remote_sub": f["remote_sessions"]["sub"],
            "fee_charged": str(Decimal(f["service_fee"]["charged"]).quantize(Decimal("0.01"))),
            "fee_waived": str(Decimal(f["service_fee"]["waived"]).quantize(Decimal("0.01"))),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--write", action="store_true", help="rewrite this benchmark's section of docs/PERFORMANCE.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.scale, args.seed)))
        return
    var = tempfile.mkdtemp(prefix="zhengwu-demo-trading-")
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="zhengwu.config.settings", ZHENGWU_VAR=var)
    env.pop("DATABASE_URL", None)
    env.pop("ZHENGWU_SQLITE_PATH", None)
    try:
        out = subprocess.run([sys.executable, __file__, "--child", "--scale", str(args.scale), "--seed",
                              str(args.seed)], env=env, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        shutil.rmtree(var, ignore_errors=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    s, f = Decimal(str(args.scale)), r["figures"]

    def yi(value: str) -> str:
        return f"{Decimal(value) / YI:,.2f} 亿元"

    def exact(value: str) -> str:
        return f"{yi(value)} ({Decimal(value):,.2f} 元)"

    steps = [["migrate", f"{r['migrate']:.1f}"]] + [[name.replace(":", " ↳", 1), f"{sec:.1f}"]
                                                    for name, sec in r["steps"].items()]
    rows = [
        ["projects", f"{451 * s:,.0f}", f"{f['projects']:,}"],
        ["transaction amount", yi(str(Decimal("37230000000") * s)), exact(f["amount"])],
        ["above-limit construction projects", f"{190 * s:,.0f}", f"{f['above_projects']:,}"],
        ["their amount", yi(str(Decimal("36970000000") * s)), exact(f["above_amount"])],
        ["their savings", yi(str(Decimal("1080000000") * s)), exact(f["above_savings"])],
        ["savings rate", "2.8 %", f"{Decimal(f['above_rate']) * 100:.2f} %"],
        ["评定分离 projects", f"{18 * s:,.0f} (over {330 * s:,.1f} 亿元)",
         f"{f['separated_projects']:,} ({yi(f['separated_amount'])}; share of government-invested "
         f"{Decimal(f['separated_share'] or 0) * 100:.1f} %)"],
        ["electronic guarantees", f"{5707 * s:,.0f}", f"{f['guarantees']:,}"],
        ["their amount", yi(str(Decimal("1174000000") * s)), exact(f["guarantee_amount"])],
        ["old deposits refunded", f"{Decimal('642000') * s / WAN:,.2f} 万元", f"{Decimal(f['old_deposits']) / WAN:,.2f} 万元"],
        ["remote sessions as main / sub venue", f"{max(1, round(2 * s))} / {max(1, round(50 * s))}",
         f"{f['remote_main']} / {f['remote_sub']}"],
        ["service fee charged / waived (from 30 Oct)", "", f"{f['fee_charged']} / {f['fee_waived']} 元"],
    ]
    counts = [[k, f"{v:,}"] for k, v in r["counts"].items()]
    body = (f"The demo steps `org.` and `trading.` at scale {args.scale} (seed {args.seed}) into a fresh SQLite file, "
            "every row through the trading services. Sealing a bid and opening it cost one scrypt derivation each "
            "(the demo wraps its bid keys at n=2^10, `trading.demo.DEMO_SCRYPT_N` through `sealing.kdf_cost`; real "
            "bids at 2^14); *sealing and opening* times the whole seal and open service calls.\n\n"
            + table(["step", "seconds"], steps)
            + f"\n\nAudit chain verifies: {r['verify']['ok']} ({r['verify']['seconds']:.1f} s).\n\n"
            + table(["what", "count"], counts)
            + "\n\nThe figures of 2023 as `trading.figures.trading_figures` reads them back, next to DOMAIN.md §13 "
              "(scaled):\n\n"
            + table(["figure", "seed (scaled)", "demo"], rows))
    if args.write:
        write_section("demo_trading", "Demo trading year", body, command=f"python bench/demo_trading.py --scale {args.scale}")
    print(body)


if __name__ == "__main__":
    main()
