"""Adapters to systems outside the platform that answer information-retrieval items (docs/retrieval-external.md)."""

from zhengwu.retrieval.external.base import (
    Adapter,
    ExternalAnswer,
    ExternalMalformed,
    ExternalQuery,
    ExternalUnavailable,
    adapter_choices,
    adapter_for,
    check_simulator_in_production,
)

__all__ = [
    "Adapter",
    "ExternalAnswer",
    "ExternalMalformed",
    "ExternalQuery",
    "ExternalUnavailable",
    "adapter_choices",
    "adapter_for",
    "check_simulator_in_production",
]
