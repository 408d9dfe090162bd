"""The finance API (a ninja Router mounted at /api/v1/finance/)."""

from ninja import Router

router = Router(tags=["finance"])
