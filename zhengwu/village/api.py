"""The village API (a ninja Router mounted at /api/v1/village/)."""

from ninja import Router

router = Router(tags=["village"])
