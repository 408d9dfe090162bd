"""The village lists in Excel (core/exports.py): the same rows as the screens."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.exports import Column, register_export
from zhengwu.village import selectors
from zhengwu.village.views import (
    agent_rows,
    directory_item_rows,
    ranking_rows,
    stars_rows,
    station_rows,
    training_rows,
)

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

register_export("village.trainings", title=_("代办员培训"), permission="village.view", screen="village:trainings",
                rows=training_rows, columns=[
                    Column("held_on", _("日期")),
                    Column("topic", _("主题"), width=32),
                    Column("township", _("组织"), value=lambda t: t.township.name if t.township_id else _("区级")),
                    Column("n", _("参训人数")),
                ])

ITEM_COLUMNS = [Column("code", _("事项编码"), width=24), Column("name", _("事项名称"), width=40),
                Column("department.short_name", _("部门"))]


def _directory_coverage(name: str):  # noqa: ANN202
    def rows(user, params):  # noqa: ANN001, ANN202
        return getattr(selectors.directory_coverage(), name)

    return rows


register_export("village.directory", title=_("村级可办事项"), permission="village.view", screen="village:directory",
                screen_rows="items", rows=directory_item_rows,
                columns=[*ITEM_COLUMNS, Column("village_assisted", _("代办"))])

register_export("village.directory_candidates", title=_("尚未下放到村的帮办代办事项"), permission="village.view",
                screen="village:directory", screen_rows="coverage.village_candidates",
                rows=_directory_coverage("village_candidates"), columns=ITEM_COLUMNS)

register_export("village.directory_township_missing", title=_("乡镇(街道)尚不可办的个人事项"),
                permission="village.view", screen="village:directory", screen_rows="coverage.township_missing",
                rows=_directory_coverage("township_missing"), columns=ITEM_COLUMNS)

register_export("village.ratings", title=_("代办员星级评定排名"), permission="village.view", screen="village:ratings",
                rows=ranking_rows, columns=[
                    Column("township.name", _("乡镇(街道)"), width=20),
                    Column("rank_in_township", _("名次")),
                    Column("agent.name", _("代办员")),
                    Column("agent.station.name", _("服务站"), width=28),
                    Column("score", _("总分"), number_format="0.00"),
                    Column("stars", _("星级")),
                ])

register_export("village.ratings_by_township", title=_("各乡镇(街道)代办员星级分布"), permission="village.view",
                screen="village:ratings", screen_rows="by_township", rows=stars_rows, columns=[
                    Column("township", _("乡镇(街道)"), width=20),
                    Column("agents", _("代办员")),
                    *[Column(f"s{n}", f"{n}★", value=lambda r, n=n: r["stars"][n - 1]) for n in range(5, 0, -1)],
                ])
