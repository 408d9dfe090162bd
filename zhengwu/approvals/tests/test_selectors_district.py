"""``applications_received``: every combined application received in a period (local dates), district-wide,
ready for ``timing.figures``."""

from __future__ import annotations

from datetime import date

import pytest

from zhengwu.approvals import selectors, timing
from zhengwu.approvals.testing import file

pytestmark = pytest.mark.django_db


def test_applications_are_chosen_by_their_local_day_of_receipt_whoever_filed_them(world):
    for project, when in ((world["project"], "2024-03-01 00:10"), (world["other_project"], "2024-03-31 23:50"),
                          (world["project"], "2024-04-01 00:10"), (world["project"], "2024-02-29 23:50")):
        file(project=project, bundle=world["bundle"], when=when)
    received = selectors.applications_received(start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert sorted(a.project.name for a in received) == sorted([world["project"].name, world["other_project"].name])
    assert received.count() == 2
    # nothing is done yet, so the figures screen's computation has no completed application to time
    assert timing.figures(received)["total"]["applications"] == 0
