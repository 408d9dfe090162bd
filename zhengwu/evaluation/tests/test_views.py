"""The evaluation web: the dashboard, the specialist's desk with the cases behind a figure and the
one-click reminders, publications (internal and public), suggestions and schemes; exports that carry
the screen's figures; bad input shown at the field with a 4xx; query budgets.

The figures come from the hand-counted dataset of ``test_indicators`` (departments 甲局 and 乙局,
2024-09-23 … 2024-10-13). Personas: 李专员 the indicator specialist, 王主任 the center administrator,
甲科长 the leader of 甲局, 乙科长 the leader of 乙局, 甲窗口 a window clerk of 甲局, and an anonymous visitor.

Decisions tested here: the values and the ranking are district-wide for anyone with
``evaluation.view``; the cases behind a figure are narrowed by ``cases_visible_to`` (乙科长 drilling
into 甲局's figure sees none of its cases).
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhengwu.cases.choices import CaseStatus
from zhengwu.core import navigation
from zhengwu.core.models import Notification, Reminder
from zhengwu.core.testing import make_user
from zhengwu.evaluation import services
from zhengwu.evaluation.choices import PublicationStatus, SuggestionStatus
from zhengwu.evaluation.models import Publication, Scheme, SchemeVersion, Suggestion
from zhengwu.evaluation.tests.test_indicators import EXPECTED_A, END, START, world  # noqa: F401  (fixture)
from zhengwu.org.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PERIOD = {"start": START.isoformat(), "end": END.isoformat(), "group": "department"}
NINE = ["online_rate", "acceptance_overdue_rate", "completion_overdue_rate", "instant_rate", "limit_compression",
        "review_coverage", "bad_review_rate", "rectification_on_time_rate", "reminder_response_rate"]


# --- personas ---------------------------------------------------------------------------------

def persona(role: str, username: str, display_name: str, department=None):  # noqa: ANN001, ANN201
    user = make_user(role=role, username=username, department=department)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def people(world):  # noqa: F811, ANN001, ANN201
    return {
        "specialist": persona(Role.INDICATOR_SPECIALIST, "li", "李专员"),
        "admin": persona(Role.CENTER_ADMIN, "wang", "王主任"),
        "leader_a": persona(Role.DEPARTMENT_LEADER, "jiake", "甲科长", department=world["a"]),
        "leader_b": persona(Role.DEPARTMENT_LEADER, "yike", "乙科长", department=world["b"]),
        "clerk_a": persona(Role.WINDOW_CLERK, "jiachuang", "甲窗口", department=world["a"]),
    }


def login(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def rules(weights=(20, 10, 15, 10, 5, 10, 10, 10, 10)) -> list[dict]:
    return [{"indicator": code, "weight": w, "method": "rank", "step": "1"} for code, w in zip(NINE, weights)]


@pytest.fixture
def scheme(people):  # noqa: ANN001, ANN201
    return services.scheme_create(actor=people["admin"], name="部门评价办法", rules=rules()).scheme


# --- reading tables back out of a page ---------------------------------------------------------------

class _Tables(HTMLParser):
    """{data-testid of a table section: [[cell text, ...] per body row]} from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("data-testid") or "").startswith("table-"):
            self._current = attrs["data-testid"][len("table-"):]
            self.tables[self._current] = []
        elif tag == "tbody" and self._current:
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._current].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "section":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(response) -> dict[str, list[list[str]]]:  # noqa: ANN001
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def xlsx_sheets(response) -> dict[str, list[list[str]]]:  # noqa: ANN001
    """Every sheet's body rows as the spreadsheet prints them (each cell by its own number format)."""
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheets = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        start = 2 if rows and rows[0][0].value and " · " in str(rows[0][0].value) else 1  # heading, header
        body = []
        for row in rows[start:]:
            if all(c.value is None for c in row):
                break
            body.append([_as_printed(c) for c in row])
        sheets[sheet.title] = body
    return sheets


def _as_printed(c) -> str:  # noqa: ANN001
    if c.value is None:
        return ""
    if c.number_format == "0.00":
        return f"{c.value:.2f}"
    if c.number_format == "yyyy-mm-dd hh:mm":
        return c.value.strftime("%Y-%m-%d %H:%M")
    if c.number_format == "yyyy-mm-dd":
        return c.value.strftime("%Y-%m-%d")
    return str(c.value)


