"""Bulk import: the service item catalog, and case records exported by the provincial platform.

Formats, columns, aliases and rules: ``docs/import-format.md``. In short:

* **Every row is checked** and every bad row is reported with its row number
  (the header is row 1, as a spreadsheet shows it), the field, a stable code
  and a message. Bad rows are not loaded; the good rows are. The run is one
  transaction: a crash or a database error loads nothing, and ``dry_run``
  checks and counts everything and then rolls back.
* **Items** are created or updated by code through ``services.item_create`` /
  ``item_update`` (each validated by ``item_validate`` and audited as the
  services always do); an unchanged row is skipped. One more audit event
  ``service_item.import`` records the file and the counts.
* **Cases** are idempotent by case number. A number not yet loaded is created.
  A number already loaded from an import is updated only when the incoming
  record is further along (its last event is later), else skipped. A case that
  was created or moved in this system (it has a tracking code, or a transition
  ran on it: ``version > 0``) is never overwritten by a file (``kept_local``).
  Status and every derived column come from :func:`zhengwu.cases.deadlines.derive`,
  the replay of the live workflow; nothing derived is read from the file.
  Imported rows are born in their final state with bulk inserts (the birth of
  a row, like ``core.workflow.create_with_status``), and the run writes ONE
  audit event ``case.import`` with the counts and the file's SM3 digest.
* Applicants: ID numbers are validated, then found or registered as
  ``org.Person`` through the blind index (one query per chunk, missing persons
  bulk-created with their numbers encrypted by the field); credit codes as
  ``org.Enterprise``. No audit event per person: the batch event covers them.

Speed: rows are streamed and written in chunks of :data:`CHUNK_SIZE`. Case rows
go through :class:`CaseWriter` (an ``executemany`` with the columns taken from
the model) because ``bulk_create`` spends ~130 µs per case row preparing its 36
columns, more than all the rest of the import: 100,000 rows take ~16 s on SQLite
and ~27 s on PostgreSQL (docs/PERFORMANCE.md, ``bench/import_cases.py``).

Other apps follow imports through the domain events (``zhengwu.core.events``), published
inside the import's transaction: ``cases.case.imported`` (``ids``) once per chunk for the
cases created, and ``cases.case.transitioned`` (``before``, ``obj``, ``transition=None``)
for each imported case that a newer record moved on. After the commit, every function in
:data:`IMPORT_HOOKS` is called with the created and updated ids.
"""

from __future__ import annotations

import contextlib
import csv
import operator
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from zhengwu.cases import deadlines, services
from zhengwu.cases.choices import ONLINE_CHANNELS, ApplicantKind, CaseStatus, Channel, Level, Result
from zhengwu.cases.models import Case, CaseSuspension, ServiceItem
from zhengwu.core import audit, events
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import InvalidInput
from zhengwu.core.identifiers import validate_credit_code, validate_id_card, validate_mobile
from zhengwu.core.permissions import require
from zhengwu.org.models import Department, Enterprise, Person, Region, RegionLevel, User
from zhengwu.org.roles import Role
from zhengwu.org.services import ID_PURPOSE, PHONE_PURPOSE

from zhengwu.cases.import_readers import (  # noqa: F401  (re-exported for callers of importing)
    FORMATS,
    detect_format,
    open_source,
    read_records,
    Headers,
    is_blank,
    as_text,
    as_bool,
    as_int,
    as_list,
    as_moment,
    as_choice,
    CHANNELS,
    KINDS,
    RESULTS,
    LEVELS,
    ITEM_TYPES,
    APPLICANT_KINDS,
)

CHUNK_SIZE = 5000

#: Called after a case import commits, as ``hook(created_ids=[...], updated_ids=[...])``.
IMPORT_HOOKS: list[Callable[..., None]] = []


# --- the report ---------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    message: str
    number: str = ""

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" ({self.number})" if self.number else "")
        return f"{where} [{self.field or '-'}] {self.code}: {self.message}"


