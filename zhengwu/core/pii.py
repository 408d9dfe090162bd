"""Personal data on screen: masked by default, revealed with a permission and a reason, always audited.

DOMAIN.md §14: ID numbers and phones are encrypted at rest (``core.fields.EncryptedCharField``) and shown masked
(``core.identifiers.mask_*``). A user who needs the full value asks for it with a reason;
:func:`personal_data_reveal` checks

* the permission ``core.unmask_personal_data`` — granted to the center administrator (scope: all) and to the
  window clerk and the department leader (scope: their department), the people who handle the cases;
* the object is visible to the user through its domain's own scoped selector (else 404);
* the field is one the object's kind declares revealable, and the reason is at least 4 characters,

then writes the audit event ``personal_data.reveal`` (object, field, reason — never the value) in the same
transaction and returns the plain value.

Kinds are registered here in :data:`REVEALABLE` (object type → how to find the object in the user's scope and
how to read each field). A domain adds its own with :func:`register_revealable`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from django.db import models, transaction

from zhengwu.core import audit
from zhengwu.core.errors import InvalidInput, NotFound
from zhengwu.core.inputs import clean_text
from zhengwu.core.permissions import get_visible, require
from zhengwu.org.roles import Role, grant

UNMASK = "core.unmask_personal_data"
REVEAL_ACTION = "personal_data.reveal"
REASON_MIN = 4
REASON_MAX = 200

grant(Role.CENTER_ADMIN, UNMASK)
grant(Role.WINDOW_CLERK, UNMASK)
grant(Role.DEPARTMENT_LEADER, UNMASK)


@dataclass(frozen=True)
class Revealable:
    """One kind of object with personal data: ``visible(user)`` is the domain's scoped queryset and
    ``fields`` maps a field name to (label, reader of the plain value)."""

    object_type: str
    visible: Callable[[Any], models.QuerySet]
    fields: dict[str, tuple[str, Callable[[Any], str]]]


REVEALABLE: dict[str, Revealable] = {}


def register_revealable(spec: Revealable) -> None:
    REVEALABLE[spec.object_type] = spec


def _cases_visible(user: Any) -> models.QuerySet:
    from zhengwu.cases.selectors import cases_visible_to

    return cases_visible_to(user).select_related("applicant_person")


def _applicant_id(case: Any) -> str:
    return (case.applicant_person.id_number or "") if case.applicant_person_id else ""


def _applicant_phone(case: Any) -> str:
    return (case.applicant_person.phone or "") if case.applicant_person_id else ""


register_revealable(Revealable(
    object_type="cases.case", visible=_cases_visible,
    fields={"applicant_id_number": ("身份证号", _applicant_id), "applicant_phone": ("联系电话", _applicant_phone)}))


def spec_for(object_type: str, field: str) -> Revealable:
    spec = REVEALABLE.get(object_type)
    if spec is None:
        raise NotFound("对象不存在或不在您的数据范围内。", field="object_type", code="unknown_object_type")
    if field not in spec.fields:
        raise InvalidInput(f"字段 {field} 不能显示明文。", field="field", code="field_not_revealable")
    return spec


def find_visible(actor: Any, spec: Revealable, object_id: Any) -> Any:
    """The object in ``actor``'s scope (NotFound for a malformed, out-of-range, absent or out-of-scope id)."""
    try:
        pk = int(str(object_id))
    except (TypeError, ValueError):
        raise NotFound("对象不存在或不在您的数据范围内。", field="object_id", code="not_found") from None
    if not 0 < pk < 2**63:
        raise NotFound("对象不存在或不在您的数据范围内。", field="object_id", code="not_found")
    return get_visible(spec.visible(actor), pk=pk)


def clean_reason(value: Any) -> str:
    reason = clean_text(value, field="reason", label="查看理由", max_length=REASON_MAX)
    if any(ord(char) < 32 or ord(char) == 127 for char in reason):
        raise InvalidInput("查看理由不能含有控制字符。", field="reason", code="control_characters")
    if len(reason) < REASON_MIN:
        raise InvalidInput(f"查看理由至少 {REASON_MIN} 个字。", field="reason", code="reason_too_short")
    return reason


def personal_data_reveal(*, actor: Any, obj: Any, field: str, reason: str) -> str:
    """The plain value of ``field`` of ``obj`` (a model instance or ``(object_type, pk)``), audited.

    Raises Forbidden without the permission, NotFound outside the user's scope, InvalidInput for an
    unknown field or a short reason. Nothing is written unless the value is returned.
    """
    require(actor, UNMASK)
    object_type, object_id = audit.object_ref(obj)
    spec = spec_for(object_type, field)
    reason = clean_reason(reason)
    target = find_visible(actor, spec, object_id)
    pk = target.pk
    label, read = spec.fields[field]
    value = read(target)
    with transaction.atomic():
        audit.record(actor=actor, action=REVEAL_ACTION, obj=(object_type, str(pk)), reason=reason,
                     payload={"field": field, "label": label, "empty": not value})
    return value
