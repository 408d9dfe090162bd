"""The scope matrix (issue 12 part 3): every web URL and every API operation × every persona × the in-scope and the
out-of-scope object, generated from the URL resolver and the OpenAPI document. A persona may succeed only where it
holds the permission the view or operation requires and the object is in its data scope; nothing answers 500.
The rules (how a route finds its permission and its object) are in docs/scope-matrix.md."""

from __future__ import annotations

import functools
import inspect
import json
import re
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from django.db import connection
from django.test import Client

from zhengwu.cases.models import Case
from zhengwu.cases.selectors import cases_visible_to
from zhengwu.config.api import api
from zhengwu.core.testing import web_url_patterns
from zhengwu.org.tests.test_accounts_duties import _example

from .kinds import A, B, KINDS

pytestmark = [pytest.mark.django_db, pytest.mark.once_per_ci]

REPO = Path(__file__).resolve().parents[4]
WRITE_METHODS = ("post", "put", "patch", "delete")
COUNTS: dict[str, int] = {}

#: route template (web ``<pk>`` written as ``{pk}``) -> the object kind its first parameter names and the selector
#: that says what a user may see of it (kinds.py). A route not matched here gets the sample value 1 (permission
#: check only).
SCOPED_ROUTES: list[tuple[re.Pattern[str], str, Callable[[Any], Any]]] = [
    (pattern, kind.name, kind.visible) for kind in KINDS for pattern in kind.patterns]

#: Open bugs the matrix found and does not yet fix: (persona, METHOD route template) left out, each named in the
#: report and in docs/scope-matrix.md.
OPEN_BUGS: set[tuple[str, str]] = set()

_PERM = re.compile(r"^[a-z_]+\.[a-z_]+$")
_REQUIRE = re.compile(r"require\(\s*request\.user\s*,\s*([^)]+?)\s*\)")
_HAS_PERM = re.compile(r"request\.user\.has_perm\(\s*([^)]+?)\s*\)")


def _view_permissions(view: Any) -> set[str]:
    """The permissions named by ``permission_required_403`` around a web view (read from the decorators' closures)."""
    found: set[str] = set()
    seen = 0
    while view is not None and seen < 10:
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, str) and _PERM.match(value):
                found.add(value)
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return found


def _api_permissions(func: Any) -> frozenset[str]:
    """The permissions an API operation checks in its own body (``require(request.user, P)`` or
    ``request.user.has_perm(P)``): holding any one of them lets a persona through the permission check."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return frozenset()
    found = set()
    module = inspect.getmodule(func)
    for expr in _REQUIRE.findall(source) + _HAS_PERM.findall(source):
        value = expr.strip("\"'") if expr[0] in "\"'" else getattr(module, expr, None)
        if isinstance(value, str) and _PERM.match(value):
            found.add(value)
    return frozenset(found)


@functools.cache
def web_routes() -> list[dict[str, Any]]:
    """Every URL of the web interface (not the API, not the Django admin) with the permissions its view requires."""
    found = [{"template": re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", full), "perms": _view_permissions(p.callback)}
             for full, p in web_url_patterns()]
    return sorted(found, key=lambda r: r["template"])


@functools.cache
def api_operations() -> list[dict[str, Any]]:
    """Every API operation of the OpenAPI document, its permission, and a body of the documented shape."""
    funcs: dict[str, Any] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                funcs[api.get_openapi_operation_id(op)] = op.view_func
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            body_schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body = _example(body_schema, components) if body_schema and method in WRITE_METHODS else {}
            func = funcs.get(op.get("operationId"))
            found.append({"template": path, "method": method, "body": json.dumps(body),
                          "perms": _api_permissions(func) if func else frozenset(),
                          "decorated": False})
    return found


def _scoped(template: str) -> tuple[str, Callable[[Any], Any]] | None:
    for pattern, kind, visible in SCOPED_ROUTES:
        if pattern.search(template):
            return kind, visible
    return None


def _fill(template: str, obj_id: int | None) -> str:
    """The object's id in the first parameter of a scoped route, the sample values elsewhere."""
    done = False

    def one(m: re.Match[str]) -> str:
        nonlocal done
        if obj_id is not None and not done:
            done = True
            return str(obj_id)
        return "1"

    return re.sub(r"\{\w+\}", one, template)


