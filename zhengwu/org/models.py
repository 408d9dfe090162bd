"""Organization: regions, departments and windows, the enterprise service network,
market entities (enterprises, persons) and staff users with a role and a data scope."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.core.fields import EncryptedCharField
from zhengwu.core.identifiers import mask_credit_code, mask_id_card, mask_name, mask_phone
from zhengwu.org.roles import DEFAULT_SCOPE, Role, ScopeKind, permissions_of


class RegionLevel(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWNSHIP = "township", _("乡镇(街道)")
    VILLAGE = "village", _("村(社区)")


class RegionKind(models.TextChoices):
    DISTRICT = "district", _("区")
    TOWNSHIP = "township", _("乡镇")
    SUBDISTRICT = "subdistrict", _("街道")
    VILLAGE = "village", _("行政村")
    COMMUNITY = "community", _("社区")


class Region(models.Model):
    """A node of the region tree: district → township/subdistrict → village/community."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=RegionKind.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["level", "sort", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level="district", parent__isnull=True) | models.Q(parent__isnull=False)),
                name="region_parent_required_below_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def township_id(self) -> int | None:
        if self.level == RegionLevel.TOWNSHIP:
            return self.pk
        if self.level == RegionLevel.VILLAGE:
            return self.parent_id
        return None


class Department(models.Model):
    code = models.CharField(_("部门编码"), max_length=32, unique=True)
    name = models.CharField(_("部门名称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Window(models.Model):
    """A window (窗口) of a department in the hall."""

    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="windows")
    number = models.CharField(_("窗口号"), max_length=16, unique=True)
    name = models.CharField(_("窗口名称"), max_length=64)
    zone = models.CharField(_("区域"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class ServiceNodeKind(models.TextChoices):
    CENTER = "center", _("企业综合服务中心")
    SUB_CENTER = "sub_center", _("企业服务分中心")
    STATION = "station", _("企业服务驿站")


class ServiceNode(models.Model):
    """The enterprise service network "1+2+N": one center, two sub-centers, N stations."""

    kind = models.CharField(_("类型"), max_length=16, choices=ServiceNodeKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    address = models.CharField(_("地址"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("企业服务网点")
        verbose_name_plural = _("企业服务网点")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=models.Q(kind="center"), name="one_enterprise_center"),
        ]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """A market entity identified by its unified social credit code."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=32, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def credit_code_masked(self) -> str:
        return mask_credit_code(self.credit_code)


class Person(models.Model):
    """A natural person. ID number and phone are SM4-GCM encrypted with a keyed SM3
    blind index for exact lookups (see core/fields.py); write through org.services."""

    name = models.CharField(_("姓名"), max_length=32)
    id_number = EncryptedCharField(_("身份证号"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedCharField(_("手机号"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自然人")
        verbose_name_plural = _("自然人")
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], condition=~models.Q(id_number_index=""),
                                    name="person_unique_id_number"),
        ]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def id_number_masked(self) -> str:
        return mask_id_card(self.id_number or "")

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone or "")


class RelationRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    SHAREHOLDER = "shareholder", _("股东")
    ACTUAL_CONTROLLER = "actual_controller", _("实际控制人")
    DIRECTOR = "director", _("董事、监事或高级管理人员")
    PARENT = "parent", _("控股单位")


class EnterpriseRelation(models.Model):
    """Who stands behind an enterprise: a person (found by ID blind index) or another enterprise in a role.

    Evidence for related bidders on one section (招标投标法实施条例 §34: the same legal representative, or a
    controlling or managing relation). Either ``person`` or ``related_enterprise`` is set; write through
    ``org.services``."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="relations")
    role = models.CharField(_("关系"), max_length=24, choices=RelationRole.choices)
    person = models.ForeignKey(Person, verbose_name=_("自然人"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="enterprise_relations")
    related_enterprise = models.ForeignKey(Enterprise, verbose_name=_("关联企业"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="controlled_relations")
    share_percent = models.DecimalField(_("持股比例(%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    source = models.CharField(_("信息来源"), max_length=64, blank=True,
                              help_text=_("如:国家企业信用信息公示系统、投标文件"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("企业关联关系")
        verbose_name_plural = _("企业关联关系")
        ordering = ["enterprise", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, related_enterprise__isnull=True)
                           | models.Q(person__isnull=True, related_enterprise__isnull=False)),
                name="relation_person_xor_enterprise"),
            models.UniqueConstraint(fields=["enterprise", "role", "person"], condition=models.Q(person__isnull=False),
                                    name="relation_person_once"),
            models.UniqueConstraint(fields=["enterprise", "role", "related_enterprise"],
                                    condition=models.Q(related_enterprise__isnull=False),
                                    name="relation_enterprise_once"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_role_display()}"


class User(AbstractUser):
    """A user of the platform with exactly one role and a data scope."""

    display_name = models.CharField(_("姓名"), max_length=32, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.CITIZEN, db_index=True)
    scope_kind = models.CharField(_("数据范围"), max_length=16, choices=ScopeKind.choices, blank=True,
                                  help_text=_("留空则按角色默认"))
    department = models.ForeignKey(Department, verbose_name=_("所属部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="staff")
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="staff",
                               help_text=_("乡镇人员填乡镇,代办员填村(社区)"))
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("所属企业"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="users")
    person = models.ForeignKey(Person, verbose_name=_("自然人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    window = models.ForeignKey(Window, verbose_name=_("所在窗口"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="clerks")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash over the password, extended with the role and the active flag: a role change or
        a disabled account ends the user's sessions on their next request (org/accounts.py)."""
        from django.utils.crypto import salted_hmac

        key_salt = "zhengwu.org.User.get_session_auth_hash"
        value = f"{self.password}\x00{self.role}\x00{int(self.is_active)}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def scope(self) -> str:
        return self.scope_kind or DEFAULT_SCOPE.get(self.role, ScopeKind.OWN)

    @property
    def role_permissions(self) -> frozenset[str]:
        return permissions_of(self.role)

    @property
    def township(self) -> Region | None:
        if self.region is None:
            return None
        return self.region if self.region.level == RegionLevel.TOWNSHIP else self.region.parent
