"""The approvals API (a ninja Router mounted at /api/v1/approvals/)."""

from ninja import Router

router = Router(tags=["approvals"])
