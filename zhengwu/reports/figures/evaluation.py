"""Figures of the area "政务服务评价": bad reviews and their rectification (reviews domain), deadline reminders,
weekly publications and suggestions on the scheme (evaluation domain), all district-wide, read through the
domains' selectors (``reviews.selectors.review_stats`` as the reviews statistics page counts, the evaluation
selectors the desk and the publication and suggestion pages use)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from zhengwu.reports.registry import Area, Better, Figure, Period, Unit, register


def _bad_reviews(period: Period) -> int:
    from zhengwu.reviews import selectors

    return selectors.review_stats_district(date_from=period.start, date_to=period.end).bad_reviews


def _rectified(period: Period) -> int:
    from zhengwu.reviews import selectors

    return selectors.bad_reviews_rectified(date_from=period.start, date_to=period.end)


def _reminders(period: Period) -> int:
    from zhengwu.evaluation import selectors

    return selectors.case_reminders_between(start=period.start, end=period.end)


def _publications(period: Period) -> int:
    from zhengwu.evaluation import selectors

    return selectors.publications_between(start=period.start, end=period.end)


def _suggestions(key: str):
    def compute(period: Period) -> int:
        from zhengwu.evaluation import selectors

        return selectors.suggestion_figures(start=period.start, end=period.end)[key]
    return compute


def _reviews_list(period: Period) -> str:
    return reverse("reviews:bad_list") + "?" + urlencode(
        {"date_from": period.start.isoformat(), "date_to": period.end.isoformat()})


def _desk(period: Period) -> str:
    return reverse("evaluation:desk") + "?" + period.querystring()


def _by_year(name: str):
    def link(period: Period) -> str:
        # these lists filter by year only: the year of the period's end
        return reverse(name) + "?" + urlencode({"year": period.end.year})
    return link


register(Figure(
    key="reviews.bad", area=Area.EVALUATION, label="差评件", unit=Unit.CASES,
    definition="期间内收到的“好差评”中评价等级为“不满意”或“非常不满意”的件数,按评价时间的本地日期统计;"
               "申诉成立的差评保留记录但不计入。",
    compute=_bad_reviews, link=_reviews_list, order=10, better=Better.DOWN,
))

register(Figure(
    key="reviews.bad_rectified", area=Area.EVALUATION, label="督促整改差评", unit=Unit.CASES,
    definition="期间内收到的差评(申诉成立的除外)中已完成整改(登记了整改时间)的件数,不论整改在何时完成。",
    compute=_rectified, link=_reviews_list, order=20, better=Better.UP,
))

register(Figure(
    key="evaluation.reminders", area=Area.EVALUATION, label="提醒超期事项", unit=Unit.CASES,
    definition="期间内就临近或超过期限的办件发出的预警提醒条数(系统自动巡检与指标专员手动提醒),按提醒时间统计。",
    compute=_reminders, link=_desk, order=30, better=Better.NEUTRAL,
))

register(Figure(
    key="evaluation.publications", area=Area.EVALUATION, label="晾晒指标得分", unit=Unit.TIMES,
    definition="已发布的每周晾晒(排名快照)次数,按晾晒周的起始日(周一)落在期间内统计;草稿不计。",
    compute=_publications, link=_by_year("evaluation:publications"), order=40, better=Better.UP,
))

register(Figure(
    key="evaluation.suggestions", area=Area.EVALUATION, label="部门提出建议", unit=Unit.ENTRIES,
    definition="期间内各部门就评价办法提交的建议条数,按提交时间统计(含待处理、采纳与不采纳)。",
    compute=_suggestions("suggestions"), link=_by_year("evaluation:suggestions"), order=50,
))

register(Figure(
    key="evaluation.suggestion_departments", area=Area.EVALUATION, label="提出建议的部门", unit=Unit.PIECES,
    definition="期间内提交过至少一条评价办法建议的部门个数。",
    compute=_suggestions("departments"), link=_by_year("evaluation:suggestions"), order=60,
))

register(Figure(
    key="evaluation.suggestions_adopted", area=Area.EVALUATION, label="采纳建议", unit=Unit.ENTRIES,
    definition="期间内提交的建议中当前状态为“已采纳”的条数。",
    compute=_suggestions("adopted"), link=_by_year("evaluation:suggestions"), order=70, better=Better.UP,
))