@dataclass
class ImportReport:
    """What an import did. ``skipped``: already loaded with this record or a further one
    (or an older duplicate in the same file); ``kept_local``: handled in this system, never
    overwritten by a file."""

    kind: str
    source: str
    digest: str
    format: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    kept_local: int = 0
    rejected: int = 0
    persons_created: int = 0
    enterprises_created: int = 0
    seconds: float = 0.0
    #: of ``seconds``, the time other apps' handlers of the domain events took (the rollups)
    event_seconds: float = 0.0
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list, repr=False)
    updated_ids: list[int] = field(default_factory=list, repr=False)

    def counts(self) -> dict[str, Any]:
        names = ("rows", "created", "updated", "skipped", "kept_local", "rejected", "persons_created",
                 "enterprises_created")
        return {name: getattr(self, name) for name in names}

    def summary(self) -> str:
        c = self.counts()
        dry = ", dry run: nothing written" if self.dry_run else ""
        text = (f"{self.kind} import of {self.source} ({self.format}{dry}): "
                f"{c['rows']} rows, {c['created']} created, {c['updated']} updated, {c['skipped']} skipped, "
                f"{c['rejected']} rejected")
        if self.kind == "cases":
            text += (f", {c['kept_local']} kept (handled here); {c['persons_created']} persons and "
                     f"{c['enterprises_created']} enterprises registered")
        text += f"; {self.seconds:.1f}s"
        if self.event_seconds >= 0.05:
            text += f" (of which {self.event_seconds:.1f}s in event subscribers)"
        if self.ignored_columns:
            text += f"\nignored columns: {', '.join(self.ignored_columns)}"
        return text

    def write_errors_csv(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "number", "field", "code", "message"])
            for e in self.errors:
                writer.writerow([e.row, e.number, e.field, e.code, e.message])


class _Rejected(Exception):
    def __init__(self, errors: list[tuple[str, str, str]]) -> None:
        self.errors = errors


def _reject(report: ImportReport, row: int, errors: list[tuple[str, str, str]], number: str = "") -> None:
    report.rejected += 1
    report.errors.extend(RowError(row, f, code, msg, number) for f, code, msg in errors)


class _DryRun(Exception):
    pass


# --- the item catalog ----------------------------------------------------------------------

ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("事项编码", "事项代码", "基本编码", "实施编码"),
    "name": ("事项名称",),
    "department_code": ("部门编码", "实施部门编码", "实施主体编码", "department"),
    "item_type": ("事项类型", "权力类型", "type"),
    "statutory_limit": ("法定时限", "法定办结时限", "statutory"),
    "promised_limit": ("承诺时限", "承诺办结时限", "promised"),
    "acceptance_limit": ("受理时限",),
    "levels": ("办理层级", "行使层级", "层级"),
    "online_capable": ("可网办", "是否可网办", "网上可办", "online"),
    "village_assisted": ("村级帮办代办", "是否村级代办", "帮办代办"),
    "enterprise_related": ("涉企事项", "是否涉企"),
    "applicant_kinds": ("服务对象", "办理对象"),
    "materials": ("申请材料", "材料"),
    "is_active": ("在用", "是否在用", "active"),
}
ITEM_REQUIRED = ("name", "department_code", "item_type", "statutory_limit", "promised_limit")


def _item_fields(data: dict[str, Any], departments: dict[str, Department]) -> tuple[str, dict[str, Any]]:
    """The code and the model fields given in one row; raises _Rejected naming each bad field."""
    errors: list[tuple[str, str, str]] = []
    out: dict[str, Any] = {}
    code = as_text(data.get("code"))
    if not code:
        errors.append(("code", "required", "事项编码不能为空。"))
    parsers: dict[str, Callable[[Any], Any]] = {
        "name": as_text, "item_type": lambda v: as_choice(ITEM_TYPES, v, "事项类型"),
        "statutory_limit": as_int, "promised_limit": as_int, "acceptance_limit": as_int,
        "online_capable": as_bool, "village_assisted": as_bool, "enterprise_related": as_bool, "is_active": as_bool,
        "applicant_kinds": lambda v: as_choice(APPLICANT_KINDS, v, "服务对象"), "materials": as_list,
    }
    for name, parse in parsers.items():
        if name in data and not is_blank(data[name]):
            try:
                out[name] = parse(data[name])
            except ValueError as exc:
                errors.append((name, "bad_value", f"{exc}。"))
    if not is_blank(data.get("levels")):
        try:
            levels = {as_choice(LEVELS, part, "办理层级") for part in re.split(r"[;；,，、/|]", as_text(data["levels"]))
                      if part.strip()}
            out.update(level_district=Level.DISTRICT in levels, level_township=Level.TOWNSHIP in levels,
                       level_village=Level.VILLAGE in levels)
        except ValueError as exc:
            errors.append(("levels", "bad_value", f"{exc}。"))
    if not is_blank(data.get("department_code")):
        dept = departments.get(as_text(data["department_code"]))
        if dept is None:
            errors.append(("department_code", "unknown_department", f"未知的部门编码“{as_text(data['department_code'])}”。"))
        else:
            out["department"] = dept
    if errors:
        raise _Rejected(errors)
    return code, out


def items_import_file(*, actor: Any, source: str | Path | BinaryIO, format: str | None = None,
                      dry_run: bool = False, name: str | None = None) -> ImportReport:
    require(actor, "cases.manage_items")
    with open_source(source, name=name) as (f, source_name, digest):
        fmt = detect_format(source_name, format)
        return items_import(actor=actor, records=read_records(f, fmt), source=source_name, digest=digest, fmt=fmt,
                            dry_run=dry_run)


