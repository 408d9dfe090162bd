"""Audit chain under concurrent writers on PostgreSQL: 16 chains (SKIP LOCKED) against one chain.

    python bench/audit_chain.py [--events 4000]

Each writer thread appends events, one per transaction, holding the transaction
open 2 ms as a real request does. Creates and drops a throwaway database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.report import postgres_version, table, write_section  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")


def run_case(writers: int, events: int, chains: int, hold_ms: float) -> dict[str, float]:
    from django.conf import settings
    from django.db import connection, transaction

    from zhengwu.core import audit
    from zhengwu.core.models import AuditChain, AuditEvent

    settings.ZHENGWU["AUDIT_CHAINS"] = chains
    AuditEvent.objects.all().delete()
    AuditChain.objects.all().delete()
    audit.ensure_chains()
    per = events // writers
    barrier = threading.Barrier(writers + 1)
    latencies: list[float] = []
    lock = threading.Lock()

    def work(w: int) -> None:
        mine = []
        barrier.wait()
        for i in range(per):
            t0 = time.perf_counter()
            with transaction.atomic():
                audit.record(actor=f"w{w}", action="bench.write", obj=("bench", f"{w}-{i}"))
                time.sleep(hold_ms / 1000)
            mine.append(time.perf_counter() - t0)
        with lock:
            latencies.extend(mine)
        connection.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    result = audit.verify()
    assert result.ok and result.events_checked == per * writers, result
    latencies.sort()
    return {"rate": per * writers / elapsed, "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--hold-ms", type=float, default=2.0)
    args = parser.parse_args()
    db = f"zhengwu_bench_{uuid.uuid4().hex[:8]}"
    subprocess.run(["psql", ADMIN_DSN, "-qc", f"CREATE DATABASE {db}"], check=True)
    try:
        os.environ["DATABASE_URL"] = ADMIN_DSN.rsplit("/", 1)[0] + "/" + db
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        rows = []
        for writers in (1, 8, 32):
            many = run_case(writers, args.events, 16, args.hold_ms)
            one = run_case(writers, args.events, 1, args.hold_ms)
            rows.append([writers, f"{many['rate']:.0f}", f"{many['p50']:.1f} / {many['p99']:.1f}",
                         f"{one['rate']:.0f}", f"{one['p50']:.1f} / {one['p99']:.1f}",
                         f"{many['rate'] / one['rate']:.2f}"])
            print(rows[-1], flush=True)
        from django.db import connection

        connection.close()
    finally:
        subprocess.run(["psql", ADMIN_DSN, "-qc", f"DROP DATABASE IF EXISTS {db}"], check=False)
    body = (f"{postgres_version(ADMIN_DSN)}; {args.events} events per row, one per transaction, each transaction "
            f"held open {args.hold_ms} ms; every run ends with `audit verify` finding the chains intact.\n\n"
            + table(["writers", "16 chains: events/s", "p50 / p99 ms", "1 chain: events/s", "p50 / p99 ms",
                     "ratio"], rows))
    write_section("audit_chain", "Audit chain: concurrent writers", body,
                  command=f"python bench/audit_chain.py --events {args.events}")
    print(body)


if __name__ == "__main__":
    main()
