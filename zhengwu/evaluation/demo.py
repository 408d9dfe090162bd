"""Demo data of the evaluation scheme (DOMAIN.md §13): the published scheme, 21 weekly
publications in 2023 and 67 suggestions from 12 departments, 13 of them adopted.

Step ``evaluation.year`` (40) runs after the cases and reviews; the rollups are already
up to date (they follow the bulk loads through the domain events).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.evaluation import services
from zhengwu.evaluation.models import Indicator

SCHEME_NAME = "婺城区政务服务能力建设评价办法"
#: indicator code -> (weight, method, parameters)
DEFAULT_RULES = {
    "online_rate": (20, "threshold", {"floor": "95", "target": "99.5"}),
    "acceptance_overdue_rate": (10, "threshold", {"floor": "2", "target": "0.1"}),
    "completion_overdue_rate": (15, "threshold", {"floor": "1", "target": "0"}),
    "instant_rate": (10, "rank", {"step": "0.5"}),
    "limit_compression": (10, "target", {"target": "70"}),
    "review_coverage": (10, "target", {"target": "60"}),
    "bad_review_rate": (10, "threshold", {"floor": "0.2", "target": "0"}),
    "rectification_on_time_rate": (10, "threshold", {"floor": "60", "target": "100"}),
    "reminder_response_rate": (5, "threshold", {"floor": "60", "target": "100"}),
}
FIRST_PUBLISHED_WEEK = date(2023, 6, 26)
PUBLICATIONS = 21
SUGGESTION_TOPICS = [
    ("即办率统计口径", "建议对需现场勘验的事项不纳入即办率分母。"),
    ("评价率计算", "建议将线下一次一评与线上一事一评合并去重统计。"),
    ("超期受理认定", "建议对系统故障导致的延迟受理设置申诉渠道。"),
    ("晾晒频次", "建议晾晒由每周调整为每半月,减少数据波动。"),
    ("差评整改时限", "建议复杂差评整改时限延长至15个工作日。"),
    ("预警提醒方式", "建议预警提醒同步推送浙政钉。"),
    ("赋分权重", "建议提高一网通办率权重,降低即办率权重。"),
    ("乡镇指标", "建议乡镇(街道)与部门分开排名。"),
]


def default_rules() -> list[dict]:
    return [{"indicator": code, "weight": weight, "method": method, **params}
            for code, (weight, method, params) in DEFAULT_RULES.items()]


@demo_step("evaluation.year", order=40)
def make_evaluation(ctx: DemoContext) -> None:
    rng = ctx.rng_for("evaluation")
    version = services.scheme_create(actor="demo", name=SCHEME_NAME, rules=default_rules(),
                                     note="2023年3月印发")
    tz = timezone.get_default_timezone()
    for n in range(PUBLICATIONS):
        week = FIRST_PUBLISHED_WEEK + timedelta(weeks=n)
        draft = services.publication_prepare(actor="demo", scheme=version.scheme, week_start=week)
        monday_after = week + timedelta(days=7)
        services.publication_publish(actor="demo", publication=draft.pk,
                                     now=datetime.combine(monday_after, time(10, 0), tzinfo=tz))
    departments = sorted(ctx.made["departments"], key=lambda d: d.code)[:12]
    indicators = list(Indicator.objects.order_by("number"))
    adopted_left, declined_left = 13, 50
    for n in range(67):
        dept = departments[n % 12]
        title, content = SUGGESTION_TOPICS[n % len(SUGGESTION_TOPICS)]
        submitted = datetime.combine(date(2023, 3, 6) + timedelta(days=3 * n), time(9, 30), tzinfo=tz)
        suggestion = services.suggestion_submit(actor="demo", department=dept, title=f"{title}({dept.short_name})",
                                                content=content, indicator=rng.choice(indicators),
                                                submitted_at=submitted)
        decided = submitted + timedelta(days=rng.randint(2, 9))
        if adopted_left and n % 5 == 0:
            services.suggestion_decide(actor="demo", suggestion=suggestion.pk, adopt=True,
                                       reason="采纳,纳入下一版评价办法修订。", now=decided)
            adopted_left -= 1
        elif declined_left:
            services.suggestion_decide(actor="demo", suggestion=suggestion.pk, adopt=False,
                                       reason="现行口径与省考核口径一致,暂不调整。", now=decided)
            declined_left -= 1
