"""The enterprise API (a ninja Router mounted at /api/v1/enterprise/)."""

from ninja import Router

router = Router(tags=["enterprise"])