# --- who gets in ---------------------------------------------------------------------------------------

PAGES = {
    "dashboard": ("evaluation:dashboard", PERIOD),
    "desk": ("evaluation:desk", PERIOD),
    "drilldown": ("evaluation:drilldown", {**PERIOD, "indicator": "acceptance_overdue_rate"}),
    "publications": ("evaluation:publications", {}),
    "suggestions": ("evaluation:suggestions", {}),
    "schemes": ("evaluation:schemes", {}),
    "scheme_new": ("evaluation:scheme_new", {}),
    "public": ("evaluation:public", {}),
}
#: page -> status for specialist, admin, leader_a, clerk_a
ACCESS = {
    "dashboard": (200, 200, 200, 200),
    "desk": (200, 200, 200, 403),
    "drilldown": (200, 200, 200, 403),
    "publications": (200, 200, 200, 200),
    "suggestions": (200, 200, 200, 200),
    "schemes": (200, 200, 200, 200),
    "scheme_new": (403, 200, 403, 403),
    "public": (200, 200, 200, 200),
}
PERSONAS = ("specialist", "admin", "leader_a", "clerk_a")


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", PERSONAS)
def test_each_page_answers_each_persona_as_the_permission_table_says(people, page, who):
    name, query = PAGES[page]
    response = login(people[who]).get(reverse(name), query)
    assert response.status_code == ACCESS[page][PERSONAS.index(who)]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "public"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(db, page):
    name, query = PAGES[page]
    response = Client().get(reverse(name), query)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_public_ranking_page_needs_no_sign_in(db):
    response = Client().get(reverse("evaluation:public"))
    assert response.status_code == 200
    assert 'data-testid="public-empty"' in response.content.decode()


def test_the_menu_offers_the_evaluation_pages_the_user_may_open(people):
    specialist = [e.url_name for g in navigation.menu_for(people["specialist"]) for e in g.items]
    clerk = [e.url_name for g in navigation.menu_for(people["clerk_a"]) for e in g.items]
    assert {"evaluation:dashboard", "evaluation:desk", "evaluation:publications", "evaluation:suggestions",
            "evaluation:schemes"} <= set(specialist)
    assert "evaluation:dashboard" in clerk and "evaluation:desk" not in clerk


# --- the dashboard --------------------------------------------------------------------------------------

def test_the_dashboard_shows_the_hand_counted_values_of_each_department(people, world):  # noqa: F811
    response = login(people["specialist"]).get(reverse("evaluation:dashboard"), PERIOD)
    assert response.status_code == 200
    rows = {row[0]: row[1:] for row in html_tables(response)["values"]}
    assert rows[str(world["a"])] == [v or "—" for v in EXPECTED_A.values()]
    assert rows["全区"][0] == "42.86"  # 3 of 7 received online
    html = response.content.decode()
    assert 'data-echarts="' in html and "vendor/echarts/echarts.min.js" in html


def test_the_dashboard_ranks_the_departments_under_the_current_scheme(people, world, scheme):  # noqa: F811
    response = login(people["clerk_a"]).get(reverse("evaluation:dashboard"), PERIOD)
    ranking = html_tables(response)["ranking"]
    assert [row[:3] for row in ranking] == [["1", str(world["a"]), "97.00"], ["2", str(world["b"]), "95.71"]]
    assert ranking[1][-3:] == ["—", "—", "—"]  # 乙局: no reviews, no reminders
    assert 'data-testid="chart-ranking"' in response.content.decode()


def test_a_figure_links_to_its_cases_only_for_users_who_may_see_details(people, world):  # noqa: F811
    specialist = login(people["specialist"]).get(reverse("evaluation:dashboard"), PERIOD).content.decode()
    clerk = login(people["clerk_a"]).get(reverse("evaluation:dashboard"), PERIOD).content.decode()
    assert 'data-testid="drill-acceptance_overdue_rate"' in specialist
    assert 'data-testid="drill-limit_compression"' not in specialist  # no cases behind a compression
    assert 'data-testid="drill-' not in clerk


