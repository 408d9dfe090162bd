"""Cardinal's red-flag indicators (Open Contracting Partnership, cardinal-rs 0.0.8) in pure Python.

``run(releases, settings)`` over compiled releases (dicts); ``run_jsonl(path, settings, workers=N)`` over a JSON
Lines file, in parallel. See docs/redflags-international.md.
"""

from zhengwu.supervision.cardinal.engine import Accumulator, Extractor, run
from zhengwu.supervision.cardinal.jsonl import JsonlError, run_jsonl
from zhengwu.supervision.cardinal.settings import CODES, Settings, SettingsError

__all__ = ["CODES", "Accumulator", "Extractor", "JsonlError", "Settings", "SettingsError", "run", "run_jsonl"]
