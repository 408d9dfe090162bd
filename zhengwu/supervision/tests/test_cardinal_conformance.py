"""Conformance with Cardinal (cardinal-rs 0.0.8): every peer fixture gives exactly its expected output.

The fixtures live outside the project (``../shared/peer/cardinal/fixtures`` from the project root); the test skips
when they are absent. A fixture's name sets its configuration (see the peer README); every fixture runs with the
global settings ``no_price_comparison_procurement_methods = NPC`` and ``[exclusions] procurement_method_details =
EXC``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhengwu.supervision.cardinal import Settings, run, run_jsonl

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT.parent / "shared" / "peer" / "cardinal" / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.jsonl")) if FIXTURES.is_dir() else []


def settings_for(name: str) -> Settings:
    return Settings.from_fixture_name(name, no_price_comparison="NPC", exclusions="EXC")


def canonical(result: dict) -> str:
    """Key order aside, exactly as printed (1.0 and 1 differ)."""
    return json.dumps(result, sort_keys=True)


def test_the_fixture_folder_is_found_or_the_conformance_tests_skip():
    if not FIXTURES.is_dir():
        pytest.skip(f"{FIXTURES} is absent")
    assert NAMES, f"no *.jsonl in {FIXTURES}"


@pytest.mark.parametrize("name", NAMES)
def test_each_fixture_gives_exactly_the_expected_output(name):
    source = FIXTURES / f"{name}.jsonl"
    expected = json.loads((FIXTURES / f"{name}.expected").read_text(encoding="utf-8"))
    releases = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]

    assert canonical(run(releases, settings_for(name))) == canonical(expected)


@pytest.mark.parametrize("name", NAMES)
def test_each_fixture_gives_the_same_output_through_the_parallel_jsonl_path(name):
    expected = json.loads((FIXTURES / f"{name}.expected").read_text(encoding="utf-8"))

    assert canonical(run_jsonl(FIXTURES / f"{name}.jsonl", settings_for(name), workers=2)) == canonical(expected)


EXAMPLES = FIXTURES.parent / "examples"


def test_cardinals_example_settings_files_load_and_settings_ini_enables_the_eleven_indicators():
    if not EXAMPLES.is_dir():
        pytest.skip(f"{EXAMPLES} is absent")
    loaded = {p.name: Settings.from_ini(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.ini"))}

    assert list(loaded["settings.ini"].indicators) == ["R003", "R018", "R024", "R025", "R028", "R030", "R035",
                                                       "R036", "R038", "R048", "R058"]
    assert loaded["048.ini"].indicators == {"R048": {"minimum_contracting_processes": 1}}
