"""The village lists in Excel (core/exports.py): the same rows as the stations and agents screens."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.village import selectors
from zhengwu.village.views import agent_rows, station_rows

register_export("village.stations", title=_("服务站"), permission="village.view", screen="village:stations",
                rows=station_rows, columns=[
                    Column("name", _("站点"), width=28),
                    Column("township.name", _("乡镇(街道)"), width=20),
                    Column("get_status_display", _("状态")),
                    Column("renovated_on", _("改造提升")),
                    Column("model_on", _("样板站")),
                    Column("checklist", _("标准清单完成项"), value=lambda s: len(s.checklist_done or [])),
                ])

register_export("village.agents", title=_("代办员"), permission="village.view", screen="village:agents",
                rows=agent_rows, columns=[
                    Column("name", _("姓名")),
                    Column("station.name", _("服务站"), width=28),
                    Column("station.township.name", _("乡镇(街道)"), width=20),
                    Column("age", _("年龄"), value=lambda a: selectors.age_of(a.birth_date, timezone.localdate())),
                    Column("certificate_number", _("上岗证")),
                    Column("get_status_display", _("状态")),
                ])
