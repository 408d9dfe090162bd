"""Core models: the audit chain, reminders and notifications, API tokens, the calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengwu.core.models_calendar import *  # noqa: F401,F403  (CalendarYear, CalendarOverride)


class AuditChain(models.Model):
    """The head of one of the independent audit chains (see core/audit.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_digest = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)
    #: the purge checkpoint: the sequence and digest of the last purged row (0 and "" before any purge), and a
    #: keyed MAC over both so that a forged checkpoint cannot hide a deleted prefix (see core/audit.purge)
    base_seq = models.BigIntegerField(default=0)
    base_digest = models.CharField(max_length=64, blank=True)
    base_mac = models.CharField(max_length=64, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计链")
        verbose_name_plural = _("审计链")


class AuditEvent(models.Model):
    """One append-only audit event, chained with a keyed SM3 hash."""

    chain = models.PositiveSmallIntegerField(_("链"))
    seq = models.BigIntegerField(_("序号"))
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", db_constraint=False)
    actor_label = models.CharField(_("操作人标识"), max_length=64)
    action = models.CharField(_("动作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象标识"), max_length=64)
    from_state = models.CharField(_("原状态"), max_length=32, blank=True)
    to_state = models.CharField(_("新状态"), max_length=32, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    request_id = models.CharField(_("请求号"), max_length=32)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    origin = models.CharField(_("来源"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")]
        # Every way the trail is read has an index (docs/query-plans.md): the latest events (``created_at``), one
        # action's latest, an object's timeline (type and id, or the id alone), one actor's, one request's.
        indexes = [
            models.Index(fields=["action", "created_at"], name="audit_action_idx"),
            models.Index(fields=["object_id", "object_type", "created_at"], name="audit_object_idx"),
            models.Index(fields=["actor_label", "created_at"], name="audit_actor_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"


class Reminder(models.Model):
    """A reminder about one object, one kind and one stage: the unique key makes a sweep idempotent."""

    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象标识"), max_length=64)
    kind = models.CharField(_("提醒类型"), max_length=32)
    stage = models.CharField(_("阶段"), max_length=32)
    level = models.CharField(_("级别"), max_length=16, default="yellow")
    message = models.CharField(_("内容"), max_length=255)
    url = models.CharField(_("链接"), max_length=255, blank=True)
    department = models.ForeignKey("org.Department", verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发送人"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    #: the object moved on within ``REMINDER_RESPONSE_DAYS`` working days of the reminder (derived)
    answered_in_time = models.BooleanField(_("及时响应"), default=False)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        constraints = [models.UniqueConstraint(fields=["object_type", "object_id", "kind", "stage"],
                                               name="reminder_once_per_stage")]
        indexes = [models.Index(fields=["object_type", "object_id"], name="reminder_object_idx")]

    def __str__(self) -> str:
        return self.message


class Notification(models.Model):
    """An entry of a user's in-app inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                                  related_name="notifications")
    title = models.CharField(_("标题"), max_length=128)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=255, blank=True)
    level = models.CharField(_("级别"), max_length=16, default="info")
    reminder = models.ForeignKey(Reminder, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.title


class ApiToken(models.Model):
    """A bearer token for the API. Only the SM3 digest of the token is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=64)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


class ExportJob(models.Model):
    """A large Excel export written in the background (core/exports.py); only its owner downloads the file."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.CASCADE,
                             related_name="export_jobs")
    name = models.CharField(_("导出名称"), max_length=64)
    title = models.CharField(_("标题"), max_length=128, blank=True)
    params = models.TextField(_("筛选条件"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file_path = models.CharField(_("文件"), max_length=255, blank=True)
    error = models.CharField(_("错误"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["user", "created_at"], name="export_job_user_idx")]

    def __str__(self) -> str:
        return f"{self.title or self.name} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(100, int(self.rows_done * 100 / self.rows_total)) if self.rows_total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
