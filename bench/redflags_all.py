"""Every red flag over one dataset: 100,000 processes with about 1,000,000 bids.

    nice python bench/redflags_all.py [--sections 100000] [--bids-per-section 10] [--workers 2] [--seed 2023]
                                      [--keep] [--no-write]

One seeded dataset, seen the two ways the detectors see trading data:

1. the rows ``zhengwu.supervision.detect_collusion`` reads (``bench/redflags_collusion.py``'s generator: bids
   with upload facts, people and MinHash signatures, deposits, relations, awards), kept in memory;
2. the same processes as OCDS compiled releases (one per section: buyer, tender period, method, every bid with
   its tenderer, amount, date and status, the active award to the lowest valid bid, items with a
   classification) written to a JSON Lines file in /tmp, as ``zhengwu.trading.ocds`` exports them.

Then, timed separately and together: the nine collusion rules over the rows (section rules by batches of
tenders, then rotating winners), and Cardinal's eleven indicators over the file (``run_jsonl`` with
``--workers`` processes). Reported: wall and CPU time of each part and of all, peak RSS of the process and of
the indicator workers, and the findings; written to the ``redflags-all`` section of docs/PERFORMANCE.md.
Generation is not part of the detection time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.redflags_collusion import World, generate_chunk, plant_rotation  # noqa: E402
from zhengwu.supervision import collusion  # noqa: E402
from zhengwu.supervision.cardinal.jsonl import run_jsonl  # noqa: E402
from zhengwu.supervision.cardinal.settings import Settings  # noqa: E402

START = dt.datetime(2023, 1, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
CLASSES = ("4510", "4521", "4522", "4523", "4531", "4541", "7111", "7112", "5021", "3311")


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def release(section: int, rows: list[dict], rng: random.Random) -> dict:
    """The compiled release of one generated section (``rows``: its bids; opened ones are valid or, 1 in 20,
    disqualified; unopened ones withdrawn)."""
    tender_no = section // 2
    start = START + dt.timedelta(days=(tender_no * 7) % 330, minutes=section % 600)
    days = rng.choice((20, 20, 20, 21, 25, 30, 12))  # a few short periods for R003
    end = start + dt.timedelta(days=days)
    buyer = f"CN-ORG-{tender_no % 400:04d}"
    bids, parties, valid = [], {buyer: {"id": buyer, "name": f"招标人{tender_no % 400}", "roles": ["buyer"]}}, []
    for row in rows:
        tid = f"CN-SAIC-{row['bidder_id']:06d}"
        parties.setdefault(tid, {"id": tid, "name": f"投标人{row['bidder_id']}", "roles": ["tenderer"]})
        if not row["opened"]:
            status = "withdrawn"
        elif rng.random() < 0.05:
            status = "disqualified"
        else:
            status = "valid"
            valid.append(row)
        late = rng.random() < 0.002
        bids.append({"id": str(row["id"]), "status": status, "tenderers": [{"id": tid}],
                     "date": _iso(end + dt.timedelta(hours=2) if late else end - dt.timedelta(hours=rng.randint(1, 200))),
                     "value": {"amount": float(row["price"]), "currency": "CNY"}})
    release_ = {"ocid": f"ocds-bench-{section:07d}", "id": f"bench-{section}", "date": _iso(end),
                "tag": ["award"], "initiationType": "tender", "buyer": {"id": buyer},
                "tender": {"id": str(section), "status": "complete", "procurementMethod": "open",
                           "procurementMethodDetails": "公开招标",
                           "numberOfTenderers": len(rows),
                           "tenderPeriod": {"startDate": _iso(start), "endDate": _iso(end)},
                           "items": [{"id": "1", "classification": {"scheme": "CPV",
                                                                    "id": rng.choice(CLASSES) + "0000"}}]},
                "bids": {"details": bids}}
    if valid:
        winner = min(valid, key=lambda r: (r["price"], r["id"]))
        wid = f"CN-SAIC-{winner['bidder_id']:06d}"
        parties[wid]["roles"] = ["tenderer", "supplier"]
        release_["awards"] = [{"id": f"{section}-1", "status": "active", "suppliers": [{"id": wid}],
                               "value": {"amount": float(winner["price"]), "currency": "CNY"},
                               "items": release_["tender"]["items"]}]
    release_["parties"] = list(parties.values())
    return release_


def peak_kb() -> tuple[int, int]:
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def run(args: argparse.Namespace, path: Path) -> dict:
    rng = random.Random(args.seed)
    ocds_rng = random.Random(f"{args.seed}:ocds")
    world = World(rng, args.bidders)
    chunk_sections = collusion.CHUNK_TENDERS * 2
    found: Counter = Counter()
    plants: Counter = Counter()
    awards: list[dict] = []
    gen_s = rules_s = rules_cpu = 0.0
    bids_total = bid_id = 0
    with path.open("wb") as out:
        for first in range(0, args.sections, chunk_sections):
            started = time.perf_counter()
            rows, chunk_awards, bid_id = generate_chunk(world, rng, first_section=first,
                                                        sections=min(chunk_sections, args.sections - first),
                                                        per_section=args.bids_per_section, first_bid=bid_id,
                                                        plants=plants)
            by_section: dict[int, list[dict]] = {}
            for row in rows["bids"]:
                by_section.setdefault(row["section_id"], []).append(row)
            out.write(b"".join(orjson.dumps(release(s, r, ocds_rng)) + b"\n" for s, r in by_section.items()))
            gen_s += time.perf_counter() - started
            awards += chunk_awards
            bids_total += len(rows["bids"])
            started, cpu = time.perf_counter(), time.process_time()
            for rule, findings in collusion.run_section_rules(bids=rows["bids"], deposits=rows["deposits"],
                                                              relations=rows["relations"]).items():
                found[rule] += len(findings)
            rules_s += time.perf_counter() - started
            rules_cpu += time.process_time() - cpu
            del rows, by_section
    plant_rotation(world, rng, awards, 5)
    started, cpu = time.perf_counter(), time.process_time()
    found["CN_ROTATING_WINNERS"] = len(collusion.rotating_winners(awards))
    rules_s += time.perf_counter() - started
    rules_cpu += time.process_time() - cpu
    del awards
    collusion_peak = peak_kb()[0]

    settings = Settings.all_enabled(currency="CNY")
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started, cpu = time.perf_counter(), time.process_time()
    result = run_jsonl(path, settings, workers=args.workers)
    ind_s = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    ind_cpu = (time.process_time() - cpu) + (children.ru_utime + children.ru_stime
                                             - children_before.ru_utime - children_before.ru_stime)
    per_code: Counter = Counter()
    for group in result.values():
        for codes in group.values():
            per_code.update(codes.keys())
    self_kb, children_kb = peak_kb()
    return {"sections": args.sections, "bids": bids_total, "bidders": args.bidders, "workers": args.workers,
            "file_mb": path.stat().st_size / 1e6, "generate_s": gen_s,
            "collusion_s": rules_s, "collusion_cpu_s": rules_cpu, "collusion_peak_mb": collusion_peak / 1024,
            "indicators_s": ind_s, "indicators_cpu_s": ind_cpu,
            "all_s": rules_s + ind_s, "all_cpu_s": rules_cpu + ind_cpu,
            "peak_mb": self_kb / 1024, "worker_peak_mb": children_kb / 1024,
            "collusion_found": dict(found), "indicator_results": dict(sorted(per_code.items())),
            "load_before": os.getloadavg()[0]}


def render(f: dict, command: str) -> None:
    body = "\n".join([
        f"One seeded dataset of **{f['sections']:,} processes** (tender sections) with **{f['bids']:,} bids** from "
        f"{f['bidders']:,} bidders, seen as the collusion detector's rows and as {f['file_mb']:.0f} MB of OCDS "
        "compiled releases (JSON Lines). Every red flag: the nine collusion rules (one process) and Cardinal's "
        f"eleven indicators (`run_jsonl`, {f['workers']} workers). Generation is not counted.",
        "",
        report.table(["part", "wall", "CPU", "peak RSS"], [
            ["collusion rules (9)", f"{f['collusion_s']:.1f} s", f"{f['collusion_cpu_s']:.1f} s",
             f"{f['collusion_peak_mb']:.0f} MB (with the rows in memory)"],
            ["international indicators (11)", f"{f['indicators_s']:.1f} s", f"{f['indicators_cpu_s']:.1f} s",
             f"workers {f['worker_peak_mb']:.0f} MB"],
            ["**all red flags**", f"**{f['all_s']:.1f} s**", f"{f['all_cpu_s']:.1f} s",
             f"{max(f['peak_mb'], f['worker_peak_mb']):.0f} MB"],
        ]),
        "",
        "Collusion findings: " + ", ".join(f"{k} {v}" for k, v in f["collusion_found"].items()) + ".",
        "Indicator results (organizations and processes flagged): "
        + ", ".join(f"{k} {v}" for k, v in f["indicator_results"].items()) + ".",
        f"Load average before the indicators: {f['load_before']:.1f}.",
    ])
    report.write_section("redflags-all", "Every red flag over 100,000 processes and ~1,000,000 bids", body,
                         command=command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--bids-per-section", type=int, default=10)
    parser.add_argument("--bidders", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--keep", action="store_true", help="keep the generated JSON Lines file")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/PERFORMANCE.md alone")
    args = parser.parse_args()
    path = Path(f"/tmp/zhengwu-redflags-all-{args.seed}-{args.sections}.jsonl")
    try:
        figures = run(args, path)
    finally:
        if not args.keep:
            path.unlink(missing_ok=True)
    print(orjson.dumps(figures, option=orjson.OPT_INDENT_2).decode())
    if not args.no_write:
        render(figures, "python " + " ".join(["bench/redflags_all.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
