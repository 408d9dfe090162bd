"""The sentence templates: validation (service, form, API), auditing, who may edit, and the seeded defaults
naming only the agreed figure keys."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengwu.core.errors import Forbidden, InvalidInput
from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import JsonApi, assert_error, make_user
from zhengwu.org.roles import Role
from zhengwu.reports import services
from zhengwu.reports.defaults import DEFAULT_TEMPLATES
from zhengwu.reports.models import SentenceTemplate
from zhengwu.reports.sentences import placeholders, validate_text
from zhengwu.reports.tests import report_fixtures

fake_figures = report_fixtures.fake_figures
pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/reports")


@pytest.fixture
def people():  # noqa: ANN201
    return {"admin": make_user(role=Role.CENTER_ADMIN), "leader": make_user(role=Role.LEADER),
            "clerk": make_user(role=Role.WINDOW_CLERK)}


@pytest.mark.parametrize(("text", "code", "named"), [
    ("共受理{t.nothing}", "unknown_figure", "t.nothing"),
    ("共受理{t.cases|huge}", "bad_format", "t.cases|huge"),
    ("共受理{}", "bad_placeholder", ""),
    ("统计期间{period|exact}", "bad_format", "period|exact"),
])
def test_a_template_with_a_bad_placeholder_is_refused_naming_text_and_the_placeholder(fake_figures, text, code,
                                                                                     named):
    with pytest.raises(InvalidInput) as caught:
        services.template_create(actor="test", area="services", heading="节", text=text)
    assert caught.value.field == "text"
    assert caught.value.code == code
    assert "{" + named + "}" in caught.value.message
    assert not SentenceTemplate.objects.filter(text=text).exists()


def test_unbalanced_braces_and_a_section_without_heading_are_refused(fake_figures):
    with pytest.raises(InvalidInput) as braces:
        validate_text("共受理{t.cases")
    assert (braces.value.field, braces.value.code) == ("text", "unbalanced_braces")
    with pytest.raises(InvalidInput) as heading:
        services.template_create(actor="test", area="services", heading="", text="共受理{t.cases}")
    assert heading.value.field == "heading"
    with pytest.raises(InvalidInput) as area:
        services.template_create(actor="test", area="nowhere", heading="节", text="共受理{t.cases}")
    assert area.value.field == "area"


def test_a_valid_template_is_created_and_an_update_is_audited_with_old_and_new_text(fake_figures, people):
    made = services.template_create(actor=people["admin"], area="services", heading="节",
                                    text="共受理{t.cases},网办率{t.rate}。")
    assert [p.key for p in placeholders(made.text)] == ["t.cases", "t.rate"]
    services.template_update(actor=people["admin"], template=made, text="共受理{t.cases|exact}。", active=False)
    made.refresh_from_db()
    assert made.text == "共受理{t.cases|exact}。" and made.active is False and made.updated_by == people["admin"]
    event = AuditEvent.objects.get(action="sentencetemplate.update", object_id=str(made.pk))
    assert event.payload["changes"]["text"] == {"from": "共受理{t.cases},网办率{t.rate}。", "to": "共受理{t.cases|exact}。"}
    assert event.payload["changes"]["active"] == {"from": True, "to": False}
    assert AuditEvent.objects.filter(action="sentencetemplate.create", object_id=str(made.pk)).count() == 1


def test_an_update_with_a_bad_placeholder_changes_nothing(fake_figures, people):
    made = services.template_create(actor="test", area="services", heading="节", text="共受理{t.cases}。")
    with pytest.raises(InvalidInput):
        services.template_update(actor=people["admin"], template=made, text="共受理{t.gone}。")
    made.refresh_from_db()
    assert made.text == "共受理{t.cases}。"
    assert not AuditEvent.objects.filter(action="sentencetemplate.update").exists()


def test_only_the_center_administrator_edits_templates(fake_figures, people):
    with pytest.raises(Forbidden):
        services.template_create(actor=people["leader"], area="services", heading="节", text="共受理{t.cases}。")
    refused = api.post(people["leader"], "/templates", {"area": "services", "heading": "节", "text": "x"})
    assert refused.status_code == 403
    assert api.get(people["clerk"], "/templates").status_code == 403
    assert Client().get("/reports/templates/new/").status_code == 302  # to the login page
    leader = Client()
    leader.force_login(people["leader"])
    assert leader.get("/reports/templates/").status_code == 200
    assert leader.get("/reports/templates/new/").status_code == 403


def test_the_api_refuses_a_bad_placeholder_with_422_on_text_and_updates_a_good_one(fake_figures, people):
    bad = api.post(people["admin"], "/templates", {"area": "services", "heading": "节", "text": "共{t.nothing}"})
    body = assert_error(bad, 422, "text")
    assert "{t.nothing}" in body["message"]
    created = api.post(people["admin"], "/templates", {"area": "services", "heading": "节", "text": "共{t.cases}"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["figure_keys"] == ["t.cases"]
    patched = api.client(people["admin"]).patch(f"/api/v1/reports/templates/{pk}", {"text": "共{t.cases|exact}"},
                                                content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["text"] == "共{t.cases|exact}"
    bad_patch = api.client(people["admin"]).patch(f"/api/v1/reports/templates/{pk}", {"text": "共{t.cases|x}"},
                                                  content_type="application/json")
    assert_error(bad_patch, 422, "text")


def test_the_template_form_shows_the_bad_placeholder_next_to_the_text_field(fake_figures, people):
    client = Client()
    client.force_login(people["admin"])
    response = client.post("/reports/templates/new/", {"area": "services", "order": "10", "heading": "节",
                                                       "text": "共受理{t.nothing}", "active": "on"})
    assert response.status_code == 422
    assert 'data-testid="error-text"' in response.content.decode()
    assert "{t.nothing}" in response.content.decode()
    ok = client.post("/reports/templates/new/", {"area": "services", "order": "10", "heading": "节",
                                                 "text": "共受理{t.cases}", "active": "on"})
    assert ok.status_code == 302
    assert SentenceTemplate.objects.filter(text="共受理{t.cases}").count() == 1


# The figure keys agreed in the common brief of issue 11 (copied here so this test runs before, and
# independently of, the area figure modules).
AGREED_KEYS = {
    "cases.received", "cases.online_rate", "cases.overdue_completion_rate", "cases.overdue_acceptance_rate",
    "reviews.bad", "reviews.bad_rectified", "evaluation.reminders", "evaluation.publications",
    "evaluation.suggestions", "evaluation.suggestion_departments", "evaluation.suggestions_adopted",
    "retrieval.requests", "retrieval.on_time_rate", "retrieval.median_hours",
    "village.items_delegated", "village.township_items_rate", "village.stations_renovated",
    "village.model_stations", "village.agents", "village.trainings", "village.agent_cases", "village.coverage_rate",
    "enterprise.demands", "enterprise.demands_on_time_rate", "enterprise.items_entered_rate",
    "projectservice.units", "projectservice.projects", "projectservice.items", "projectservice.trips_saved",
    "approvals.time_saved_rate", "approvals.time_reduction_yoy", "approvals.low_risk_within_3_days",
    "intermediary.agencies", "intermediary.removed", "intermediary.deals",
    "trading.projects", "trading.amount", "trading.construction_projects", "trading.construction_amount",
    "trading.savings", "trading.savings_rate", "trading.separation_projects", "trading.separation_amount",
    "trading.separation_share", "trading.remote_main", "trading.remote_sub", "trading.provincial_expert_rate",
    "supervision.projects_inspected", "supervision.clues", "supervision.rectification_rate",
    "credit.experts_penalized",
    "finance.guarantee_services", "finance.guarantee_amount", "finance.old_deposits_refunded",
}


def test_every_placeholder_of_the_seeded_default_templates_names_an_agreed_figure_key():
    seeded = list(SentenceTemplate.objects.order_by("order"))
    assert [(t.area, t.order, t.heading, t.text) for t in seeded] == DEFAULT_TEMPLATES
    used = set()
    for t in seeded:
        for p in placeholders(t.text):
            assert p.key in AGREED_KEYS | {"period", "year", "district"}, (t.order, p.raw)
            assert p.fmt in {"", "exact", "change", "previous", "previous_exact"}, (t.order, p.raw)
            used.add(p.key)
    # the opening paragraph carries the seed's headline figures
    opening = "".join(t.text for t in seeded if t.area == "opening")
    for key in ("cases.received", "cases.online_rate", "trading.projects", "trading.amount",
                "trading.construction_projects", "trading.construction_amount", "trading.savings",
                "trading.savings_rate"):
        assert "{" + key + "}" in opening
    assert len(used - {"period", "year", "district"}) >= 45


def test_the_real_registry_holds_every_agreed_key_and_the_seeded_templates_validate_against_it():
    from zhengwu.reports import registry

    registered = {f.key for f in registry.figures()}
    assert AGREED_KEYS - registered == set()
    for t in SentenceTemplate.objects.all():
        validate_text(t.text)
