"""A NUL character (``\\x00``) in a web request is a 400 naming the field, never a 500.

PostgreSQL can neither store nor compare a text holding NUL, so such a value reaching a query raised ``DataError``
(a 500) on the web pages; SQLite let it through. ``core.middleware.NulCharacterMiddleware`` refuses it before any
view, on both engines. The API keeps its own answer (a 422 in its JSON shape, ``config.api.on_data_error``).

Personas: 甲窗口 a window clerk of department A; 交易员 a trading centre staff member (for the API).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from zhengwu.cases.choices import Channel
from zhengwu.cases.models import Case
from zhengwu.cases.testing import VALID_ID, make_item
from zhengwu.core.middleware import NulCharacterMiddleware, nul_field
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

ON_PG = connection.vendor == "postgresql"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dept_a():
    return make_department(name="市场监督管理局")


@pytest.fixture
def clerk_a(dept_a):
    return make_user(role=Role.WINDOW_CLERK, username="jia", department=dept_a)


@pytest.fixture
def item_a(dept_a):
    return make_item(department=dept_a, code="A-001", promised=10, statutory=20)


def login(user) -> Client:  # noqa: ANN001
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def receive_form(item, **extra) -> dict:  # noqa: ANN001
    return {"item": item.pk, "channel": Channel.WINDOW, "applicant_kind": "person", "applicant_name": "李四",
            "id_number": VALID_ID, "phone": "13800138000", "credit_code": "", "level": "district", **extra}


def test_a_nul_in_the_search_of_a_list_page_is_a_400_naming_q(clerk_a):
    response = login(clerk_a).get(reverse("cases:list"), {"q": "a\x00b"})

    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-message">q:不能包含空字符(NUL)。<' in html
    assert "\x00" not in html


def test_a_nul_in_a_query_parameter_of_an_htmx_request_is_an_alert_naming_it(clerk_a):
    response = login(clerk_a).get(reverse("cases:inbox"), {"q": "x", "department_id": "1\x00"}, **HTMX)

    assert response.status_code == 400
    assert response["HX-Retarget"] == "#zw-alerts"
    assert "department_id:不能包含空字符(NUL)。" in response.content.decode()


def test_a_nul_in_a_posted_form_field_is_a_400_naming_it_and_nothing_is_written(clerk_a, item_a):
    events = AuditEvent.objects.count()

    response = login(clerk_a).post(reverse("cases:receive"), receive_form(item_a, applicant_name="李\x00四"))

    assert response.status_code == 400
    assert "applicant_name:不能包含空字符(NUL)。" in response.content.decode()
    assert Case.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_nul_in_a_multipart_field_is_refused_but_not_in_the_file_content():
    factory = RequestFactory()
    in_value = factory.post("/cases/new/", {"note": "a\x00b", "file": SimpleUploadedFile("a.txt", b"ok")})
    in_content = factory.post("/cases/new/", {"note": "ok", "file": SimpleUploadedFile("a.txt", b"a\x00b")})
    body = (b"--B\r\nContent-Disposition: form-data; name=\"up\x00load\"; filename=\"a.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nok\r\n--B--\r\n")
    in_file_field = factory.generic("POST", "/cases/new/", body, content_type="multipart/form-data; boundary=B")
    # A NUL in an uploaded file's own name never reaches the application: Django's parser removes it.
    in_file_name = factory.post("/cases/new/", {"note": "ok", "file": SimpleUploadedFile("a\x00.txt", b"ok")})

    assert in_value.content_type == "multipart/form-data"
    assert [nul_field(in_value), nul_field(in_content), nul_field(in_file_field)] == ["note", None, "up\ufffdload"]
    assert (nul_field(in_file_name), in_file_name.FILES["file"].name) == (None, "a.txt")


def test_a_nul_in_a_path_parameter_or_in_a_parameter_name_is_named_without_the_nul():
    factory = RequestFactory()

    assert nul_field(factory.get("/cases/track/%00/")) == "path"
    assert nul_field(factory.get("/cases/list/", QUERY_STRING="a%00b=1")) == "a\ufffdb"
    assert nul_field(factory.get("/cases/list/", {"q": "plain", "status": ""})) is None


def test_a_normal_request_still_works(clerk_a, item_a):
    client = login(clerk_a)

    listed = client.get(reverse("cases:list"), {"q": "李四"})
    received = client.post(reverse("cases:receive"), receive_form(item_a))

    assert listed.status_code == 200
    assert received.status_code == 302
    assert Case.objects.get().applicant_name == "李四"


def test_an_api_request_is_left_to_the_api_which_answers_in_json():
    seen = []

    def view(request) -> HttpResponse:  # noqa: ANN001
        seen.append(request.path)
        return HttpResponse("passed")

    request = RequestFactory().get("/api/v1/trading/experts", {"specialty": "A\x00B"})
    assert NulCharacterMiddleware(view)(request).content == b"passed"
    assert seen == ["/api/v1/trading/experts"]

    client = Client(raise_request_exception=False)
    client.force_login(make_user(role=Role.TRADING_STAFF))
    response = client.get("/api/v1/trading/experts", {"specialty": "A\x00B", "source": ""})

    # PostgreSQL refuses the NUL (the API's 422 naming the parameter); SQLite compares it and finds nothing.
    expected = (422, "specialty") if ON_PG else (200, None)
    assert response["Content-Type"].startswith("application/json")
    assert (response.status_code, response.json().get("field")) == expected
