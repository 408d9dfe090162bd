from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from zhengwu.core import context


class ZhengwuCommand(BaseCommand):
    """A management command whose writes are audited with origin ``command:<name>``."""

    def execute(self, *args: Any, **options: Any) -> Any:
        name = self.__class__.__module__.rsplit(".", 1)[-1]
        with context.outside_request(f"command:{name}"):
            return super().execute(*args, **options)
