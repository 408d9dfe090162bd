"""Demo data of credit: step ``credit.year2023`` (74), after the trading year (60).

* 一标一评: the tendering party's ratings (recorded by the center's staff on its behalf) of the experts who
  served on a sample of the sections evaluated in 2023 (``SAMPLE`` sections at scale 1, two days after each
  report); marks of 3 to 5, so no low-rating proposal;
* exactly 2 experts penalized in 2023 (DOMAIN.md §13 "2 experts penalized"): late for an evaluation, and not
  evaluating by the method, each on a section it served on (below the suspension threshold);
* behaviour records: a one-year bidding ban on a bidder enterprise (from 1 December 2023), an administrative
  penalty and a good-credit record.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from zhengwu.core import audit
from zhengwu.core.demo import DemoContext, demo_step
from zhengwu.credit import selectors, services
from zhengwu.credit.choices import BanScope, PenaltyBasis, RecordKind
from zhengwu.org.models import Department, Enterprise, User
from zhengwu.org.roles import Role
from zhengwu.trading.choices import EvaluationStatus, ExpertStatus
from zhengwu.trading.models import BidderRegistration, Evaluation

YEAR = 2023
SAMPLE = 120
COMMENTS = ("准时到场,评审认真。", "熟悉评标办法,意见明确。", "评审细致,能独立发表意见。", "", "")


def _actor(role: str) -> User | str:
    return User.objects.filter(role=role, is_active=True).order_by("id").first() or "demo"


@demo_step("credit.year2023", order=74)
def make_credit_year(ctx: DemoContext) -> None:
    rng = ctx.rng_for("credit.year2023")
    staff = _actor(Role.TRADING_STAFF)
    supervisor = _actor(Role.SUPERVISOR)
    evaluations = list(Evaluation.objects.filter(status=EvaluationStatus.REPORTED, reported_at__year=YEAR)
                       .select_related("tender_section").order_by("reported_at", "id"))
    sample = sorted(rng.sample(evaluations, min(len(evaluations), ctx.scaled(SAMPLE))), key=lambda e: e.pk)
    ratings = 0
    served_on: list[tuple] = []
    for evaluation in sample:
        when = evaluation.reported_at + dt.timedelta(days=2)
        for member in selectors.served_members(evaluation.tender_section):
            marks = [rng.choice((3, 4, 4, 5, 5, 5)) for _ in range(4)]
            services.rating_submit(actor=staff, tender_section=evaluation.tender_section, expert=member.expert,
                                   punctuality=marks[0], diligence=marks[1], fairness=marks[2],
                                   professional=marks[3], comment=rng.choice(COMMENTS), now=when)
            ratings += 1
            if member.expert.status == ExpertStatus.ACTIVE and member.expert.credit_score >= 90:
                served_on.append((member.expert, evaluation))
    penalized = []
    seen: set[int] = set()
    candidates = [(e, ev) for e, ev in served_on if not (e.pk in seen or seen.add(e.pk))]
    for (expert, evaluation), (points, basis, reason) in zip(
            rng.sample(candidates, min(2, len(candidates))),
            ((3, PenaltyBasis.LATE, "评标当日迟到四十分钟,影响评标进度。"),
             (4, PenaltyBasis.NOT_BY_METHOD, "未按招标文件规定的评标办法对技术标打分,经复核更正。"))):
        when = evaluation.reported_at + dt.timedelta(days=5)
        services.penalty_record(actor=supervisor, expert=expert, points=points, basis=basis, reason=reason,
                                tender_section=evaluation.tender_section,
                                occurred_on=timezone.localtime(evaluation.reported_at).date(), now=when)
        penalized.append(expert.pk)
    department = Department.objects.order_by("sort", "code").first()
    bidders = list(Enterprise.objects.filter(pk__in=BidderRegistration.objects.values("enterprise_id"))
                   .order_by("id")[:50])
    records = 0
    if len(bidders) >= 3:
        banned, fined, good = rng.sample(bidders, 3)
        recorded = timezone.make_aware(dt.datetime(YEAR, 11, 28, 10))
        for subject, kind, scope, title, reason, basis, number, since, until in (
            (banned, RecordKind.BAN, BanScope.BIDDING, "串通投标,一年内禁止参加依法必须进行招标的项目投标",
             "在区内某工程施工招标中与其他投标人相互串通投标报价。", "《招标投标法实施条例》第六十七条",
             "区发改罚〔2023〕12号", dt.date(YEAR, 12, 1), dt.date(YEAR + 1, 11, 30)),
            (fined, RecordKind.ADMINISTRATIVE_PENALTY, "", "提供虚假业绩材料,罚款",
             "投标文件所附项目业绩合同经核查不实。", "《招标投标法》第五十四条", "区住建罚〔2023〕7号",
             dt.date(YEAR, 10, 16), None),
            (good, RecordKind.GOOD_CREDIT, "", "年度守信示范企业", "连续三年无不良行为记录,履约评价优良。", "",
             "区信用办〔2023〕3号", dt.date(YEAR, 6, 1), dt.date(YEAR + 1, 5, 31)),
        ):
            services.behaviour_record_create(
                actor=supervisor, enterprise=subject, kind=kind, scope=scope, title=title, reason=reason,
                legal_basis=basis, department=department, department_name="" if department else "区发展和改革局",
                document_number=number, effective_from=since, effective_until=until, now=recorded)
            records += 1
    summary = {"rated_sections": len(sample), "ratings": ratings, "penalized_experts": penalized,
               "behaviour_records": records}
    ctx.made["credit"] = summary
    audit.record(actor="demo", action="demo.credit", obj=("credit.demo", YEAR), payload=summary)
