"""The one workflow engine. Nothing else assigns a status.

A domain declares its transitions once, as data::

    CASE_WORKFLOW = Workflow(
        model=Case,
        visible_to=cases_visible_to,          # the selector that scopes rows
        transitions=[
            Transition("accept", source={RECEIVED}, target=ACCEPTED, permission="cases.accept",
                       label=_("受理"), guard=must_be_in_acceptance_window),
            ...
        ],
    )

and every write goes through :meth:`Workflow.run`, which in one transaction

1. finds the row through the user's scope (outside the scope → 404),
2. checks the permission (403) and the source state (409),
3. runs the guard (which may refuse with a clear error, or stage more column updates),
4. updates by compare-and-set on ``status`` and ``version``
   (a concurrent change → 409 ``concurrent_change``, nothing written),
5. writes one audit event (from, to, actor, reason, payload),
6. runs the on-enter hooks (same transaction), and
7. defers the side effects to ``transaction.on_commit``.

:meth:`Workflow.available` answers "which buttons does this user get" for the
web and the API.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Generic, Iterable, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from zhengwu.core import audit, events
from zhengwu.core.errors import Conflict, Forbidden, InvalidInput, NotFound

M = TypeVar("M", bound=models.Model)


@dataclass
class TransitionContext:
    """What a guard or hook gets besides the object."""

    actor: Any
    transition: "Transition"
    from_state: str
    reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    now: datetime = field(default_factory=timezone.now)
    #: extra column values a guard stages for the same UPDATE
    updates: dict[str, Any] = field(default_factory=dict)
    #: extra values for the audit payload
    audit: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[Any, TransitionContext], None]
Hook = Callable[[Any, TransitionContext], None]


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str] | set[str]
    target: str
    permission: str
    label: Any = ""
    guard: Guard | None = None
    on_enter: tuple[Hook, ...] = ()
    after_commit: tuple[Hook, ...] = ()
    needs_reason: bool = False
    #: a transition the system takes itself (a deemed acceptance, a default review): no permission check
    system: bool = False
    #: button style: primary, secondary, success, danger, warning
    style: str = "primary"

    def __post_init__(self) -> None:
        object.__setattr__(self, "source", frozenset(self.source))


class Workflow(Generic[M]):
    def __init__(self, *, model: type[M], transitions: Iterable[Transition],
                 visible_to: Callable[[Any], models.QuerySet[M]], field_name: str = "status",
                 initial: str | None = None, select_related: tuple[str, ...] = ()) -> None:
        self.model = model
        #: relations the guards read, fetched with the row in the same query
        self.select_related = select_related
        self.field_name = field_name
        self.visible_to = visible_to
        self.initial = initial
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            if t.name in self.transitions:
                raise ValueError(f"transition {t.name!r} declared twice")
            self.transitions[t.name] = t

    # -- reading ----------------------------------------------------------------
    @property
    def states(self) -> set[str]:
        result = {t.target for t in self.transitions.values()}
        for t in self.transitions.values():
            result |= set(t.source)
        if self.initial:
            result.add(self.initial)
        return result

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise InvalidInput(f"未知的操作:{name}。", field="action", code="unknown_transition") from None

    def available(self, obj: M, user: Any) -> list[Transition]:
        """Transitions this user may start on this object now (guards are not run)."""
        state = getattr(obj, self.field_name)
        return [t for t in self.transitions.values()
                if not t.system and state in t.source and user is not None and user.has_perm(t.permission)]

    # -- writing ----------------------------------------------------------------
    def run(self, obj: M | Any, name: str, *, actor: Any, reason: str = "",
            payload: dict[str, Any] | None = None, now: datetime | None = None,
            expected_version: int | None = None) -> M:
        """Run transition ``name`` on ``obj`` as ``actor``.

        ``obj`` is an instance (its ``version`` is the version the caller saw) or a
        primary key (then ``expected_version``, if given, is the version the caller saw).
        """
        t = self.transition(name)
        reason = (reason or "").strip()
        with transaction.atomic():
            if isinstance(obj, self.model):
                pk, seen_version = obj.pk, getattr(obj, "version", None)
            else:
                pk, seen_version = obj, expected_version
            # A string actor ("demo", "import") is code acting for the system in a command or
            # job, never a request's user: like a system transition it is not scoped.
            trusted = t.system or isinstance(actor, str)
            source = self.model._default_manager.all() if trusted else self.visible_to(actor)
            if self.select_related:
                source = source.select_related(*self.select_related)
            current = source.filter(pk=pk).order_by().first()
            if current is None:
                raise NotFound("对象不存在或不在您的数据范围内。")
            if not trusted and (actor is None or not actor.has_perm(t.permission)):
                raise Forbidden(f"您没有“{t.label or t.name}”的权限。", code="permission_denied")
            from_state = getattr(current, self.field_name)
            if seen_version is not None and current.version != seen_version:
                raise Conflict("该记录已被他人修改,请刷新后重试。", code="concurrent_change")
            if from_state not in t.source:
                raise Conflict(
                    f"当前状态“{self.state_label(from_state)}”不能执行“{t.label or t.name}”。",
                    code="invalid_transition", details={"state": from_state, "action": t.name},
                )
            if t.needs_reason and not reason:
                raise InvalidInput(f"“{t.label or t.name}”必须填写理由。", field="reason", code="reason_required")
            ctx = TransitionContext(actor=actor, transition=t, from_state=from_state, reason=reason,
                                    payload=dict(payload or {}), now=now or timezone.now())
            if t.guard is not None:
                t.guard(current, ctx)
            updates = {self.field_name: t.target, "version": F("version") + 1, "status_changed_at": ctx.now,
                       **ctx.updates}
            changed = self.model._default_manager.filter(
                pk=current.pk, **{self.field_name: from_state}, version=current.version,
            ).update(**updates)
            if changed != 1:
                raise Conflict("该记录已被他人修改,请刷新后重试。", code="concurrent_change")
            before = copy.copy(current)
            # The compare-and-set succeeded, so the row now holds exactly these values.
            for column, value in ctx.updates.items():
                setattr(current, column, value)
            setattr(current, self.field_name, t.target)
            current.version += 1
            current.status_changed_at = ctx.now
            audit.record(actor=actor if not t.system or actor is not None else audit.SYSTEM_ACTOR,
                         action=f"{self.model._meta.model_name}.{t.name}", obj=current,
                         from_state=from_state, to_state=t.target, reason=reason,
                         payload={**ctx.payload, **ctx.audit})
            for hook in t.on_enter:
                hook(current, ctx)
            events.publish(f"{self.model._meta.label_lower}.transitioned", before=before, obj=current,
                           transition=t)
            for effect in t.after_commit:
                transaction.on_commit(lambda effect=effect: effect(current, ctx))
        return current

    def state_label(self, state: str) -> str:
        status_field = self.model._meta.get_field(self.field_name)
        return str(dict(status_field.flatchoices).get(state, state)) if status_field.choices else state


def create_with_status(model: type[M], *, actor: Any, initial: str, audit_action: str,
                       audit_payload: dict[str, Any] | None = None, **fields: Any) -> M:
    """Create a stateful row in its initial state and audit the creation.

    This is the only other place a status is assigned: the birth of a row.
    """
    with transaction.atomic(savepoint=False):
        obj = model._default_manager.create(status=initial, status_changed_at=timezone.now(), **fields)
        audit.record(actor=actor, action=audit_action, obj=obj, to_state=initial, payload=audit_payload or {})
        events.publish(f"{model._meta.label_lower}.created", obj=obj)
    return obj
