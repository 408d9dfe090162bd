"""The collusion rules (串通投标迹象) at scale: 100,000 sections with about 1,000,000 bids, in memory.

    nice python bench/redflags_collusion.py [--sections 100000] [--bids-per-section 10] [--seed 2023]
                                            [--db-sections 2000]

Generates (seeded) the rows ``zhengwu.supervision.detect_collusion`` reads from the trading tables (bids with
their upload facts, people and 64-value MinHash signatures; deposits; enterprise relations; awarded sections)
and runs the rules as the detector does: the section rules over batches of ``CHUNK_TENDERS`` whole tenders
(the batch's rows generated, checked, dropped), then rotating winners over every awarded section at once.
About 0.5 % of the sections carry a planted pattern of each kind, plus a few rotating groups; the benchmark
checks that each is found. Reported: generation and rule time (wall, CPU), findings by rule, peak RSS.

``--db-sections N`` (default 2,000; 0 to skip) also measures the detector's database load (the
``values()`` queries of ``load_rows`` / ``load_awards``) on N sections written to a throwaway SQLite
database, migrated in a child process; that part is at the smaller size because writing a million bids
through the ORM would take far longer than the rules themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from zhengwu.supervision import collusion  # noqa: E402

PLANT_SHARE = 0.005
PERMUTATIONS = 64


def _signature(rng: random.Random) -> dict:
    return {"scheme": "bench", "values": [rng.getrandbits(61) for _ in range(PERMUTATIONS)]}


class World:
    """The bidders and their fixed facts (machine, IP, manager, agent, a document signature)."""

    def __init__(self, rng: random.Random, bidders: int) -> None:
        self.rng = rng
        self.bidders = list(range(1, bidders + 1))
        self.facts = {b: {"machine_code": f"MC-{rng.getrandbits(48):012X}", "file_creator_id": f"U{b:09d}",
                          "pricing_key": f"GLD-{rng.getrandbits(32):010d}",
                          "upload_ip": f"60.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                          "project_manager_certificate": f"浙133{b:09d}", "agent_id_index": f"{b:064x}",
                          "text_signature": _signature(rng)} for b in self.bidders}
        self.relations = [{"enterprise_id": b, "role": "legal_representative", "person_id": 10_000_000 + b,
                           "related_enterprise_id": None} for b in self.bidders]


def generate_chunk(world: World, rng: random.Random, *, first_section: int, sections: int, per_section: int,
                   first_bid: int, plants: Counter) -> tuple[dict, list[dict], int]:
    """Rows for ``sections`` sections (2 per tender), and their awards."""
    bids, deposits, awards = [], [], []
    bid_id = first_bid
    for s in range(first_section, first_section + sections):
        tender = s // 2
        bidders = rng.sample(world.bidders, max(3, per_section + rng.randint(-2, 2)))
        award = Decimal(rng.randrange(1_000_000, 50_000_000))
        rows = []
        for k, bidder in enumerate(bidders):
            bid_id += 1
            price = award if k == 0 else (award * Decimal(1 + rng.uniform(0.004, 0.08))).quantize(Decimal("0.01"))
            rows.append({"id": bid_id, "section_id": s, "tender_id": tender, "bidder_id": bidder,
                         "opened": rng.random() > 0.03, "price": price, **world.facts[bidder]})
            deposits.append({"section_id": s, "bidder_id": bidder, "account": f"62220200{bidder:010d}"})
        roll = rng.random()
        a, b = rows[1], rows[2]
        if roll < PLANT_SHARE:
            a["machine_code"] = b["machine_code"] = "MC-PLANTED"
            plants["CN_SAME_MACHINE"] += 1
        elif roll < 2 * PLANT_SHARE:
            b["upload_ip"] = a["upload_ip"]
            plants["CN_SAME_IP"] += 1
        elif roll < 3 * PLANT_SHARE:
            b["text_signature"] = {"scheme": "bench", "values": a["text_signature"]["values"][:58]
                                   + [rng.getrandbits(61) for _ in range(6)]}
            a["opened"] = b["opened"] = True
            plants["CN_SIMILAR_TEXT"] += 1
        elif roll < 4 * PLANT_SHARE:
            for k, row in enumerate(rows[:3]):
                row["price"], row["opened"] = award + 12_345 * k, True
            plants["CN_REGULAR_PRICES"] += 1
        elif roll < 5 * PLANT_SHARE:
            deposits[-1]["account"] = deposits[-2]["account"]
            plants["CN_SAME_PAYER"] += 1
        elif roll < 6 * PLANT_SHARE:
            b["project_manager_certificate"] = a["project_manager_certificate"]
            a["opened"] = b["opened"] = True
            plants["CN_SAME_MANAGER"] += 1
        bids += rows
        winner = rows[0]
        awards.append({"section_id": s, "winner_id": winner["bidder_id"],
                       "bidders": [r["bidder_id"] for r in rows if r["opened"]]})
    return {"bids": bids, "deposits": deposits, "relations": world.relations}, awards, bid_id


def plant_rotation(world: World, rng: random.Random, awards: list[dict], groups: int) -> list[list[int]]:
    """Rewrite the bidders of a few awarded sections so that ``groups`` groups of three win four each in turn."""
    planted = []
    chosen = rng.sample(range(len(awards)), groups * 4)
    for g in range(groups):
        group = sorted(rng.sample(world.bidders, 3))
        for k, index in enumerate(chosen[g * 4:(g + 1) * 4]):
            award = awards[index]
            others = [b for b in award["bidders"] if b not in group][:4]
            award["bidders"] = group + others
            award["winner_id"] = group[k % 3]
        planted.append(group)
    return planted


def run(args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    world = World(rng, args.bidders)
    chunk_sections = collusion.CHUNK_TENDERS * 2
    found: Counter = Counter()
    plants: Counter = Counter()
    awards: list[dict] = []
    gen_s = rules_s = cpu_rules = 0.0
    bids_total = 0
    bid_id = 0
    for first in range(0, args.sections, chunk_sections):
        started = time.perf_counter()
        rows, chunk_awards, bid_id = generate_chunk(world, rng, first_section=first,
                                                    sections=min(chunk_sections, args.sections - first),
                                                    per_section=args.bids_per_section, first_bid=bid_id,
                                                    plants=plants)
        gen_s += time.perf_counter() - started
        awards += chunk_awards
        bids_total += len(rows["bids"])
        started, cpu = time.perf_counter(), time.process_time()
        by_rule = collusion.run_section_rules(bids=rows["bids"], deposits=rows["deposits"],
                                              relations=rows["relations"])
        rules_s += time.perf_counter() - started
        cpu_rules += time.process_time() - cpu
        for rule, findings in by_rule.items():
            found[rule] += len(findings)
        del rows
    groups = plant_rotation(world, rng, awards, args.rotation_groups)
    started, cpu = time.perf_counter(), time.process_time()
    rotating = collusion.rotating_winners(awards)
    rotation_s = time.perf_counter() - started
    cpu_rules += time.process_time() - cpu
    found["CN_ROTATING_WINNERS"] = len(rotating)
    missed = [g for g in groups if g not in [f.bidder_ids for f in rotating]]
    return {"sections": args.sections, "bids": bids_total, "bidders": args.bidders, "generate_s": gen_s,
            "section_rules_s": rules_s, "rotation_s": rotation_s, "rules_s": rules_s + rotation_s,
            "rules_cpu_s": cpu_rules, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "found": dict(found), "planted": dict(plants), "rotation_groups": len(groups),
            "rotation_missed": len(missed), "chunk_tenders": collusion.CHUNK_TENDERS}


# --- the database load, at a smaller size, in a child process on a throwaway SQLite file ---------------------

CHILD = r"""
import json, os, random, resource, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengwu.config.settings")
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from bench.redflags_collusion import fill_database
from zhengwu.supervision import detect_collusion as dc
n = int(sys.argv[1])
bids = fill_database(n, seed=int(sys.argv[2]))
started, cpu = time.perf_counter(), time.process_time()
total = 0
ids = dc.tender_ids()
for start in range(0, len(ids), dc.CHUNK_TENDERS):
    total += len(dc.load_rows(tenders=ids[start:start + dc.CHUNK_TENDERS])["bids"])
