"""Abstract bases shared by the domains."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stateful(models.Model):
    """A row whose ``status`` only the workflow engine changes.

    ``version`` is bumped by every transition: the engine updates with
    ``WHERE status = <from> AND version = <seen>`` (compare-and-set), so a
    concurrent change makes the second writer fail cleanly instead of
    overwriting the first.
    """

    status = models.CharField(_("状态"), max_length=32, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
