"""The Content-Security-Policy in real Chromium: the main pages (sign-in, dashboard, the case list and its htmx
filter, a figures page with ECharts, the evaluation dashboard with its auto-submitting select, the leadership
dashboard with its nonce'd script, the API docs) load and work without a single policy violation.

Violations are caught twice: a ``securitypolicyviolation`` listener installed before any page script runs, and the
console, where Chromium reports refused scripts, styles and connections."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from zhengwu.core.testing import make_department, make_user
from zhengwu.org.roles import Role

pytestmark = pytest.mark.browser

LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " @" + e.sourceFile + ":" + e.lineNumber);
});
"""


def signed_in_context(browser: Any, live_server: Any, user: Any) -> Any:
    """A browser context holding a session of ``user`` (made by the test client: the sign-in form is not what this
    test is about)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    context.add_init_script(LISTEN)
    return context


def visit(page: Any, url: str, console: list[str]) -> list[str]:
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp") + [m for m in console if "Content Security Policy" in m]


def test_the_main_pages_load_and_work_without_a_policy_violation(browser, live_server, transactional_db) -> None:
    from zhengwu.evaluation import services as evaluation_services

    evaluation_services.indicators_ensure_defaults()  # a transactional test before this one flushed the migration's
    make_department(name="区市场监督管理局")  # something for the case list's department filter to choose
    admin = make_user(role=Role.CENTER_ADMIN)
    leader = make_user(role=Role.LEADER)
    violations: dict[str, list[str]] = {}

    anonymous = browser.new_context(locale="zh-CN")
    anonymous.add_init_script(LISTEN)
    page = anonymous.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text))
    violations["/login/"] = visit(page, f"{live_server.url}/login/", console)
    anonymous.close()

    context = signed_in_context(browser, live_server, admin)
    page = context.new_page()
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    for path in ["/", "/cases/list/", "/finance/figures/", "/evaluation/", "/api/v1/docs"]:
        violations[path] = visit(page, f"{live_server.url}{path}", console)
        if path == "/cases/list/":
            # The filter form is htmx: a change swaps the list in place (an XHR under connect-src).
            with page.expect_response(lambda r: "/cases/list/" in r.url and r.request.headers.get("hx-request")):
                page.locator("#filter-department_id").select_option(label="区市场监督管理局")
            page.wait_for_load_state("networkidle")
            violations[path + " (htmx)"] = page.evaluate("window.__csp")
        if path == "/finance/figures/":
            assert page.locator("[data-echarts] canvas").count() >= 1  # ECharts drew under the policy
        if path == "/evaluation/":
            # The inline handlers became data attributes handled by app.js: a select submits its form on change...
            with page.expect_navigation():
                page.locator("#indicator-select").select_option(index=1)
            assert "indicator=" in page.url
            # ...and a print button prints (window.print stubbed: headless Chromium has no printer dialog).
            page.evaluate("""() => { window.print = () => { window.__printed = true; };
                const b = document.createElement("button"); b.type = "button"; b.id = "print-probe";
                b.setAttribute("data-print", ""); b.textContent = "打印"; document.body.appendChild(b); }""")
            page.locator("#print-probe").click()
            assert page.evaluate("window.__printed") is True
            violations[path + " (handlers)"] = page.evaluate("window.__csp")
        if path == "/api/v1/docs":
            page.locator(".swagger-ui .info").wait_for()  # Swagger UI ran from ninja's static files
    context.close()

    context = signed_in_context(browser, live_server, leader)
    page = context.new_page()
    console = []
    page.on("console", lambda msg: console.append(msg.text))
    violations["/leadership/"] = visit(page, f"{live_server.url}/leadership/", console)
    assert page.locator("[data-echarts] canvas").count() >= 1
    # The nonce'd inline script ran: it marks each chart it bound to its links.
    assert page.locator("[data-links][data-bound='1']").count() >= 1
    # The control: an inline script without the nonce is refused, and the listener sees it.
    page.evaluate("""() => { const s = document.createElement("script"); s.textContent = "window.__ran = 1";
                             document.body.appendChild(s); }""")
    page.wait_for_function("window.__csp.length > 0")
    control = page.evaluate("[window.__ran, window.__csp]")
    context.close()
    assert control[0] is None
    assert [v.split()[:2] for v in control[1]] == [["script-src-elem", "inline"]]

    assert {path: found for path, found in violations.items() if found} == {}
    assert len(violations) == 9
