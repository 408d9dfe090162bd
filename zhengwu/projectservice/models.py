"""Models of projectservice."""

from __future__ import annotations
