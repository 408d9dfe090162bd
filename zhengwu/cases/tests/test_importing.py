"""Bulk import of the item catalog and of case records: good rows, every kind of bad row,
idempotence, the formats, and derived fields that agree with the live workflow."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from zhengwu.cases import importing
from zhengwu.cases.choices import CaseStatus, Channel, Level, Outcome
from zhengwu.cases.importing import cases_import_file, items_import_file
from zhengwu.cases.models import Case, CaseSuspension, ServiceItem
from zhengwu.cases.testing import VALID_ID, at, make_item, move, receive
from zhengwu.core import events
from zhengwu.core.errors import Forbidden, InvalidInput
from zhengwu.core.identifiers import make_credit_code, make_id_card
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import make_department, make_region_tree, make_user
from zhengwu.org.models import Enterprise, Person
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

CREDIT = make_credit_code()
HEADERS = ["办件编号", "事项编码", "收件渠道", "申请人类型", "申请人", "身份证号", "统一社会信用代码", "收件时间",
           "受理时间", "补正告知时间", "补正收到时间", "中止时段", "办结时间", "办结结果", "不予受理时间", "撤回时间",
           "乡镇", "村"]


@pytest.fixture
def dept():
    return make_department(code="SCJ", name="市场监管分局")


@pytest.fixture
def places():
    return make_region_tree(townships=2, villages_per_township=2)


@pytest.fixture
def items(dept):
    return {
        "license": make_item(department=dept, code="XK-1", promised=3, statutory=20),
        "instant": make_item(department=dept, code="GG-1", promised=0, statutory=5, level_township=True,
                             level_village=True, village_assisted=True),
        "long": make_item(department=dept, code="XK-2", promised=10, statutory=20),
        "persons_only": make_item(department=dept, code="GG-2", promised=1, applicant_kinds="person"),
        "in_person": make_item(department=dept, code="GG-3", promised=5, online_capable=False),
    }


@pytest.fixture
def admin():
    return make_user(role=Role.CENTER_ADMIN)


@pytest.fixture
def clerk(dept):
    return make_user(role=Role.WINDOW_CLERK, department=dept)


def row(number: str, **fields: str) -> dict[str, str]:
    base = {"办件编号": number, "事项编码": "XK-1", "收件渠道": "网办", "申请人类型": "自然人", "申请人": "张三",
            "身份证号": VALID_ID, "收件时间": "2024-03-04 09:00", "受理时间": "2024-03-04 10:00",
            "办结时间": "2024-03-06 15:00", "办结结果": "准予"}
    return {**base, **fields}


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8-sig") -> Path:
    headers = list(dict.fromkeys(HEADERS + [k for r in rows for k in r]))
    with open(path, "w", encoding=encoding, newline="") as out:
        writer = csv.DictWriter(out, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(tmp_path: Path, actor, rows: list[dict[str, str]], name: str = "cases.csv", **kwargs):
    return cases_import_file(actor=actor, source=write_csv(tmp_path / name, rows), **kwargs)


# --- good rows ------------------------------------------------------------------------------

def test_good_rows_are_born_in_their_final_state_with_one_audit_event_for_the_batch(tmp_path, items, admin, places):
    village = places["villages"][0]
    rows = [
        row("P-1"),
        row("P-2", 收件渠道="窗口", 受理时间="", 办结时间="", 办结结果="", 不予受理时间="2024-03-05 10:00"),
        row("P-3", 事项编码="GG-1", 收件渠道="代办", 受理时间="2024-03-04 09:30", 办结时间="2024-03-04 09:40",
            村=village.code),
        row("P-4", 收件渠道="掌办", 申请人类型="法人", 申请人="金华测试有限公司", 身份证号="", 统一社会信用代码=CREDIT,
            受理时间="", 办结时间="", 办结结果=""),
        row("P-5", 收件渠道="自助", 事项编码="XK-2", 办结时间="", 办结结果="",
            中止时段="2024-03-06 11:00~2024-03-08 16:00"),
    ]
    report = import_rows(tmp_path, admin, rows)

    assert (report.rows, report.created, report.rejected) == (5, 5, 0), report.errors
    cases = {c.number: c for c in Case.objects.all()}
    assert cases["P-1"].status == CaseStatus.COMPLETED
    assert cases["P-1"].outcome == Outcome.EARLY
    assert cases["P-1"].completion_deadline == at("2024-03-07 23:59").replace(second=59, microsecond=999999)
    assert cases["P-2"].status == CaseStatus.NOT_ACCEPTED
    assert (cases["P-3"].channel, cases["P-3"].level, cases["P-3"].outcome) == (Channel.AGENT, Level.VILLAGE,
                                                                                Outcome.INSTANT)
    assert (cases["P-3"].village_id, cases["P-3"].township_id) == (village.pk, village.parent_id)
    assert cases["P-4"].status == CaseStatus.RECEIVED
    assert cases["P-4"].applicant_enterprise.credit_code == CREDIT
    assert cases["P-5"].status == CaseStatus.PROCESSING
    assert cases["P-5"].suspended_working_days == 2
    assert CaseSuspension.objects.get(case=cases["P-5"]).working_days == 2
    assert Person.objects.get().id_number == VALID_ID  # one person, encrypted, found again by the blind index
    assert AuditEvent.objects.filter(action="case.import").count() == 1
    assert AuditEvent.objects.filter(action__in=["case.receive", "person.register"]).count() == 0
    event = AuditEvent.objects.get(action="case.import")
    assert (event.payload["created"], event.payload["digest"]) == (5, report.digest)


def test_a_gbk_encoded_file_with_english_headers_imports_too(tmp_path, items, admin):
    path = tmp_path / "gbk.csv"
    with open(path, "w", encoding="gbk", newline="") as out:
        out.write("number,item_code,channel,applicant_name,id_number,received_at,accepted_at\n")
        out.write(f"E-1,XK-1,掌办,李四,{VALID_ID},2024/03/04 09:00,2024-03-04T10:00:00+08:00\n")
    report = cases_import_file(actor=admin, source=path)
    assert report.created == 1, report.errors
    assert Case.objects.get(number="E-1").accepted_on.isoformat() == "2024-03-04"


# --- bad rows -------------------------------------------------------------------------------

BAD_ROWS = [
    ({"身份证号": VALID_ID[:-1] + "3"}, "id_number", "id_card_check_digit"),
    ({"身份证号": "1101051949123100"}, "id_number", "id_card_length"),
    ({"事项编码": "NOPE"}, "item_code", "unknown_item"),
    ({"受理时间": "2024-13-45 10:00"}, "accepted_at", "bad_date"),
    ({"办结时间": "2024-03-04 09:30"}, "completed_at", "completed_before_acceptance"),
    ({"受理时间": "", "办结时间": "2024-03-06 10:00"}, "accepted_at", "completed_without_acceptance"),
    ({"受理时间": "2024-03-04 08:00"}, "accepted_at", "before_receipt"),
    ({"收件时间": "2099-01-01 09:00", "受理时间": "", "办结时间": "", "办结结果": ""}, "received_at", "in_future"),
    ({"办理层级": "村级"}, "level", "level_not_allowed"),
    ({"承诺时限": "5"}, "promised_limit", "limit_mismatch"),
    ({"事项编码": "GG-3"}, "channel", "not_online"),
    ({"收件渠道": "飞鸽传书"}, "channel", "bad_choice"),
    ({"申请人类型": "法人", "身份证号": "", "统一社会信用代码": "91330702MA2XXXXXX1"}, "credit_code", "credit_code_check_digit"),
    ({"事项编码": "GG-2", "申请人类型": "法人", "身份证号": "", "统一社会信用代码": CREDIT}, "applicant_kind",
     "applicant_kind_not_allowed"),
    ({"补正告知时间": "2024-03-20 10:00", "补正收到时间": "2024-03-21 10:00", "受理时间": "2024-03-22 10:00",
      "办结时间": ""}, "supplement_requested_at", "acceptance_overdue"),
    ({"不予受理时间": "2024-03-05 10:00"}, "refused_at", "accepted_and_refused"),
    ({"事项编码": "XK-2", "中止时段": "2024-03-05 10:00~"}, "completed_at", "completed_while_suspended"),
    ({"事项编码": "XK-2", "中止时段": "2024-03-05 10:00~2024-03-06 10:00", "中止工作日数": "3"},
     "suspended_working_days", "suspension_days_mismatch"),
    ({"村": "999999999999"}, "village", "unknown_region"),
    ({"办结结果": "也许"}, "result", "bad_choice"),
    ({"撤回时间": "2024-03-07 10:00"}, "withdrawn_at", "withdrawn_after_closing"),
]


def test_every_bad_row_is_reported_with_its_row_field_and_reason_and_the_good_rows_load(tmp_path, items, admin):
    rows = [row("GOOD-1")] + [row(f"BAD-{n}", **fields) for n, (fields, _, _) in enumerate(BAD_ROWS)]
    report = import_rows(tmp_path, admin, rows)

    assert (report.created, report.rejected) == (1, len(BAD_ROWS))
    found = {(e.row, e.number): (e.field, e.code) for e in report.errors}
    for n, (_, field, code) in enumerate(BAD_ROWS):
        assert found[(n + 3, f"BAD-{n}")] == (field, code)  # header is row 1, GOOD-1 row 2
    assert all(e.message for e in report.errors)
    assert list(Case.objects.values_list("number", flat=True)) == ["GOOD-1"]


def test_a_file_without_a_required_column_is_refused_as_a_whole(tmp_path, items, admin):
    path = tmp_path / "no-number.csv"
    path.write_text("事项编码,收件时间\nXK-1,2024-03-04 09:00\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as exc:
        cases_import_file(actor=admin, source=path)
    assert exc.value.field == "number"
    assert not Case.objects.exists()


def test_a_clerk_may_not_import_cases(tmp_path, items, clerk):
    with pytest.raises(Forbidden):
        import_rows(tmp_path, clerk, [row("X-1")])


# --- idempotence ----------------------------------------------------------------------------

def test_importing_the_same_file_twice_loads_nothing_twice(tmp_path, items, admin):
    rows = [row(f"I-{n}", 身份证号=make_id_card(seq=n)) for n in range(5)]
    first = import_rows(tmp_path, admin, rows)
    second = import_rows(tmp_path, admin, rows)
    assert (first.created, first.persons_created) == (5, 5)
    assert (second.created, second.updated, second.skipped, second.persons_created) == (0, 0, 5, 0)
    assert (Case.objects.count(), Person.objects.count()) == (5, 5)
    assert AuditEvent.objects.filter(action="case.import").count() == 2


def test_a_later_export_moves_an_imported_case_on_and_an_older_one_is_skipped(tmp_path, items, admin):
    open_record = row("U-1", 办结时间="", 办结结果="")
    import_rows(tmp_path, admin, [open_record], name="monday.csv")
    later = import_rows(tmp_path, admin, [row("U-1")], name="friday.csv")
    older = import_rows(tmp_path, admin, [open_record], name="monday-again.csv")
    assert (later.updated, older.skipped) == (1, 1)
    case = Case.objects.get(number="U-1")
    assert (case.status, case.outcome) == (CaseStatus.COMPLETED, Outcome.EARLY)


def test_a_newer_duplicate_in_the_same_file_wins(tmp_path, items, admin):
    report = import_rows(tmp_path, admin, [row("D-1"), row("D-1", 办结时间="", 办结结果="")])
    assert (report.created, report.skipped) == (1, 1)
    assert Case.objects.get(number="D-1").status == CaseStatus.COMPLETED


def test_a_case_handled_in_this_system_is_never_overwritten_by_a_file(tmp_path, items, admin, clerk):
    live = receive(actor=clerk, item=items["license"], when="2024-03-04 09:00")
    report = import_rows(tmp_path, admin, [row(live.number)])
    assert (report.kept_local, report.created, report.updated) == (1, 0, 0)
    live.refresh_from_db()
    assert live.status == CaseStatus.RECEIVED


def test_a_dry_run_counts_everything_and_writes_nothing(tmp_path, items, admin):
    report = import_rows(tmp_path, admin, [row("R-1"), row("R-2", 身份证号="123")], dry_run=True)
    assert (report.created, report.rejected, report.dry_run) == (1, 1, True)
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="case.import").exists()


def test_the_import_hooks_get_the_created_case_ids_after_commit(tmp_path, items, admin, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(importing, "IMPORT_HOOKS", [lambda **kw: calls.append(kw)])
    with django_capture_on_commit_callbacks(execute=True):
        import_rows(tmp_path, admin, [row("H-1"), row("H-2", 身份证号=make_id_card(seq=7))])
    assert sorted(calls[0]["created_ids"]) == sorted(Case.objects.values_list("pk", flat=True))
    assert calls[0]["updated_ids"] == []


def test_an_import_tells_other_apps_through_the_domain_events(tmp_path, items, admin, monkeypatch):
    seen = []
    monkeypatch.setattr(events, "_SUBSCRIBERS", {
        "cases.case.imported": [lambda **e: seen.append(("imported", len(e["ids"])))],
        "cases.case.transitioned": [lambda **e: seen.append(("moved", e["before"].status, e["obj"].status,
                                                             e["transition"]))],
    })
    import_rows(tmp_path, admin, [row("EV-1", 办结时间="", 办结结果=""), row("EV-2")], name="a.csv")
    import_rows(tmp_path, admin, [row("EV-1")], name="b.csv")
    assert seen == [("imported", 2), ("moved", CaseStatus.ACCEPTED, CaseStatus.COMPLETED, None)]


# --- formats --------------------------------------------------------------------------------

def _xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    headers = list(rows[0])
    sheet.append(headers)
    for r in rows:
        sheet.append([at(r[h]).replace(tzinfo=None) if h.endswith("时间") and r[h] else r[h] for h in headers])
    book.save(path)
    return path


@pytest.mark.parametrize("fmt", ["xlsx", "json", "jsonl"])
def test_excel_json_and_json_lines_give_the_same_cases_as_csv(tmp_path, items, admin, fmt):
    rows = [row("F-1"), row("F-2", 受理时间="2024-03-15 10:00", 办结时间="2024-03-18 10:00"),
            row("F-3", 身份证号="bad")]
    path = tmp_path / f"cases.{fmt}"
    if fmt == "xlsx":
        _xlsx(path, rows)
    elif fmt == "json":
        path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    report = cases_import_file(actor=admin, source=path)
    assert (report.format, report.created, report.rejected) == (fmt, 2, 1)
    assert report.errors[0].field == "id_number"
    late = Case.objects.get(number="F-2")
    assert (late.acceptance_overdue, late.acceptance_deemed, late.outcome) == (True, True, Outcome.OVERDUE)
    again = import_rows(tmp_path, admin, rows)  # the same records as CSV: already loaded
    assert (again.created, again.updated, again.skipped) == (0, 0, 2)


# --- the same events give the same case, live or imported -----------------------------------

LIVE_FIELDS = ("status", "acceptance_clock_on", "acceptance_deadline", "acceptance_overdue", "decided_at",
               "accepted_on", "acceptance_deemed", "suspended_working_days", "completion_deadline", "warning_at",
               "outcome", "completed_at", "supplement_requested_at", "supplement_received_at")

SCENARIOS = {
    "on time across a holiday": ("long", [("accept", "2024-09-27 10:00"), ("approve", "2024-10-10 16:00")], {}),
    "late decision deemed on the receipt day": ("long", [("accept", "2024-10-11 09:00"),
                                                         ("approve", "2024-10-21 10:00")], {}),
    "supplement restarts the clock": ("license", [("request_supplement", "2024-09-30 10:00"),
                                                   ("supplement_arrived", "2024-10-09 15:00"),
                                                   ("accept", "2024-10-12 10:00"), ("deny", "2024-10-16 10:00")], {}),
    "suspension extends the deadline": ("long", [("accept", "2024-09-27 11:00"), ("suspend", "2024-09-29 11:00"),
                                                 ("resume", "2024-10-09 16:00"), ("approve", "2024-10-18 10:00")], {}),
    "still suspended": ("long", [("accept", "2024-09-27 11:00"), ("suspend", "2024-09-30 11:00")], {}),
    "instant on the make-up Sunday": ("instant", [("accept", "2024-09-29 09:10"), ("approve", "2024-09-29 09:20")],
                                      {}),
    "refused late": ("license", [("refuse", "2024-10-14 10:00")], {}),
    "withdrawn while waiting": ("license", [("withdraw", "2024-09-30 10:00")], {}),
}
TO_COLUMN = {"accept": "受理时间", "approve": "办结时间", "deny": "办结时间", "refuse": "不予受理时间",
             "withdraw": "撤回时间", "request_supplement": "补正告知时间", "supplement_arrived": "补正收到时间"}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_an_imported_case_has_the_derived_fields_of_the_same_case_handled_live(tmp_path, items, admin, clerk,
                                                                               scenario):
    item_key, steps, _ = SCENARIOS[scenario]
    live = receive(actor=clerk, item=items[item_key], when="2024-09-27 10:00")
    record = {"办件编号": "SAME-1", "事项编码": items[item_key].code, "收件渠道": "窗口", "申请人": "张三",
              "身份证号": VALID_ID, "收件时间": "2024-09-27 10:00"}
    suspension: list[str] = []
    for action, when in steps:
        extra = {"items": ["营业执照副本"]} if action == "request_supplement" else {}
        live = move(live, action, actor=clerk, when=when, reason="理由" if action in ("refuse", "deny", "suspend",
                                                                                   "withdraw") else "", **extra)
        if action in ("suspend", "resume"):
            suspension.append(when)
        else:
            record[TO_COLUMN[action]] = when
        if action == "deny":
            record["办结结果"] = "不予"
    if suspension:
        record["中止时段"] = "~".join(suspension) + ("" if len(suspension) == 2 else "~")
    report = import_rows(tmp_path, admin, [record])
    assert report.created == 1, report.errors
    imported = Case.objects.get(number="SAME-1")
    live.refresh_from_db()
    assert {f: getattr(imported, f) for f in LIVE_FIELDS} == {f: getattr(live, f) for f in LIVE_FIELDS}
    assert (imported.result, imported.suspended_since) == (live.result, live.suspended_since)


# --- the item catalog -----------------------------------------------------------------------

ITEM_HEADERS = ["事项编码", "事项名称", "部门编码", "事项类型", "法定时限", "承诺时限", "办理层级", "可网办",
                "村级帮办代办", "涉企事项", "服务对象", "申请材料"]


def write_items(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ITEM_HEADERS)
        writer.writerows(rows)
    return path


def test_the_item_import_creates_and_updates_by_code_and_lists_every_bad_row(tmp_path, dept, admin):
    rows = [
        ["XK-SCJ-001", "个体工商户设立登记", "SCJ", "行政许可", "15", "即办", "district;township;village", "是", "是",
         "否", "both", "申请书;身份证明"],
        ["XK-SCJ-002", "食品经营许可证核发", "SCJ", "license", "20", "25", "区级", "是", "否", "是", "法人", "申请书"],
        ["XK-SCJ-003", "企业设立登记", "NOPE", "行政许可", "15", "1", "district", "是", "否", "是", "both", "章程"],
        ["XK-SCJ-004", "药品零售企业许可", "SCJ", "行政许可", "30", "10", "省级", "是", "否", "是", "both", "申请表"],
        ["XK-SCJ-001", "重复的编码", "SCJ", "行政许可", "15", "0", "district", "是", "否", "否", "both", "申请书"],
        ["XK-SCJ-005", "小餐饮登记", "SCJ", "行政许可", "10", "0", "district;village", "也许", "是", "否", "both", "x"],
    ]
    report = items_import_file(actor=admin, source=write_items(tmp_path / "items.csv", rows))

    assert (report.created, report.rejected) == (1, 5), report.errors
    assert {(e.row, e.field, e.code) for e in report.errors} == {
        (3, "promised_limit", "promised_above_statutory"), (4, "department_code", "unknown_department"),
        (5, "levels", "bad_value"), (6, "code", "duplicate_in_file"), (7, "online_capable", "bad_value")}
    item = ServiceItem.objects.get(code="XK-SCJ-001")
    assert (item.is_instant, item.levels, item.village_assisted, item.materials) == (
        True, [Level.DISTRICT, Level.TOWNSHIP, Level.VILLAGE], True, ["申请书", "身份证明"])

    rows[0][5] = "2"
    again = items_import_file(actor=admin, source=write_items(tmp_path / "items2.csv", rows[:1]))
    same = items_import_file(actor=admin, source=write_items(tmp_path / "items3.csv", rows[:1]))
    assert (again.updated, same.skipped) == (1, 1)
    assert ServiceItem.objects.get(code="XK-SCJ-001").promised_limit == 2
    assert AuditEvent.objects.filter(action="service_item.update").count() == 1
    assert AuditEvent.objects.filter(action="service_item.import").count() == 3


def test_the_default_catalog_loads_through_the_command(dept, capsys):
    from zhengwu.org.demo import DEPARTMENTS
    from zhengwu.org.models import Department

    for code, name, short in DEPARTMENTS:
        Department.objects.get_or_create(code=code, defaults={"name": name, "short_name": short})
    call_command("import_items", "--default-catalog")
    assert ServiceItem.objects.count() == 300
    assert "300 created" in capsys.readouterr().out


def test_the_import_cases_command_prints_the_report_and_writes_every_rejected_row(tmp_path, items, capsys):
    source = write_csv(tmp_path / "cases.csv", [row("C-1"), row("C-2", 身份证号="x"), row("C-3", 事项编码="?")])
    out_path = tmp_path / "errors.csv"
    call_command("import_cases", str(source), "--report", str(out_path), "--errors", "1")
    out = capsys.readouterr().out
    assert "1 created" in out and "2 rejected" in out and "1 more" in out
    with open(out_path, encoding="utf-8-sig") as f:
        lines = list(csv.DictReader(f))
    assert [(r["row"], r["field"]) for r in lines] == [("3", "id_number"), ("4", "item_code")]
    assert Enterprise.objects.count() == 0