def more_departments(n: int, people) -> None:  # noqa: ANN001
    """``n`` more departments, each with a case received long ago and never accepted (overdue now)."""
    from zhengwu.cases.testing import make_item, receive
    from zhengwu.core.testing import make_department

    for k in range(n):
        dept = make_department(name=f"丙局{k}")
        clerk = make_user(role=Role.WINDOW_CLERK, department=dept)
        receive(actor=clerk, item=make_item(department=dept, code=f"C{k}"), when="2024-10-08 09:00")


def test_the_dashboard_keeps_to_its_query_budget(people, world, scheme, django_assert_max_num_queries):  # noqa: F811
    more_departments(4, people)
    client = login(people["specialist"])
    # session, user; the indicators, the item limits (read once), the counters and the items in use by
    # department (the district is their sum), the names; the scheme version and its rules; the weekly
    # and the monthly trend (counters, items); the shell (district name, unread count, session save: 3).
    # Counters are read twice: from the folded rollups and from the live deltas not folded yet.
    with django_assert_max_num_queries(23):
        response = client.get(reverse("evaluation:dashboard"), PERIOD)
    assert response.status_code == 200
    assert len(html_tables(response)["values"]) == 7  # six departments and the district


# --- the desk and the cases behind a figure ------------------------------------------------------------------

def test_the_desk_lists_the_overdue_cases_and_the_bad_reviews_waiting(people, world):  # noqa: F811
    response = login(people["specialist"]).get(reverse("evaluation:desk"), PERIOD)
    html = response.content.decode()
    c4 = world["c"][3]
    assert f'data-number="{c4.number}"' in html  # accepted late and still open: overdue
    assert html.count('data-testid="remind"') >= 2
    assert 'data-testid="desk-bad-review"' in html  # c1's bad review waits for its return visit
    assert 'data-figure="reminders"' in html


def test_the_desk_compares_each_indicator_with_the_same_period_last_year(people, world):  # noqa: F811
    response = login(people["specialist"]).get(reverse("evaluation:desk"), PERIOD)
    change = {row[0]: row[1:] for row in html_tables(response)["year_on_year"]}
    assert change["一网通办率"] == ["42.86", "—", "—"]  # nothing a year earlier


def test_the_desk_keeps_to_its_query_budget(people, world, django_assert_max_num_queries):  # noqa: F811
    more_departments(4, people)
    client = login(people["specialist"])
    # session, user; indicators, item limits, counters and items by department, names; last year's
    # counters and items; the open cases' counts and the first 30, the reminders sent today among them;
    # the bad reviews' counts and list; bad reviews year on year; reminders this year; the shell (5).
    # Counters are read twice: from the folded rollups and from the live deltas not folded yet.
    with django_assert_max_num_queries(24):
        response = client.get(reverse("evaluation:desk"), PERIOD)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="desk-case"') == 6


def test_clicking_a_departments_overdue_acceptance_rate_lists_the_case_accepted_late(people, world):  # noqa: F811
    query = {**PERIOD, "indicator": "acceptance_overdue_rate", "group_id": world["a"].pk}
    response = login(people["specialist"]).get(reverse("evaluation:drilldown"), query)
    html = response.content.decode()
    assert response.status_code == 200
    numbers = re.findall(r'data-testid="desk-case" data-state="\w+" data-number="([^"]+)"', html)
    assert numbers == [world["c"][3].number]
    assert 'data-figure="value">20.00%' in html


def test_the_denominator_lists_every_case_the_rate_is_taken_over(people, world):  # noqa: F811
    query = {**PERIOD, "indicator": "acceptance_overdue_rate", "group_id": world["a"].pk, "part": "denominator"}
    html = login(people["specialist"]).get(reverse("evaluation:drilldown"), query).content.decode()
    assert html.count('data-testid="desk-case"') == 5


