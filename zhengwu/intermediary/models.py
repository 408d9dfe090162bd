"""Models of intermediary."""

from __future__ import annotations
