"""Server errors the API fuzzing (core/tests/test_fuzz_api.py) found, fixed and kept fixed.

A ``year`` query parameter outside what the database's year lookup can build (``year=0``, ``year=-169``,
``year=10000``) raised ``ValueError`` from ``date(year, 1, 1)``: a 500. The ``year`` filters that did so now take
2000–2100 (``Query(ge=2000, le=2100)``, as the intermediary and small-project figures already did) and refuse the
rest with a 422 naming ``year``. The other ``year`` filters of the API already answered such years without an
error; they are checked here too, so a new one cannot regress.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from zhengwu.core.testing import assert_error, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

ODD_YEARS = [0, -169, 1999, 2101, 10000]

# (url, role allowed to call it): the filters that gave a 500 and now take 2000–2100.
FIXED = [
    ("/api/v1/evaluation/publications", Role.CENTER_ADMIN),
    ("/api/v1/evaluation/suggestions", Role.CENTER_ADMIN),
    ("/api/v1/evaluation/suggestions/counts", Role.CENTER_ADMIN),
    ("/api/v1/public/evaluation/publications", None),
    ("/api/v1/trading/remote-sessions", Role.TRADING_STAFF),
    ("/api/v1/credit/experts", Role.TRADING_STAFF),
    ("/api/v1/credit/experts/987654", Role.TRADING_STAFF),
    ("/api/v1/reviews/stats/year-on-year", Role.CENTER_ADMIN),
]
# The other year filters: their own rules (a falsy year is this year, some refuse with a 422), never a 500.
OTHERS = [
    ("/api/v1/trading/figures", Role.TRADING_STAFF),
    ("/api/v1/trading/fees/report", Role.TRADING_STAFF),
    ("/api/v1/trading/ocds/releases", Role.TRADING_STAFF),
    ("/api/v1/approvals/figures", Role.CENTER_ADMIN),
    ("/api/v1/leadership/targets", Role.CENTER_ADMIN),
    ("/api/v1/intermediary/figures", Role.CENTER_ADMIN),
    ("/api/v1/smallprojects/figures", Role.SUPERVISOR),
]


def client_for(role: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if role is not None:
        client.force_login(make_user(role=role))
    return client


@pytest.mark.parametrize(("url", "role"), FIXED)
@pytest.mark.parametrize("year", ODD_YEARS)
def test_a_year_outside_2000_to_2100_is_refused_naming_the_year(url: str, role: str | None, year: int) -> None:
    assert_error(client_for(role).get(url, {"year": year}), 422, "year")


@pytest.mark.parametrize(("url", "role"), FIXED + OTHERS)
def test_a_year_in_range_is_answered(url: str, role: str | None) -> None:
    response = client_for(role).get(url, {"year": 2024})
    assert response.status_code in (200, 404), response.content  # 404: the expert id names no expert


@pytest.mark.parametrize(("url", "role"), OTHERS)
def test_no_year_of_any_size_is_a_server_error(url: str, role: str | None) -> None:
    client = client_for(role)
    statuses = {year: client.get(url, {"year": year}).status_code for year in ODD_YEARS}
    assert all(status < 500 for status in statuses.values()), statuses


# --- integers beyond a 64-bit column ------------------------------------------------------------------------------
# ``GET /api/v1/reviews/reviews?township_id=9499805378508234427818877051643887616`` raised OverflowError from
# SQLite's parameter binding (a 500). Any integer too large for the database is now a 422 naming the parameter
# (config/api.py, ``on_overflow``); PostgreSQL compares such a number without an error and finds nothing.

HUGE = "9499805378508234427818877051643887616"


def test_an_integer_too_large_for_the_database_in_a_filter_is_never_a_server_error() -> None:
    response = client_for(Role.CENTER_ADMIN).get("/api/v1/reviews/reviews", {"township_id": HUGE})
    outcome = (response.status_code, response.json()["field"] if response.status_code == 422 else None)
    assert outcome in {(422, "township_id"), (200, None)}, response.content


def test_an_integer_too_large_for_the_database_in_a_path_is_never_a_server_error() -> None:
    response = client_for(Role.CENTER_ADMIN).get(f"/api/v1/reviews/reviews/{HUGE}")
    outcome = (response.status_code, response.json()["field"])
    assert outcome in {(422, "review_id"), (404, None)}, response.content


def test_an_overflow_is_answered_with_a_422_naming_the_oversized_parameter() -> None:
    from django.test import RequestFactory

    from zhengwu.config.api import on_overflow

    request = RequestFactory().get("/api/v1/reviews/reviews", {"channel": "window", "township_id": f"+{HUGE}"})
    response = on_overflow(request, OverflowError("Python int too large to convert to SQLite INTEGER"))
    assert response.status_code == 422
    body = json.loads(response.content)
    assert (body["code"], body["field"]) == ("out_of_range", "township_id")
    assert "township_id" in body["message"]


def test_a_nul_character_in_a_filter_is_never_a_server_error() -> None:
    # Found by the fuzzing on PostgreSQL (GET /trading/experts?specialty=…\x00…): PostgreSQL cannot compare a text
    # holding NUL; SQLite can and finds nothing.
    response = client_for(Role.TRADING_STAFF).get("/api/v1/trading/experts", {"specialty": "A\x00B", "source": ""})
    outcome = (response.status_code, response.json()["field"] if response.status_code == 422 else None)
    assert outcome in {(422, "specialty"), (200, None)}, response.content


def test_a_nul_data_error_is_answered_with_a_422_naming_the_parameter_and_other_data_errors_are_not_hidden() -> None:
    import pytest
    from django.db import DataError
    from django.test import RequestFactory

    from zhengwu.config.api import on_data_error

    request = RequestFactory().get("/api/v1/trading/experts", {"status": "active", "specialty": "A\x00B"})
    response = on_data_error(request, DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    body = json.loads(response.content)
    assert (response.status_code, body["code"], body["field"]) == (422, "bad_character", "specialty")
    posted = RequestFactory().post("/api/v1/x", data=json.dumps({"name": "ok", "note": "a\x00"}),
                                   content_type="application/json")
    assert json.loads(on_data_error(posted, DataError("… NUL (0x00) …")).content)["field"] == "note"
    with pytest.raises(DataError):
        on_data_error(request, DataError("value too long for type character varying(32)"))
