from django.db import models

from zhengwu.core.models_base import Stateful


class TicketStatus(models.TextChoices):
    OPEN = "open", "待处理"
    WORKING = "working", "处理中"
    DONE = "done", "已办结"
    CANCELLED = "cancelled", "已撤销"


class Ticket(Stateful):
    title = models.CharField(max_length=64)
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT)
    note = models.CharField(max_length=64, blank=True)

    class Meta:
        app_label = "sample"
