"""Excel exports through the one registry (core/exports.py): permission and scope, masking, the
direct workbook below the threshold and the background job above it, the purge, and every registered
export against its screen."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from zhengwu.cases.testing import make_item, receive
from zhengwu.core import exports
from zhengwu.core.identifiers import validate_id_card
from zhengwu.core.models import AuditEvent, ExportJob, ExportStatus
from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
PHONE = "13812348000"
ID_NUMBER = "11010519491231002X"


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def world():
    dept_a, dept_b = make_department(name="甲局"), make_department(name="乙局")
    clerk_a = make_user(role=Role.WINDOW_CLERK, department=dept_a, username="clerk-a")
    clerk_b = make_user(role=Role.WINDOW_CLERK, department=dept_b, username="clerk-b")
    admin = make_user(role=Role.CENTER_ADMIN, username="admin")
    item_a = make_item(department=dept_a, code="A-1")
    item_b = make_item(department=dept_b, code="B-1")
    for n in range(3):
        receive(actor=clerk_a, item=item_a, when=f"2024-09-2{n + 3} 09:00", phone=PHONE, applicant_name="王小明")
    receive(actor=clerk_b, item=item_b, when="2024-09-24 10:00", phone=PHONE)
    return {"a": clerk_a, "b": clerk_b, "admin": admin, "dept_a": dept_a}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sheet_rows(content: bytes) -> tuple[list, list[list]]:
    """The header row and the data rows of the first sheet (row 1 is the title line)."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    return rows[1], rows[2:]


def test_an_unknown_export_is_a_404(world):
    response = client_for(world["admin"]).get("/exports/nothing.here.xlsx")
    assert response.status_code == 404


def test_an_export_without_the_lists_permission_is_refused(world):
    citizen = make_user(role=Role.EXPERT)
    response = client_for(citizen).get(reverse("export_xlsx", kwargs={"name": "cases.list"}))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export.create").exists()


def test_an_anonymous_export_goes_to_the_login_page(world):
    response = Client().get(reverse("export_xlsx", kwargs={"name": "cases.list"}))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_department_clerks_export_holds_only_the_departments_rows_like_the_screen(world):
    client = client_for(world["a"])
    screen = client.get(reverse("cases:list"))
    response = client.get(reverse("export_xlsx", kwargs={"name": "cases.list"}))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    header, rows = sheet_rows(response.content)
    assert header[0] == "办件编号"
    assert len(rows) == screen.context["page_obj"].paginator.count == 3
    assert {r[header.index("部门")] for r in rows} == {"甲局"}


def test_the_export_keeps_the_lists_filter(world):
    client = client_for(world["admin"])
    query = {"received_from": "2024-09-24", "received_to": "2024-09-24"}
    screen = client.get(reverse("cases:list"), query)
    response = client.get(reverse("export_xlsx", kwargs={"name": "cases.list"}), {**query, "page": "2"})
    _header, rows = sheet_rows(response.content)
    assert len(rows) == screen.context["page_obj"].paginator.count == 2


def test_a_bad_filter_is_refused_with_a_message_not_an_empty_file(world):
    response = client_for(world["admin"]).get(reverse("export_xlsx", kwargs={"name": "cases.list"}),
                                              {"received_from": "yesterday"})
    assert response.status_code == 422
    assert "筛选条件有误" in response.content.decode()


def test_cells_hold_numbers_and_dates_and_the_header_is_bold_and_frozen(world):
    response = client_for(world["admin"]).get(reverse("export_xlsx", kwargs={"name": "cases.list"}))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A3"
    assert sheet.cell(row=2, column=1).font.b is True
    assert "办件查询" in sheet.cell(row=1, column=1).value
    received = [c.value for c in sheet[2]].index("收件时间") + 1
    assert isinstance(sheet.cell(row=3, column=received).value, dt.datetime)
    assert sheet.cell(row=3, column=received).number_format == exports.DATETIME


def test_a_direct_export_is_audited_with_name_filter_and_row_count(world):
    client_for(world["admin"]).get(reverse("export_xlsx", kwargs={"name": "cases.list"}), {"channel": "window"})
    event = AuditEvent.objects.get(action="export.create")
    assert event.actor_id == world["admin"].pk
    assert event.payload == {"name": "cases.list", "params": "channel=window", "rows": 4, "delivery": "direct"}


