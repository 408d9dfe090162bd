"""Reading import files (CSV, Excel, JSON, JSON Lines) and parsing their values.

Used by :mod:`zhengwu.cases.importing`; formats and aliases: ``docs/import-format.md``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time as dtime
from pathlib import Path
from typing import Any, BinaryIO


from zhengwu.cases.choices import ApplicantKind, Channel, ItemType, Level, Result
from zhengwu.core.errors import InvalidInput


FORMATS = ("csv", "xlsx", "json", "jsonl")


# --- reading files --------------------------------------------------------------------

def detect_format(name: str, explicit: str | None = None) -> str:
    if explicit:
        fmt = {"excel": "xlsx", "ndjson": "jsonl", "jsonlines": "jsonl"}.get(explicit.lower(), explicit.lower())
    else:
        suffix = Path(name).suffix.lower()
        fmt = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "jsonl",
               ".ndjson": "jsonl"}.get(suffix, "")
    if fmt not in FORMATS:
        raise InvalidInput(f"无法识别的文件格式“{explicit or name}”,支持 CSV、Excel(.xlsx)、JSON 和 JSON Lines。",
                           field="format", code="bad_format")
    return fmt


@contextlib.contextmanager
def open_source(source: str | Path | BinaryIO, *, name: str | None = None) -> Iterator[tuple[BinaryIO, str, str]]:
    """The binary file, its name and the SM3 digest of its bytes (read once, then rewound)."""
    owned = not hasattr(source, "read")
    f: BinaryIO = open(source, "rb") if owned else source  # type: ignore[arg-type, assignment]
    try:
        name = name or (str(source) if owned else getattr(source, "name", "upload"))
        digest = _sm3_stream(f)
        yield f, Path(name).name, digest
    finally:
        if owned:
            f.close()


def _sm3_stream(f: BinaryIO) -> str:
    from cryptography.hazmat.primitives import hashes

    h = hashes.Hash(hashes.SM3())
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
    f.seek(0)
    return h.finalize().hex()


def read_records(f: BinaryIO, fmt: str) -> Iterator[tuple[int, dict[str, Any] | InvalidInput]]:
    """``(row number, {header: value})``; a record that cannot be read gives an InvalidInput instead."""
    if fmt == "xlsx":
        yield from _xlsx_records(f)
        return
    text = io.TextIOWrapper(f, encoding=_sniff_encoding(f), newline="")
    try:
        if fmt == "csv":
            yield from _table(csv.reader(text))
        elif fmt == "jsonl":
            for n, line in enumerate(text, start=1):
                if line.strip():
                    yield n, _json_object(line)
        else:
            try:
                data = json.load(text)
            except ValueError as exc:
                raise InvalidInput(f"JSON 文件无法解析:{exc}", field="file", code="bad_json") from None
            if isinstance(data, dict):
                data = next((data[k] for k in ("records", "data", "rows", "items", "cases")
                             if isinstance(data.get(k), list)), None)
            if not isinstance(data, list):
                raise InvalidInput("JSON 文件应为对象数组。", field="file", code="bad_json")
            for n, obj in enumerate(data, start=1):
                yield n, obj if isinstance(obj, dict) else InvalidInput("不是 JSON 对象。", code="bad_record")
    except UnicodeDecodeError:
        raise InvalidInput("文件编码无法识别,请保存为 UTF-8 或 GB18030。", field="file", code="bad_encoding") from None
    finally:
        with contextlib.suppress(ValueError):  # the caller closed the file before reading it all
            text.detach()


def _sniff_encoding(f: BinaryIO) -> str:
    head = f.read(1 << 16)
    f.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


def _json_object(line: str) -> dict[str, Any] | InvalidInput:
    try:
        obj = json.loads(line)
    except ValueError as exc:
        return InvalidInput(f"JSON 无法解析:{exc}", code="bad_json")
    return obj if isinstance(obj, dict) else InvalidInput("不是 JSON 对象。", code="bad_record")


def _table(rows: Iterable[Iterable[Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
    header: list[str] | None = None
    for n, cells in enumerate(rows, start=1):
        cells = list(cells)
        if header is None:
            if any(c not in (None, "") for c in cells):
                header = ["" if c is None else str(c) for c in cells]
            continue
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        yield n, dict(zip(header, cells))


def _xlsx_records(f: BinaryIO) -> Iterator[tuple[int, dict[str, Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise InvalidInput(f"Excel 文件无法打开:{exc}", field="file", code="bad_xlsx") from None
    try:
        yield from _table(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


# --- values ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    """A header or a choice as compared: NFKC, no spaces or asterisks, lower case."""
    return re.sub(r"[\s*]+", "", unicodedata.normalize("NFKC", text)).lower()


def _columns(spec: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {_norm(alias): name for name, aliases in spec.items() for alias in (name, *aliases)}


class Headers:
    """Maps the file's headers to field names once per distinct header."""

    def __init__(self, spec: dict[str, tuple[str, ...]]) -> None:
        self.aliases = _columns(spec)
        self.known: dict[Any, str | None] = {}
        self.ignored: list[str] = []

    def map(self, raw: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in raw.items():
            name = self.known.get(key, _UNSEEN)
            if name is _UNSEEN:
                name = self.known[key] = self.aliases.get(_norm(str(key)))
                if name is None and str(key).strip():
                    self.ignored.append(str(key))
            if name is not None:
                out[name] = value
        return out


_UNSEEN: Any = object()


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_TRUE = {"1", "true", "yes", "y", "t", "是", "有", "√", "✓", "可以", "支持"}
_FALSE = {"0", "false", "no", "n", "f", "否", "无", "×", "✗", "不可以", "不支持"}


def as_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    text = _norm(as_text(v))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("应为“是”或“否”")


def as_int(v: Any) -> int:
    if isinstance(v, bool):
        raise ValueError("应为整数")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    text = as_text(v)
    if text in ("即办", "即办件"):
        return 0
    text = re.sub(r"(个)?(工作日|天|日)$", "", text)
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError("应为整数(工作日)")
    return int(text)


def as_list(v: Any) -> list[str]:
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [part.strip() for part in re.split(r"[;；\n]", as_text(v)) if part.strip()]


_MOMENT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d%H%M%S", "%Y%m%d%H%M", "%Y%m%d",
                   "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H时%M分", "%Y年%m月%d日")