def test_a_leader_drilling_into_another_department_sees_only_cases_in_scope(people, world):  # noqa: F811
    query = {**PERIOD, "indicator": "acceptance_overdue_rate", "group_id": world["a"].pk}
    own = login(people["leader_a"]).get(reverse("evaluation:drilldown"), query).content.decode()
    other = login(people["leader_b"]).get(reverse("evaluation:drilldown"), query).content.decode()
    assert own.count('data-testid="desk-case"') == 1
    assert other.count('data-testid="desk-case"') == 0
    assert 'data-testid="drill-scope-note"' in other


def test_the_time_limit_compression_has_no_cases_behind_it(people, world):  # noqa: F811
    query = {**PERIOD, "indicator": "limit_compression", "group_id": world["a"].pk}
    response = login(people["specialist"]).get(reverse("evaluation:drilldown"), query)
    assert response.status_code == 422
    assert "没有对应的办件明细" in response.content.decode()


def test_an_unknown_indicator_is_a_422_not_a_500(people):
    response = login(people["specialist"]).get(reverse("evaluation:drilldown"), {**PERIOD, "indicator": "nope"})
    assert response.status_code == 422


# --- one-click reminders ------------------------------------------------------------------------------------

def test_a_reminder_goes_to_the_department_once_a_day_and_is_counted(people, world):  # noqa: F811
    c4 = world["c"][3]
    client = login(people["specialist"])
    first = client.post(reverse("evaluation:remind", args=[c4.pk]), **HTMX)
    assert first.status_code == 200
    assert "已提醒" in first.content.decode()
    assert 'id="desk-reminder-count" hx-swap-oob="true"' in first.content.decode()
    second = client.post(reverse("evaluation:remind", args=[c4.pk]), **HTMX)
    assert "今日已提醒" in second.content.decode()
    stage = f"manual-{timezone.localdate():%Y-%m-%d}"
    assert Reminder.objects.filter(object_id=str(c4.pk), kind="case_deadline", stage=stage).count() == 1
    assert Notification.objects.filter(recipient=people["leader_a"], reminder__stage=stage).count() == 1
    desk = client.get(reverse("evaluation:desk"), PERIOD).content.decode()
    assert re.search(r'data-testid="reminder-count">1<', desk)
    assert f'id="remind-{c4.pk}"' in desk and "今日已提醒" in desk


def test_a_reminder_without_htmx_goes_back_to_the_page_with_a_message(people, world):  # noqa: F811
    c4 = world["c"][3]
    back = f"{reverse('evaluation:desk')}?start={START}"
    response = login(people["specialist"]).post(reverse("evaluation:remind", args=[c4.pk]), {"next": back})
    assert (response.status_code, response["Location"]) == (302, back)


def test_a_completed_case_needs_no_reminder(people, world):  # noqa: F811
    c2 = world["c"][1]
    assert c2.status == CaseStatus.COMPLETED
    response = login(people["specialist"]).post(reverse("evaluation:remind", args=[c2.pk]), **HTMX)
    assert response.status_code == 409
    assert not Reminder.objects.filter(object_id=str(c2.pk), stage__startswith="manual-").exists()


@pytest.mark.parametrize("who", ["clerk_a", "leader_a"])
def test_only_the_center_sends_reminders_from_the_desk(people, world, who):  # noqa: F811
    response = login(people[who]).post(reverse("evaluation:remind", args=[world["c"][3].pk]))
    assert response.status_code == 403


# --- exports carry the screen's figures -------------------------------------------------------------------------

def test_the_dashboard_export_holds_the_same_figures_as_the_screen(people, world, scheme):  # noqa: F811
    client = login(people["specialist"])
    screen = html_tables(client.get(reverse("evaluation:dashboard"), PERIOD))
    export = client.get(reverse("evaluation:dashboard_export"), PERIOD)
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = list(xlsx_sheets(export).values())
    assert [screen[k] for k in ("values", "ranking", "weekly", "monthly")] == [_blank_dash(s) for s in sheets]


def _blank_dash(rows: list[list[str]]) -> list[list[str]]:
    return [[c if c != "" else "—" for c in row] for row in rows]


def test_one_table_can_be_exported_alone(people, world):  # noqa: F811
    export = login(people["specialist"]).get(reverse("evaluation:dashboard_export"), {**PERIOD, "table": "values"})
    assert list(xlsx_sheets(export)) == ["指标值"]


