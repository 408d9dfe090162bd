"""Text messages: the locmem, console and http backends of core/sms.py."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from zhengwu.core import sms
from zhengwu.core.errors import InvalidInput

CONSENT_TEXT = "【政务服务】金华示范建设有限公司申请调取您的律师执业信息，同意请访问 https://zw.example.gov.cn/c/AbC123"


@contextmanager
def gateway(status: int = 200, *, delay: float = 0.0) -> Iterator[tuple[str, list[dict]]]:
    """A tiny SMS gateway on loopback that records what it receives and answers ``status``."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "content_type": self.headers["Content-Type"],
                             "json": json.loads(body)})
            time.sleep(delay)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format, *args):  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms/send", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_the_test_settings_keep_messages_in_the_outbox():
    before = timezone.now()

    sms.send(phone="+86 138-0013-8000", text=f"  {CONSENT_TEXT} ", purpose="retrieval.consent")

    assert len(sms.outbox) == 1
    message = sms.outbox[0]
    assert (message.phone, message.text, message.purpose) == ("13800138000", CONSENT_TEXT, "retrieval.consent")
    assert before <= message.sent_at <= timezone.now() + timedelta(seconds=1)


def test_the_outbox_starts_empty_in_every_test():
    assert sms.outbox == []


@pytest.mark.parametrize(("phone", "text", "purpose", "field", "code"), [
    ("12345", "你好", "retrieval.consent", "phone", "mobile_invalid"),
    ("", "你好", "retrieval.consent", "phone", "mobile_required"),
    ("13800138000", "   ", "retrieval.consent", "text", "sms_text_required"),
    ("13800138000", "长" * 501, "retrieval.consent", "text", "sms_text_too_long"),
    ("13800138000", "你好", "", "purpose", "sms_purpose_required"),
])
def test_bad_input_names_the_field_and_sends_nothing(phone, text, purpose, field, code):
    with pytest.raises(InvalidInput) as caught:
        sms.send(phone=phone, text=text, purpose=purpose)

    assert (caught.value.status, caught.value.field, caught.value.code) == (422, field, code)
    assert sms.outbox == []


def test_the_console_backend_logs_the_message_with_the_phone_masked(settings, caplog):
    settings.ZHENGWU_SMS_BACKEND = "console"

    with caplog.at_level(logging.WARNING, logger="zhengwu.sms"):
        sms.send(phone="13800138000", text=CONSENT_TEXT, purpose="retrieval.consent")

    records = [r for r in caplog.records if r.name == "zhengwu.sms"]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert records[0].getMessage() == f"SMS to 138****8000 (retrieval.consent): {CONSENT_TEXT}"
    assert "13800138000" not in caplog.text
    assert sms.outbox == []


def test_the_http_backend_posts_json_to_the_gateway(settings):
    settings.ZHENGWU_SMS_BACKEND = "http"
    with gateway(200) as (url, received):
        settings.ZHENGWU_SMS_URL = url
        sms.send(phone="0086 13800138000", text=CONSENT_TEXT, purpose="retrieval.consent")

    assert received == [{"path": "/sms/send", "content_type": "application/json",
                         "json": {"phone": "13800138000", "text": CONSENT_TEXT, "purpose": "retrieval.consent"}}]


def test_a_gateway_error_is_an_sms_error_503(settings):
    settings.ZHENGWU_SMS_BACKEND = "http"
    with gateway(500) as (url, received):
        settings.ZHENGWU_SMS_URL = url
        with pytest.raises(sms.SmsError) as caught:
            sms.send(phone="13800138000", text="你好", purpose="test")

    assert len(received) == 1
    assert (caught.value.status, caught.value.code) == (503, "sms_unavailable")
    assert "HTTP 500" in caught.value.message
    assert caught.value.details == {"gateway_status": 500}


def test_a_gateway_that_does_not_answer_in_time_is_an_sms_error(settings):
    settings.ZHENGWU_SMS_BACKEND = "http"
    settings.ZHENGWU_SMS_TIMEOUT = 0.2
    with gateway(200, delay=1.0) as (url, _received):
        settings.ZHENGWU_SMS_URL = url
        started = time.monotonic()
        with pytest.raises(sms.SmsError) as caught:
            sms.send(phone="13800138000", text="你好", purpose="test")
        elapsed = time.monotonic() - started

    assert caught.value.status == 503
    assert "0.2 秒未响应" in caught.value.message
    assert elapsed < 0.9


def test_an_unreachable_gateway_is_an_sms_error(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.ZHENGWU_SMS_BACKEND = "http"
    settings.ZHENGWU_SMS_URL = f"http://127.0.0.1:{port}/sms"

    with pytest.raises(sms.SmsError) as caught:
        sms.send(phone="13800138000", text="你好", purpose="test")

    assert caught.value.status == 503
    assert "无法连接短信网关" in caught.value.message


@pytest.mark.parametrize(("backend", "url", "expected"), [
    ("http", "", "ZHENGWU_SMS_URL"),
    ("carrier-pigeon", "", "ZHENGWU_SMS_BACKEND"),
])
def test_a_misconfigured_backend_is_an_sms_error_naming_the_setting(settings, backend, url, expected):
    settings.ZHENGWU_SMS_BACKEND = backend
    settings.ZHENGWU_SMS_URL = url

    with pytest.raises(sms.SmsError) as caught:
        sms.send(phone="13800138000", text="你好", purpose="test")

    assert (caught.value.status, caught.value.code) == (503, "sms_config")
    assert expected in caught.value.message
    assert sms.outbox == []