def test_a_text_cell_that_looks_like_a_formula_stays_text():
    assert exports.cell_value("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert exports.cell_value("-12") == "-12"


def test_free_text_is_scrubbed_of_id_and_mobile_numbers():
    text = exports.scrub_text(f"请联系{PHONE},身份证{ID_NUMBER},办件号202409230000000001")
    assert PHONE not in text and ID_NUMBER not in text
    assert "138****8000" in text and "110105********002X" in text and "202409230000000001" in text


def test_above_the_threshold_a_job_writes_the_file_with_progress_and_only_its_owner_downloads_it(
        world, settings, django_capture_on_commit_callbacks):
    settings.ZHENGWU = {**settings.ZHENGWU, "EXPORT_SYNC_ROWS": 2}
    client = client_for(world["a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("export_xlsx", kwargs={"name": "cases.list"}))
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("export_job", args=[job.pk])
    assert job.status == ExportStatus.DONE
    assert job.rows_total == job.rows_done == 3 and job.percent == 100
    assert abs(job.expires_at - job.created_at - dt.timedelta(hours=24)) < dt.timedelta(minutes=1)
    page = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "100%" in page.content.decode() and reverse("export_job_download", args=[job.pk]) in page.content.decode()
    download = client.get(reverse("export_job_download", args=[job.pk]))
    assert download.status_code == 200
    _header, rows = sheet_rows(b"".join(download.streaming_content))
    assert len(rows) == 3
    assert client_for(world["b"]).get(reverse("export_job_download", args=[job.pk])).status_code == 404
    assert client_for(world["b"]).get(reverse("export_job", args=[job.pk])).status_code == 404
    created = AuditEvent.objects.get(action="export.create")
    assert created.payload["delivery"] == "job" and created.payload["rows"] == 3
    downloads = AuditEvent.objects.filter(action="export.download")
    assert downloads.count() == 1 and downloads.get().actor_id == world["a"].pk


def test_a_running_job_shows_its_progress_bar_and_polls(world):
    job = ExportJob.objects.create(user=world["a"], name="cases.list", title="办件查询", rows_total=10, rows_done=4,
                                   status=ExportStatus.RUNNING, expires_at=timezone.now() + dt.timedelta(hours=1))
    body = client_for(world["a"]).get(reverse("export_job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "40%" in body
    assert reverse("export_job_download", args=[job.pk]) not in body


def test_the_purge_deletes_expired_files_and_keeps_the_others(world, var_dir):
    now = timezone.now()
    old_file, new_file = var_dir / "old.xlsx", var_dir / "new.xlsx"
    old_file.write_bytes(b"x")
    new_file.write_bytes(b"y")
    old = ExportJob.objects.create(user=world["a"], name="cases.list", status=ExportStatus.DONE,
                                   file_path=str(old_file), expires_at=now - dt.timedelta(minutes=1))
    new = ExportJob.objects.create(user=world["a"], name="cases.list", status=ExportStatus.DONE,
                                   file_path=str(new_file), expires_at=now + dt.timedelta(hours=1))
    assert exports.export_jobs_purge(now=now) == 1
    assert not old_file.exists() and new_file.exists()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == ExportStatus.EXPIRED and old.file_path == ""
    assert new.status == ExportStatus.DONE
    assert client_for(world["a"]).get(reverse("export_job_download", args=[old.pk])).status_code == 404
    assert exports.export_jobs_purge(now=now) == 0


def test_the_export_button_keeps_the_filters_and_is_hidden_without_permission(world):
    body = client_for(world["admin"]).get(reverse("cases:list"), {"channel": "window", "page": "1"}).content.decode()
    assert 'data-export="cases.list"' in body
    assert "/exports/cases.list.xlsx?channel=window\"" in body
    assert exports.registered()["cases.list"].allowed(make_user(role=Role.EXPERT)) is False


def test_a_job_file_is_written_under_the_var_exports_folder(world, settings, var_dir,
                                                             django_capture_on_commit_callbacks):
    settings.ZHENGWU = {**settings.ZHENGWU, "EXPORT_SYNC_ROWS": 0}
    with django_capture_on_commit_callbacks(execute=True):
        exports.export_start(actor=world["admin"], name="cases.list", params={})
    job = ExportJob.objects.get()
    assert Path(job.file_path).parent == var_dir / "exports"


def test_no_retrieval_export_has_a_column_for_an_answers_content():
    retrieval = [spec for name, spec in exports.registered().items() if name.startswith("retrieval.")]
    assert len(retrieval) == 5
    keys = {part for spec in retrieval for column in spec.columns for part in column.key.split(".")}
    assert not keys & {"summary", "content", "answer_text", "sealed_answer", "payload"}
    assert {"digest", "answer_number"} <= keys


# --- every registered export against its screen, on a small demo district -------------------------------------------
# Kept last in the module: the demo district lives in a module-wide transaction, rolled back at the end.

EXPORTERS = [Role.CENTER_ADMIN, Role.LEADER, Role.SUPERVISOR, Role.TRADING_STAFF, Role.INDICATOR_SPECIALIST,
             Role.SYSTEM_ADMIN, Role.DEPARTMENT_LEADER, Role.WINDOW_CLERK, Role.TOWNSHIP_STAFF, Role.VILLAGE_AGENT,
             Role.ENTERPRISE_USER, Role.INTERMEDIARY, Role.CITIZEN, Role.EXPERT, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN]


@pytest.fixture(scope="module")
def district(django_db_setup, django_db_blocker):
    from django.db import transaction

    from zhengwu.core.demo import DemoContext, generate

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            generate(DemoContext(seed=11, scale=0.01, log=lambda msg: None))
            yield {role: make_user(role=role, username=f"export-{role}") for role in EXPORTERS}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def exporter_for(spec, users):
    """The first persona (widest scope first) holding the export's permission."""
    user = next((users[role] for role in EXPORTERS if users[role].has_perm(spec.permission)), None)
    assert user is not None, f"no role may export {spec.name}"
    return user


def all_cells(rows):
    return [str(value) for row in rows for value in row if value is not None]


def screen_count(spec, screen) -> int:
    """The number of rows the screen lists: its page's paginator count, or the length of its unpaginated list."""
    first, _dot, rest = (spec.screen_rows or "page_obj").partition(".")
    listed = exports.resolve(screen.context[first], rest) if rest else screen.context[first]
    return listed.paginator.count if hasattr(listed, "paginator") else len(listed)


@pytest.mark.parametrize("name", sorted(exports.registered()))
def test_every_registered_export_opens_with_its_header_and_the_screens_row_count(district, name, settings):
    settings.ZHENGWU = {**settings.ZHENGWU, "EXPORT_SYNC_ROWS": 1_000_000}
    spec = exports.registered()[name]
    user = exporter_for(spec, district)
    client = client_for(user)
    screen = client.get(reverse(spec.screen, kwargs=spec.screen_kwargs))
    assert screen.status_code == 200, f"{spec.screen} answered {screen.status_code}"
    assert 'data-export="%s"' % name in screen.content.decode() or not screen_count(spec, screen)
    response = client.get(reverse("export_xlsx", kwargs={"name": name}))
    assert response.status_code == 200
    header, rows = sheet_rows(response.content)
    assert header == [str(c.label) for c in spec.columns]
    assert len(rows) == screen_count(spec, screen)


def test_no_export_carries_a_plain_id_number_or_mobile_number(district):
    checked = 0
    for name, spec in exports.registered().items():
        user = exporter_for(spec, district)
        content, written = exports.workbook_bytes(spec, user, exports.clean_params({}))
        _header, rows = sheet_rows(content)
        cells = all_cells(rows)
        ids = [m for cell in cells for m in ID_LIKE.findall(cell)]
        real_ids = []
        for candidate in ids:
            try:
                validate_id_card(candidate)
            except Exception:  # noqa: BLE001 - not an ID number (an 18-digit case number, say)
                continue
            real_ids.append(candidate)
        assert real_ids == [], f"{name} carries ID numbers {real_ids[:3]}"
        mobiles = [m for cell in cells for m in MOBILE_LIKE.findall(cell)]
        assert mobiles == [], f"{name} carries mobile numbers {mobiles[:3]}"
        checked += written
    assert checked > 100  # the demo district fills the lists, so the check looked at real rows