awards = dc.load_awards()
load_s = time.perf_counter() - started
print(json.dumps({"db_sections": n, "db_bids": total, "db_load_s": load_s, "db_awards": len(awards),
                  "db_load_cpu_s": time.process_time() - cpu}))
"""


def fill_database(sections: int, *, seed: int) -> int:
    """Tenders, sections, registrations, bids (opened, with evidence) and deposits written with bulk_create
    (no services: only the rows the detector reads). Returns the number of bids."""
    from django.utils import timezone

    from zhengwu.org.models import Enterprise
    from zhengwu.trading.models import Bid, BidderRegistration, Deposit, Project, Section, Tender, TenderSection

    rng = random.Random(seed)
    now = timezone.now()
    issued = now - timezone.timedelta(days=30)
    enterprises = Enterprise.objects.bulk_create(
        [Enterprise(credit_code=f"91330702{i:010d}", name=f"投标企业{i}") for i in range(2000)])
    world = World(rng, len(enterprises))
    bids = regs = deposits = 0
    for start in range(0, sections, 500):
        count = min(500, sections - start)
        projects = Project.objects.bulk_create([Project(
            number=f"B{start + i:08d}", name="基准项目", project_type="construction", procedure="open",
            funding_source="government_invested", tendering_party_name="区交通运输局",
            tendering_party_credit_code="113307020000000000", estimate=Decimal("4000000")) for i in range(count)])
        secs = Section.objects.bulk_create([Section(project=p, number=1, name="第1标段", contract_kind="works",
                                                    estimate=Decimal("4000000")) for p in projects])
        tenders = Tender.objects.bulk_create([Tender(
            project=p, number=f"T{p.number}", title="基准招标", status="opened", documents_issued_at=issued,
            on_sale_from=now.date(), on_sale_to=now.date(), bid_deadline=now, opening_at=now) for p in projects])
        offers = TenderSection.objects.bulk_create([TenderSection(tender=t, section=s)
                                                    for t, s in zip(tenders, secs)])
        new_regs, new_bids, new_deposits = [], [], []
        for offer in offers:
            for b in rng.sample(range(len(enterprises)), 10):
                new_regs.append(BidderRegistration(tender_section=offer, enterprise=enterprises[b], registered_at=now))
        BidderRegistration.objects.bulk_create(new_regs)
        for reg in new_regs:
            facts = world.facts[reg.enterprise_id - enterprises[0].pk + 1]
            new_bids.append(Bid(status="opened", uid=__import__("uuid").uuid4(), registration=reg,
                                sealing_mode="bidder", ciphertext=b"x", size=1, digest="0" * 64, received_at=now,
                                opened_at=now, price=Decimal(rng.randrange(3_000_000, 4_000_000)),
                                machine_code=facts["machine_code"], file_creator_id=facts["file_creator_id"],
                                pricing_key=facts["pricing_key"], upload_ip=facts["upload_ip"],
                                project_manager_certificate=facts["project_manager_certificate"],
                                agent_id_index=facts["agent_id_index"], text_signature=facts["text_signature"]))
            new_deposits.append(Deposit(registration=reg, form="transfer", amount=Decimal("80000"), received_at=now,
                                        payer_account_name="x", payer_account_number=f"6222{rng.getrandbits(40)}",
                                        payer_bank="工行"))
        Bid.objects.bulk_create(new_bids, batch_size=2000)
        Deposit.objects.bulk_create(new_deposits, batch_size=2000)
        bids += len(new_bids)
        regs += len(new_regs)
        deposits += len(new_deposits)
    return bids


def measure_db(sections: int, seed: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="zhengwu_collusion_bench_") as tmp:
        env = {**os.environ, "ZHENGWU_SQLITE_PATH": str(Path(tmp) / "bench.sqlite3"), "ZHENGWU_VAR": tmp,
               "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        out = subprocess.run([sys.executable, "-c", CHILD, str(sections), str(seed)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=3600)
        if out.returncode != 0:
            raise SystemExit(f"database part failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])


def render(figures: dict, command: str) -> None:
    rows = [[rule, figures["found"].get(rule, 0), figures["planted"].get(rule, "—")] for rule in collusion.RULES]
    rows[-1][2] = figures["rotation_groups"]
    body = f"""
