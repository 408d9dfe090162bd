"""The retrieval API (a ninja Router mounted at /api/v1/retrieval/)."""

from ninja import Router

router = Router(tags=["retrieval"])
