"""Models of smallprojects."""

from __future__ import annotations
