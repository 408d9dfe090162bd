"""The demo district of DOMAIN.md §1 and §13, generated deterministically."""

from __future__ import annotations

import pytest

from zhengwu.core.demo import DemoContext, generate
from zhengwu.org.models import Department, Enterprise, Person, Region, RegionLevel, ServiceNode, User, Window
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "villages": list(Region.objects.filter(level=RegionLevel.VILLAGE).order_by("code").values_list("code", "name")),
        "enterprises": list(Enterprise.objects.order_by("credit_code").values_list("credit_code", "name")),
        "users": list(User.objects.order_by("username").values_list("username", "role")),
    }


def wipe() -> None:
    User.objects.all().delete()
    Person.objects.all().delete()
    Enterprise.objects.all().delete()
    ServiceNode.objects.filter(kind="station").delete()
    ServiceNode.objects.filter(kind="sub_center").delete()
    ServiceNode.objects.all().delete()
    Window.objects.all().delete()
    Department.objects.all().delete()
    for level in (RegionLevel.VILLAGE, RegionLevel.TOWNSHIP, RegionLevel.DISTRICT):
        Region.objects.filter(level=level).delete()


def test_the_demo_district_has_the_organization_of_the_seed_document():
    ctx = generate(DemoContext(seed=2023, log=lambda msg: None), only=("org.",))
    assert Region.objects.filter(level=RegionLevel.TOWNSHIP).count() == 18
    assert Region.objects.filter(level=RegionLevel.VILLAGE).count() == 275
    assert Department.objects.count() == 30
    assert Window.objects.count() == 30
    assert ServiceNode.objects.filter(kind="center").count() == 1
    assert ServiceNode.objects.filter(kind="sub_center").count() == 2
    assert ServiceNode.objects.filter(kind="station").count() >= 5
    roles_with_logins = set(User.objects.values_list("role", flat=True))
    assert roles_with_logins == set(Role.values)
    assert {username for _, username, _, _ in ctx.logins} == set(User.objects.values_list("username", flat=True))
    assert not User.objects.filter(is_superuser=True).exists()


def test_the_same_seed_gives_the_same_district_and_another_seed_another():
    generate(DemoContext(seed=11, log=lambda msg: None), only=("org.",))
    first = snapshot()
    wipe()
    generate(DemoContext(seed=11, log=lambda msg: None), only=("org.",))
    assert snapshot() == first
    wipe()
    generate(DemoContext(seed=12, log=lambda msg: None), only=("org.",))
    assert snapshot()["villages"] != first["villages"]
