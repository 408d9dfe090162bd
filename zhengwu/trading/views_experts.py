"""Expert login accounts on the web (``/trading/experts/accounts/``): which expert scores with which account.

An expert signs in to the scoring screen with an account of the role 评标专家, linked to its ``Expert`` row by
``services_experts.expert_account_link`` (staff, ``trading.manage_experts``; audited; one account per expert, only
an account of the expert role). Until then staff record the expert's sheets for it. Supervisors read the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengwu.core.errors import AppError
from zhengwu.core.web import handles_app_errors, permission_required_403
from zhengwu.org import selectors as org_selectors
from zhengwu.trading import selectors, services_experts
from zhengwu.trading.forms import attach_app_error
from zhengwu.trading.forms_award import ExpertAccountForm

PAGE_SIZE = 50


def _experts(request: HttpRequest):
    return selectors.expert_list(user=request.user).select_related("user").order_by("name", "id")


def expert_account_rows(user: Any, params: Any) -> Any:
    """The expert accounts list's rows for ``params`` (the screen and its Excel export read the same)."""
    q = (params.get("q") or "").strip()[:64]
    experts = (selectors.expert_list(user=user).select_related("user").prefetch_related("specialties")
               .order_by("name", "id"))
    return experts.filter(name__icontains=q) if q else experts


def _render(request: HttpRequest, *, form: ExpertAccountForm | None = None, status: int = 200) -> HttpResponse:
    can_link = request.user.has_perm("trading.manage_experts")
    q = (request.GET.get("q") or "").strip()[:64]
    experts = expert_account_rows(request.user, request.GET)
    page = Paginator(experts, PAGE_SIZE).get_page(request.GET.get("page"))
    if form is None and can_link:
        chosen = str(request.GET.get("expert") or "")
        form = ExpertAccountForm(initial={"expert": int(chosen)} if chosen.isdigit() else None,
                                 experts=_experts(request))
    return render(request, "trading/expert_accounts.html", {"page_obj": page, "form": form, "q": q}, status=status)


@require_GET
@permission_required_403("trading.view_experts")
@handles_app_errors
def expert_accounts(request: HttpRequest) -> HttpResponse:
    """专家账号: every expert with the account it signs in with (or none: staff record its sheets)."""
    return _render(request)


@require_POST
@permission_required_403("trading.manage_experts")
@handles_app_errors
def expert_account_link(request: HttpRequest) -> HttpResponse:
    form = ExpertAccountForm(request.POST, experts=_experts(request))
    status = 422
    if form.is_valid():
        expert = form.cleaned_data["expert"]
        account = org_selectors.users_visible_to(request.user).filter(
            username=form.cleaned_data["username"].strip(), is_active=True).first()
        if account is None:
            form.add_error("username", _("没有这个账号(或已停用)。"))
        else:
            try:
                services_experts.expert_account_link(actor=request.user, expert=expert, user=account)
            except AppError as exc:
                attach_app_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("专家%(name)s已关联账号 %(username)s。")
                                 % {"name": expert.name, "username": account.get_username()})
                return redirect("trading:expert_accounts")
    return _render(request, form=form, status=status)
