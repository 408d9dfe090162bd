"""The object kinds of the scope matrix: for each, the model, the selector that says what a user sees of it, the
route templates whose first parameter names one, and how the world makes its A-side and B-side object.

``owner`` is the persona that must see the A-side object and not the B-side one (the pair really is split by
scope). A kind whose readers see the whole district (``owner=None``) names a ``reader`` that must see both and an
``outsider`` that must see neither: for those the matrix still requests every route with real objects, so a
persona without the permission is refused on an object that exists, not merely on a missing one.
See docs/scope-matrix.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from zhengwu.approvals.models import InvestmentProject
from zhengwu.cases.models import Case
from zhengwu.cases.selectors import cases_visible_to
from zhengwu.credit.selectors import experts_visible_to as credit_experts_visible_to
from zhengwu.enterprise.models import Demand
from zhengwu.enterprise.selectors import demands_visible_to
from zhengwu.evaluation.models import Suggestion
from zhengwu.evaluation.workflow import suggestions_visible_to
from zhengwu.finance.models import Application
from zhengwu.finance.selectors import applications_visible_to
from zhengwu.projectservice.selectors import projects_visible_to as investment_projects_visible_to
from zhengwu.retrieval.models import RequestItem, RetrievalRequest
from zhengwu.retrieval.selectors import items_visible_to, requests_visible_to
from zhengwu.reviews.models import BadReviewHandling, Review
from zhengwu.reviews.selectors import bad_reviews_visible_to, reviews_visible_to
from zhengwu.smallprojects.models import SmallProject
from zhengwu.smallprojects.selectors import small_projects_visible_to
from zhengwu.supervision.models import Flag
from zhengwu.supervision.selectors import flags_visible_to
from zhengwu.trading.models import Bid, BidderRegistration, Deposit, Expert, Objection, Project, Tender
from zhengwu.trading.selectors import (
    bids_visible_to,
    deposits_visible_to,
    objections_visible_to,
    projects_visible_to,
    registrations_visible_to,
    tenders_visible_to,
)
from zhengwu.village.models import Agent, Station
from zhengwu.village.selectors import agents_visible_to, stations_visible_to

SHANGHAI = ZoneInfo("Asia/Shanghai")
A, B = "A", "B"


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Kind:
    name: str
    model: type
    visible: Callable[[Any], Any]
    routes: tuple[str, ...]
    owner: str | None = None
    reader: str | None = None
    outsider: str | None = None

    @property
    def patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(r) for r in self.routes]


KINDS: list[Kind] = [
    Kind("case", Case, cases_visible_to, (r"^/cases/\{pk\}/", r"^/api/v1/cases/cases/\{case_id\}"), owner="clerk_a"),
    Kind("small_project", SmallProject, small_projects_visible_to,
         (r"^/smallprojects/\{pk\}/", r"^/api/v1/smallprojects/projects/\{pk\}"), owner="township_staff"),
    Kind("investment_project", InvestmentProject, investment_projects_visible_to,
         (r"^/projectservice/projects/\{pk\}/", r"^/api/v1/projectservice/projects/\{pk\}"), owner="enterprise_x"),
    Kind("registration", BidderRegistration, registrations_visible_to,
         (r"^/trading/(portal/)?registrations/\{pk\}/", r"^/api/v1/trading/registrations/\{registration_id\}"),
         owner="enterprise_x"),
    Kind("deposit", Deposit, deposits_visible_to,
         (r"^/trading/(portal/)?deposits/\{pk\}/", r"^/api/v1/trading/deposits/\{deposit_id\}"), owner="enterprise_x"),
    Kind("bid", Bid, bids_visible_to, (r"^/trading/portal/bids/\{pk\}/", r"^/api/v1/trading/bids/\{bid_id\}"),
         owner="enterprise_x"),
    Kind("objection", Objection, objections_visible_to, (r"^/api/v1/trading/objections/\{objection_id\}",),
         owner="enterprise_x"),
    # Draft tenders of a project tendered by X and of one tendered by Y: a draft is seen by its own party only.
    Kind("tender", Tender, tenders_visible_to,
         (r"^/trading/(portal/)?tenders/\{pk\}/", r"^/api/v1/trading/tenders/\{tender_id\}"), owner="enterprise_x"),
    Kind("trading_project", Project, projects_visible_to,
         (r"^/trading/projects/\{pk\}/", r"^/api/v1/trading/projects/\{project_id\}"), owner="enterprise_x"),
    Kind("finance_application", Application, applications_visible_to,
         (r"^/finance/applications/\{pk\}/", r"^/api/v1/finance/applications/\{pk\}"), owner="enterprise_x"),
    Kind("demand", Demand, demands_visible_to,
         (r"^/enterprise/demands/\{pk\}/", r"^/api/v1/enterprise/demands/\{pk\}"), owner="enterprise_x"),
    Kind("retrieval_request", RetrievalRequest, requests_visible_to,
         (r"^/retrieval/requests/\{pk\}/", r"^/api/v1/retrieval/requests/\{pk\}"), owner="enterprise_x"),
    Kind("retrieval_item", RequestItem, items_visible_to,
         (r"^/retrieval/inbox/\{pk\}/", r"^/api/v1/retrieval/items/\{pk\}"), owner="clerk_a"),
    Kind("review", Review, reviews_visible_to, (r"^/api/v1/reviews/reviews/\{review_id\}",), owner="clerk_a"),
    Kind("bad_review", BadReviewHandling, bad_reviews_visible_to,
         (r"^/reviews/bad/\{pk\}/", r"^/api/v1/reviews/bad/\{handling_id\}"), owner="clerk_a"),
    Kind("station", Station, stations_visible_to,
         (r"^/village/stations/\{pk\}/", r"^/api/v1/village/stations/\{pk\}"), owner="township_staff"),
    Kind("agent", Agent, agents_visible_to,
         (r"^/village/agents/\{pk\}/", r"^/api/v1/village/agents/\{pk\}"), owner="township_staff"),
    Kind("suggestion", Suggestion, suggestions_visible_to,
         (r"^/evaluation/suggestions/\{pk\}/", r"^/api/v1/evaluation/suggestions/\{suggestion_id\}"),
         owner="clerk_a"),
    # District-wide readers only: supervision's red flags and the expert credit files.
    Kind("flag", Flag, flags_visible_to, (r"^/supervision/flags/\{pk\}/", r"^/api/v1/supervision/flags/\{flag_id\}"),
         reader="supervisor", outsider="enterprise_x"),
    Kind("expert", Expert, credit_experts_visible_to,
         (r"^/credit/experts/\{pk\}/", r"^/api/v1/credit/experts/\{expert_id\}"),
         reader="supervisor", outsider="enterprise_x"),
]


def build_objects(w: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The A-side and B-side object of every kind, made through the services (the world's persona, regions,
    departments and enterprises in ``w``)."""
    p = w["personas"]
    objects: dict[str, dict[str, Any]] = {}
    objects.update(_trading(w))
    objects.update(_services(w, objects))
    objects["case"] = w["cases"]
    objects["small_project"] = w["small_projects"]
    objects["investment_project"] = w["investment_projects"]
    missing = {k.name for k in KINDS} - set(objects)
    assert not missing, missing
    assert set(p) >= {k.owner or k.reader for k in KINDS}
    return objects


