"""Catalog rules, receiving a case, the public tracking and the deadline reminder sweep."""

from __future__ import annotations

import pytest
from django.db import connection

from zhengwu.cases import services
from zhengwu.cases.choices import CaseStatus, Channel
from zhengwu.cases.models import Case, ServiceItem
from zhengwu.cases.tasks import sweep_case_deadlines
from zhengwu.cases.testing import VALID_ID, at, make_item, move, receive
from zhengwu.core.errors import Forbidden, InvalidInput, NotFound
from zhengwu.core.models import Notification, Reminder
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.models import Person
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return make_department(name="住建局")


@pytest.fixture
def clerk(dept):
    return make_user(role=Role.WINDOW_CLERK, department=dept)


def test_a_promised_limit_above_the_statutory_one_is_refused_naming_the_field(dept):
    with pytest.raises(InvalidInput) as err:
        make_item(department=dept, promised=25, statutory=20)
    assert (err.value.field, err.value.code) == ("promised_limit", "promised_above_statutory")
    assert ServiceItem.objects.count() == 0


def test_the_database_also_refuses_a_promised_limit_above_the_statutory_one(dept):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItem.objects.create(code="X", name="x", department=dept, item_type="license", statutory_limit=5,
                                   promised_limit=6)


def test_updating_an_item_keeps_the_rule(dept):
    item = make_item(department=dept, promised=3, statutory=10)
    with pytest.raises(InvalidInput) as err:
        services.item_update(actor="test", item=item, statutory_limit=2)
    assert err.value.field == "promised_limit"
    item.refresh_from_db()
    assert item.statutory_limit == 10


def test_a_clerk_may_not_manage_the_catalog(dept, clerk):
    with pytest.raises(Forbidden):
        services.item_create(actor=clerk, code="NEW", department=dept, name="新事项", item_type="license",
                             statutory_limit=5, promised_limit=1)


def test_a_case_for_an_item_its_level_may_not_handle_is_refused(dept, clerk):
    tree = make_region_tree(townships=1, villages_per_township=1)
    item = make_item(department=dept, level_township=False)
    with pytest.raises(InvalidInput) as err:
        receive(actor=clerk, item=item, when="2024-03-04 09:00", level="township", township=tree["townships"][0])
    assert (err.value.field, err.value.code) == ("level", "level_not_allowed")
    assert Case.objects.count() == 0


def test_an_online_case_for_an_offline_item_is_refused(dept, clerk):
    item = make_item(department=dept, online_capable=False)
    with pytest.raises(InvalidInput) as err:
        receive(actor=clerk, item=item, when="2024-03-04 09:00", channel=Channel.MOBILE)
    assert err.value.field == "channel"


def test_a_bad_id_number_is_refused_and_nothing_is_written(dept, clerk):
    item = make_item(department=dept)
    with pytest.raises(InvalidInput) as err:
        receive(actor=clerk, item=item, when="2024-03-04 09:00", id_number="110105194912310021")
    assert err.value.field == "id_number"
    assert (Case.objects.count(), Person.objects.count()) == (0, 0)


def test_an_enterprise_applicant_needs_a_valid_credit_code(dept, clerk):
    item = make_item(department=dept)
    with pytest.raises(InvalidInput) as err:
        receive(actor=clerk, item=item, when="2024-03-04 09:00", applicant_kind="enterprise",
                applicant_name="某公司", id_number="", credit_code="91330702XXXXXXXXX0")
    assert err.value.field == "credit_code"


def test_the_applicant_id_number_is_stored_encrypted(dept, clerk):
    case = receive(actor=clerk, item=make_item(department=dept), when="2024-03-04 09:00")
    with connection.cursor() as cur:
        cur.execute("SELECT id_number FROM org_person WHERE id = %s", [case.applicant_person_id])
        assert VALID_ID not in cur.fetchone()[0]
    assert case.applicant_identifier_masked == "110105********002X"


def test_the_case_number_starts_with_the_receipt_date_and_is_unique(dept, clerk):
    item = make_item(department=dept)
    a = receive(actor=clerk, item=item, when="2024-03-04 09:00")
    b = receive(actor=clerk, item=item, when="2024-03-04 09:01")
    assert a.number.startswith("20240304") and b.number.startswith("20240304")
    assert a.number != b.number


def test_the_public_page_needs_the_right_verification_code(dept, clerk):
    item = make_item(department=dept)
    case, code = services.case_receive(actor=clerk, item=item, channel="window", applicant_kind="person",
                                       applicant_name="张三", id_number=VALID_ID)
    assert services.case_track(number=case.number, code=code).pk == case.pk
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    with pytest.raises(NotFound):
        services.case_track(number=case.number, code=wrong)
    with pytest.raises(NotFound):
        services.case_track(number="nope", code=code)


def test_the_reminder_sweep_sends_yellow_then_red_once_each(dept, clerk):
    leader = make_user(role=Role.DEPARTMENT_LEADER, department=dept)
    case = receive(actor=clerk, item=make_item(department=dept, promised=4), when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")  # warn after 3 days, due end of 8 March
    assert sweep_case_deadlines(at("2024-03-07 10:00")) == 0
    assert sweep_case_deadlines(at("2024-03-08 10:00")) == 1
    assert sweep_case_deadlines(at("2024-03-08 11:00")) == 0
    assert sweep_case_deadlines(at("2024-03-11 10:00")) == 1
    assert sweep_case_deadlines(at("2024-03-12 10:00")) == 0
    assert list(Reminder.objects.order_by("id").values_list("stage", flat=True)) == ["yellow", "red"]
    assert Notification.objects.filter(recipient=leader).count() == 2
    assert Notification.objects.filter(recipient=clerk).count() == 2


def test_the_sweep_ignores_finished_cases(dept, clerk):
    case = receive(actor=clerk, item=make_item(department=dept, promised=1), when="2024-03-04 09:00")
    case = move(case, "accept", actor=clerk, when="2024-03-04 09:10")
    move(case, "approve", actor=clerk, when="2024-03-04 10:00")
    assert sweep_case_deadlines(at("2024-04-01 10:00")) == 0
    assert Case.objects.get(pk=case.pk).status == CaseStatus.COMPLETED