All nine collusion rules of `zhengwu.supervision.collusion` over **{figures['sections']:,} sections** with
**{figures['bids']:,} bids** from {figures['bidders']:,} bidders (seeded rows as `detect_collusion` loads them:
upload facts, people, 64-value MinHash signatures, deposits, relations, awards), the section rules in batches of
{figures['chunk_tenders']:,} tenders as the detector runs them, rotating winners over all awarded sections at once.
About 0.5 % of the sections carry a planted pattern of each kind; every planted rotating group was found
(missed: {figures['rotation_missed']}).

| figure | value |
|---|---|
| generating the rows (not part of detection) | {figures['generate_s']:.1f} s |
| section rules (8 rules), wall | {figures['section_rules_s']:.1f} s |
| rotating winners, wall | {figures['rotation_s']:.1f} s |
| all rules, wall / CPU | {figures['rules_s']:.1f} s / {figures['rules_cpu_s']:.1f} s |
| peak RSS of the process (generation included) | {figures['peak_rss_mb']:.0f} MB |

{report.table(["rule", "findings", "planted"], rows)}

Findings above the planted count are chance coincidences of the random rows: regular prices among about ten
random prices per section (at the default tolerances, 0.10 元 or 1e-5 of the step), or two bidders' random
upload facts colliding. Wall time counts any other load on the machine; CPU time is the process's own (one process, no workers).
"""
    if "db_load_s" in figures:
        body += f"""
Database load, measured apart on a smaller database (SQLite, throwaway file): the detector's `values()` queries
(`load_rows` per batch of tenders, `load_awards`) read **{figures['db_bids']:,} bids** of
{figures['db_sections']:,} sections in **{figures['db_load_s']:.2f} s** (CPU {figures['db_load_cpu_s']:.2f} s),
i.e. about {figures['db_load_s'] / max(1, figures['db_bids']) * 1e6:.0f} µs per bid; at that rate the load of
{figures['bids']:,} bids would take about {figures['db_load_s'] / max(1, figures['db_bids']) * figures['bids']:.0f} s.
"""
    report.write_section("redflags_collusion", "Collusion rules (串通投标迹象)", body, command=command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sections", type=int, default=100_000)
    parser.add_argument("--bids-per-section", type=int, default=10)
    parser.add_argument("--bidders", type=int, default=20_000)
    parser.add_argument("--rotation-groups", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--db-sections", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/PERFORMANCE.md alone")
    parser.add_argument("--render", metavar="FILE", help="rewrite the section from the JSON a run printed")
    args = parser.parse_args()
    if args.render:
        render(json.loads(Path(args.render).read_text()), "python bench/redflags_collusion.py")
        return
    figures = run(args)
    if args.db_sections:
        figures.update(measure_db(args.db_sections, args.seed))
    print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    if not args.no_write:
        render(figures, "python " + " ".join(["bench/redflags_collusion.py", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