def _trading(w: dict[str, Any]) -> dict[str, dict[str, Any]]:
    from zhengwu.trading import services_bids, services
    from zhengwu.trading.testing import make_expert, make_project, make_tender, pay, published_tender, register

    p = w["personas"]
    # X and Y registered (and paid a deposit) on one published tender; the bidder persona's enterprise Z too.
    tender = published_tender()
    section = tender.sections.order_by("number").first()
    regs = {side: register(tender, code="", actor=p[who])
            for side, who in ((A, "enterprise_x"), (B, "enterprise_y"), ("Z", "bidder"))}
    out: dict[str, dict[str, Any]] = {"registration": {A: regs[A], B: regs[B]},
                                      "deposit": {A: pay(regs[A]), B: pay(regs[B])}}
    out["bid"] = {side: services_bids.bid_upload(actor=p[who], tender=tender, section=section, file=b"%PDF bid",
                                                 price="3800000.00", duration_days=365, quality="合格",
                                                 file_name="bid.pdf", passphrase="open-sesame-1",
                                                 now=at("2024-03-15 10:00"))[0]
                  for side, who in ((A, "enterprise_x"), (B, "enterprise_y"))}
    out["objection"] = {side: services.objection_submit(actor=p[who], tender=tender, content="资格条件排斥潜在投标人",
                                                        now=at("2024-03-05 10:00"))
                        for side, who in ((A, "enterprise_x"), (B, "enterprise_y"))}
    projects, drafts = {}, {}
    for side, ent in ((A, w["x"]), (B, w["y"])):
        projects[side] = make_project(name=f"自建厂房{side}", tendering_enterprise=ent)
        only = projects[side].sections.get()
        drafts[side] = make_tender(project=projects[side], deposits={only.pk: "80000"})
    out["trading_project"], out["tender"] = projects, drafts
    out["expert"] = {A: make_expert(name="专家甲"), B: make_expert(name="专家乙")}
    w["tender"] = tender
    return out


