"""The interface between information retrieval and systems outside the platform.

An adapter turns one :class:`ExternalQuery` into one :class:`ExternalAnswer`, or raises
:class:`ExternalUnavailable`. An outage, a timeout, a refusal or an answer that breaks the
contract is never turned into an answer (in particular never into "not found"): the caller
keeps the item open and may try again later.

Adapters are configured in ``settings.ZHENGWU_RETRIEVAL_ADAPTERS``::

    {"lawyer_online": {"class": "zhengwu.retrieval.external.lawyer_online.LawyerOnlineAdapter",
                       "label": "律师在线(省司法厅)", "base_url": ..., "key_id": ..., "api_key": ..., ...}}

``class`` and ``label`` are read here; every other key is passed to the class as a keyword
argument. The contract of each system is in ``docs/retrieval-external.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.core.checks import Warning
from django.utils.module_loading import import_string

SIMULATOR_PREFIX = "simulator:"

REASONS = ("timeout", "connect", "malformed", "config", "signature")  # plus "http_<status>"


@dataclass(frozen=True)
class ExternalQuery:
    reference: str              # our item number, echoed back by the remote system (e.g. "DQ20231012000017-02")
    info_type: str              # our catalog code, e.g. "lawyer_practice"
    subject_name: str
    subject_id_number: str      # 18-digit ID card number (already validated)
    purpose: str
    requester_name: str
    requester_credit_code: str
    consent_reference: str      # our request number
    consent_valid_until: datetime  # aware

    def __post_init__(self) -> None:
        if not isinstance(self.consent_valid_until, datetime) or self.consent_valid_until.utcoffset() is None:
            raise ValueError("ExternalQuery.consent_valid_until must be a timezone-aware datetime.")


@dataclass(frozen=True)
class ExternalAnswer:
    found: bool
    summary: str                # one line for the screen
    details: list[tuple[str, str]]  # ordered (label, value) pairs shown to the requester
    issued_at: datetime         # aware; when the remote system issued it
    source_reference: str       # the remote system's answer id


class ExternalUnavailable(Exception):
    """The external system gave no usable answer: outage, timeout, 5xx/429 after retries, refusal, bad config.

    ``reason`` is one of ``"timeout"``, ``"connect"``, ``"http_<status>"``, ``"malformed"``, ``"config"``,
    ``"signature"``; ``message`` says what happened, for the log and the staff screen.
    """

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}(reason={self.reason!r}, message={self.message!r})"


class ExternalMalformed(ExternalUnavailable):
    """The answer did not follow the contract (``reason="malformed"``; ``"signature"`` when its signature is wrong)."""

    def __init__(self, message: str, *, reason: str = "malformed") -> None:
        super().__init__(message, reason=reason)


class Adapter(Protocol):
    name: str     # "lawyer_online"
    label: str    # "律师在线(省司法厅)"

    def query(self, q: ExternalQuery) -> ExternalAnswer: ...


def _configured() -> dict[str, dict[str, Any]]:
    return getattr(settings, "ZHENGWU_RETRIEVAL_ADAPTERS", None) or {}


def adapter_for(name: str) -> Adapter:
    """Build the adapter configured under ``name``; an unknown name or a bad configuration raises
    :class:`ExternalUnavailable` with ``reason="config"``."""
    config = _configured().get(name)
    if not isinstance(config, dict):
        raise ExternalUnavailable(f"没有配置名为 {name!r} 的外部系统（ZHENGWU_RETRIEVAL_ADAPTERS）", reason="config")
    options = dict(config)
    path = options.pop("class", None)
    label = options.pop("label", None)
    try:
        cls = import_string(path)
        adapter = cls(**options)
    except (ImportError, TypeError, ValueError) as exc:
        raise ExternalUnavailable(f"外部系统 {name!r} 的配置有误：{exc}", reason="config") from exc
    if label:
        adapter.label = str(label)
    return adapter


def adapter_choices() -> list[tuple[str, str]]:
    """``(name, label)`` of every configured adapter, for a select box."""
    choices = []
    for name, config in _configured().items():
        label = config.get("label") if isinstance(config, dict) else None
        choices.append((name, str(label or name)))
    return choices


def check_simulator_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """retrieval.W001: in production an adapter still answers from the built-in simulator.

    Not registered here: ``RetrievalConfig.ready`` registers it with ``django.core.checks.register``.
    """
    if not getattr(settings, "PRODUCTION", False):
        return []
    warnings = []
    for name, config in _configured().items():
        base_url = str((config or {}).get("base_url") or "") if isinstance(config, dict) else ""
        if base_url.startswith(SIMULATOR_PREFIX):
            warnings.append(Warning(
                f"外部系统 {name!r} 使用内置模拟器（base_url={base_url!r}），其答复不是真实数据。",
                hint="生产环境请设置真实地址，例如 ZHENGWU_LAWYER_ONLINE_URL、ZHENGWU_LAWYER_ONLINE_KEY_ID "
                     "和 ZHENGWU_LAWYER_ONLINE_KEY。",
                obj=name,
                id="retrieval.W001",
            ))
    return warnings
