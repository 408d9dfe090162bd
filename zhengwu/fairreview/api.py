"""The fairreview API (a ninja Router mounted at /api/v1/fairreview/)."""

from ninja import Router

router = Router(tags=["fairreview"])
