from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Method(models.TextChoices):
    RANK = "rank", _("排名赋分")
    THRESHOLD = "threshold", _("阈值线性")
    TARGET = "target", _("目标达成")


class Grouping(models.TextChoices):
    DEPARTMENT = "department", _("部门")
    TOWNSHIP = "township", _("乡镇(街道)")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已晾晒")


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待答复")
    ADOPTED = "adopted", _("已采纳")
    DECLINED = "declined", _("未采纳")
