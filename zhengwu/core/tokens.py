"""API bearer tokens: shown once at creation, stored as an SM3 digest."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.crypto import sm3_hex
from zhengwu.core.models import ApiToken

TOKEN_PREFIX = "zw_"  # nosec B105  # a public marker of our tokens, not a secret


def token_create(*, user: Any, name: str, actor: Any, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=sm3_hex(raw.encode()), prefix=raw[:8],
                                    expires_at=expires_at)
    audit.record(actor=actor, action="api_token.create", obj=token, payload={"user": user.pk, "name": name})
    return token, raw


def token_authenticate(raw: str) -> Any | None:
    """The active user behind a bearer token, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user").filter(digest=sm3_hex(raw.encode()), revoked_at__isnull=True)
             .first())
    now = timezone.now()
    if token is None or (token.expires_at and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
