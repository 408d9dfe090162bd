"""Text messages (短信), in the manner of Django's e-mail backends.

``send(phone=..., text=..., purpose=...)`` validates the number and hands the message to the backend named
by ``settings.ZHENGWU_SMS_BACKEND``:

* ``"console"`` (default): logs it at WARNING on the logger ``zhengwu.sms``, the number masked
  (``138****8000``); for development and the demo, where nothing leaves the machine;
* ``"locmem"``: appends a :class:`Message` to the module-level list :data:`outbox` (the test settings use it;
  ``zhengwu/conftest.py`` empties it around each test);
* ``"http"``: POSTs ``{"phone", "text", "purpose"}`` as JSON to ``settings.ZHENGWU_SMS_URL`` (the operator's
  SMS gateway, or an adapter in front of it) within ``settings.ZHENGWU_SMS_TIMEOUT`` seconds (default 5); any
  answer other than 2xx, a timeout or a connection error raises :class:`SmsError` (503).

``purpose`` names why the message is sent (``"retrieval.consent"``); it is logged and passed on, never shown.
Call ``send`` after the transaction that decided to send commits (``transaction.on_commit``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import httpx
from django.conf import settings
from django.utils import timezone

from zhengwu.core.errors import AppError, InvalidInput
from zhengwu.core.identifiers import mask_phone, validate_mobile

logger = logging.getLogger("zhengwu.sms")

BACKENDS = ("console", "locmem", "http")
MAX_TEXT_LENGTH = 500  # a long SMS is split by the carrier into 67-character parts; past this it is a mistake


@dataclass(frozen=True)
class Message:
    phone: str
    text: str
    purpose: str
    sent_at: datetime


outbox: list[Message] = []


class SmsError(AppError):
    """The message could not be handed to the SMS gateway."""

    status = 503
    default_code = "sms_unavailable"


def send(*, phone: str, text: str, purpose: str) -> None:
    """Send ``text`` to the mobile ``phone``; bad input raises InvalidInput (422), a failed gateway SmsError (503)."""
    number = validate_mobile(phone, field="phone")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("短信内容不能为空", field="text", code="sms_text_required")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput(f"短信内容不能超过 {MAX_TEXT_LENGTH} 个字符", field="text", code="sms_text_too_long")
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput("请说明发送短信的用途", field="purpose", code="sms_purpose_required")

    backend = getattr(settings, "ZHENGWU_SMS_BACKEND", "console") or "console"
    if backend == "console":
        logger.warning("SMS to %s (%s): %s", mask_phone(number), purpose, text)
    elif backend == "locmem":
        outbox.append(Message(phone=number, text=text, purpose=purpose, sent_at=timezone.now()))
    elif backend == "http":
        _send_http(number, text, purpose)
    else:
        logger.error("ZHENGWU_SMS_BACKEND is %r; expected one of %s", backend, ", ".join(BACKENDS))
        raise SmsError(f"短信通道配置有误：ZHENGWU_SMS_BACKEND 应为 {' / '.join(BACKENDS)} 之一", code="sms_config")


def _send_http(number: str, text: str, purpose: str) -> None:
    url = getattr(settings, "ZHENGWU_SMS_URL", "") or ""
    if not url:
        logger.error("ZHENGWU_SMS_BACKEND is http but ZHENGWU_SMS_URL is empty")
        raise SmsError("短信通道配置有误：未设置短信网关地址 ZHENGWU_SMS_URL", code="sms_config")
    timeout = float(getattr(settings, "ZHENGWU_SMS_TIMEOUT", 5) or 5)
    payload = {"phone": number, "text": text, "purpose": purpose}
    try:
        response = httpx.post(url, json=payload, timeout=timeout, follow_redirects=False)
    except httpx.TimeoutException:
        logger.warning("SMS to %s (%s): the gateway did not answer within %g s", mask_phone(number), purpose, timeout)
        raise SmsError(f"短信发送失败：短信网关超过 {timeout:g} 秒未响应，请稍后重试") from None
    except httpx.HTTPError as exc:
        logger.warning("SMS to %s (%s): %s", mask_phone(number), purpose, type(exc).__name__)
        raise SmsError("短信发送失败：无法连接短信网关，请稍后重试") from None
    if not response.is_success:
        logger.warning("SMS to %s (%s): the gateway answered HTTP %d", mask_phone(number), purpose,
                       response.status_code)
        raise SmsError(f"短信发送失败：短信网关返回 HTTP {response.status_code}，请稍后重试",
                       details={"gateway_status": response.status_code})
