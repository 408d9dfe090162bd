"""``zhengwu security_figures``: the figures of docs/SECURITY.md come from the files the last test run wrote."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

FAULT_RUN = {"requests_sent": 300, "case_receipts": {"sent": 283, "acknowledged": 271},
             "bid_uploads": {"attempts": 17, "acknowledged": 16, "retries": 1},
             "kills_injected": {"server": 3, "worker": 2, "total": 5}, "writes_lost": 0, "duplicates": 0,
             "half_written": 0, "reminders": {"due": 60, "sent_after_restart": 60, "duplicates": 0},
             "at": "2026-11-29T20:00:00+0800"}


def _var(tmp_path):
    (tmp_path / "fuzz-api.json").write_text(json.dumps(
        {"operations": 311, "operations_in_schema": 311, "cases": 14012, "examples_per_operation": 5,
         "fuzz_seconds": 95.2, "server_errors": 0, "engine": "postgresql"}))
    (tmp_path / "scope-matrix.json").write_text(json.dumps(
        {"web_get": 10, "web_write": 20, "api_get": 30, "api_write": 40, "total": 100, "unexpected": 2,
         "server_errors": 0, "engine": "sqlite", "web_routes": 7, "api_operations": 9}))
    (tmp_path / "faults.json").write_text(json.dumps({"sqlite": FAULT_RUN}))
    return tmp_path


def test_the_table_holds_the_figures_of_the_files(tmp_path):
    out = StringIO()
    call_command("security_figures", var=str(_var(tmp_path)), stdout=out)
    table = out.getvalue()
    assert "| fuzz cases run | 14,012 (5 examples per operation, seeded), 95.2 s |" in table
    assert "PostgreSQL" in table
    assert "| scope cases checked | 100 over 7 web URLs and 9 API operations (web GET 10, web POST 20, API GET 30, API writes 40), 2 unexpected" in table
    assert "300 sent: 283 case receipts (271 acknowledged)" in table
    assert "| writes lost / duplicated / half-written, SQLite | 0 / 0 / 0 |" in table
    assert "| faults, PostgreSQL | not run |" in table


def test_a_missing_file_is_said_not_invented(tmp_path):
    out = StringIO()
    call_command("security_figures", var=str(tmp_path), stdout=out)
    assert out.getvalue().count("not run") == 3


def test_write_replaces_only_the_block(tmp_path):
    doc = tmp_path / "SECURITY.md"
    doc.write_text("before\n<!-- figures:start -->\nold table\n<!-- figures:end -->\nafter\n")
    call_command("security_figures", var=str(_var(tmp_path)), write=True, doc=str(doc), stdout=StringIO())
    text = doc.read_text()
    assert text.startswith("before\n<!-- figures:start -->\n| figure | value | source |")
    assert text.endswith("<!-- figures:end -->\nafter\n")
    assert "old table" not in text


def test_write_refuses_a_document_without_the_block(tmp_path):
    doc = tmp_path / "SECURITY.md"
    doc.write_text("no block\n")
    with pytest.raises(CommandError, match="figures:start"):
        call_command("security_figures", var=str(_var(tmp_path)), write=True, doc=str(doc))
