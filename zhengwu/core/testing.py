"""Factories for tests: plain functions with explicit arguments, no hidden randomness."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

from django.utils import timezone

from zhengwu.org.models import Department, Enterprise, Region, RegionKind, RegionLevel, User
from zhengwu.org.roles import Role

_counter = itertools.count(1)
TEST_PASSWORD = "Zw-test-Passw0rd!"


def make_department(*, code: str | None = None, name: str | None = None) -> Department:
    n = next(_counter)
    return Department.objects.create(code=code or f"D{n:03d}", name=name or f"测试部门{n}", short_name=f"部门{n}")


def make_region_tree(*, townships: int = 2, villages_per_township: int = 2) -> dict[str, Any]:
    n = next(_counter)
    district = Region.objects.create(code=f"{330700 + n % 99:06d}", name=f"测试区{n}", level=RegionLevel.DISTRICT,
                                     kind=RegionKind.DISTRICT)
    result: dict[str, Any] = {"district": district, "townships": [], "villages": []}
    for t in range(townships):
        township = Region.objects.create(code=f"{district.code}{t + 1:03d}", name=f"测试镇{n}-{t + 1}",
                                         level=RegionLevel.TOWNSHIP, kind=RegionKind.TOWNSHIP, parent=district)
        result["townships"].append(township)
        for v in range(villages_per_township):
            result["villages"].append(Region.objects.create(
                code=f"{township.code}{v + 1:03d}", name=f"测试村{n}-{t + 1}-{v + 1}", level=RegionLevel.VILLAGE,
                kind=RegionKind.VILLAGE, parent=township))
    return result


def make_enterprise(*, credit_code: str, name: str = "测试企业有限公司") -> Enterprise:
    return Enterprise.objects.create(credit_code=credit_code, name=name)


def make_user(*, role: str, username: str | None = None, department: Department | None = None,
              region: Region | None = None, enterprise: Enterprise | None = None, password: str = TEST_PASSWORD,
              **extra: Any) -> User:
    n = next(_counter)
    user = User(username=username or f"{role}-{n}", display_name=f"{Role(role).label}{n}", role=role,
                department=department, region=region, enterprise=enterprise, **extra)
    user.set_password(password)
    user.save()
    return user


class JsonApi:
    """A logged-in JSON client for one API router: ``api = JsonApi("/api/v1/things")``, then
    ``api.post(user, "/items", {...})`` and ``api.get(user, "/items", q="x")``."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def client(self, user: Any) -> Any:
        from django.test import Client

        client = Client()
        client.force_login(user)
        return client

    def post(self, user: Any, url: str, data: Any = None) -> Any:
        return self.client(user).post(f"{self.prefix}{url}", data or {}, content_type="application/json")

    def get(self, user: Any, url: str, **params: Any) -> Any:
        return self.client(user).get(f"{self.prefix}{url}", params)


def assert_error(response: Any, status: int, field: str | None) -> dict[str, Any]:
    """The API's one error shape: ``status``, the ``field`` it names, and a message."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["field"] == field
    assert body["message"]
    return body


_EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']*)""", re.IGNORECASE)


def external_references(html: str) -> list[str]:
    """Every ``src``/``href`` of ``html`` that points at another origin (a CDN would be one): none may, since the
    platform runs on networks without the internet and every asset is vendored."""
    return _EXTERNAL.findall(html)


def web_url_patterns() -> list[tuple[str, Any]]:
    """Every URL pattern of the web interface (not the API, not the Django admin, no regex routes) as
    ``("/full/<int:pk>/route/", URLPattern)``, walking the nested resolvers: what the scope matrix and the duties
    tests request."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[tuple[str, Any]] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                if not route.startswith(("api/", "admin/")):
                    walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                full = "/" + prefix + route
                if "^" not in full and "(?P" not in full:
                    found.append((full, p))

    walk(get_resolver().url_patterns, "")
    return found


def pin_today(monkeypatch: Any, day: date) -> None:
    """Make ``timezone.localdate()`` (no argument: today) return ``day`` for one test; converting a given moment
    still works."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda value=None, tz=None: day if value is None else real(value, tz))
