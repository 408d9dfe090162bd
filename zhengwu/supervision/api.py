"""The supervision API (a ninja Router mounted at /api/v1/supervision/)."""

from ninja import Router

router = Router(tags=["supervision"])
