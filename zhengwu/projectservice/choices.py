"""Choices of project services, with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class FactorKind(models.TextChoices):
    WATER = "water", _("供水")
    ELECTRICITY = "electricity", _("供电")
    GAS = "gas", _("供气")
    TELECOM = "telecom", _("通信")


#: the unit a capacity is usually given in, per kind (the form's default)
DEFAULT_UNITS = {FactorKind.WATER: "吨/日", FactorKind.ELECTRICITY: "kVA", FactorKind.GAS: "立方米/日",
                 FactorKind.TELECOM: "Mbps"}


class FactorStatus(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    PROMISED = "promised", _("已承诺")
    CONNECTED = "connected", _("已接入")
    PROBLEM = "problem", _("存在问题")


FACTOR_STATUS_TONES = {FactorStatus.REQUESTED: Tone.GREY, FactorStatus.PROMISED: Tone.BLUE,
                       FactorStatus.CONNECTED: Tone.GREEN, FactorStatus.PROBLEM: Tone.RED}


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("企业")


#: bounds of the small integers the services accept
MAX_TRIPS_SAVED = 20
MAX_FOLLOW_UP_DAYS = 60
