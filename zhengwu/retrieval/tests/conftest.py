"""Fixtures of the retrieval tests: the catalog, a housekeeping company with a user, and clerks."""

from __future__ import annotations

from typing import Any

import pytest

from zhengwu.retrieval.testing import clerk, make_catalog, make_requester, requester_user


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    departments = make_catalog()
    company = make_requester(1)
    return {
        "departments": departments,
        "company": company,
        "company_user": requester_user(company),
        "police_clerk": clerk(departments["police"]),
        "hrss_clerk": clerk(departments["hrss"]),
    }


@pytest.fixture
def immediate_huey() -> Any:
    """Run enqueued huey tasks at once, in memory (the fetch of external items on consent)."""
    from huey.contrib.djhuey import HUEY

    before = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = before
