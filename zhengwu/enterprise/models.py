"""Models of enterprise."""

from __future__ import annotations
