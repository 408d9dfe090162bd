"""No request path scans a whole large table (issue 13 part 1b): an EXPLAIN check on PostgreSQL.

A small world (the scope matrix's, plus a few more cases, reviews, reminders and the folded rollups) is built; the
SQL of the main screens (web and API lists, as a user with the right role) and of every registered report figure
(for a month and for a year) is captured; every SELECT that touches a large table is explained with
``SET LOCAL enable_seqscan = off``. The planner then takes an index whenever one can serve the query, so a
``Seq Scan`` node left on a large table means no index can: the test fails naming the query, the table and the
screen or figure, unless the query is in :data:`ALLOWED` with its reason. The figures are written to
``var/query-plans.json``. Method and result: docs/query-plans.md.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans are checked on PostgreSQL only (EXPLAIN, enable_seqscan)"
)

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "var" / "query-plans.json"

#: The tables that grow with the district's activity (rows per year at district scale, docs/PERFORMANCE.md): cases
#: and their audit trail (600,000 cases and millions of events a year), reviews (~300,000) and their bad-review
#: handlings, reminders (~4,000 but scanned by every figure of a period), bids (every tender's files), the
#: evaluation rollups (~400,000 rows a district-year, 32 million a province-year) and their unfolded deltas, and
#: the retrieval items (one per record asked for). A partition of one of them (pg_inherits) counts as the table.
LARGE_TABLES = frozenset(
    {
        "cases_case",
        "core_auditevent",
        "core_reminder",
        "reviews_review",
        "reviews_badreviewhandling",
        "trading_bid",
        "evaluation_dailyrollup",
        "evaluation_rollupdelta",
        "retrieval_requestitem",
    }
)

SEQ_SCAN = "Seq Scan"
FULL_INDEX_SCAN = "full index scan"

MONTH = ("2024-09-01", "2024-09-30")
YEAR = ("2024-01-01", "2024-12-31")


@dataclass(frozen=True)
class Allowed:
    """A Seq Scan accepted on purpose: ``source`` and ``sql`` are regular expressions searched in the screen or
    figure name and in the query text; ``reason`` says why a whole-table read is right (or which index is pending)."""

    source: str
    table: str
    sql: str
    reason: str
    how: str = SEQ_SCAN


#: Seq Scans accepted, each with its reason. Empty entries are never left here: an entry that matches nothing in
#: a run fails the test too, so the list cannot rot.
ALLOWED: list[Allowed] = [
    # The live deltas are folded into the rollups every minute (evaluation.tasks.fold_rollup_deltas, which takes the
    # whole table by design: DELETE … RETURNING); readers add the rows not folded yet, so the table holds about a
    # minute of transitions. An index would cost every case transition an insert and serve no reader.
    Allowed(
        source=r".",
        table="evaluation_rollupdelta",
        sql=r'FROM "evaluation_rollupdelta"',
        reason="small by design: folded every minute, holds about one minute of live changes",
    ),
]


# --- plans -----------------------------------------------------------------------------------------------------


def plan_nodes(node: dict[str, Any], *, limited: bool = False) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every node of an EXPLAIN (FORMAT JSON) plan, depth first (sub-plans and init-plans included), each with
    whether a ``Limit`` node above it bounds what it reads."""
    yield node, limited
    below = limited or node.get("Node Type") == "Limit"
    for child in node.get("Plans", ()):
        yield from plan_nodes(child, limited=below)


def whole_table_scans(plan: dict[str, Any], *, parents: dict[str, str]) -> list[tuple[str, str]]:
    """(large table, how) for each node that reads a large table whole: a ``Seq Scan``, or an index scan with no
    ``Index Cond`` and no ``Limit`` above it (with sequential scans off, the planner walks a whole index to get an
    order; that reads every row just the same). A partition is named by its parent."""
    found = []
    for node, limited in plan_nodes(plan):
        kind = node.get("Node Type")
        if kind == "Seq Scan":
            how = SEQ_SCAN
        elif kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in node and not limited:
            how = FULL_INDEX_SCAN
        else:
            continue
        name = node.get("Relation Name", "")
        table = parents.get(name, name)
        if table in LARGE_TABLES:
            found.append((table, how))
    return found


