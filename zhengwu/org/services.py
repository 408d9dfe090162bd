"""Every write of the organization app: ``<entity>_<verb>(*, actor, ...)``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from zhengwu.core import audit
from zhengwu.core.crypto import blind_index
from zhengwu.core.errors import Conflict, InvalidInput
from zhengwu.core.identifiers import validate_credit_code, validate_id_card, validate_mobile
from zhengwu.org.accounts import sessions_end
from zhengwu.org.models import (
    Department,
    Enterprise,
    EnterpriseRelation,
    Person,
    RelationRole,
    Region,
    RegionKind,
    RegionLevel,
    ServiceNode,
    ServiceNodeKind,
    User,
    Window,
)
from zhengwu.org.roles import ADMIN_ROLES, Role, ScopeKind

ID_PURPOSE = "id_number"
PHONE_PURPOSE = "phone"

_CHILD_LEVEL = {None: RegionLevel.DISTRICT, RegionLevel.DISTRICT: RegionLevel.TOWNSHIP,
                RegionLevel.TOWNSHIP: RegionLevel.VILLAGE}
_KINDS_BY_LEVEL = {
    RegionLevel.DISTRICT: {RegionKind.DISTRICT},
    RegionLevel.TOWNSHIP: {RegionKind.TOWNSHIP, RegionKind.SUBDISTRICT},
    RegionLevel.VILLAGE: {RegionKind.VILLAGE, RegionKind.COMMUNITY},
}


def region_create(*, actor: Any, code: str, name: str, kind: str, parent: Region | None = None,
                  sort: int = 0) -> Region:
    if not code.isdigit() or not 6 <= len(code) <= 12:
        raise InvalidInput("区划代码必须是 6 到 12 位数字。", field="code", code="bad_region_code")
    level = _CHILD_LEVEL.get(parent.level if parent else None)
    if level is None:
        raise InvalidInput("村(社区)下不能再设下级区划。", field="parent", code="region_too_deep")
    if kind not in _KINDS_BY_LEVEL[level]:
        allowed = "、".join(str(RegionKind(k).label) for k in sorted(_KINDS_BY_LEVEL[level]))
        raise InvalidInput(f"该层级的区划类型只能是:{allowed}。", field="kind", code="bad_region_kind")
    if Region.objects.filter(code=code).exists():
        raise Conflict(f"区划代码 {code} 已存在。", field="code", code="duplicate")
    with transaction.atomic():
        region = Region.objects.create(code=code, name=name, level=level, kind=kind, parent=parent, sort=sort)
        audit.record(actor=actor, action="region.create", obj=region, payload={"code": code, "name": name})
    return region


def department_create(*, actor: Any, code: str, name: str, short_name: str = "", sort: int = 0) -> Department:
    if not name.strip():
        raise InvalidInput("部门名称不能为空。", field="name", code="required")
    try:
        with transaction.atomic():
            dept = Department.objects.create(code=code, name=name.strip(), short_name=short_name, sort=sort)
            audit.record(actor=actor, action="department.create", obj=dept, payload={"code": code, "name": name})
    except IntegrityError:
        raise Conflict("部门编码或名称已存在。", field="code", code="duplicate") from None
    return dept


def window_create(*, actor: Any, department: Department, number: str, name: str, zone: str = "") -> Window:
    try:
        with transaction.atomic():
            window = Window.objects.create(department=department, number=number, name=name, zone=zone)
            audit.record(actor=actor, action="window.create", obj=window, payload={"number": number})
    except IntegrityError:
        raise Conflict(f"窗口号 {number} 已存在。", field="number", code="duplicate") from None
    return window


def service_node_create(*, actor: Any, kind: str, name: str, region: Region | None = None,
                        parent: ServiceNode | None = None, address: str = "") -> ServiceNode:
    if kind not in ServiceNodeKind.values:
        raise InvalidInput("未知的网点类型。", field="kind", code="bad_choice")
    if kind != ServiceNodeKind.CENTER and (parent is None or parent.kind == ServiceNodeKind.STATION):
        raise InvalidInput("分中心和驿站必须隶属于中心或分中心。", field="parent", code="parent_required")
    if kind == ServiceNodeKind.CENTER and ServiceNode.objects.filter(kind=ServiceNodeKind.CENTER).exists():
        raise Conflict("企业综合服务中心只能有一个。", field="kind", code="duplicate")
    with transaction.atomic():
        node = ServiceNode.objects.create(kind=kind, name=name, region=region, parent=parent, address=address)
        audit.record(actor=actor, action="service_node.create", obj=node, payload={"kind": kind, "name": name})
    return node


def enterprise_register(*, actor: Any, credit_code: str, name: str, legal_representative: str = "",
                        region: Region | None = None) -> Enterprise:
    code = validate_credit_code(credit_code, field="credit_code")
    if not name.strip():
        raise InvalidInput("企业名称不能为空。", field="name", code="required")
    existing = Enterprise.objects.filter(credit_code=code).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        ent = Enterprise.objects.create(credit_code=code, name=name.strip(),
                                        legal_representative=legal_representative, region=region)
        audit.record(actor=actor, action="enterprise.register", obj=ent, payload={"name": ent.name})
    return ent


def person_find(*, id_number: str) -> Person | None:
    number = validate_id_card(id_number, field="id_number")
    return Person.objects.filter(id_number_index=blind_index(number, purpose=ID_PURPOSE)).first()


def person_register(*, actor: Any, name: str, id_number: str, phone: str = "", audit_event: bool = True) -> Person:
    """Find a person by ID number (through the blind index) or register them.

    ``audit_event=False`` when the caller's own audit event records the person
    (a case receipt does), so one business operation writes one event.
    """
    if not name.strip():
        raise InvalidInput("姓名不能为空。", field="name", code="required")
    number = validate_id_card(id_number, field="id_number")
    mobile = validate_mobile(phone, field="phone") if phone else ""
    index = blind_index(number, purpose=ID_PURPOSE)
    person = Person.objects.filter(id_number_index=index).first()
    if person is not None:
        return person
    try:
        with transaction.atomic():
            person = Person.objects.create(
                name=name.strip(), id_number=number, id_number_index=index, phone=mobile,
                phone_index=blind_index(mobile, purpose=PHONE_PURPOSE) if mobile else "",
            )
            if audit_event:
                audit.record(actor=actor, action="person.register", obj=person)
    except IntegrityError:
        # A concurrent request registered the same person first: that row is the person.
        return Person.objects.get(id_number_index=index)
    return person


def _check_user_placement(*, role: str, department: Department | None, region: Region | None,
                          enterprise: Enterprise | None) -> None:
    if role in (Role.WINDOW_CLERK, Role.DEPARTMENT_LEADER) and department is None:
        raise InvalidInput("窗口人员和部门负责人必须指定所属部门。", field="department", code="required")
    if role == Role.TOWNSHIP_STAFF and (region is None or region.level != RegionLevel.TOWNSHIP):
        raise InvalidInput("乡镇(街道)工作人员必须指定所属乡镇(街道)。", field="region", code="required")
    if role == Role.VILLAGE_AGENT and (region is None or region.level != RegionLevel.VILLAGE):
        raise InvalidInput("代办员必须指定所属村(社区)。", field="region", code="required")
    if role in (Role.ENTERPRISE_USER, Role.INTERMEDIARY) and enterprise is None:
        raise InvalidInput("企业用户和中介机构用户必须指定所属企业。", field="enterprise", code="required")


def _check_password(password: str, user: User) -> None:
    """The password policy (settings.AUTH_PASSWORD_VALIDATORS: length, character classes, common passwords)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(";".join(exc.messages), field="password", code="weak_password") from None