def _services(w: dict[str, Any], trading: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from zhengwu.enterprise import services as enterprise
    from zhengwu.enterprise.models import ServiceSection
    from zhengwu.evaluation import services as evaluation
    from zhengwu.finance import services as finance
    from zhengwu.finance.testing import make_institution, make_product
    from zhengwu.retrieval import services as retrieval_services
    from zhengwu.retrieval import testing as retrieval
    from zhengwu.reviews.testing import bad_review, completed_case
    from zhengwu.supervision import services as supervision
    from zhengwu.village.testing import make_agent, make_station

    p = w["personas"]
    out: dict[str, dict[str, Any]] = {}
    sides = ((A, "enterprise_x"), (B, "enterprise_y"))

    product = make_product(institution=make_institution())
    regs = trading["registration"]
    out["finance_application"] = {
        side: finance.application_submit(actor=p[who], product=product, amount_requested="80000", purpose="投标保函",
                                          registration=regs[side], now=at("2024-03-03 10:00"))
        for side, who in sides}

    # Demands: X's routed to department A (so clerk A sees it), Y's to department B.
    section = ServiceSection.objects.order_by("pk").first()
    demands = {}
    for (side, who), dept in zip(sides, (w["dept_a"], w["dept_b"])):
        demand = enterprise.demand_raise(actor=p[who], title=f"厂房消防验收咨询{side}", content="何时可以申请消防验收?",
                                         contact_name="王经理", contact_mobile="13957912345",
                                         now=at("2024-09-26 09:00"))
        enterprise.demand_classify(actor=p["center_admin"], demand=demand, section=section,
                                   now=at("2024-09-26 10:00"))
        demands[side] = enterprise.demand_route(actor=p["center_admin"], demand=demand.pk, lead_department=dept,
                                                lead_part="答复", assisting=[], demand_class="routine",
                                                now=at("2024-09-26 10:00"))
    out["demand"] = demands

    # Retrieval: X (a registered requester) asks for a record held by department A, Y for one held by B; both
    # consented, so each item is in its department's inbox.
    retrieval.make_catalog({"police": w["dept_a"], "justice": w["dept_b"], "market": w["dept_b"],
                            "hrss": w["dept_b"], "health": w["dept_b"]})
    requests = {}
    for (side, who), info in zip(sides, ("no_criminal_record", "social_insurance")):
        ent = p[who].enterprise
        retrieval_services.requester_register(actor="test", credit_code=ent.credit_code, name=ent.name,
                                              kind="housekeeping")
        requests[side] = retrieval.grant(retrieval.ask(p[who], types=(info,)))
    out["retrieval_request"] = requests
    out["retrieval_item"] = {side: requests[side].items.get() for side in (A, B)}

    handlings = {side: bad_review(case=completed_case(clerk=p[who], received="2024-09-23 09:00",
                                                      completed="2024-09-24 16:00"), when="2024-09-25 10:00")
                 for side, who in ((A, "clerk_a"), (B, "clerk_b"))}
    out["bad_review"] = handlings
    out["review"] = {side: handlings[side].review for side in (A, B)}

    stations = {A: make_station(village=w["v1"]), B: make_station(village=w["v2"])}
    out["station"] = stations
    out["agent"] = {side: make_agent(station=stations[side], name=f"代办员{side}") for side in (A, B)}

    out["suggestion"] = {side: evaluation.suggestion_submit(actor="test", department=dept, title=f"建议{side}",
                                                            content="建议按季度公布指标口径。")
                         for side, dept in ((A, w["dept_a"]), (B, w["dept_b"]))}
    out["flag"] = {side: supervision.flag_raise(actor="test", rule=f"matrix-{side}", family="collusion",
                                                subject=w["tender"], title=f"串通投标迹象{side}", evidence={},
                                                key=side)[0]
                   for side in (A, B)}
    return out