def _succeeded(response: Any, write: bool) -> bool:
    if 200 <= response.status_code < 300:
        return True
    # A web form that worked answers with a redirect to the next page; a refusal never redirects elsewhere
    # than to the login page.
    location = response.get("Location", "")
    return write and response.status_code in (301, 302, 303) and "/login/" not in location


def _cases(world: dict[str, Any], template: str) -> list[tuple[str, Any, int | None, bool]]:
    """(persona, user, object id, in scope) for every persona and the in- and out-of-scope object of the route."""
    personas = {"anonymous": None, **world["personas"]}
    scoped = _scoped(template)
    out = []
    for name, user in personas.items():
        if scoped is None or "{" not in template:
            out.append((name, user, None, True))
            continue
        kind, visible = scoped
        pair = world["objects"][kind]
        seen = set(visible(user).filter(pk__in=[pair[A].pk, pair[B].pk]).values_list("pk", flat=True)) if user else set()
        for side in (A, B):
            out.append((name, user, pair[side].pk, pair[side].pk in seen))
    return out


def _clients(world: dict[str, Any]) -> dict[str, Client]:
    clients = {"anonymous": Client()}
    for name, user in world["personas"].items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


def _run(world: dict[str, Any], kind: str, requests: list[tuple[dict[str, Any], str, bool]]) -> None:
    clients = _clients(world)
    unexpected: list[str] = []
    errors: list[str] = []
    checked = 0
    started = time.monotonic()
    for route, method, write in requests:
        perms = route["perms"]
        for name, user, obj_id, in_scope in _cases(world, route["template"]):
            if (name, f"{method.upper()} {route['template']}") in OPEN_BUGS:
                continue
            path = _fill(route["template"], obj_id)
            client = clients[name]
            if route.get("api") and write:
                response = getattr(client, method)(path, data=route["body"], content_type="application/json")
            else:
                response = getattr(client, method)(path, {}) if write else client.get(path)
            checked += 1
            label = f"{name} {method.upper()} {path}"
            if response.status_code >= 500:
                errors.append(f"{label} -> {response.status_code}")
                continue
            # Anonymous succeeds only on a page or operation that names no permission (a public one).
            holds = all if route.get("all") else any  # stacked decorators: all; checks in an API body: any
            allowed = (not perms or (user is not None and holds(user.has_perm(p) for p in perms))) and in_scope
            if user is None and route.get("decorated"):
                allowed = False
            # Anonymous on a decorated view: the login page (or 405 from a POST-only view refusing a GET first).
            if user is None and route.get("decorated") and not response.status_code == 405 and not (
                    response.status_code == 302 and "/login/" in response.get("Location", "")):
                unexpected.append(f"{label} -> {response.status_code} (anonymous: not sent to the login page)")
            elif _succeeded(response, write) and not allowed:
                unexpected.append(f"{label} -> {response.status_code}")
    COUNTS[kind] = checked
    COUNTS[f"{kind}_seconds"] = round(time.monotonic() - started, 1)
    COUNTS[f"{kind}_unexpected"] = len(unexpected)
    COUNTS[f"{kind}_server_errors"] = len(errors)
    assert errors == [], "\n".join(errors)
    assert unexpected == [], "\n".join(unexpected)


@pytest.fixture(scope="module", autouse=True)
def _record_counts():
    yield
    target = REPO / "var" / "scope-matrix.json"
    target.parent.mkdir(exist_ok=True)
    previous = json.loads(target.read_text()) if target.exists() else {}
    previous.update(COUNTS)
    previous["engine"] = connection.vendor
    previous["web_routes"], previous["api_operations"] = len(web_routes()), len(api_operations())
    previous["total"] = sum(v for k, v in previous.items() if k in ("web_get", "web_write", "api_get", "api_write"))
    previous["unexpected"] = sum(v for k, v in previous.items() if k.endswith("_unexpected"))
    previous["server_errors"] = sum(v for k, v in previous.items() if k.endswith("_server_errors"))
    target.write_text(json.dumps(previous, indent=2, sort_keys=True) + "\n")


