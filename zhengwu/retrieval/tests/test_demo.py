"""The retrieval demo step on small data (the five owner departments, no other step): the catalog, six
requesters, requests of 2023 through the services with every outcome, the recent lawyer checks answered by the
律师在线 simulator, and the two demo logins."""

from __future__ import annotations

import pytest

from zhengwu.core.demo import DemoContext, generate
from zhengwu.core.testing import make_department
from zhengwu.org.models import User
from zhengwu.retrieval.choices import ItemStatus, RequestStatus
from zhengwu.retrieval.models import InfoType, Requester, RequestItem, RetrievalRequest
from zhengwu.retrieval.selectors import access_log, requests_about

pytestmark = pytest.mark.django_db


def test_the_demo_year_makes_requests_with_every_outcome_and_the_logins():
    for code, name in (("GAJ", "市公安局婺城分局"), ("SFJ", "区司法局"), ("SCJ", "市场监督管理局婺城分局"),
                       ("RSJ", "区人力资源和社会保障局"), ("WJJ", "区卫生健康局")):
        make_department(code=code, name=name)
    ctx = generate(DemoContext(seed=7, scale=0.4, log=lambda msg: None), only=("retrieval.",))
    assert InfoType.objects.count() == 5 and Requester.objects.count() == 6
    year = RetrievalRequest.objects.filter(submitted_at__year=2023)
    assert year.count() == ctx.scaled(150, minimum=12) == 60
    statuses = set(year.values_list("status", flat=True))
    assert {RequestStatus.DELIVERED, RequestStatus.REFUSED, RequestStatus.CONSENT_EXPIRED} <= statuses
    assert not year.filter(status__in=[RequestStatus.AWAITING_CONSENT]).exists()
    assert RequestItem.objects.filter(request__submitted_at__year=2023, status=ItemStatus.ANSWERED).count() > 40
    lawyer = RequestItem.objects.filter(info_type__code="lawyer_status")
    assert lawyer.count() == 3 and set(lawyer.values_list("status", flat=True)) == {ItemStatus.ANSWERED}
    assert {"housekeeping", "worker"} <= {login[1] for login in ctx.logins}
    worker = User.objects.get(username="worker")
    mine = requests_about(worker)
    assert mine.filter(status=RequestStatus.AWAITING_CONSENT).count() == 1
    delivered = mine.filter(status=RequestStatus.DELIVERED).first()
    assert delivered is not None and "查阅" in " ".join(r["what"] for r in access_log(delivered))
