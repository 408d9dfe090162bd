"""Kinds and stages of investment projects, with their labels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectType(models.TextChoices):
    GOVERNMENT = "government", _("政府投资项目(审批)")
    APPROVAL = "approval", _("企业投资项目(核准)")
    FILING = "filing", _("企业投资项目(备案)")


class RiskClass(models.TextChoices):
    LOW_RISK = "low_risk", _("低风险小型建筑工程")
    GENERAL = "general", _("一般项目")
    MAJOR = "major", _("重大项目")


class Stage(models.TextChoices):
    """The four stages of a construction project's approvals, in order."""

    LAND_PLANNING = "land_planning", _("立项用地规划许可")
    CONSTRUCTION_PLANNING = "construction_planning", _("工程建设许可")
    CONSTRUCTION_PERMIT = "construction_permit", _("施工许可")
    COMPLETION = "completion", _("竣工验收")


STAGE_ORDER = [Stage.LAND_PLANNING, Stage.CONSTRUCTION_PLANNING, Stage.CONSTRUCTION_PERMIT, Stage.COMPLETION]

STAGE_INDEX = {stage.value: i for i, stage in enumerate(STAGE_ORDER)}


class ApplicationStatus(models.TextChoices):
    """A combined application (多合一): its items run in parallel as cases of the cases app."""

    IN_PROGRESS = "in_progress", _("并联办理中")
    READY = "ready", _("待出具批件")
    ISSUED = "issued", _("已出具批件")
    STOPPED = "stopped", _("已终止")


APPLICATION_STATUS_TONES = {
    ApplicationStatus.IN_PROGRESS: "blue",
    ApplicationStatus.READY: "yellow",
    ApplicationStatus.ISSUED: "green",
    ApplicationStatus.STOPPED: "red",
}

#: the working-day target of a low-risk project's construction permit (DOMAIN.md §13)
LOW_RISK_PERMIT_TARGET_DAYS = 3
#: the 2024 goal: average elapsed working days 20 % below the year before
YEAR_ON_YEAR_GOAL_PERCENT = 20