def partition_parents() -> dict[str, str]:
    """partition name -> its (top) parent table, from pg_inherits."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, p.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent"
        )
        direct = dict(cursor.fetchall())
    out = {}
    for child in direct:
        top = child
        while top in direct:
            top = direct[top]
        out[child] = top
    return out


_TABLE_WORDS = re.compile(r'"([a-z_]+)"')


def touches_large_table(sql: str) -> bool:
    return bool(set(_TABLE_WORDS.findall(sql)) & LARGE_TABLES)


def explain(sql: str) -> dict[str, Any]:
    """The plan of ``sql`` (parameters already bound by the client cursor) with sequential scans discouraged."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        raw = cursor.fetchone()[0]
    data = json.loads(raw) if isinstance(raw, str) else raw
    return data[0]["Plan"]


# --- the world -----------------------------------------------------------------------------------------------------


def build() -> dict[str, Any]:
    from zhengwu.cases.testing import move, receive
    from zhengwu.core.reminders import run_sweeps
    from zhengwu.core.testing import make_user
    from zhengwu.core.tests.scope_matrix.conftest import build_world
    from zhengwu.evaluation import rollups
    from zhengwu.org.roles import Role
    from zhengwu.reviews.testing import completed_case, review

    from .scope_matrix.kinds import at

    world = build_world()
    p = world["personas"]
    p["dept_leader"] = make_user(role=Role.DEPARTMENT_LEADER, username="qp-dept-leader", department=world["dept_a"])
    # The audit administrator reads the trail in the Django admin, which asks for a staff account.
    p["audit_admin"].is_staff = True
    p["audit_admin"].save(update_fields=["is_staff"])
    item = world["cases"]["A"].item
    # More cases over the year: received, accepted, completed with a review, some left open past their deadline.
    for month in range(1, 13):
        done = completed_case(
            clerk=p["clerk_a"], received=f"2024-{month:02d}-10 09:00", completed=f"2024-{month:02d}-11 16:00"
        )
        review(case=done, when=f"2024-{month:02d}-12 10:00", level=5)
        open_case = receive(actor=p["clerk_a"], item=item, when=f"2024-{month:02d}-15 09:00")
        move(open_case, "accept", actor=p["clerk_a"], when=f"2024-{month:02d}-15 09:30")
    run_sweeps(now=at("2024-12-31 18:00"))
    rollups.fold()
    # Every large table has rows (the live deltas were just folded: that one is empty by design).
    present = {table: model.objects.exists() for table, model in large_models().items()}
    assert present == {table: table != "evaluation_rollupdelta" for table in LARGE_TABLES}
    return world


def large_models() -> dict[str, Any]:
    from django.apps import apps

    return {m._meta.db_table: m for m in apps.get_models() if m._meta.db_table in LARGE_TABLES}


# --- what is requested -------------------------------------------------------------------------------------------


