"""Models of village."""

from __future__ import annotations
