"""Forms of the login and of the TOTP second factor (org/views.py)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from zhengwu.core.forms import StyledForm

#: one message for an unknown name, a wrong password, a disabled account or a refused superuser
GENERIC_LOGIN_ERROR = _("用户名或密码错误。")


class LoginForm(AuthenticationForm):
    """Django's login form with one generic message: it never tells whether the account exists."""

    error_messages = {"invalid_login": GENERIC_LOGIN_ERROR, "inactive": GENERIC_LOGIN_ERROR}


class OtpTokenForm(StyledForm):
    token = forms.RegexField(label=_("动态口令"), regex=r"^\s*\d{6}\s*$", max_length=8,
                             error_messages={"invalid": _("动态口令为 6 位数字。"),
                                             "required": _("请输入动态口令。")},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "autofocus": True}))

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()
