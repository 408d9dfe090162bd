"""Models of credit."""

from __future__ import annotations