def items_import(*, actor: Any, records: Iterable[tuple[int, dict[str, Any] | InvalidInput]], source: str = "records",
                 digest: str = "", fmt: str = "records", dry_run: bool = False) -> ImportReport:
    """Create or update items by code; every bad row is listed, the good ones are written."""
    require(actor, "cases.manage_items")
    report = ImportReport(kind="items", source=source, digest=digest, format=fmt, dry_run=dry_run)
    started = time.perf_counter()
    headers = Headers(ITEM_COLUMNS)
    departments = {d.code: d for d in Department.objects.all()}
    seen: set[str] = set()
    try:
        with transaction.atomic():
            existing = {item.code: item for item in ServiceItem.objects.select_related("department")}
            for row, raw in records:
                report.rows += 1
                if isinstance(raw, InvalidInput):
                    _reject(report, row, [(raw.field or "", raw.code, raw.message)])
                    continue
                try:
                    _item_row(actor, headers.map(raw), departments, existing, seen, report)
                except _Rejected as exc:
                    _reject(report, row, exc.errors, number=as_text(headers.map(raw).get("code")))
            report.ignored_columns = headers.ignored
            if dry_run:
                raise _DryRun
            audit.record(actor=actor, action="service_item.import", obj=("cases.item_import", digest or "records"),
                         payload={"source": source, "format": fmt, "digest": digest, **report.counts()})
    except _DryRun:
        pass
    report.seconds = time.perf_counter() - started
    return report


def _item_row(actor: Any, data: dict[str, Any], departments: dict[str, Department],
              existing: dict[str, ServiceItem], seen: set[str], report: ImportReport) -> None:
    code, fields = _item_fields(data, departments)
    if code in seen:
        raise _Rejected([("code", "duplicate_in_file", f"事项编码 {code} 在文件中重复,以先出现的行为准。")])
    seen.add(code)
    item = existing.get(code)
    if item is None:
        missing = [name for name in ITEM_REQUIRED if name not in fields and name != "department_code"]
        if "department" not in fields:
            missing.insert(0, "department_code")
        if missing:
            raise _Rejected([(name, "required", "新事项必须填写此列。") for name in missing])
        merged = {"code": code, **fields}
    else:
        merged = {"code": code, **{n: getattr(item, n) for n in services.ITEM_FIELDS}, **fields}
    try:
        services.item_validate(data=merged)
    except InvalidInput as exc:
        raise _Rejected([(exc.field or "", exc.code, exc.message)]) from None
    if item is None:
        department = fields.pop("department")
        existing[code] = services.item_create(actor=actor, code=code, department=department, **fields)
        report.created += 1
        return
    changes = {k: v for k, v in fields.items() if getattr(item, k) != v}
    if not changes:
        report.skipped += 1
        return
    services.item_update(actor=actor, item=item, **changes)
    report.updated += 1


# --- cases ---------------------------------------------------------------------------------

CASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("办件编号", "办件号", "申办流水号", "办件流水号", "case_number"),
    "item_code": ("事项编码", "事项代码", "实施编码", "item"),
    "item_name": ("事项名称",),
    "statutory_limit": ("法定时限",),
    "promised_limit": ("承诺时限",),
    "channel": ("收件渠道", "申报渠道", "办理渠道", "渠道"),
    "level": ("办理层级", "层级"),
    "applicant_kind": ("申请人类型", "申请主体类型"),
    "applicant_name": ("申请人", "申请人名称", "申请人姓名", "申请单位"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "申请人证件号码"),
    "credit_code": ("统一社会信用代码", "信用代码"),
    "phone": ("联系电话", "手机号", "手机号码"),
    "received_at": ("收件时间", "申请时间", "申报时间"),
    "accepted_at": ("受理时间",),
    "supplement_requested_at": ("补正告知时间",),
    "supplement_items": ("补正材料", "补正内容"),
    "supplement_received_at": ("补正收到时间", "补正材料收到时间"),
    "suspensions": ("中止时段", "中止记录", "特别程序"),
    "suspended_working_days": ("中止工作日数", "特别程序工作日数"),
    "suspension_reason": ("中止原因", "特别程序原因"),
    "completed_at": ("办结时间",),
    "result": ("办结结果", "办理结果"),
    "refused_at": ("不予受理时间",),
    "withdrawn_at": ("撤回时间",),
    "decision_reason": ("理由", "不予受理理由", "撤回原因", "办结意见"),
    "township": ("乡镇", "乡镇代码", "乡镇(街道)", "乡镇(街道)代码", "街道"),
    "village": ("村", "村代码", "村(社区)", "村(社区)代码", "社区"),
    "agent": ("代办员", "代办员账号"),
}
CASE_REQUIRED = ("number", "item_code", "received_at")
MOMENT_FIELDS = ("received_at", "accepted_at", "supplement_requested_at", "supplement_received_at", "completed_at",
                 "refused_at", "withdrawn_at")


