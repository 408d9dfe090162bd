"""Choices of the financial services supermarket (金融服务超市), with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("银行")
    GUARANTOR = "guarantor", _("担保公司")
    INSURER = "insurer", _("保险公司")


class ProductKind(models.TextChoices):
    LOAN = "loan", _("贷款")
    BID_GUARANTEE = "bid_guarantee", _("电子投标保函")
    INSURANCE = "insurance", _("保险")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("机构已受理")
    APPROVED = "approved", _("已批准")
    DECLINED = "declined", _("未获批准")
    ISSUED = "issued", _("保函已出具")
    DISBURSED = "disbursed", _("已放款")


APPLICATION_STATUS_TONES = {
    ApplicationStatus.SUBMITTED: Tone.GREY, ApplicationStatus.ACCEPTED: Tone.BLUE,
    ApplicationStatus.APPROVED: Tone.GREEN, ApplicationStatus.DECLINED: Tone.RED,
    ApplicationStatus.ISSUED: Tone.GREEN, ApplicationStatus.DISBURSED: Tone.GREEN,
}

#: an application that reached one of these states counts as a service provided (服务企业)
SERVED = (ApplicationStatus.APPROVED, ApplicationStatus.ISSUED, ApplicationStatus.DISBURSED)
