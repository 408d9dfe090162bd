"""The draw of an evaluation committee from 20,000 experts with conflicts, on PostgreSQL and SQLite.

    nice python bench/trading_draw.py [--experts 20000] [--draws 100] [--db postgres,sqlite] [--choose-runs 2000]

Per database (a throwaway PostgreSQL database, a fresh SQLite file), in one child process:

1. *The expert database* (bulk-written: the benchmark's shortcut; ``expert_register`` would take minutes
   and writes nothing the draw reads that ``bulk_create`` does not): ``--experts`` experts, 75 % provincial,
   1–3 of the 8 specialties each (building most common, law least), 85 % employed by one of 2,000
   enterprises (the others by a named unit that is not an enterprise), 3 % working for one of 5
   administrative departments, 5 % declaring relations with 1–3 enterprises, 1.5 % suspended and 0.5 %
   punished (the status column set directly), 3 % with a credit score below 60.
2. *History*, for the cool-down (bulk-written too): 3,000 past draws of 6 experts over the last 12 months
   (one per section of a history tender; exclusion rows of the history are not written), so about one expert
   in fourteen was drawn in the last 30 days (the section gives the count).
3. *The sections drawn*: one project of 10 sections per 10 draws, through the services (three in four above
   the mandatory limit, so their draws take no local expert), each section with 10 registered bidders from the
   same 2,000 enterprises (registrations bulk-written); some projects' tendering party, agent and
   supervising department are among the experts' employers and departments. Tenders published with dates in
   the past (documents issued 21 days ago, sale period over 16 days ago).
4. ``services_experts.expert_draw_create`` timed for ``--draws`` sections (after 5 warm-up draws), each a
   fresh section, committed, with the server's clock: committees of 5, 7 or 9 with 2–3 required specialties.
   Queries counted per draw (``connection.execute_wrapper``); the draw's parts timed by wrapping
   ``build_pools`` (the pool: reading experts, holdings, conflicts, cool-down), ``choose`` and
   ``_write_round`` (the round, its exclusion rows and members). Every draw is then replayed
   (``draw_replay``).
5. ``choose`` alone, ``--choose-runs`` times on the largest recorded pool with different seeds.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import postgres_version, table, write_section  # noqa: E402
from bench.trading_common import (  # noqa: E402
    ADMIN_DSN,
    child_setup,
    database,
    emit,
    load_note,
    log,
    median,
    ms,
    pct,
    run_child,
    start_state,
)

SPECIALTY_WEIGHTS = {"building": 25, "municipal": 15, "water": 8, "highway": 10, "installation": 12, "cost": 15,
                     "law": 5, "finance": 10}
#: committee size, representatives, requirements (they add up to the experts)
COMMITTEES = [
    (5, 1, {"building": 3, "cost": 1}),
    (7, 2, {"municipal": 3, "cost": 2}),
    (7, 2, {"building": 2, "installation": 2, "cost": 1}),
    (9, 3, {"water": 3, "cost": 2, "law": 1}),
    (9, 3, {"highway": 3, "finance": 2, "cost": 1}),
]
ENTERPRISES = 2000
HISTORY_DRAWS = 3000
SECTIONS_PER_PROJECT, BIDDERS_PER_SECTION = 10, 10
WARMUP = 5


def projects(draws: int) -> int:
    return -(-(draws + WARMUP) // SECTIONS_PER_PROJECT)


# --- the world --------------------------------------------------------------------------------------------

def build_world(*, experts: int, projects: int, seed: int) -> dict[str, Any]:
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from zhengwu.core.identifiers import make_credit_code
    from zhengwu.org import services as org
    from zhengwu.org.models import Enterprise
    from zhengwu.trading import services
    from zhengwu.trading.choices import DrawRoundKind, ExpertSource, ExpertStatus
    from zhengwu.trading.models import (
        BidderRegistration,
        Expert,
        ExpertDraw,
        ExpertDrawMember,
        ExpertDrawRound,
        Section,
        Specialty,
        TenderSection,
    )

    rng = random.Random(seed)
    now = timezone.now()
    specialties = {s.code: s for s in Specialty.objects.all()}
    codes = list(SPECIALTY_WEIGHTS)
    weights = [SPECIALTY_WEIGHTS[c] for c in codes]
    with transaction.atomic():
        seen: set[str] = set()
        rows = []
        while len(rows) < ENTERPRISES:
            code = make_credit_code(rng)
            if code not in seen:
                seen.add(code)
                rows.append(Enterprise(credit_code=code, name=f"企业{len(rows):04d}有限公司"))
        Enterprise.objects.bulk_create(rows, batch_size=500)
        enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        names = dict(Enterprise.objects.values_list("pk", "name"))
        departments = [org.department_create(actor="bench", code=f"TRB{i}", name=f"基准监督部门{i}") for i in range(5)]

        stats = {"suspended": 0, "punished": 0, "low_credit": 0, "declared": 0, "department": 0, "local": 0}
        batch, holdings, declared = [], [], []
        for i in range(experts):
            status = ExpertStatus.ACTIVE
            roll = rng.random()
            if roll < 0.015:
                status, stats["suspended"] = ExpertStatus.SUSPENDED, stats["suspended"] + 1
            elif roll < 0.02:
                status, stats["punished"] = ExpertStatus.PUNISHED, stats["punished"] + 1
            credit = rng.randint(30, 59) if rng.random() < 0.03 else rng.randint(60, 100)
            stats["low_credit"] += credit < 60
            source = ExpertSource.PROVINCIAL if rng.random() < 0.75 else ExpertSource.LOCAL
            stats["local"] += source == ExpertSource.LOCAL
            employer = rng.choice(enterprise_ids) if rng.random() < 0.85 else None
            department = rng.choice(departments) if rng.random() < 0.03 else None
            stats["department"] += department is not None
            batch.append(Expert(status=status, name=f"专家{i:05d}", employer_id=employer,
                                employer_name=names[employer] if employer else f"某大学{i % 40}系",
                                department=department, region="省内", title="高级工程师", source=source,
                                credit_score=credit))
            count = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
            mine: set[str] = set()
            while len(mine) < count:
                mine.add(rng.choices(codes, weights=weights)[0])
            holdings.append(sorted(mine))
            declared.append(rng.sample(enterprise_ids, rng.randint(1, 3)) if rng.random() < 0.05 else [])
            stats["declared"] += bool(declared[-1])
        Expert.objects.bulk_create(batch, batch_size=1000)
        expert_ids = list(Expert.objects.order_by("pk").values_list("pk", flat=True))
        Through = Expert.specialties.through
        Through.objects.bulk_create([Through(expert_id=pk, specialty_id=specialties[c].pk)
                                     for pk, mine in zip(expert_ids, holdings) for c in mine], batch_size=2000)
        Declared = Expert.declared_conflicts.through
        Declared.objects.bulk_create([Declared(expert_id=pk, enterprise_id=e)
                                      for pk, mine in zip(expert_ids, declared) for e in mine], batch_size=2000)

    # the sections to draw for, through the services
    issued = now - dt.timedelta(days=21)
    offers = []
    for p in range(projects):
        above = p % 4 != 3
        kind, estimate = ("works", "2000000") if above else ("services", "50000")
        party = Enterprise.objects.get(pk=enterprise_ids[p * 7]) if p % 2 == 0 else None
        agent = Enterprise.objects.get(pk=enterprise_ids[p * 7 + 3]) if p % 3 == 0 else None
        extra = ({"tendering_enterprise": party} if party else
                 {"tendering_party_name": "区住房和城乡建设局",
                  "tendering_party_credit_code": make_credit_code(random.Random(900 + p))})
        project = services.project_register(
            actor="bench", name=f"基准项目{p:02d}", project_type="construction", procedure="open",
            funding_source="government_invested", estimate=str(int(estimate) * SECTIONS_PER_PROJECT),
            sections=[{"name": f"第{s + 1}标段", "contract_kind": kind, "estimate": estimate}
                      for s in range(SECTIONS_PER_PROJECT)],
            agent=agent, supervising_department=departments[p % 5] if p % 2 else None, **extra)
        assert project.above_limit == above, (p, project.above_limit)
        tender = services.tender_create(actor="bench", project=project, title=f"{project.name}招标公告",
                                        documents_issued_at=issued, on_sale_from=timezone.localdate(issued),
                                        on_sale_to=timezone.localdate(issued + dt.timedelta(days=5)),
                                        bid_deadline=now + dt.timedelta(days=1))
        tender = services.tender_publish(actor="bench", tender=tender, now=issued)
        for offer in TenderSection.objects.filter(tender=tender).select_related("section").order_by("section__number"):
            offers.append((tender.pk, offer.section_id, offer.pk))
    party_ids = set(enterprise_ids[: projects * 7 + 4])
    pickable = [e for e in enterprise_ids if e not in party_ids]
    BidderRegistration.objects.bulk_create(
        [BidderRegistration(tender_section_id=offer_id, enterprise_id=e, registered_at=issued + dt.timedelta(days=1))
         for _, _, offer_id in offers for e in rng.sample(pickable, BIDDERS_PER_SECTION)], batch_size=1000)

    # history for the cool-down: 3,000 draws of 6 experts over the last 12 months
    with transaction.atomic():
        history_project = services.project_register(
            actor="bench", name="历史抽取", project_type="construction", procedure="open",
            funding_source="government_invested", estimate="1000", tendering_party_name="历史",
            tendering_party_credit_code=make_credit_code(random.Random(899)),
            sections=[{"name": "历史标段", "contract_kind": "works", "estimate": "1"}])
        history_tender = services.tender_create(actor="bench", project=history_project, title="历史",
                                                documents_issued_at=issued, on_sale_from=timezone.localdate(issued),
                                                on_sale_to=timezone.localdate(issued + dt.timedelta(days=5)),
                                                bid_deadline=now + dt.timedelta(days=1))
        Section.objects.bulk_create([Section(project=history_project, number=n, name="历史标段", contract_kind="works",
                                             estimate=1) for n in range(2, HISTORY_DRAWS + 1)], batch_size=1000)
        sections = list(Section.objects.filter(project=history_project).exclude(
            tender_sections__tender=history_tender).order_by("number"))
        TenderSection.objects.bulk_create([TenderSection(tender=history_tender, section=s) for s in sections],
                                          batch_size=1000)
        hist_offers = list(TenderSection.objects.filter(tender=history_tender).order_by("pk").values_list("pk",
                                                                                                          flat=True))
        when = [now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400)) for _ in hist_offers]
        draws = ExpertDraw.objects.bulk_create(
            [ExpertDraw(tender_section_id=o, committee_size=7, representatives=1, expert_count=6,
                        requirements={"building": 6}, local_allowed=0, created_at=w) for o, w in zip(hist_offers, when)],
            batch_size=1000)
        rounds = ExpertDrawRound.objects.bulk_create(
            [ExpertDrawRound(draw=d, number=0, kind=DrawRoundKind.INITIAL, seed="0", needs={"building": 6}, pool={},
                             local_allowed=0, candidates_count=0, drawn_at=w) for d, w in zip(draws, when)],
            batch_size=1000)
        building = specialties["building"]
        ExpertDrawMember.objects.bulk_create(
            [ExpertDrawMember(draw=r.draw, round=r, expert_id=e, specialty=building, source="provincial",
                              position=k + 1)
             for r in rounds for k, e in enumerate(rng.sample(expert_ids, 6))], batch_size=2000)
    from zhengwu.trading.services_experts import recently_drawn

    recent = len(recently_drawn(now=timezone.now(), cooldown_days=30))
    return {"offers": offers, "stats": stats, "recent": recent}


# --- the child: timing the draws ------------------------------------------------------------------------

def child(args: argparse.Namespace) -> None:
    child_setup()
    from django.db import connection

    from zhengwu.trading import services_experts
    from zhengwu.trading.models import (
        ExpertDraw,
        ExpertDrawExclusion,
        ExpertDrawMember,
        Section,
        Tender,
    )

    t0 = time.perf_counter()
    world = build_world(experts=args.experts, projects=projects(args.draws), seed=20000)
    setup_seconds = time.perf_counter() - t0
    log(f"world built in {setup_seconds:.1f} s: {world['stats']}, {world['recent']} experts drawn in the last 30 days")

    phases: dict[str, list[float]] = {}
    current: dict[str, float] = {}

    def timed(name: str, fn):
        def wrapper(*a, **kw):
            start = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                current[name] = current.get(name, 0.0) + time.perf_counter() - start
        return wrapper

    originals = {name: getattr(services_experts, name) for name in ("build_pools", "choose", "_write_round")}
    for name, fn in originals.items():
        setattr(services_experts, name, timed(name, fn))
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    rng = random.Random(77)
    offers = world["offers"][: WARMUP + args.draws]
    assert len(offers) == WARMUP + args.draws, f"only {len(world['offers'])} sections for {WARMUP + args.draws} draws"
    times, per_draw_queries, exclusions, pool_sizes, draws, unfillable = [], [], [], [], [], 0
    reasons: dict[str, list[int]] = {}
    for n, (tender_id, section_id, _) in enumerate(offers):
        size, reps, needs = COMMITTEES[n % len(COMMITTEES)]
        tender = Tender.objects.select_related("project").get(pk=tender_id)
        section = Section.objects.get(pk=section_id)
        current.clear()
        queries[0] = 0
        start = time.perf_counter()
        with connection.execute_wrapper(count):
            try:
                draw = services_experts.expert_draw_create(actor="bench", tender=tender, section=section,
                                                           committee_size=size, representatives=reps,
                                                           requirements=dict(needs), seed=rng.getrandbits(64))
            except Exception as exc:  # noqa: BLE001 - an unfillable draw is counted, anything else re-raised
                if getattr(exc, "code", "") != "draw_unfillable":
                    raise
                unfillable += 1
                draw = None
        elapsed = time.perf_counter() - start
        if n < WARMUP or draw is None:
            continue
        times.append(elapsed)
        per_draw_queries.append(queries[0])
        for name in ("build_pools", "choose", "_write_round"):
            phases.setdefault(name, []).append(current.get(name, 0.0))
        phases.setdefault("rest", []).append(elapsed - sum(current.values()))
        rnd = draw.rounds.get()
        exclusions.append(ExpertDrawExclusion.objects.filter(round=rnd).count())
        pool_sizes.append(sum(len(v["provincial"]) + len(v["local"]) for v in rnd.pool.values()))
        for per_specialty in rnd.exclusions.values():
            for reason, k in per_specialty.items():
                reasons.setdefault(reason, [0] * len(times))
                reasons[reason] += [0] * (len(times) - len(reasons[reason]))
                reasons[reason][-1] += k
        draws.append(draw.pk)
        if (n + 1) % 50 == 0:
            log(f"draw {n + 1 - WARMUP}: {elapsed * 1000:.0f} ms, {queries[0]} queries")

    replays = sum(services_experts.draw_replay(ExpertDraw.objects.get(pk=pk))["matches"] for pk in draws)
    # choose alone, on the largest recorded pool
    biggest = max((ExpertDraw.objects.get(pk=pk).rounds.get() for pk in draws),
                  key=lambda r: sum(len(v["provincial"]) + len(v["local"]) for v in r.pool.values()))
    raw_choose = originals["choose"]
    crng = random.Random(5)
    choose_times = []
    for _ in range(args.choose_runs):
        seed = crng.getrandbits(64)
        start = time.perf_counter()
        chosen, missing = raw_choose(seed=seed, needs=biggest.needs, pool=biggest.pool,
                                     local_allowed=biggest.local_allowed)
        choose_times.append(time.perf_counter() - start)
        assert not missing and len(chosen) == sum(biggest.needs.values())
    pool_json = len(json.dumps(biggest.pool))
    emit({"vendor": connection.vendor, "setup": setup_seconds, "stats": world["stats"], "recent": world["recent"],
          "times": times, "queries": per_draw_queries, "phases": phases, "exclusions": exclusions,
          "pool_sizes": pool_sizes, "unfillable": unfillable, "replays": replays, "draws": len(draws),
          "choose": choose_times, "choose_pool": sum(len(v["provincial"]) + len(v["local"])
                                                   for v in biggest.pool.values()),
          "choose_needs": biggest.needs, "pool_json_bytes": pool_json,
          "members": ExpertDrawMember.objects.filter(draw_id__in=draws).count(),
          "reasons": {k: v + [0] * (len(times) - len(v)) for k, v in reasons.items()}})


# --- the report -------------------------------------------------------------------------------------------

def render(args: argparse.Namespace, runs: list[tuple[str, dict[str, Any]]], note: str) -> str:
    rows, prow, lines = [], [], []
    for kind, r in runs:
        label = "SQLite (WAL)" if r["vendor"] == "sqlite" else postgres_version(ADMIN_DSN)
        t, q = r["times"], r["queries"]
        rows.append([label, len(t), ms(median(t)), ms(pct(t, .95)), ms(pct(t, .99)), ms(max(t)),
                     f"{min(q)}–{max(q)} (median {median(q):.0f})", f"{median(r['pool_sizes']):,.0f}",
                     f"{median(r['exclusions']):,.0f}", f"{r['replays']} / {r['draws']}", r["unfillable"]])
        ph = r["phases"]
        prow.append([label] + [f"{ms(median(ph[k]))} ({median(ph[k]) / median(t):.0%})"
                               for k in ("build_pools", "choose", "_write_round", "rest")])
        c = r["choose"]
        lines.append(
            f"* {label}: a draw takes {ms(median(t))} ms at the median and {ms(pct(t, .99))} ms at p99 (max "
            f"{ms(max(t))} ms), in {median(q):.0f} queries; building the pool takes "
            f"{median(ph['build_pools']) / median(t):.0%} of it and writing the round "
            f"{median(ph['_write_round']) / median(t):.0%} (median {median(r['exclusions']):,.0f} exclusion rows per "
            f"draw, one per candidate left out, written by `bulk_create(batch_size=500)`). `choose` alone takes "
            f"{median(c) * 1e6:,.0f} µs at the median, {pct(c, .99) * 1e6:,.0f} µs at p99 on a pool of "
            f"{r['choose_pool']:,} candidates (needs: "
            f"{' + '.join(f'{k} {v}' for k, v in sorted(r['choose_needs'].items()))}). World built in "
            f"{r['setup']:.0f} s.")
    first = runs[0][1]
    s = first["stats"]
    excl_year = median(first["exclusions"]) * 250 * 12
    why = ", ".join(f"`{k}` {median(v):,.0f}" for k, v in sorted(first["reasons"].items(),
                                                                  key=lambda kv: -median(kv[1])))
    lines.append(f"* Candidates left out per draw, by reason (median; a candidate may have several): {why}.")
    lines.append(
        f"* Each draw stores its whole pool (the ids of every candidate, {first['pool_json_bytes'] / 1000:,.0f} kB "
        f"of JSON for the largest one) and one exclusion row per candidate left out, the record `draw_replay` "
        f"reruns (all {first['draws']} draws replayed to the same experts); at 250 draws a month the exclusion "
        f"table grows by about {excl_year / 1e6:.1f} million rows a year.")
    return (f"{args.experts:,} experts ({s['local']:,} local, {s['suspended']} suspended, {s['punished']} punished, "
            f"{s['low_credit']} with credit below 60, {s['declared']:,} declaring relations, {s['department']} "
            f"working for a supervising department; the rest of the mix in the script's docstring), "
            f"{first['recent']:,} of them drawn in the last 30 days (history of 3,000 draws over 12 months). "
            f"{projects(args.draws)} projects × {SECTIONS_PER_PROJECT} sections with {BIDDERS_PER_SECTION} registered bidders each; "
            f"{args.draws} draws after {WARMUP} warm-up draws, each for a fresh section and committed, committees of 5, "
            f"7 or 9 with 2–3 specialties, three quarters of them above the mandatory limit (no local expert). "
            f"Experts, history and registrations bulk-written (the benchmark's shortcut); projects, tenders and the "
            f"draws through the services. Time per `expert_draw_create` call, server clock, seeded. {note}\n\n"
            + table(["database", "draws", "p50 ms", "p95 ms", "p99 ms", "max ms", "queries per draw",
                     "pool (median)", "exclusion rows (median)", "replays matching", "unfillable"], rows)
            + "\n\nWhere the time goes (median per draw, share of the median draw):\n\n"
            + table(["database", "`build_pools`", "`choose`", "`_write_round`", "the rest (checks, rules, draw row, "
                     "audit event, commit)"], prow)
            + "\n\nWhat these figures say:\n\n" + "\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--experts", type=int, default=20000)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--db", default="postgres,sqlite")
    parser.add_argument("--choose-runs", type=int, default=2000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    start = start_state()
    runs = []
    for kind in [k for k in args.db.split(",") if k]:
        log(f"draws on {kind}")
        with database(kind) as env:
            runs.append((kind, run_child("trading_draw.py", ["--experts", str(args.experts), "--draws",
                                                             str(args.draws), "--choose-runs",
                                                             str(args.choose_runs)], env)))
    body = render(args, runs, load_note(start))
    write_section("trading_draw", f"Expert draw from {args.experts:,} experts with conflicts", body,
                  command=f"nice python bench/trading_draw.py --experts {args.experts} --draws {args.draws} "
                          f"--db {args.db} --choose-runs {args.choose_runs}")
    print(body)


if __name__ == "__main__":
    main()