def as_moment(v: Any, tz: Any) -> datetime | None:
    """An aware moment; naive values are the center's local time."""
    if is_blank(v):
        return None
    if isinstance(v, datetime):
        return v if v.tzinfo is not None else v.replace(tzinfo=tz)
    if isinstance(v, date):
        return datetime.combine(v, dtime(0), tzinfo=tz)
    if not isinstance(v, str):
        raise ValueError("不是日期时间")
    text = v.strip().replace("/", "-")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _MOMENT_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"无法识别的日期时间“{v}”") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)


def _choices(mapping: dict[str, tuple[str, ...]], labels: Any) -> dict[str, str]:
    out = {_norm(str(value)): value for value in mapping}
    out.update({_norm(str(label)): value for value, label in labels})
    out.update({_norm(alias): value for value, aliases in mapping.items() for alias in aliases})
    return out


def as_choice(table: dict[str, str], v: Any, what: str) -> str:
    found = table.get(_norm(as_text(v)))
    if found is None:
        raise ValueError(f"未知的{what}“{as_text(v)}”")
    return found


CHANNELS = _choices({
    Channel.ONLINE_PC: ("网办", "网上办理", "pc端", "电脑端", "政务服务网", "浙江政务服务网", "online"),
    Channel.MOBILE: ("掌办", "掌上办", "移动端", "app", "浙里办", "手机"),
    Channel.WINDOW: ("窗口", "窗口办理", "现场", "大厅", "线下"),
    Channel.AGENT: ("代办", "村级代办", "帮办代办", "代办员"),
    Channel.SELF_SERVICE: ("自助", "自助终端", "自助办", "自助机"),
}, Channel.choices)
KINDS = _choices({ApplicantKind.PERSON: ("个人", "公民", "自然人"),
                  ApplicantKind.ENTERPRISE: ("企业", "单位", "法人或其他组织", "其他组织", "法人")},
                 ApplicantKind.choices)
RESULTS = _choices({Result.APPROVED: ("准予许可", "同意", "通过", "批准", "办结", "予以办理", "准予登记"),
                    Result.DENIED: ("不予许可", "不同意", "不通过", "不批准", "驳回", "不予登记", "不予办理")},
                   Result.choices)
LEVELS = _choices({Level.DISTRICT: ("区", "区级", "县级"), Level.TOWNSHIP: ("乡镇", "街道", "乡镇级", "乡镇(街道)"),
                   Level.VILLAGE: ("村", "社区", "村级", "村(社区)", "村社区")}, Level.choices)
ITEM_TYPES = _choices({ItemType.LICENSE: ("许可", "xk"), ItemType.CONFIRMATION: ("确认", "qr"),
                       ItemType.BENEFIT: ("给付", "jf"), ItemType.RULING: ("裁决", "cj"),
                       ItemType.LEVY: ("征收", "zs"), ItemType.REWARD: ("奖励", "jl"),
                       ItemType.OTHER_POWER: ("其他", "qt", "其他权力"), ItemType.PUBLIC_SERVICE: ("gg",)},
                      ItemType.choices)
APPLICANT_KINDS = _choices({"person": ("自然人", "个人"), "enterprise": ("法人", "企业"),
                            "both": ("自然人和法人", "自然人、法人", "全部", "两者")}, [])