def user_create(*, actor: Any, username: str, password: str | None, role: str, display_name: str = "",
                department: Department | None = None, region: Region | None = None,
                enterprise: Enterprise | None = None, person: Person | None = None,
                window: Window | None = None, scope_kind: str = "", is_staff: bool | None = None) -> User:
    """Create a user with a role and a placement that fits the role.

    A user holds exactly one role, so the system, security and audit
    administrator roles can never be combined in one account.
    """
    if role not in Role.values:
        raise InvalidInput(f"未知角色:{role}。", field="role", code="bad_choice")
    if scope_kind and scope_kind not in ScopeKind.values:
        raise InvalidInput(f"未知数据范围:{scope_kind}。", field="scope_kind", code="bad_choice")
    _check_user_placement(role=role, department=department, region=region, enterprise=enterprise)
    if User.objects.filter(username=username).exists():
        raise Conflict(f"用户名 {username} 已存在。", field="username", code="duplicate")
    if password:
        _check_password(password, User(username=username, display_name=display_name))
    staff = is_staff if is_staff is not None else role in (Role.SYSTEM_ADMIN, Role.CENTER_ADMIN)
    with transaction.atomic():
        user = User(username=username, display_name=display_name, role=role, scope_kind=scope_kind,
                    department=department, region=region, enterprise=enterprise, person=person, window=window,
                    is_staff=staff, is_superuser=False)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit.record(actor=actor, action="user.create", obj=user,
                     payload={"username": username, "role": role, "admin_role": role in ADMIN_ROLES})
    return user


