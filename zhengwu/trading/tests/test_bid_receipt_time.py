"""When a sealed bid counts as received (送达时间): the moment the request arrived, not when a busy server got to
it. Without a proxy that is the application's first middleware; behind a body-buffering reverse proxy that is
the proxy's ``X-Request-Start`` stamp, trusted only when configured and only within its window."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from zhengwu.core.middleware import ReceivedAtMiddleware
from zhengwu.trading.models import Bid
from zhengwu.trading.tests import test_bids_api
from zhengwu.trading.tests.test_bids_api import API, assert_error, bid_body, client_for

pytestmark = pytest.mark.django_db
live = test_bids_api.live  # the fixture: a tender open for bids now, one registered bidder
APP_NOW = dt.datetime(2026, 3, 21, 1, 30, 5, tzinfo=dt.timezone.utc)


def stamp(**headers) -> dt.datetime:
    request = RequestFactory().post("/api/v1/x", **headers)
    seen = {}
    middleware = ReceivedAtMiddleware(lambda r: seen.setdefault("at", r.received_at))
    with mock.patch("django.utils.timezone.now", return_value=APP_NOW):
        middleware(request)
    return seen["at"]


def test_without_a_configured_proxy_the_receipt_is_the_applications_moment_and_a_client_header_is_ignored():
    assert stamp(HTTP_X_REQUEST_START=f"t={APP_NOW.timestamp() - 30:.3f}") == APP_NOW


@override_settings(ZHENGWU_REQUEST_START_HEADER="X-Request-Start")
@pytest.mark.parametrize(("header", "expected"), [
    (f"t={APP_NOW.timestamp() - 30:.3f}", APP_NOW - dt.timedelta(seconds=30)),           # nginx ${msec}
    (f"t={int(APP_NOW.timestamp() * 1_000_000) - 2_500_000}", APP_NOW - dt.timedelta(seconds=2.5)),  # µs
    (f"t={APP_NOW.timestamp() + 0.5:.3f}", APP_NOW),            # half a second ahead (skew): the application's
    (f"t={APP_NOW.timestamp() + 5:.3f}", APP_NOW),              # in the future: ignored
    (f"t={APP_NOW.timestamp() - 601:.3f}", APP_NOW),            # older than the 600 s window: ignored
    ("t=yesterday", APP_NOW),                                    # not a time: ignored
])
def test_a_configured_proxys_stamp_is_trusted_within_its_window(header, expected):
    assert stamp(HTTP_X_REQUEST_START=header) == expected


@override_settings(ZHENGWU_REQUEST_START_HEADER="X-Request-Start")
def test_a_bid_that_reached_the_proxy_before_the_deadline_is_accepted_though_the_server_got_to_it_after(live):
    tender, section, bidder = live
    arrived = tender.bid_deadline - dt.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=tender.bid_deadline + dt.timedelta(seconds=3)):
        response = client_for(bidder).post(f"{API}/tenders/{tender.pk}/bids", bid_body(section_id=section.pk),
                                           content_type="application/json",
                                           HTTP_X_REQUEST_START=f"t={arrived.timestamp():.6f}")
    assert response.status_code == 201, response.content
    assert Bid.objects.get().received_at == arrived
    assert timezone.localtime(Bid.objects.get().received_at) < tender.bid_deadline


def test_without_the_proxy_the_same_bid_is_late_and_refused_naming_the_rule(live):
    tender, section, bidder = live
    arrived = tender.bid_deadline - dt.timedelta(seconds=2)
    with mock.patch("django.utils.timezone.now", return_value=tender.bid_deadline + dt.timedelta(seconds=3)):
        response = client_for(bidder).post(f"{API}/tenders/{tender.pk}/bids", bid_body(section_id=section.pk),
                                           content_type="application/json",
                                           HTTP_X_REQUEST_START=f"t={arrived.timestamp():.6f}")
    assert_error(response, 409, "rule.bid_after_deadline", None)
    assert Bid.objects.count() == 0