class _ItemRef(NamedTuple):
    id: int
    department_id: int
    name: str
    statutory: int
    promised: int
    acceptance: int
    levels: frozenset[str]
    online: bool
    kinds: str


@dataclass
class _Parsed:
    row: int
    number: str
    values: dict[str, Any]
    person: tuple[str, str, str, str, str] | None  # index, name, number, phone, phone index
    enterprise: tuple[str, str] | None  # credit code, name
    suspensions: list[tuple[datetime, datetime | None, int, str]]


class _CaseContext:
    """Everything a run looks up once: items, regions, agents, validated identifiers, the calendar."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.tz = timezone.get_default_timezone()
        self.today = timezone.localtime(now).date()
        self.memo = deadlines.DeadlineMemo()
        self.headers = Headers(CASE_COLUMNS)
        self.items = {
            i.code: _ItemRef(i.pk, i.department_id, i.name, i.statutory_limit, i.promised_limit, i.acceptance_limit,
                             frozenset(i.levels), i.online_capable, i.applicant_kinds)
            for i in ServiceItem.objects.all()
        }
        regions = list(Region.objects.values_list("pk", "code", "name", "level", "parent_id"))
        self.regions = {code: (pk, level, parent) for pk, code, _, level, parent in regions}
        self.region_by_id = {pk: (pk, level, parent) for pk, _, _, level, parent in regions}
        names: dict[str, list] = {}
        for pk, _, name, level, parent in regions:
            names.setdefault(name, []).append((pk, level, parent))
        self.regions.update({n: v[0] for n, v in names.items() if len(v) == 1 and n not in self.regions})
        self.agents = {u: (pk, region) for u, pk, region in
                       User.objects.filter(role=Role.VILLAGE_AGENT).values_list("username", "pk", "region_id")}
        self.id_numbers: dict[str, tuple[str, str] | InvalidInput] = {}
        self.credit_codes: dict[str, str | InvalidInput] = {}
        self.person_pks: dict[str, int] = {}
        self.enterprise_pks: dict[str, int] = {}
        self.header_checked = False

    # -- one row ------------------------------------------------------------------------
    def parse(self, row: int, raw: dict[str, Any]) -> _Parsed:
        data = self.headers.map(raw)
        if not self.header_checked:
            self.header_checked = True
            missing = [name for name in CASE_REQUIRED if name not in data]
            if missing:
                raise InvalidInput(f"缺少必需的列:{', '.join(missing)}(列名见 docs/import-format.md)。",
                                   field=missing[0], code="missing_column")
        errors: list[tuple[str, str, str]] = []
        number = as_text(data.get("number"))
        if not number or len(number) > 40:
            errors.append(("number", "required" if not number else "too_long", "办件编号不能为空,且不超过40个字符。"))
        moments: dict[str, datetime | None] = {}
        for name in MOMENT_FIELDS:
            try:
                moments[name] = as_moment(data.get(name), self.tz)
            except ValueError as exc:
                errors.append((name, "bad_date", f"{exc}。"))
        if "received_at" in moments and moments["received_at"] is None:
            errors.append(("received_at", "required", "收件时间不能为空。"))
        suspensions: list[tuple[datetime, datetime | None]] = []
        days: int | None = None
        try:
            suspensions = self._periods(data.get("suspensions"))
        except ValueError as exc:
            errors.append(("suspensions", "bad_date", f"{exc}。"))
        if not is_blank(data.get("suspended_working_days")):
            try:
                days = as_int(data["suspended_working_days"])
            except ValueError as exc:
                errors.append(("suspended_working_days", "bad_value", f"{exc}。"))
        item = self.items.get(as_text(data.get("item_code")))
        if item is None:
            errors.append(("item_code", "unknown_item", f"事项目录中没有事项编码“{as_text(data.get('item_code'))}”。"))
        if errors:
            raise _Rejected(errors)
        assert item is not None
        for name, mine in (("statutory_limit", item.statutory), ("promised_limit", item.promised)):
            if not is_blank(data.get(name)):
                try:
                    theirs = as_int(data[name])
                except ValueError as exc:
                    raise _Rejected([(name, "bad_value", f"{exc}。")]) from None
                if theirs != mine:
                    label = "法定时限" if name == "statutory_limit" else "承诺时限"
                    raise _Rejected([(name, "limit_mismatch",
                                      f"文件中的{label} {theirs} 个工作日与事项目录的 {mine} 个工作日不一致,"
                                      "请先更新事项目录再导入。")])
        values = {"number": number, "item_id": item.id, "department_id": item.department_id, "version": 0,
                  "tracking_digest": ""}
        values.update(self._place(item, data))
        person, enterprise = self._applicant(item, data, values)
        events = deadlines.CaseEvents(
            received_at=moments["received_at"], supplement_requested_at=moments["supplement_requested_at"],
            supplement_received_at=moments["supplement_received_at"], accepted_at=moments["accepted_at"],
            refused_at=moments["refused_at"], suspensions=tuple(suspensions), suspended_working_days=days,
            completed_at=moments["completed_at"], withdrawn_at=moments["withdrawn_at"])
        try:
            derived = deadlines.derive(events, acceptance_limit=item.acceptance, promised_limit=item.promised,
                                       now=self.now, memo=self.memo)
        except InvalidInput as exc:
            raise _Rejected([(exc.field or "", exc.code, exc.message)]) from None
        result = ""
        if not is_blank(data.get("result")):
            if derived.status != CaseStatus.COMPLETED:
                raise _Rejected([("result", "result_without_completion", "没有办结时间,却有办结结果。")])
            result = self._pick("result", RESULTS, data["result"], "办结结果")
        elif derived.status == CaseStatus.COMPLETED:
            result = Result.APPROVED
        values.update(
            received_at=events.received_at, supplement_requested_at=events.supplement_requested_at,
            supplement_items=as_list(data.get("supplement_items")) if events.supplement_requested_at else [],
            supplement_received_at=events.supplement_received_at, completed_at=events.completed_at, result=result,
            decision_reason=as_text(data.get("decision_reason")), **derived_columns(derived))
        reason = as_text(data.get("suspension_reason"))[:255] or "导入的中止记录"
        periods = [(s, e, d, reason) for (s, e), d in zip(suspensions, (*derived.suspension_days, 0))]
        return _Parsed(row, number, values, person, enterprise, periods)

    def _periods(self, v: Any) -> list[tuple[datetime, datetime | None]]:
        if is_blank(v):
            return []
        parts: list[Any] = v if isinstance(v, list) else [p for p in re.split(r"[;；\n]", str(v)) if p.strip()]
        periods = []
        for part in parts:
            if isinstance(part, dict):
                start, end = part.get("start"), part.get("end")
            elif isinstance(part, (list, tuple)) and len(part) in (1, 2):
                start, end = part[0], part[1] if len(part) == 2 else None
            else:
                pieces = re.split(r"\s*(?:~|～|至|--)\s*", str(part).strip())
                if len(pieces) != 2:
                    raise ValueError(f"中止时段“{part}”应写作“开始~结束”")
                start, end = pieces
            begin = as_moment(start, self.tz)
            if begin is None:
                raise ValueError("中止时段缺少开始时间")
            periods.append((begin, as_moment(end, self.tz)))
        return periods

    def _region(self, field_name: str, v: Any, level: str) -> tuple[int, int | None] | None:
        if is_blank(v):
            return None
        found = self.regions.get(as_text(v))
        if found is None or found[1] != level:
            what = "乡镇(街道)" if level == RegionLevel.TOWNSHIP else "村(社区)"
            raise _Rejected([(field_name, "unknown_region", f"未知的{what}“{as_text(v)}”。")])
        return found[0], found[2]

    def _place(self, item: _ItemRef, data: dict[str, Any]) -> dict[str, Any]:
        """What ``services._resolve_place`` checks for a live receipt, for a row."""
        if is_blank(data.get("channel")):
            raise _Rejected([("channel", "required", "收件渠道不能为空。")])
        channel = self._pick("channel", CHANNELS, data["channel"], "收件渠道")
        level = self._pick("level", LEVELS, data["level"], "办理层级") if not is_blank(data.get("level")) else ""
        if channel in ONLINE_CHANNELS and not item.online:
            raise _Rejected([("channel", "not_online", f"事项“{item.name}”不支持网上办理。")])
        agent_id = None
        village = self._region("village", data.get("village"), RegionLevel.VILLAGE)
        township = self._region("township", data.get("township"), RegionLevel.TOWNSHIP)
        if not is_blank(data.get("agent")):
            agent = self.agents.get(as_text(data["agent"]))
            if agent is None:
                raise _Rejected([("agent", "unknown_agent", f"没有代办员账号“{as_text(data['agent'])}”。")])
            agent_id = agent[0]
            home = self.region_by_id.get(agent[1])
            if village is None and home is not None and home[1] == RegionLevel.VILLAGE:
                village = (home[0], home[2])
        if not level:
            level = (Level.VILLAGE if channel == Channel.AGENT or agent_id or village
                     else Level.TOWNSHIP if township else Level.DISTRICT)
        if channel == Channel.AGENT:
            level = Level.VILLAGE
        if level not in item.levels:
            raise _Rejected([("level", "level_not_allowed", f"事项“{item.name}”不能在{Level(level).label}办理。")])
        if village is not None:
            if township is not None and township[0] != village[1]:
                raise _Rejected([("township", "region_mismatch", "村(社区)不属于所填的乡镇(街道)。")])
            township = (village[1], None)
        if level == Level.VILLAGE and village is None:
            raise _Rejected([("village", "required", "村级办理须指明村(社区)。")])
        if level == Level.TOWNSHIP and township is None:
            raise _Rejected([("township", "required", "乡镇级办理须指明乡镇(街道)。")])
        return {"channel": channel, "level": level, "agent_id": agent_id,
                "township_id": township[0] if township else None, "village_id": village[0] if village else None}

    @staticmethod
    def _pick(field_name: str, table: dict[str, str], value: Any, what: str) -> str:
        try:
            return as_choice(table, value, what)
        except ValueError as exc:
            raise _Rejected([(field_name, "bad_choice", f"{exc}。")]) from None

    def _applicant(self, item: _ItemRef, data: dict[str, Any], values: dict[str, Any]) -> tuple[Any, Any]:
        id_raw, code_raw = as_text(data.get("id_number")), as_text(data.get("credit_code"))
        kind = (self._pick("applicant_kind", KINDS, data["applicant_kind"], "申请人类型")
                if not is_blank(data.get("applicant_kind"))
                else ApplicantKind.PERSON if id_raw else ApplicantKind.ENTERPRISE if code_raw else "")
        if not kind:
            raise _Rejected([("applicant_kind", "required", "请填写申请人类型,或身份证号/统一社会信用代码。")])
        if item.kinds not in ("both", kind):
            raise _Rejected([("applicant_kind", "applicant_kind_not_allowed",
                              f"事项“{item.name}”不面向{ApplicantKind(kind).label}。")])
        name = as_text(data.get("applicant_name"))
        if not name or len(name) > 128:
            raise _Rejected([("applicant_name", "required", "申请人姓名或名称不能为空,且不超过128个字符。")])
        values.update(applicant_kind=kind, applicant_name=name)
        if kind == ApplicantKind.PERSON:
            found = self.id_numbers.get(id_raw)
            if found is None:
                try:
                    number = validate_id_card(id_raw, field="id_number", today=self.today)
                    found = (number, blind_index(number, purpose=ID_PURPOSE))
                except InvalidInput as exc:
                    found = exc
                self.id_numbers[id_raw] = found
            if isinstance(found, InvalidInput):
                raise _Rejected([("id_number", found.code, found.message)])
            phone = phone_index = ""
            if not is_blank(data.get("phone")):
                try:
                    phone = validate_mobile(as_text(data["phone"]), field="phone")
                except InvalidInput as exc:
                    raise _Rejected([("phone", exc.code, exc.message)]) from None
                phone_index = blind_index(phone, purpose=PHONE_PURPOSE)
            return (found[1], name[:32], found[0], phone, phone_index), None
        found_code = self.credit_codes.get(code_raw)
        if found_code is None:
            try:
                found_code = validate_credit_code(code_raw, field="credit_code")
            except InvalidInput as exc:
                found_code = exc
            self.credit_codes[code_raw] = found_code
        if isinstance(found_code, InvalidInput):
            raise _Rejected([("credit_code", found_code.code, found_code.message)])
        return None, (found_code, name)

    # -- applicants of a chunk --------------------------------------------------------------
    def resolve_persons(self, wanted: dict[str, tuple[str, str, str, str, str]], report: ImportReport) -> None:
        ask = [index for index in wanted if index not in self.person_pks]
        if not ask:
            return
        self.person_pks.update(Person.objects.filter(id_number_index__in=ask).values_list("id_number_index", "pk"))
        missing = [wanted[i] for i in ask if i not in self.person_pks]
        if missing:
            Person.objects.bulk_create([Person(name=name, id_number=number, id_number_index=index, phone=phone,
                                               phone_index=phone_index)
                                        for index, name, number, phone, phone_index in missing],
                                       batch_size=500, ignore_conflicts=True)
            made = [m[0] for m in missing]
            self.person_pks.update(Person.objects.filter(id_number_index__in=made).values_list("id_number_index", "pk"))
            report.persons_created += len(missing)

    def resolve_enterprises(self, wanted: dict[str, str], report: ImportReport) -> None:
        ask = [code for code in wanted if code not in self.enterprise_pks]
        if not ask:
            return
        self.enterprise_pks.update(Enterprise.objects.filter(credit_code__in=ask).values_list("credit_code", "pk"))
        missing = [code for code in ask if code not in self.enterprise_pks]
        if missing:
            Enterprise.objects.bulk_create([Enterprise(credit_code=code, name=wanted[code]) for code in missing],
                                           batch_size=500, ignore_conflicts=True)
            self.enterprise_pks.update(Enterprise.objects.filter(credit_code__in=missing)
                                       .values_list("credit_code", "pk"))
            report.enterprises_created += len(missing)


def derived_columns(derived: deadlines.DerivedCase) -> dict[str, Any]:
    """The case columns a :class:`~zhengwu.cases.deadlines.DerivedCase` fills."""
    return {
        "status": derived.status, "status_changed_at": derived.status_changed_at,
        "acceptance_clock_on": derived.acceptance_clock_on, "acceptance_deadline": derived.acceptance_deadline,
        "decided_at": derived.decided_at, "acceptance_overdue": derived.acceptance_overdue,
        "accepted_on": derived.accepted_on, "acceptance_deemed": derived.acceptance_deemed,
        "suspended_since": derived.suspended_since, "suspended_working_days": derived.suspended_working_days,
        "completion_deadline": derived.completion_deadline, "warning_at": derived.warning_at,
        "outcome": derived.outcome,
    }


# --- writing cases in bulk ----------------------------------------------------------------

class CaseWriter:
    """Inserts and updates case rows with ``executemany``, every column taken from the model.

    A row is a dict of attribute names (``item_id``, ``received_at``, ...); columns
    left out get the model field's default. Values are adapted for the database
    the way Django adapts them (datetimes to UTC text on SQLite, JSON encoded).
    """

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.connection = conn = connections[using]
        fields = [f for f in Case._meta.concrete_fields if not f.primary_key]
        self.defaults: dict[str, Any] = {}
        self.required: set[str] = set()
        self.adapters: list[tuple[int, Callable[[Any], Any]]] = []
        for index, f in enumerate(fields):
            if f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif f.empty_strings_allowed and f.blank:
                self.defaults[f.attname] = ""
            else:
                self.required.add(f.attname)
            adapt = self._adapter(f)
            if adapt is not None:
                self.adapters.append((index, adapt))
        self.names = [f.attname for f in fields]
        self._values = operator.itemgetter(*self.names)
        qn = conn.ops.quote_name
        table = qn(Case._meta.db_table)
        columns = [qn(f.column) for f in fields]
        # Only quoted identifiers from the model's metadata are formatted in; every value is a %s parameter.
        placeholders = ", ".join(["%s"] * len(columns))
        assignments = ", ".join(f"{c} = %s" for c in columns)
        self.insert_sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # nosec B608
        self.update_sql = f"UPDATE {table} SET {assignments} WHERE {qn('id')} = %s"  # nosec B608

    def _adapter(self, f: models.Field) -> Callable[[Any], Any] | None:
        conn = self.connection
        if isinstance(f, models.DateTimeField):
            if conn.vendor == "sqlite":
                # What DatabaseOperations.adapt_datetimefield_value gives: naive text in the database's zone.
                db_tz = conn.timezone
                if db_tz.utcoffset(None) == timedelta(0):
                    return lambda v: v.astimezone(db_tz).isoformat(" ")[:-6]  # drop "+00:00"
                return lambda v: str(v.astimezone(db_tz).replace(tzinfo=None))
            return None if conn.vendor == "postgresql" else conn.ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return conn.ops.adapt_datefield_value
        if isinstance(f, models.JSONField):
            empty = f.get_db_prep_save([], conn)
            return lambda v: f.get_db_prep_save(v, conn) if v else empty
        return None

    def row(self, values: dict[str, Any]) -> list[Any]:
        if not self.required <= values.keys():
            raise KeyError(f"case columns required: {sorted(self.required - values.keys())}")
        out = list(self._values(self.defaults | values))
        for index, adapt in self.adapters:
            value = out[index]
            if value is not None:
                out[index] = adapt(value)
        return out

    def insert(self, rows: list[list[Any]]) -> None:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.insert_sql, rows)

    def update(self, rows: list[tuple[int, list[Any]]]) -> None:
        if rows:
            with self.connection.cursor() as cursor:
                cursor.executemany(self.update_sql, [(*row, pk) for pk, row in rows])


@contextlib.contextmanager
def bulk_session(using: str = DEFAULT_DB_ALIAS, *, cache_mib: int = 128) -> Iterator[None]:
    """On SQLite, a larger page cache for this connection while indexes grow by many rows."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        yield
        return
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-1024 * cache_mib:d}")
    try:
        yield
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before):d}")


