"""The generation job (queued → running → done or failed) from the page and the API, audited downloads, who
may see what, the figures API, and the ``zhengwu report`` command with ``--compare-seed``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from docx import Document

from zhengwu.core.models import AuditEvent
from zhengwu.core.testing import JsonApi, assert_error, make_user
from zhengwu.org.roles import Role
from zhengwu.reports import registry, seed
from zhengwu.reports.choices import ReportStatus
from zhengwu.reports.management.commands.report import comparison_lines
from zhengwu.reports.models import GeneratedReport
from zhengwu.reports.registry import Figure, FigureSet, FigureValue, Period, Unit
from zhengwu.reports.tests import report_fixtures

fake_figures = report_fixtures.fake_figures
fake_templates = report_fixtures.fake_templates
pytestmark = pytest.mark.django_db
api = JsonApi("/api/v1/reports")


@pytest.fixture
def people():  # noqa: ANN201
    return {"admin": make_user(role=Role.CENTER_ADMIN), "leader": make_user(role=Role.LEADER),
            "supervisor": make_user(role=Role.SUPERVISOR), "clerk": make_user(role=Role.WINDOW_CLERK),
            "citizen": make_user(role=Role.CITIZEN)}


@pytest.fixture
def var_dir(settings, tmp_path):  # noqa: ANN001, ANN201
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_a_leader_generates_on_the_page_the_job_runs_and_the_download_is_audited(
        fake_templates, people, var_dir, django_capture_on_commit_callbacks):
    leader = Client()
    leader.force_login(people["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post("/reports/generate/", {"start": "2023-01-01", "end": "2023-11-30"})
    assert response.status_code == 302
    report = GeneratedReport.objects.get()
    assert report.status == ReportStatus.DONE and report.progress == 100
    assert report.requested_by == people["leader"]
    assert report.headline == {"t.cases": "56.2万件", "t.rate": "99.4%", "t.amount": "372.3亿元"}
    actions = list(AuditEvent.objects.filter(object_type="reports.generatedreport", object_id=str(report.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["generatedreport.request", "generatedreport.start", "generatedreport.finish"]
    page = leader.get("/reports/")
    assert f'/reports/{report.pk}/download/docx/' in page.content.decode()
    download = leader.get(f"/reports/{report.pk}/download/docx/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    with open(var_dir / "got.docx", "wb") as out:
        out.write(b"".join(download.streaming_content))
    assert Document(str(var_dir / "got.docx")).paragraphs[0].text == "示范区行政服务中心2023年工作总结"
    html = leader.get(f"/reports/{report.pk}/download/html/")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "56.2万件" in b"".join(html.streaming_content).decode()
    downloads = AuditEvent.objects.filter(action="generatedreport.download", object_id=str(report.pk))
    assert sorted(downloads.values_list("payload__format", flat=True)) == ["docx", "html"]
    assert set(downloads.values_list("actor_id", flat=True)) == {people["leader"].pk}


def test_a_user_without_the_report_permission_gets_403_and_nothing_is_audited(
        fake_templates, people, var_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = api.post(people["admin"], "/jobs", {"start": "2023-01-01", "end": "2023-11-30"}).json()
    clerk = Client()
    clerk.force_login(people["clerk"])
    assert clerk.get("/reports/").status_code == 403
    assert clerk.get(f"/reports/{report['id']}/download/docx/").status_code == 403
    assert api.get(people["clerk"], f"/jobs/{report['id']}/download/docx").status_code == 403
    assert api.get(people["citizen"], f"/jobs/{report['id']}").status_code == 403
    assert not AuditEvent.objects.filter(action="generatedreport.download").exists()
    supervisor = Client()
    supervisor.force_login(people["supervisor"])
    assert supervisor.get(f"/reports/{report['id']}/download/docx/").status_code == 200


def test_the_api_creates_a_job_reports_its_status_and_serves_both_files(
        fake_templates, people, var_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(people["leader"], "/jobs", {"start": "2023-01-01", "end": "2023-11-30"})
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "queued"  # as it was when created; the job ran on commit
    status = api.get(people["leader"], f"/jobs/{created.json()['id']}").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["docx_url"] == f"/api/v1/reports/jobs/{status['id']}/download/docx"
    got = api.client(people["leader"]).get(status["html_url"])
    assert got.status_code == 200 and "372.3亿元" in b"".join(got.streaming_content).decode()
    listed = api.get(people["supervisor"], "/jobs").json()
    assert [r["id"] for r in listed] == [status["id"]]


def test_a_bad_period_is_refused_naming_its_field_and_nothing_is_queued(fake_templates, people):
    assert_error(api.post(people["leader"], "/jobs", {"start": "2023-13-01", "end": "2023-11-30"}), 422, "start")
    assert_error(api.post(people["leader"], "/jobs", {"start": "2023-12-01", "end": "2023-11-30"}), 422, "end")
    page = Client()
    page.force_login(people["leader"])
    response = page.post("/reports/generate/", {"start": "2023-12-01", "end": "2023-11-30"})
    assert response.status_code == 422
    assert 'data-testid="error-end"' in response.content.decode()
    assert GeneratedReport.objects.count() == 0


def test_a_failing_figure_fails_the_job_with_its_message_shown_on_the_page(
        fake_templates, people, var_dir, django_capture_on_commit_callbacks):
    def broken(period):  # noqa: ANN001, ANN202
        raise RuntimeError("交易库不可用")

    registry.register(Figure(key="t.broken", area="trading", label="坏指标", unit=Unit.CASES, definition="x",
                             compute=broken))
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(people["leader"], "/jobs", {"start": "2023-01-01", "end": "2023-11-30"})
    report = GeneratedReport.objects.get(pk=created.json()["id"])
    assert report.status == ReportStatus.FAILED
    assert "交易库不可用" in report.message
    assert report.docx_file == ""
    page = Client()
    page.force_login(people["leader"])
    row = page.get(f"/reports/{report.pk}/status/")
    assert 'data-testid="report-error"' in row.content.decode() and "交易库不可用" in row.content.decode()
    assert_error(api.get(people["leader"], f"/jobs/{report.pk}/download/docx"), 409, None)


def test_a_queued_report_row_polls_and_a_done_one_stops(fake_templates, people):
    report = GeneratedReport.objects.create(start=dt.date(2023, 1, 1), end=dt.date(2023, 11, 30),
                                            status=ReportStatus.QUEUED)
    page = Client()
    page.force_login(people["leader"])
    assert 'hx-trigger="every 2s"' in page.get(f"/reports/{report.pk}/status/").content.decode()
    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.DONE)
    assert "hx-trigger" not in page.get(f"/reports/{report.pk}/status/").content.decode()


def test_the_figures_api_returns_every_figure_with_its_texts(fake_figures, people):
    response = api.get(people["leader"], "/figures", start="2023-01-01", end="2023-11-30")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["previous_start"], body["previous_end"]) == ("2022-01-01", "2022-11-30")
    by_key = {f["key"]: f for f in body["figures"]}
    assert set(by_key) == {"t.cases", "t.rate", "t.bad", "t.reminders", "t.empty", "t.amount"}
    cases = by_key["t.cases"]
    assert (cases["value"], cases["previous"], cases["text"], cases["change_text"]) == (
        562118, 530000, "56.2万件", "同比增长6.06%")
    assert cases["link"] == "/cases/?start=2023-01-01&end=2023-11-30"
    assert Decimal(by_key["t.amount"]["value"]) == Decimal("37230000000")
    assert by_key["t.empty"]["value"] is None and by_key["t.empty"]["text"] == "—"
    only = api.get(people["leader"], "/figures", start="2023-01-01", end="2023-11-30", keys="t.bad,t.rate").json()
    assert [f["key"] for f in only["figures"]] == ["t.rate", "t.bad"]
    assert_error(api.get(people["leader"], "/figures", start="2023-01-01", end="2023-11-30", keys="t.nope"), 422,
                 "keys")
    assert_error(api.get(people["leader"], "/figures", start="nope", end="2023-11-30"), 422, "start")
    assert api.get(people["clerk"], "/figures", start="2023-01-01", end="2023-11-30").status_code == 403


def test_the_command_writes_both_files_and_prints_the_headline_figures(fake_templates, tmp_path):
    out = StringIO()
    call_command("report", "--from", "2023-01-01", "--to", "2023-11-30", "--output", str(tmp_path), stdout=out)
    printed = out.getvalue()
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".docx", ".html"]
    for path in tmp_path.iterdir():
        assert str(path.resolve()) in printed
    assert "受理事项: 56.2万件,同比增长6.06%" in printed
    assert "成交金额: 372.3亿元" in printed
    with pytest.raises(CommandError, match="--to"):
        call_command("report", "--from", "2023-01-01", "--to", "2023-02-30", "--output", str(tmp_path))


def _seed_set(values: dict[str, Decimal | int | None], *, previous: dict | None = None) -> FigureSet:
    period = Period(dt.date(2023, 1, 1), dt.date(2023, 11, 30))
    result = FigureSet(period=period)
    for key, value in values.items():
        fig = Figure(key=key, area="services", label=key, unit=Unit.CASES, definition="", compute=lambda p: None)
        result.values[key] = FigureValue(figure=fig, period=period, value=value,
                                         previous=(previous or {}).get(key))
    return result


def test_compare_seed_accepts_values_within_each_tolerance_and_flags_the_others():
    good = {s.key: s.value for s in seed.SEED_FIGURES}
    good["cases.received"] = 562_000 + 2_000  # 0.36 % off: inside 0.5 %
    good["projectservice.items"] = 74  # "70余"
    previous = {s.key: s.value for s in seed.SEED_PREVIOUS}
    figures = _seed_set(good, previous=previous)
    figures.values["reviews.bad"] = FigureValue(figure=figures.values["cases.received"].figure,
                                                period=figures.period, value=7953, previous=10000)  # −20.47 %
    rows = seed.compare(figures)
    assert [r.key for r in rows if not r.within] == []
    bad = dict(good, **{"cases.received": 562_000 * Decimal("1.01"), "intermediary.deals": 197,
                        "projectservice.items": 69, "trading.savings_rate": Decimal("2.9")})
    flagged = [r.key for r in seed.compare(_seed_set(bad, previous=previous)) if not r.within]
    assert flagged == ["cases.received", "projectservice.items", "intermediary.deals", "trading.savings_rate",
                       "reviews.bad"]  # the last: no change computed without the figure
    lines, outside = comparison_lines(_seed_set(bad, previous=previous))
    assert outside == 5
    assert any(line.startswith("intermediary.deals") and "OUTSIDE" in line and "-1" in line for line in lines)


def test_compare_seed_takes_the_calendar_year_figures_for_those_the_demo_calibrates_to_the_year():
    in_period = _seed_set({"trading.projects": 425, "cases.received": 562_000})
    whole_year = _seed_set({"trading.projects": 451, "cases.received": 613_000})
    rows = {r.key: r for r in seed.compare(in_period, year_figures=whole_year) if r.measure == "value"}
    assert (rows["trading.projects"].computed, rows["trading.projects"].within) == (451, True)
    assert (rows["cases.received"].computed, rows["cases.received"].within) == (562_000, True)
    alone = {r.key: r for r in seed.compare(in_period) if r.measure == "value"}
    assert (alone["trading.projects"].computed, alone["trading.projects"].within) == (425, False)


def test_compare_seed_scales_volumes_but_not_rates_or_small_registries():
    by_key = {s.key: s for s in seed.SEED_FIGURES}
    assert seed.expected(by_key["cases.received"], scale=Decimal("0.1")) == Decimal("56200.0")
    assert seed.expected(by_key["cases.online_rate"], scale=Decimal("0.1")) == Decimal("99.4")
    assert seed.expected(by_key["intermediary.agencies"], scale=Decimal("0.1")) == Decimal("40")
    # a scaled-down demo is held to 10 % on its scaled figures, the full-size one exactly
    assert seed.within(by_key["trading.projects"], 42, scale=Decimal("0.1"))
    assert not seed.within(by_key["trading.projects"], 40, scale=Decimal("0.1"))
    assert not seed.within(by_key["trading.projects"], 450)
    assert seed.within(by_key["intermediary.agencies"], 40, scale=Decimal("0.1"))
    assert not seed.within(by_key["intermediary.agencies"], 39, scale=Decimal("0.1"))


def test_the_command_exits_with_an_error_when_a_seed_figure_is_outside(fake_templates, tmp_path):
    out = StringIO()
    with pytest.raises(CommandError, match="outside the seed"):
        call_command("report", "--from", "2023-01-01", "--to", "2023-11-30", "--output", str(tmp_path),
                     "--compare-seed", stdout=out)
    assert "cases.received" in out.getvalue() and "OUTSIDE" in out.getvalue()
