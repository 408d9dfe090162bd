"""Models of finance."""

from __future__ import annotations