def cases_import_file(*, actor: Any, source: str | Path | BinaryIO, format: str | None = None,
                      dry_run: bool = False, name: str | None = None, now: datetime | None = None,
                      chunk_size: int = CHUNK_SIZE) -> ImportReport:
    require(actor, "cases.import")
    with open_source(source, name=name) as (f, source_name, digest):
        fmt = detect_format(source_name, format)
        return cases_import(actor=actor, records=read_records(f, fmt), source=source_name, digest=digest, fmt=fmt,
                            dry_run=dry_run, now=now, chunk_size=chunk_size)


def cases_import(*, actor: Any, records: Iterable[tuple[int, dict[str, Any] | InvalidInput]],
                 source: str = "records", digest: str = "", fmt: str = "records", dry_run: bool = False,
                 now: datetime | None = None, chunk_size: int = CHUNK_SIZE) -> ImportReport:
    """Load case records (see the module docstring); returns the report, never raises for a bad row."""
    require(actor, "cases.import")
    report = ImportReport(kind="cases", source=source, digest=digest, format=fmt, dry_run=dry_run)
    started = time.perf_counter()
    ctx = _CaseContext(now=now or timezone.now())
    writer = CaseWriter()
    try:
        with bulk_session(), transaction.atomic():
            chunk: list[_Parsed] = []
            for row, raw in records:
                report.rows += 1
                if isinstance(raw, InvalidInput):
                    _reject(report, row, [(raw.field or "", raw.code, raw.message)])
                    continue
                try:
                    chunk.append(ctx.parse(row, raw))
                except _Rejected as exc:
                    _reject(report, row, exc.errors, number=as_text(ctx.headers.map(raw).get("number")))
                if len(chunk) >= chunk_size:
                    _write_chunk(chunk, ctx, writer, report)
                    chunk = []
            _write_chunk(chunk, ctx, writer, report)
            report.ignored_columns = ctx.headers.ignored
            if dry_run:
                raise _DryRun
            audit.record(actor=actor, action="case.import", obj=("cases.case_import", digest or "records"),
                         payload={"source": source, "format": fmt, "digest": digest, **report.counts()})
            created, updated = list(report.created_ids), list(report.updated_ids)
            transaction.on_commit(lambda: run_import_hooks(created_ids=created, updated_ids=updated))
    except _DryRun:
        report.created_ids, report.updated_ids = [], []
    report.seconds = time.perf_counter() - started
    return report