def test_the_publication_export_holds_the_same_figures_as_its_page(people, world, scheme):  # noqa: F811
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    client = login(people["specialist"])
    screen = html_tables(client.get(reverse("evaluation:publication", args=[draft.pk])))
    sheets = list(xlsx_sheets(client.get(reverse("evaluation:publication_export", args=[draft.pk]))).values())
    assert [screen["snapshot"], screen["snapshot_values"]] == [_blank_dash(s) for s in sheets]
    assert screen["snapshot"][0][1] == str(world["a"])


def test_the_suggestion_counts_export_matches_the_page(people, world):  # noqa: F811
    services.suggestion_submit(actor=people["leader_a"], department=world["a"], title="即办率口径", content="建议")
    client = login(people["specialist"])
    screen = html_tables(client.get(reverse("evaluation:suggestions")))
    sheets = list(xlsx_sheets(client.get(reverse("evaluation:suggestions_export"))).values())
    assert screen["suggestion_counts"] == sheets[0]
    assert screen["suggestion_counts"][0] == [str(world["a"]), "1", "0", "0", "1"]


# --- bad input: at the field, 4xx, nothing changed ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["evaluation:dashboard", "evaluation:desk"])
def test_a_period_that_ends_before_it_starts_is_shown_at_the_end_date(people, name):
    response = login(people["specialist"]).get(reverse(name), {"start": "2024-10-02", "end": "2024-10-01"})
    assert response.status_code == 422
    assert re.search(r'data-testid="field-error-end">统计截止日不能早于起始日', response.content.decode())


def test_a_date_that_is_not_a_date_is_shown_at_its_field(people):
    response = login(people["specialist"]).get(reverse("evaluation:dashboard"), {"start": "2024-13-45"})
    assert response.status_code == 422
    assert 'data-testid="field-error-start"' in response.content.decode()


def test_an_export_of_a_bad_period_is_a_422(people):
    response = login(people["specialist"]).get(reverse("evaluation:dashboard_export"),
                                               {"start": "2024-10-02", "end": "2024-10-01"})
    assert response.status_code == 422


def _scheme_post(weights=(20, 10, 15, 10, 5, 10, 10, 10, 10), **over) -> dict:
    data = {"name": "新方案", "grouping": "department", "note": ""}
    for code, w in zip(NINE, weights):
        data.update({f"{code}-weight": w, f"{code}-method": "rank", f"{code}-step": "1"})
    data.update(over)
    return data


def test_a_scheme_whose_weights_do_not_sum_to_100_is_refused_below_the_weights(people):
    client = login(people["admin"])
    response = client.post(reverse("evaluation:scheme_new"), _scheme_post((20, 10, 15, 10, 5, 10, 10, 10, 9)),
                           **HTMX)
    assert response.status_code == 422
    assert re.search(r'data-testid="field-error-rules"[^>]*>各指标权重之和必须为 100,当前为 99',
                     response.content.decode())
    assert not Scheme.objects.exists()


def test_a_target_below_its_floor_is_refused_at_that_rows_target(people):
    data = _scheme_post(**{"online_rate-method": "threshold", "online_rate-floor": "95", "online_rate-target": "90"})
    response = login(people["admin"]).post(reverse("evaluation:scheme_new"), data)
    assert response.status_code == 422
    assert 'data-testid="field-error-online_rate-target"' in response.content.decode()
    assert not SchemeVersion.objects.exists()


def test_a_scheme_is_created_and_revised_into_a_new_version(people):
    client = login(people["admin"])
    created = client.post(reverse("evaluation:scheme_new"), _scheme_post())
    scheme = Scheme.objects.get()
    assert created.status_code == 302
    revise = reverse("evaluation:scheme_revise", args=[scheme.pk])
    assert 'value="20"' in client.get(revise).content.decode()
    data = _scheme_post((10, 10, 15, 10, 15, 10, 10, 10, 10), note="调整权重")
    assert client.post(revise, data).status_code == 302
    assert list(scheme.versions.values_list("number", flat=True)) == [1, 2]
    assert "调整权重" in client.get(reverse("evaluation:scheme", args=[scheme.pk])).content.decode()


