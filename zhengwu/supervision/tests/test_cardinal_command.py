"""``zhengwu redflags_ocds FILE.jsonl [--settings INI] [--workers N] [--output FILE]``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from zhengwu.cli import command_options

SINGLE = {"ocid": "one", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}
SHORT = {"ocid": "short", "tender": {"tenderPeriod": {"startDate": "2024-03-01T09:00:00+08:00",
                                                      "endDate": "2024-03-05T09:00:00+08:00"}}}


def jsonl(tmp_path, *rows, text=None):
    path = tmp_path / "in.jsonl"
    path.write_text(text if text is not None else "".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_the_command_prints_cardinals_output_for_every_indicator_by_default(tmp_path):
    out = StringIO()

    call_command("redflags_ocds", str(jsonl(tmp_path, SINGLE, SHORT)), "--workers", "2", stdout=out)

    assert json.loads(out.getvalue()) == {"OCID": {"one": {"R018": 1.0}, "short": {"R003": 1.0}}}


def test_a_settings_file_enables_only_its_indicators_and_the_output_goes_to_a_file(tmp_path):
    ini = tmp_path / "settings.ini"
    ini.write_text("[R003]\nthreshold = 3\n")
    output = tmp_path / "out.json"

    call_command("redflags_ocds", str(jsonl(tmp_path, SINGLE, SHORT)), ini=str(ini), output=str(output))

    assert json.loads(output.read_text()) == {}


def test_the_cli_passes_the_commands_own_settings_option_past_django():
    assert command_options(["zhengwu", "redflags_ocds", "f.jsonl", "--settings", "a.ini"]) == [
        "zhengwu", "redflags_ocds", "f.jsonl", "--ini", "a.ini"]
    assert command_options(["zhengwu", "redflags_ocds", "--settings=a.ini"])[2] == "--ini=a.ini"
    assert command_options(["zhengwu", "migrate", "--settings", "x"])[2] == "--settings"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("redflags_ocds", str(tmp_path / "absent.jsonl"))


def test_a_bad_json_line_is_an_error_naming_its_line(tmp_path):
    path = jsonl(tmp_path, text='{"ocid": "a"}\n{"ocid": "b"}\n{"ocid" "c"}\n')

    with pytest.raises(CommandError, match="第 3 行"):
        call_command("redflags_ocds", str(path), "--workers", "2")


def test_an_unknown_setting_is_an_error_naming_it(tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text("[R058]\ntreshold = 1\n")

    with pytest.raises(CommandError, match="R058.treshold"):
        call_command("redflags_ocds", str(jsonl(tmp_path, SINGLE)), ini=str(ini))