def run_import_hooks(*, created_ids: list[int], updated_ids: list[int]) -> None:
    for hook in list(IMPORT_HOOKS):
        hook(created_ids=created_ids, updated_ids=updated_ids)


def _write_chunk(chunk: list[_Parsed], ctx: _CaseContext, writer: CaseWriter, report: ImportReport) -> None:
    if not chunk:
        return
    best: dict[str, _Parsed] = {}
    for parsed in chunk:  # one record per number: the one furthest along
        current = best.get(parsed.number)
        if current is not None:
            report.skipped += 1
            if parsed.values["status_changed_at"] <= current.values["status_changed_at"]:
                continue
        best[parsed.number] = parsed
    existing = {number: rest for number, *rest in
                Case.objects.select_for_update().filter(number__in=list(best))
                .values_list("number", "pk", "version", "tracking_digest", "status_changed_at")}
    creates: list[_Parsed] = []
    updates: list[tuple[int, _Parsed]] = []
    for number, parsed in best.items():
        found = existing.get(number)
        if found is None:
            creates.append(parsed)
        elif found[1] != 0 or found[2]:
            report.kept_local += 1
        elif found[3] is None or parsed.values["status_changed_at"] > found[3]:
            updates.append((found[0], parsed))
        else:
            report.skipped += 1
    loading = creates + [p for _, p in updates]
    ctx.resolve_persons({p.person[0]: p.person for p in loading if p.person}, report)
    ctx.resolve_enterprises({p.enterprise[0]: p.enterprise[1] for p in loading if p.enterprise}, report)
    for parsed in loading:
        parsed.values["applicant_person_id"] = ctx.person_pks[parsed.person[0]] if parsed.person else None
        parsed.values["applicant_enterprise_id"] = (ctx.enterprise_pks[parsed.enterprise[0]] if parsed.enterprise
                                                    else None)
    before = {case.pk: case for case in Case.objects.filter(pk__in=[pk for pk, _ in updates])} if updates else {}
    writer.insert([writer.row(p.values) for p in creates])
    writer.update([(pk, writer.row(p.values)) for pk, p in updates])
    ids = dict(Case.objects.filter(number__in=[p.number for p in creates]).values_list("number", "pk"))
    created = [ids[p.number] for p in creates]
    report.created += len(creates)
    report.updated += len(updates)
    report.created_ids.extend(created)
    report.updated_ids.extend(pk for pk, _ in updates)
    if updates:
        CaseSuspension.objects.filter(case_id__in=list(before)).delete()
    case_ids = [(ids[p.number], p) for p in creates] + updates
    CaseSuspension.objects.bulk_create(
        [CaseSuspension(case_id=pk, started_at=start, ended_at=end, working_days=days, reason=reason)
         for pk, p in case_ids for start, end, days, reason in p.suspensions], batch_size=1000)
    # The domain events, in this transaction (core.events): new rows once per chunk; a case an
    # import moved on as a change from its previous record (no transition of the table ran).
    started = time.perf_counter()
    if created:
        events.publish("cases.case.imported", ids=created)
    for case in Case.objects.filter(pk__in=list(before)):
        events.publish("cases.case.transitioned", before=before[case.pk], obj=case, transition=None)
    report.event_seconds += time.perf_counter() - started
