"""The smallprojects API (a ninja Router mounted at /api/v1/smallprojects/)."""

from ninja import Router

router = Router(tags=["smallprojects"])
