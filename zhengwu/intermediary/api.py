"""The intermediary API (a ninja Router mounted at /api/v1/intermediary/)."""

from ninja import Router

router = Router(tags=["intermediary"])