def test_a_scheme_name_already_taken_is_refused_at_the_name(people, scheme):
    response = login(people["admin"]).post(reverse("evaluation:scheme_new"), _scheme_post(name=scheme.name))
    assert response.status_code == 409
    assert 'data-testid="field-error-name"' in response.content.decode()


# --- publications -------------------------------------------------------------------------------------------

def test_the_specialist_prepares_and_publishes_a_week_and_the_public_sees_it(people, world, scheme):  # noqa: F811
    client = login(people["specialist"])
    prepared = client.post(reverse("evaluation:publication_prepare"),
                           {"scheme": scheme.pk, "week_start": "2024-09-23"}, **HTMX)
    draft = Publication.objects.get()
    assert prepared["HX-Redirect"] == reverse("evaluation:publication", args=[draft.pk])
    page = client.get(reverse("evaluation:publication", args=[draft.pk])).content.decode()
    assert 'data-action="publish"' in page
    published = client.post(reverse("evaluation:publication_act", args=[draft.pk, "publish"]),
                            {"version": draft.version}, **HTMX)
    assert published.status_code == 200
    draft.refresh_from_db()
    assert draft.status == PublicationStatus.PUBLISHED and len(draft.digest) == 64
    page = client.get(reverse("evaluation:publication", args=[draft.pk])).content.decode()
    assert 'data-action="publish"' not in page and draft.digest in page
    public = Client().get(reverse("evaluation:public")).content.decode()
    assert str(world["a"]) in public and "2024年已晾晒 1 期" in public
    assert world["c"][0].number not in public and "data-testid=\"drill-" not in public


def test_publishing_the_same_week_twice_is_refused_at_the_week_and_changes_nothing(people, world, scheme):  # noqa: F811
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    published = services.publication_publish(actor=people["specialist"], publication=draft)
    client = login(people["specialist"])
    again = client.post(reverse("evaluation:publication_prepare"), {"scheme": scheme.pk, "week_start": "2024-09-23"},
                        **HTMX)
    assert again.status_code == 409
    assert re.search(r'data-testid="field-error-week_start">2024-09-23 这一周已经晾晒', again.content.decode())
    twice = client.post(reverse("evaluation:publication_act", args=[draft.pk, "publish"]), **HTMX)
    assert twice.status_code == 409
    assert Publication.objects.get().digest == published.digest


def test_a_week_that_does_not_start_on_monday_is_refused_at_the_week(people, scheme):
    response = login(people["specialist"]).post(reverse("evaluation:publication_prepare"),
                                                {"scheme": scheme.pk, "week_start": "2024-09-24"}, **HTMX)
    assert response.status_code == 422
    assert 'data-testid="field-error-week_start">晾晒周须从星期一开始' in response.content.decode()
    assert not Publication.objects.exists()


def test_a_clerk_may_not_publish(people, world, scheme):  # noqa: F811
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    client = login(people["clerk_a"])
    assert 'data-action="publish"' not in client.get(
        reverse("evaluation:publication", args=[draft.pk])).content.decode()
    assert client.post(reverse("evaluation:publication_act", args=[draft.pk, "publish"])).status_code == 403
    assert Publication.objects.get().status == PublicationStatus.DRAFT


def test_the_publications_page_counts_the_years_publications_and_draws_their_trend(people, world, scheme):  # noqa: F811
    for monday in (date(2024, 9, 23), date(2024, 9, 30), date(2024, 10, 7)):
        draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=monday)
        services.publication_publish(actor=people["specialist"], publication=draft)
    response = login(people["leader_a"]).get(reverse("evaluation:publications"), {"year": 2024})
    html = response.content.decode()
    assert "2024年已晾晒 3 期" in html
    assert 'data-testid="chart-publications"' in html
    trend = html_tables(response)["publication_trend"]
    assert len(trend[0]) == 4  # the name and three weeks


def test_the_public_page_answers_404_for_a_week_never_published(people, world, scheme):  # noqa: F811
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=date(2024, 9, 23))
    services.publication_publish(actor=people["specialist"], publication=draft)
    response = Client().get(reverse("evaluation:public"), {"week": "2024-09-30"})
    assert response.status_code == 404
    assert 'data-testid="public-missing"' in response.content.decode()


