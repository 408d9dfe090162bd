"""The projectservice API (a ninja Router mounted at /api/v1/projectservice/)."""

from ninja import Router

router = Router(tags=["projectservice"])
