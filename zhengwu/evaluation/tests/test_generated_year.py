"""On a generated district-year (the demo generator at a small scale): the figures from the
incrementally kept rollups equal those computed from the raw tables, for every indicator,
every department and township and several periods, and a rebuild from scratch gives the
same rows."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.core.demo import DemoContext, generate
from zhengwu.evaluation import rollups
from zhengwu.evaluation.indicators import indicator_values
from zhengwu.evaluation.counters import COUNTERS
from zhengwu.evaluation.models import DailyRollup

pytestmark = pytest.mark.django_db

PERIODS = [(date(2023, 1, 1), date(2023, 11, 30)), (date(2022, 1, 1), date(2022, 12, 31)),
           (date(2023, 3, 1), date(2023, 3, 31)), (date(2023, 11, 20), date(2023, 11, 26))]


@pytest.fixture
def year(django_db_blocker):
    generate(DemoContext(seed=5, scale=0.004, log=lambda msg: None),
             only=("org.", "cases.", "reviews.", "evaluation."))


def rows() -> list[tuple]:
    rollups.fold()
    names = ["day", "department_id", "township_id", "item_id", "channel", *COUNTERS]
    return sorted(r for r in DailyRollup.objects.values_list(*names) if any(r[5:]))


@pytest.mark.parametrize("group", ["department", "township", None])
def test_rollups_and_raw_tables_give_the_same_figures(year, group):
    for start, end in PERIODS:
        from_rollups = indicator_values(start=start, end=end, group=group, source="rollup")
        from_raw = indicator_values(start=start, end=end, group=group, source="raw")
        assert from_rollups == from_raw, (start, end)
    assert len(from_rollups) >= 1


def test_a_rebuild_from_scratch_gives_the_rows_kept_incrementally(year):
    kept = rows()
    assert len(kept) > 100
    rollups.rebuild()
    assert rows() == kept