# --- suggestions ---------------------------------------------------------------------------------------------

def test_a_leader_files_a_suggestion_and_the_specialist_answers_it_with_a_reason(people, world):  # noqa: F811
    leader = login(people["leader_a"])
    filed = leader.post(reverse("evaluation:suggestion_new"),
                        {"title": "即办率口径", "content": "建议剔除材料补正件", "indicator": ""}, **HTMX)
    assert filed.status_code == 200 and filed["HX-Redirect"] == reverse("evaluation:suggestions")
    suggestion = Suggestion.objects.get()
    assert suggestion.department == world["a"]
    specialist = login(people["specialist"])
    page = specialist.get(reverse("evaluation:suggestions")).content.decode()
    assert 'data-action="adopt"' in page and 'data-action="decline"' in page
    silent = specialist.post(reverse("evaluation:suggestion_act", args=[suggestion.pk, "decline"]),
                             {"version": suggestion.version, "reason": ""}, **HTMX)
    assert silent.status_code == 422
    assert 'data-testid="field-error-reason"' in silent.content.decode()
    assert Suggestion.objects.get().status == SuggestionStatus.SUBMITTED
    done = specialist.post(reverse("evaluation:suggestion_act", args=[suggestion.pk, "decline"]),
                           {"version": suggestion.version, "reason": "与国家口径不一致"}, **HTMX)
    assert done.status_code == 200
    assert Suggestion.objects.get().status == SuggestionStatus.DECLINED


def test_a_suggestion_without_a_title_is_refused_at_the_title(people):
    response = login(people["leader_a"]).post(reverse("evaluation:suggestion_new"), {"content": "x"}, **HTMX)
    assert response.status_code == 422
    assert 'data-testid="field-error-title"' in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_leader_sees_only_the_suggestions_of_the_own_department(people, world):  # noqa: F811
    services.suggestion_submit(actor=people["leader_a"], department=world["a"], title="甲的建议", content="c")
    services.suggestion_submit(actor=people["leader_b"], department=world["b"], title="乙的建议", content="c")
    html = login(people["leader_b"]).get(reverse("evaluation:suggestions")).content.decode()
    assert "乙的建议" in html and "甲的建议" not in html


# --- the dashboard panel ----------------------------------------------------------------------------------------

def test_the_workbench_shows_the_latest_publication(people, world, scheme):  # noqa: F811
    monday = services.week_of(timezone.localdate()) - timedelta(days=7)
    draft = services.publication_prepare(actor=people["specialist"], scheme=scheme, week_start=monday)
    services.publication_publish(actor=people["specialist"], publication=draft)
    html = login(people["clerk_a"]).get(reverse("dashboard")).content.decode()
    assert 'data-testid="evaluation-panel"' in html
    assert "本年第 1 期" in html


def test_the_dashboard_groups_by_township_too_and_says_when_there_is_no_scheme_for_it(people, world, scheme):  # noqa: F811
    response = login(people["specialist"]).get(reverse("evaluation:dashboard"), {**PERIOD, "group": "township"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="no-scheme"' in html  # the scheme ranks departments
    assert [row[0] for row in html_tables(response)["values"]] == ["全区"]  # no case was handled in a township


def test_an_unknown_grouping_is_shown_at_its_field(people):
    response = login(people["specialist"]).get(reverse("evaluation:dashboard"), {"group": "village"})
    assert response.status_code == 422
    assert 'data-testid="field-error-group"' in response.content.decode()


def test_the_desk_and_the_cases_behind_a_figure_export_to_excel(people, world):  # noqa: F811
    client = login(people["specialist"])
    desk = xlsx_sheets(client.get(reverse("evaluation:desk_export"), PERIOD))
    assert list(desk) == ["指标值", "与上年同期比较"]
    query = {**PERIOD, "indicator": "completion_overdue_rate", "group_id": world["a"].pk}
    cases = xlsx_sheets(client.get(reverse("evaluation:drilldown_export"), query))
    assert [row[0] for row in next(iter(cases.values()))] == [world["c"][0].number]
