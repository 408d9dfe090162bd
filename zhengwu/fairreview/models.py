"""Models of fairreview."""

from __future__ import annotations