def user_set_role(*, actor: Any, user: User, role: str) -> User:
    if role not in Role.values:
        raise InvalidInput(f"未知角色:{role}。", field="role", code="bad_choice")
    _check_user_placement(role=role, department=user.department, region=user.region, enterprise=user.enterprise)
    old = user.role
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=role)
        audit.record(actor=actor, action="user.set_role", obj=user,
                     payload={"from": old, "to": role, "admin_role": role in ADMIN_ROLES})
    user.refresh_from_db()
    if old != role:
        sessions_end(user)  # the new role starts with a new login
    return user


def user_set_active(*, actor: Any, user: User, active: bool, reason: str = "") -> User:
    """Enable or disable an account; disabling ends all its sessions at once."""
    if not active and getattr(actor, "pk", None) == user.pk:
        raise Conflict("不能停用自己的账号。", field="is_active", code="self_disable")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        audit.record(actor=actor, action="user.enable" if active else "user.disable", obj=user, reason=reason,
                     payload={"username": user.username})
    user.refresh_from_db()
    if not active:
        sessions_end(user)
    return user


def user_set_password(*, actor: Any, user: User, password: str) -> User:
    """Set a new password under the password policy; the user's sessions end (they sign in with the new one)."""
    if not password:
        raise InvalidInput("请输入新密码。", field="password", code="required")
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record(actor=actor, action="user.set_password", obj=user)
    sessions_end(user)
    return user


# --- who stands behind an enterprise (evidence for related bidders, 实施条例 §34) ------------------------------

PERSON_ONLY_ROLES = (RelationRole.LEGAL_REPRESENTATIVE, RelationRole.DIRECTOR)
ENTERPRISE_ONLY_ROLES = (RelationRole.PARENT,)


def _share_percent(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput("持股比例应为数字。", field="share_percent", code="invalid") from None
    if not share.is_finite() or share <= 0 or share > 100:
        raise InvalidInput("持股比例应大于 0 且不超过 100。", field="share_percent", code="out_of_range")
    return share.quantize(Decimal("0.01"))


def enterprise_relation_add(*, actor: Any, enterprise: Enterprise, role: str, person: Person | dict | None = None,
                            related_enterprise: Enterprise | None = None, share_percent: Any = None,
                            source: str = "") -> EnterpriseRelation:
    """Record that ``person`` (a Person, or ``{"name", "id_number"}``: found by the ID's blind index or
    registered) or ``related_enterprise`` stands behind ``enterprise`` in ``role``; the same relation again
    returns the recorded one. One audit event."""
    if role not in RelationRole.values:
        raise InvalidInput(f"未知的关系类型:{role}。", field="role", code="invalid_choice")
    if (person is None) == (related_enterprise is None):
        raise InvalidInput("自然人和关联企业须且只能填写一项。", field="person", code="person_xor_enterprise")
    if person is not None and role in ENTERPRISE_ONLY_ROLES:
        raise InvalidInput("控股单位须为企业。", field="related_enterprise", code="required")
    if related_enterprise is not None and role in PERSON_ONLY_ROLES:
        raise InvalidInput("法定代表人、董事监事高管须为自然人。", field="person", code="required")
    if related_enterprise is not None and related_enterprise.pk == enterprise.pk:
        raise InvalidInput("关联企业不能是企业本身。", field="related_enterprise", code="self_relation")
    share = _share_percent(share_percent)
    source = (source or "").strip()
    if len(source) > 64:
        raise InvalidInput("信息来源不能超过 64 个字符。", field="source", code="too_long")
    with transaction.atomic():
        if isinstance(person, dict):
            person = person_register(actor=actor, name=str(person.get("name") or ""),
                                     id_number=str(person.get("id_number") or ""), audit_event=False)
        elif person is not None and not isinstance(person, Person):
            raise InvalidInput("自然人应为姓名和身份证号。", field="person", code="invalid")
        lookup = {"enterprise": enterprise, "role": role, "person": person, "related_enterprise": related_enterprise}
        existing = EnterpriseRelation.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                relation = EnterpriseRelation.objects.create(**lookup, share_percent=share, source=source)
        except IntegrityError:  # recorded meanwhile
            return EnterpriseRelation.objects.get(**lookup)
        audit.record(actor=actor, action="enterprise.relation_add", obj=relation,
                     payload={"enterprise": enterprise.credit_code, "role": role,
                              "person": person.pk if person else None,
                              "related_enterprise": related_enterprise.credit_code if related_enterprise else None,
                              "share_percent": str(share) if share is not None else None, "source": source})
    return relation
