"""Every API operation, fuzzed with schemathesis against the OpenAPI document: no input gives a server error.

The schema is ninja's own document (``api.get_openapi_schema()``), so every operation of every router is covered.
Each operation is called through the WSGI application with a bearer token of a persona that holds its permissions
(``PERSONAS``: the first matching rule wins, the center administrator otherwise), against a small demo district
(``core.demo.generate`` at a tiny scale, seeded) so that path parameters sometimes name real rows: an integer path
parameter is either what schemathesis generated or the id of a row that exists. Cases are both valid and invalid
(schemathesis' positive and negative modes). The one check is ``not_a_server_error``: any 5xx fails the operation.

Bounded for CI: ``ZHENGWU_FUZZ_EXAMPLES`` examples per operation (5 by default), derandomized (the same cases on
every run), no deadline. The counts of the run go to ``var/fuzz-api.json`` for docs/SECURITY.md.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from zhengwu.config.api import api

# Each operation runs in its own transaction (pytest-django's), inside the module's world; both are rolled back.
pytestmark = [pytest.mark.django_db, pytest.mark.once_per_ci]

EXAMPLES = int(os.environ.get("ZHENGWU_FUZZ_EXAMPLES", "5"))
DEMO_SEED = 12
DEMO_SCALE = 0.02

# (method or None, path pattern, role): who calls an operation. The first match wins; the center administrator
# (district-wide scope, the widest set of permissions) calls everything else.
PERSONAS: list[tuple[str | None, str, str]] = [
    (None, r"^/api/v1/core/audit/", "audit_admin"),
    (None, r"^/api/v1/org/users", "security_admin"),
    (None, r"^/api/v1/cases/", "window_clerk"),
    (None, r"^/api/v1/reviews/", "window_clerk"),
    ("POST", r"^/api/v1/trading/tenders/\{tender_id\}/(bids|objections)$", "enterprise_user"),
    ("POST", r"^/api/v1/trading/bids/", "enterprise_user"),
    ("POST", r"^/api/v1/trading/evaluations/\{evaluation_id\}/score-sheets$", "expert"),
    (None, r"^/api/v1/trading/", "trading_staff"),
    (None, r"^/api/v1/credit/", "trading_staff"),
    (None, r"^/api/v1/fairreview/rules", "system_admin"),
    (None, r"^/api/v1/fairreview/", "trading_staff"),
    (None, r"^/api/v1/(supervision|smallprojects)/", "supervisor"),
    ("POST", r"^/api/v1/enterprise/demands/\{pk\}/(rate|reopen)$", "enterprise_user"),
    ("POST", r"^/api/v1/enterprise/demands$", "enterprise_user"),
    ("POST", r"^/api/v1/intermediary/purchases/\{pk\}/answers$", "intermediary"),
    (None, r"^/api/v1/retrieval/(mine|requests|consent)", "enterprise_user"),
    (None, r"^/api/v1/retrieval/(inbox|items/)", "window_clerk"),
]
DEFAULT_ROLE = "center_admin"
# The demo's login for each role (core.demo prints them); another active user of the role if it is missing.
DEMO_LOGIN = {"center_admin": "admin", "window_clerk": "clerk_scj", "enterprise_user": "enterprise",
              "trading_staff": "trading", "expert": "expert", "intermediary": "agency", "supervisor": "supervisor",
              "system_admin": "sysadmin", "security_admin": "secadmin", "audit_admin": "auditor"}


def persona_for(method: str, path: str) -> str:
    for want, pattern, role in PERSONAS:
        if (want is None or want == method.upper()) and re.search(pattern, path):
            return role
    return DEFAULT_ROLE


schema = schemathesis.openapi.from_dict(api.get_openapi_schema())

# Filled by the `world` fixture: the ids of rows that exist, for integer path parameters.
ROW_IDS: list[int] = []
STATS: dict[str, Any] = {"operations": 0, "cases": 0, "server_errors": 0, "by_status": {}}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time, each integer path parameter names a row of the demo world instead of a random number."""
    if not ROW_IDS or not path_parameters:
        return st.just(path_parameters)
    real = {name: (st.sampled_from(ROW_IDS) if isinstance(value, int) and not isinstance(value, bool)
                   else st.just(value)) for name, value in path_parameters.items()}
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A tiny seeded demo district and one API token per persona role; rolled back when the module ends."""
    from zhengwu.core.demo import DemoContext, generate
    from zhengwu.core.tokens import token_create
    from zhengwu.org.models import User

    # The WSGI handler would close the test's connection at each request end (it is inside a transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    started = time.perf_counter()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            generate(DemoContext(seed=DEMO_SEED, scale=DEMO_SCALE, log=lambda _line: None))
            roles = {role for _m, _p, role in PERSONAS} | {DEFAULT_ROLE}
            tokens: dict[str, str] = {}
            for role in sorted(roles):
                users = User.objects.filter(role=role, is_active=True)
                user = users.filter(username=DEMO_LOGIN.get(role)).first() or users.order_by("pk").first()
                assert user is not None, f"the demo world has no active {role}"
                tokens[role] = token_create(user=user, name="fuzz", actor=user)[1]
            from django.apps import apps

            ids: set[int] = set()
            for model in apps.get_models():
                if model._meta.app_label in {"sessions", "contenttypes", "admin", "auth"}:
                    continue
                ids.update(pk for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:5]
                           if isinstance(pk, int))
            ROW_IDS[:] = sorted(ids)
            STATS["world_seconds"] = round(time.perf_counter() - started, 1)
            started = time.perf_counter()
            yield tokens
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
    STATS["fuzz_seconds"] = round(time.perf_counter() - started, 1)
    STATS["examples_per_operation"] = EXAMPLES
    STATS["engine"] = connection.vendor
    STATS["slowest_operations"] = [[key, round(sec, 2)] for key, sec in
                                   sorted(SECONDS.items(), key=lambda kv: -kv[1])[:10]]
    STATS["operations_in_schema"] = sum(len(item) for item in api.get_openapi_schema()["paths"].values())
    out = settings.VAR_DIR / "fuzz-api.json"
    out.write_text(json.dumps(STATS, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def wsgi_app() -> Any:
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def _count(status: int) -> None:
    STATS["cases"] += 1
    STATS["by_status"][str(status)] = STATS["by_status"].get(str(status), 0) + 1
    if status >= 500:
        STATS["server_errors"] += 1


_SEEN: set[str] = set()
SECONDS: dict[str, float] = {}


@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_input_to_any_operation_gives_a_server_error(case: Any, world: dict[str, str],
                                                        wsgi_app: Any) -> None:
    # The operation, not the request: negative cases also send methods the operation does not have.
    method, path = case.operation.method.upper(), case.operation.path
    key = f"{method} {path}"
    if key not in _SEEN:
        _SEEN.add(key)
        STATS["operations"] += 1
    token = world[persona_for(method, path)]
    started = time.perf_counter()
    response = case.call(app=wsgi_app, headers={"Authorization": f"Bearer {token}"})
    SECONDS[key] = SECONDS.get(key, 0.0) + time.perf_counter() - started
    _count(response.status_code)
    case.validate_response(response, checks=[not_a_server_error])
