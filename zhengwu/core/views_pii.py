"""The "显示" button next to a masked ID number or phone: a small reason form (htmx), then the plain value.

The value is revealed by :func:`zhengwu.core.pii.personal_data_reveal` (permission, scope, reason, audit); an
object outside the user's scope is a 404, a short reason is the form again with its error (422).
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from zhengwu.core import pii
from zhengwu.core.forms import StyledForm, submit
from zhengwu.core.web import handles_app_errors, permission_required_403


class RevealForm(StyledForm):
    AUTO_ID = "reveal_%s"

    reason = forms.CharField(label=_("查看理由"), max_length=pii.REASON_MAX, min_length=pii.REASON_MIN,
                             widget=forms.TextInput(attrs={"placeholder": _("例如：核对申请人身份")}),
                             error_messages={"required": _("请填写查看理由。"),
                                             "min_length": _("查看理由至少 4 个字。")})


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required_403(pii.UNMASK)
@handles_app_errors
def reveal(request: HttpRequest, object_type: str, pk: int, field: str) -> HttpResponse:
    spec = pii.spec_for(object_type, field)
    context = {"object_type": object_type, "pk": pk, "field": field, "label": spec.fields[field][0],
               "slot": f"reveal-{object_type.replace('.', '-')}-{pk}-{field}"}
    if request.method == "GET":
        # Only an object in the user's scope gets a form (else 404, like the reveal itself).
        pii.find_visible(request.user, spec, pk)
        return render(request, "core/partials/_reveal_form.html", {**context, "form": RevealForm()})
    form = RevealForm(request.POST)
    done = submit(form, lambda data: pii.personal_data_reveal(actor=request.user, obj=(object_type, pk), field=field,
                                                              reason=data["reason"]))
    if done.ok:
        return render(request, "core/partials/_revealed.html", {**context, "value": done.value})
    return render(request, "core/partials/_reveal_form.html", {**context, "form": form}, status=done.status)