def _web(write: bool) -> list[tuple[dict[str, Any], str, bool]]:
    out = []
    for route in web_routes():
        perms = route["perms"]
        # A view stacked with several decorators needs all of them.
        entry = {"template": route["template"], "perms": frozenset(perms), "decorated": bool(perms), "all": True}
        out.append((entry, "post" if write else "get", write))
    return out


def test_the_generated_matrix_covers_every_route_and_operation():
    assert len(web_routes()) > 200
    assert len(api_operations()) > 250
    decorated = [r for r in web_routes() if r["perms"]]
    assert len(decorated) > 100
    assert sum(1 for o in api_operations() if o["perms"]) > 80


def test_no_persona_reads_a_web_page_it_lacks_the_permission_or_the_scope_for(world):
    _run(world, "web_get", _web(write=False))


def test_no_persona_writes_through_a_web_form_it_lacks_the_permission_or_the_scope_for(world):
    _run(world, "web_write", _web(write=True))


def test_no_persona_reads_an_api_operation_it_lacks_the_permission_or_the_scope_for(world):
    ops = [({**o, "api": True}, o["method"], False) for o in api_operations() if o["method"] == "get"]
    _run(world, "api_get", ops)


def test_no_persona_calls_an_api_write_it_lacks_the_permission_or_the_scope_for(world):
    ops = [({**o, "api": True}, o["method"], True) for o in api_operations() if o["method"] in WRITE_METHODS]
    _run(world, "api_write", ops)


def test_every_object_mapping_names_routes_that_exist():
    templates = [r["template"] for r in web_routes()] + [o["template"] for o in api_operations()]
    for pattern, kind, _visible in SCOPED_ROUTES:
        assert any(pattern.search(t) for t in templates), (pattern.pattern, kind)


def test_each_scoped_pair_is_seen_by_one_side_and_not_the_other(world):
    """A pair split by scope: its owner sees the A side and not the B side. A district-wide kind: its reader sees
    both, and an outsider neither (so every mapped route is requested with objects that exist)."""
    personas = world["personas"]
    assert len(KINDS) >= 20
    for kind in KINDS:
        pair = world["objects"][kind.name]
        assert isinstance(pair[A], kind.model) and isinstance(pair[B], kind.model), kind.name
        ids = [pair[A].pk, pair[B].pk]
        if kind.owner:
            seen = set(kind.visible(personas[kind.owner]).filter(pk__in=ids).values_list("pk", flat=True))
            assert seen == {pair[A].pk}, kind.name
        else:
            assert set(kind.visible(personas[kind.reader]).filter(pk__in=ids).values_list("pk", flat=True)) == set(ids)
            assert not kind.visible(personas[kind.outsider]).filter(pk__in=ids).exists(), kind.name


def test_the_matrix_notices_a_selector_that_forgets_its_scope(world, monkeypatch):
    """A mutation check: with the case selector's scope filter removed, clerk A reads department B's case."""
    import sys

    personas = world["personas"]
    frozen = {u.pk: set(cases_visible_to(u).values_list("pk", flat=True)) for u in personas.values()}
    module = sys.modules[__name__]
    monkeypatch.setattr(module, "SCOPED_ROUTES", [
        (re.compile(r"^/cases/\{pk\}/"), "case", lambda user: Case.objects.filter(pk__in=frozen[user.pk]))])
    monkeypatch.setattr("zhengwu.cases.selectors.scope_filter",
                        lambda user, qs, paths: qs if user.is_authenticated else qs.none())
    route = next(r for r in _web(write=False) if r[0]["template"] == "/cases/{pk}/")
    assert route[0]["perms"]
    with pytest.raises(AssertionError) as failure:
        _run(world, "mutation", [route])
    for key in [k for k in COUNTS if k.startswith("mutation")]:
        COUNTS.pop(key)
    assert f"clerk_a GET /cases/{world['objects']['case'][B].pk}/ -> 200" in str(failure.value)