def screens(world: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, persona, URL) of the main screens, each with a one-month period where the screen takes one."""
    from zhengwu.evaluation.models import Indicator

    month = f"start={MONTH[0]}&end={MONTH[1]}"
    year = f"start={YEAR[0]}&end={YEAR[1]}"
    o = world["objects"]
    case = world["cases"]["A"]
    # Every indicator with cases behind it (the limit compression is a property of the catalog, not of cases).
    indicators = list(
        Indicator.objects.filter(is_active=True)
        .exclude(code="limit_compression")
        .order_by("number")
        .values_list("code", flat=True)
    )
    assert indicators
    return [
        ("cases: inbox", "clerk_a", "/cases/"),
        ("cases: list", "clerk_a", "/cases/list/"),
        ("cases: list, month", "clerk_a", f"/cases/list/?{month}"),
        ("cases: list, supervisor", "supervisor", "/cases/list/"),
        ("cases: detail", "clerk_a", f"/cases/{case.pk}/"),
        ("cases: department", "dept_leader", "/cases/department/"),
        ("api cases: list", "clerk_a", "/api/v1/cases/cases"),
        ("reviews: list", "supervisor", "/reviews/"),
        ("reviews: bad reviews", "clerk_a", "/reviews/bad/"),
        ("reviews: bad reviews, supervisor", "supervisor", "/reviews/bad/"),
        ("api reviews: list", "supervisor", "/api/v1/reviews/reviews"),
        ("api reviews: bad", "supervisor", "/api/v1/reviews/bad"),
        (
            "api evaluation: drilldown",
            "leader",
            f"/api/v1/evaluation/cases?indicator=online_rate&part=denominator&{month}",
        ),
        ("evaluation: ranking, month", "supervisor", f"/evaluation/?{month}&group=department"),
        ("evaluation: ranking, year", "supervisor", f"/evaluation/?{year}&group=department"),
        ("evaluation: ranking by township", "supervisor", f"/evaluation/?{month}&group=township"),
        ("evaluation: desk", "dept_leader", f"/evaluation/desk/?{month}"),
        *[
            (
                f"evaluation: drilldown {code} {part}",
                "dept_leader",
                f"/evaluation/desk/cases/?{month}&indicator={code}&part={part}&group_id={world['dept_a'].pk}",
            )
            for code in indicators
            for part in ("numerator", "denominator")
        ],
        *[
            (
                f"evaluation: district drilldown {code} {part}",
                "leader",
                f"/evaluation/desk/cases/?{month}&indicator={code}&part={part}",
            )
            for code in indicators
            for part in ("numerator", "denominator")
        ],
        ("evaluation: public ranking", "citizen", "/evaluation/public/"),
        ("village: stations", "township_staff", "/village/"),
        ("village: agents", "township_staff", "/village/agents/"),
        ("village: ratings", "township_staff", "/village/ratings/"),
        ("trading: projects", "center_admin", "/trading/"),
        ("trading: registrations", "center_admin", f"/trading/tenders/{world['tender'].pk}/registrations/"),
        ("trading: portal", "enterprise_x", "/trading/portal/"),
        ("trading: bid receipt", "enterprise_x", f"/trading/portal/bids/{o['bid']['A'].pk}/"),
        ("api trading: tenders", "center_admin", "/api/v1/trading/tenders"),
        ("api trading: bids", "enterprise_x", "/api/v1/trading/bids"),
        ("supervision: workspace", "supervisor", "/supervision/"),
        ("supervision: flags", "supervisor", "/supervision/flags/"),
        ("enterprise: workspace", "center_admin", "/enterprise/"),
        ("enterprise: inbox", "clerk_a", "/enterprise/inbox/"),
        ("retrieval: requests", "center_admin", "/retrieval/"),
        ("retrieval: inbox", "clerk_a", "/retrieval/inbox/"),
        ("audit: admin list", "audit_admin", "/admin/core/auditevent/"),
        ("audit: admin list, one action", "audit_admin", "/admin/core/auditevent/?action=case.receive"),
        ("audit: admin list, searched", "audit_admin", f"/admin/core/auditevent/?q={case.pk}"),
        ("api audit: events", "audit_admin", "/api/v1/core/audit/events"),
        ("api audit: events of an action", "audit_admin", "/api/v1/core/audit/events?action=case.receive"),
        ("api audit: events of an object id", "audit_admin", f"/api/v1/core/audit/events?object_id={case.pk}"),
        (
            "api audit: events of a case",
            "audit_admin",
            f"/api/v1/core/audit/events?object_type=cases.case&object_id={case.pk}",
        ),
        ("leadership: dashboard, month", "leader", f"/leadership/?{month}"),
        ("leadership: dashboard, year", "leader", f"/leadership/?{year}"),
    ]


@dataclass
class Captured:
    source: str
    sql: str


def capture(world: dict[str, Any]) -> tuple[list[Captured], dict[str, int]]:
    """The SQL of every screen (asserting each answers 200) and of every figure for a month and a year."""
    from zhengwu.reports import registry

    out: list[Captured] = []
    statuses: dict[str, int] = {}
    for name, persona, url in screens(world):
        client = Client()
        client.force_login(world["personas"][persona])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        statuses[name] = response.status_code
        out += [Captured(f"screen {name} ({url})", q["sql"]) for q in ctx.captured_queries]
    for label, (start, end) in (("month", MONTH), ("year", YEAR)):
        period = registry.Period.parse(start, end)
        for fig in registry.figures():
            with CaptureQueriesContext(connection) as ctx:
                fig.compute(period)
            out += [Captured(f"figure {fig.key} ({label})", q["sql"]) for q in ctx.captured_queries]
    return out, statuses


# --- the check ---------------------------------------------------------------------------------------------------


def allowed_reason(source: str, table: str, how: str, sql: str) -> Allowed | None:
    for entry in ALLOWED:
        if entry.table == table and entry.how == how and re.search(entry.source, source) and re.search(entry.sql, sql):
            return entry
    return None


def test_the_plan_walker_finds_whole_table_reads_under_a_join_and_names_a_partition_by_its_parent():
    plan = {
        "Node Type": "Hash Join",
        "Plans": [
            {"Node Type": "Index Scan", "Relation Name": "cases_case", "Index Cond": "(id = 1)"},
            {"Node Type": "Hash", "Plans": [{"Node Type": "Seq Scan", "Relation Name": "core_auditevent_2024"}]},
            {"Node Type": "Seq Scan", "Relation Name": "org_department"},
            {"Node Type": "Index Only Scan", "Relation Name": "reviews_review"},
            {"Node Type": "Limit", "Plans": [{"Node Type": "Index Scan", "Relation Name": "core_reminder"}]},
        ],
    }
    assert whole_table_scans(plan, parents={"core_auditevent_2024": "core_auditevent"}) == [
        ("core_auditevent", SEQ_SCAN),
        ("reviews_review", FULL_INDEX_SCAN),
    ]
    assert whole_table_scans(plan, parents={}) == [("reviews_review", FULL_INDEX_SCAN)]


#: The API lists on large tables: (URL, persona). Each must read one page (LIMIT in SQL), not the whole scope.
API_LISTS = [
    ("/api/v1/cases/cases", {}, "supervisor"),
    ("/api/v1/reviews/reviews", {}, "supervisor"),
    ("/api/v1/reviews/bad", {}, "supervisor"),
    ("/api/v1/trading/bids", {}, "center_admin"),
    (
        "/api/v1/evaluation/cases",
        {"indicator": "online_rate", "part": "denominator", "start": "2024-09-01", "end": "2024-09-30"},
        "leader",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "params", "persona"), API_LISTS)
def test_an_api_list_on_a_large_table_reads_one_page_and_counts_the_rest_in_sql(url, params, persona):
    from zhengwu.core.tests.scope_matrix.conftest import build_world

    world = build_world()
    client = Client()
    client.force_login(world["personas"][persona])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {**params, "limit": 1})
    body = response.json()
    assert response.status_code == 200
    assert (len(body["items"]), body["count"] >= 2) == (1, True)
    rows = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and touches_large_table(q["sql"])
        and "COUNT(" not in q["sql"].upper()
    ]
    main = [sql for sql in rows if sql.rstrip().upper().endswith("LIMIT 1")]
    assert len(main) == 1, rows


@pytest.mark.django_db
@postgres_only
def test_no_screen_or_figure_reads_a_whole_large_table():
    world = build()
    captured, statuses = capture(world)

    parents = partition_parents()
    checked, plans, found, allowed, failures, full_index = 0, {}, [], [], [], []
    used: set[int] = set()
    for c in captured:
        sql = c.sql.strip()
        if not sql.upper().startswith(("SELECT", "WITH")) or not touches_large_table(sql):
            continue
        checked += 1
        if sql not in plans:
            plans[sql] = explain(sql)
        for table, how in sorted(set(whole_table_scans(plans[sql], parents=parents))):
            row = {"source": c.source, "table": table, "how": how, "sql": sql}
            if how == FULL_INDEX_SCAN:
                full_index.append(row)
                continue
            found.append(row)
            entry = allowed_reason(c.source, table, how, sql)
            if entry is None:
                failures.append(row)
            else:
                used.add(ALLOWED.index(entry))
                allowed.append({**row, "reason": entry.reason})
    unused = [e for i, e in enumerate(ALLOWED) if i not in used]

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "large_tables": sorted(LARGE_TABLES),
                "screens": len(statuses),
                "screens_not_ok": {name: s for name, s in statuses.items() if s != 200},
                "figures_computed": len({c.source for c in captured if c.source.startswith("figure ")}),
                "queries_captured": len(captured),
                "queries_checked": checked,
                "distinct_plans": len(plans),
                "seq_scans_found": len(found),
                "full_index_scans_reported": len(full_index),
                "allowed_count": len(allowed),
                "failure_count": len(failures),
                "failures": failures,
                "allowed": allowed,
                "unused_allowed": [e.__dict__ for e in unused],
                "full_index_scans": full_index,
                "plans": [{"sql": sql, "plan": plan} for sql, plan in plans.items()],
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )

    assert {name: s for name, s in statuses.items() if s != 200} == {}
    assert checked > 100  # the capture really saw the screens' and figures' queries
    distinct = {(f["table"], f["how"], f["sql"]): f["source"] for f in failures}
    assert failures == [], f"{len(distinct)} queries read a whole large table:\n\n" + "\n\n".join(
        f"{table} ({how}) in {source}:\n{sql}" for (table, how, sql), source in distinct.items()
    )
    assert unused == []
