"""Choices of third-party information retrieval, with labels and tones defined once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.ui import Tone


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("企业")


class Source(models.TextChoices):
    INTERNAL = "internal", _("部门内跑")
    EXTERNAL = "external", _("外部系统")


class AnswerFormat(models.TextChoices):
    CERTIFICATE = "certificate", _("证明")
    STATUS = "status", _("状态查询")
    RECORDS = "records", _("记录清单")


class RequesterKind(models.TextChoices):
    HOUSEKEEPING = "housekeeping", _("家政服务机构")
    PLATFORM = "platform", _("平台企业")
    PROJECT_OWNER = "project_owner", _("政府投资项目业主")
    EMPLOYER = "employer", _("用人单位")


class RequesterStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    SUSPENDED = "suspended", _("暂停")


REQUESTER_STATUS_TONES = {RequesterStatus.ACTIVE: Tone.GREEN, RequesterStatus.SUSPENDED: Tone.YELLOW}


class RequestStatus(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("待授权")
    IN_PROGRESS = "in_progress", _("调取中")
    DELIVERED = "delivered", _("已交付")
    REFUSED = "refused", _("已拒绝授权")
    CONSENT_EXPIRED = "consent_expired", _("授权码过期")
    WITHDRAWN = "withdrawn", _("已撤回授权")


REQUEST_STATUS_TONES = {
    RequestStatus.AWAITING_CONSENT: Tone.YELLOW, RequestStatus.IN_PROGRESS: Tone.BLUE,
    RequestStatus.DELIVERED: Tone.GREEN, RequestStatus.REFUSED: Tone.RED,
    RequestStatus.CONSENT_EXPIRED: Tone.GREY, RequestStatus.WITHDRAWN: Tone.GREY,
}
#: a request in one of these states will not move any more
FINAL_REQUEST_STATES = (RequestStatus.REFUSED, RequestStatus.CONSENT_EXPIRED, RequestStatus.WITHDRAWN)


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("待决定")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("已拒绝")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")


CONSENT_STATUS_TONES = {ConsentStatus.PENDING: Tone.YELLOW, ConsentStatus.GRANTED: Tone.GREEN,
                        ConsentStatus.REFUSED: Tone.RED, ConsentStatus.WITHDRAWN: Tone.GREY,
                        ConsentStatus.EXPIRED: Tone.GREY}


class ConsentChannel(models.TextChoices):
    LINK = "link", _("短信链接")
    ACCOUNT = "account", _("本人账号")


class ItemStatus(models.TextChoices):
    WAITING = "waiting", _("待授权")
    ASSIGNED = "assigned", _("办理中")
    ANSWERED = "answered", _("已答复")
    UNAVAILABLE = "unavailable", _("系统暂不可用")
    CANCELLED = "cancelled", _("已取消")


ITEM_STATUS_TONES = {ItemStatus.WAITING: Tone.GREY, ItemStatus.ASSIGNED: Tone.BLUE,
                     ItemStatus.ANSWERED: Tone.GREEN, ItemStatus.UNAVAILABLE: Tone.RED,
                     ItemStatus.CANCELLED: Tone.GREY}
OPEN_ITEM_STATES = (ItemStatus.WAITING, ItemStatus.ASSIGNED)


class VerifyResult(models.TextChoices):
    VALID = "valid", _("真实有效")
    EXPIRED = "expired", _("已过期")
    WITHDRAWN = "withdrawn", _("授权已撤回,答复失效")
    MISMATCH = "mismatch", _("不存在或不匹配")


VERIFY_TONES = {VerifyResult.VALID: Tone.GREEN, VerifyResult.EXPIRED: Tone.YELLOW,
                VerifyResult.WITHDRAWN: Tone.GREY, VerifyResult.MISMATCH: Tone.RED}
