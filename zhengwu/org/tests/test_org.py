"""Organization: the region tree, placement rules, and what each persona may see."""

from __future__ import annotations

import random

import pytest

from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.identifiers import make_credit_code
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_enterprise, make_region_tree, make_user
from zhengwu.org import selectors, services
from zhengwu.org.models import Person, RegionKind, ServiceNodeKind
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    return make_region_tree(townships=2, villages_per_township=2)


@pytest.fixture
def depts():
    return make_department(name="甲局"), make_department(name="乙局")


def test_a_region_below_a_village_is_refused(tree):
    with pytest.raises(InvalidInput) as err:
        services.region_create(actor="t", code="330702001001001", name="组", kind=RegionKind.VILLAGE,
                               parent=tree["villages"][0])
    assert err.value.field in ("parent", "code")


def test_a_township_must_have_a_township_kind(tree):
    with pytest.raises(InvalidInput) as err:
        services.region_create(actor="t", code="330702999", name="错镇", kind=RegionKind.VILLAGE,
                               parent=tree["district"])
    assert err.value.field == "kind"


def test_an_unknown_region_code_is_a_clear_error():
    with pytest.raises(InvalidInput) as err:
        selectors.region_get(code="999999")
    assert (err.value.field, err.value.code) == ("region", "unknown_region")


def test_a_clerk_needs_a_department_and_an_agent_needs_a_village(tree):
    with pytest.raises(InvalidInput) as err:
        services.user_create(actor="t", username="c1", password=None, role=Role.WINDOW_CLERK)
    assert err.value.field == "department"
    with pytest.raises(InvalidInput) as err:
        services.user_create(actor="t", username="a1", password=None, role=Role.VILLAGE_AGENT,
                             region=tree["townships"][0])
    assert err.value.field == "region"


def test_a_weak_password_is_refused_naming_the_field(depts):
    with pytest.raises(InvalidInput) as err:
        services.user_create(actor="t", username="c2", password="password", role=Role.WINDOW_CLERK,
                             department=depts[0])
    assert err.value.field == "password"


def test_creating_a_user_is_audited(depts):
    user = services.user_create(actor="t", username="c3", password="Ab3$xyzQ9", role=Role.WINDOW_CLERK,
                                department=depts[0])
    assert AuditEvent.objects.filter(action="user.create", object_id=str(user.pk)).count() == 1
    assert not user.is_superuser


def test_a_duplicate_username_is_a_conflict(depts):
    services.user_create(actor="t", username="dup", password=None, role=Role.LEADER)
    with pytest.raises(Conflict):
        services.user_create(actor="t", username="dup", password=None, role=Role.LEADER)


def test_a_person_is_stored_encrypted_and_found_by_blind_index():
    from django.db import connection

    person = services.person_register(actor="t", name="李四", id_number="11010519491231002x",
                                      phone="138 0013 8000")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, phone FROM org_person WHERE id = %s", [person.pk])
        raw_id, raw_phone = cur.fetchone()
    assert "11010519491231002X" not in raw_id
    assert "13800138000" not in raw_phone
    assert services.person_find(id_number="11010519491231002X").pk == person.pk
    assert Person.objects.get(pk=person.pk).id_number == "11010519491231002X"
    again = services.person_register(actor="t", name="李四", id_number="11010519491231002X")
    assert again.pk == person.pk


def test_a_bad_credit_code_names_the_field():
    with pytest.raises(InvalidInput) as err:
        services.enterprise_register(actor="t", credit_code="91330702MA2XXXXXX0", name="某公司")
    assert err.value.field == "credit_code"


def test_the_enterprise_network_has_one_center_and_children_under_it(tree):
    center = services.service_node_create(actor="t", kind=ServiceNodeKind.CENTER, name="企业综合服务中心")
    services.service_node_create(actor="t", kind=ServiceNodeKind.SUB_CENTER, name="分中心一", parent=center)
    with pytest.raises(Conflict):
        services.service_node_create(actor="t", kind=ServiceNodeKind.CENTER, name="第二中心")
    with pytest.raises(InvalidInput) as err:
        services.service_node_create(actor="t", kind=ServiceNodeKind.STATION, name="孤儿驿站")
    assert err.value.field == "parent"


PERSONAS = ["center_admin", "clerk_a", "township_staff", "village_agent", "enterprise_x"]


@pytest.fixture
def personas(tree, depts):
    rng = random.Random(7)
    ent_x = make_enterprise(credit_code=make_credit_code(rng), name="X公司")
    ent_y = make_enterprise(credit_code=make_credit_code(rng), name="Y公司")
    return {
        "center_admin": make_user(role=Role.CENTER_ADMIN),
        "clerk_a": make_user(role=Role.WINDOW_CLERK, department=depts[0]),
        "township_staff": make_user(role=Role.TOWNSHIP_STAFF, region=tree["townships"][0]),
        "village_agent": make_user(role=Role.VILLAGE_AGENT, region=tree["villages"][0]),
        "enterprise_x": make_user(role=Role.ENTERPRISE_USER, enterprise=ent_x),
        "_ent_y": ent_y,
    }


EXPECTED_REGIONS = {"center_admin": 7, "clerk_a": 7, "township_staff": 3, "village_agent": 1, "enterprise_x": 7}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_the_regions_of_its_scope(persona, personas):
    assert selectors.regions_visible_to(personas[persona]).count() == EXPECTED_REGIONS[persona]


def test_an_enterprise_user_sees_only_its_own_enterprise(personas):
    visible = list(selectors.enterprises_visible_to(personas["enterprise_x"]))
    assert [e.name for e in visible] == ["X公司"]


def test_a_clerk_sees_only_the_windows_and_staff_of_the_own_department(personas, depts):
    from zhengwu.org.models import Window

    Window.objects.create(department=depts[0], number="A01", name="甲窗口")
    Window.objects.create(department=depts[1], number="B01", name="乙窗口")
    make_user(role=Role.WINDOW_CLERK, department=depts[1])
    clerk = personas["clerk_a"]
    assert [w.number for w in selectors.windows_visible_to(clerk)] == ["A01"]
    assert {u.department_id for u in selectors.users_visible_to(clerk)} == {depts[0].pk}


def test_township_staff_see_the_users_of_their_township_and_its_villages(personas, tree):
    make_user(role=Role.VILLAGE_AGENT, region=tree["villages"][3])  # a village of the other township
    visible = set(selectors.users_visible_to(personas["township_staff"]).values_list("pk", flat=True))
    assert personas["village_agent"].pk in visible
    assert personas["township_staff"].pk in visible
    assert len(visible) == 2


def test_an_inactive_user_sees_nothing(personas):
    user = personas["center_admin"]
    user.is_active = False
    user.save()
    assert selectors.regions_visible_to(user).count() == 0
    assert selectors.enterprises_visible_to(user).count() == 0


def test_a_person_registered_twice_at_once_is_one_person(monkeypatch):
    """The second of two concurrent registrations hits the unique index and returns the first row."""
    first = services.person_register(actor="t", name="王五", id_number="11010519491231002X")
    real_filter = Person.objects.filter
    calls = {"n": 0}

    def miss_once(*args, **kwargs):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(Person.objects, "filter", miss_once)
    again = services.person_register(actor="t", name="王五", id_number="11010519491231002X")
    assert again.pk == first.pk
    assert Person.objects.count() == 1
