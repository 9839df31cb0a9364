"""The status flow of work orders and tasks: who may do what, from which status, to which.

The rules are a table rather than a state-machine library (django-fsm is unmaintained, and its
successors would hide this twenty-line table behind decorators). Every change runs in one
transaction with the work order's row locked, writes its audit row, and notifies after commit.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import notifications
from .metrics import TRANSITIONS
from .models import Role, Task, TaskStatus, Transition, WorkOrder
from .models import WorkOrderStatus as S
from .roles import has_role


class TransitionNotAllowed(Exception):
    """The change is not legal from the current status (HTTP 409); the message says why."""


@dataclass(frozen=True)
class Rule:
    role: Role
    sources: frozenset
    target: str


WORK_ORDER_RULES = {
    "submit": Rule(Role.MAKER, frozenset({S.DRAFT}), S.SUBMITTED),
    "approve": Rule(Role.SUPERVISOR, frozenset({S.SUBMITTED}), S.APPROVED),
    "reject": Rule(Role.SUPERVISOR, frozenset({S.SUBMITTED}), S.REJECTED),
    "revise": Rule(Role.MAKER, frozenset({S.REJECTED}), S.DRAFT),
    "assign": Rule(Role.SUPERVISOR, frozenset({S.APPROVED, S.ASSIGNED}), S.ASSIGNED),
}
TASK_RULES = {
    "start": Rule(Role.OPERATOR, frozenset({TaskStatus.PENDING}), TaskStatus.IN_PROGRESS),
    "complete": Rule(Role.OPERATOR, frozenset({TaskStatus.IN_PROGRESS}), TaskStatus.DONE),
}
# Tasks can be worked on only once their work order is in an operator's hands.
WORKABLE = frozenset({S.ASSIGNED, S.IN_PROGRESS})


def require_role(action: str, actor, what: str = "work order") -> None:
    rule = WORK_ORDER_RULES.get(action) or TASK_RULES[action]
    if not has_role(actor, rule.role):
        raise PermissionDenied(f"Only a {rule.role} may {action} a {what}.")


def _check(rule: Rule, action: str, actor, status: str, what: str) -> None:
    require_role(action, actor, what)
    if status not in rule.sources:
        allowed = " or ".join(sorted(rule.sources))
        raise TransitionNotAllowed(
            f"Cannot {action} a {what} that is {status}; it must be {allowed}."
        )


def change_work_order(work_order_id: int, action: str, actor, *, reason: str = "",
                      assignee=None) -> WorkOrder:
    """Apply a maker's or supervisor's action to a work order and return it updated."""
    rule = WORK_ORDER_RULES[action]
    with transaction.atomic():
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order_id)
        _check(rule, action, actor, work_order.status, "work order")
        if rule.role == Role.MAKER and work_order.created_by_id != actor.pk:
            raise PermissionDenied(
                f"Only the maker who created {work_order.number} may {action} it.")
        now = timezone.now()
        recipients, roles = {work_order.created_by_id}, set()
        if action == "submit":
            if not work_order.tasks.exists():
                raise TransitionNotAllowed(
                    "Cannot submit a work order without tasks; add one first.")
            work_order.submitted_at = now
            roles.add(Role.SUPERVISOR)
        elif action == "approve":
            work_order.approved_by, work_order.approved_at = actor, now
        elif action == "reject":
            if not reason.strip():
                raise TransitionNotAllowed("A rejection needs a reason for the maker.")
            work_order.rejection_reason = reason.strip()
        elif action == "revise":
            work_order.rejection_reason = ""
        elif action == "assign":
            if assignee is None or not has_role(assignee, Role.OPERATOR) or not assignee.is_active:
                raise TransitionNotAllowed(
                    "A work order can only be assigned to an active operator.")
            recipients |= {work_order.assignee_id, assignee.pk}  # the old assignee learns too
            work_order.assignee = assignee
            work_order.tasks.exclude(status=TaskStatus.DONE).update(operator=assignee)
        previous = work_order.status
        work_order.status = rule.target
        work_order.save()
        record = Transition.objects.create(
            work_order=work_order, action=action, from_status=previous, to_status=rule.target,
            actor=actor, note=reason.strip(),
            **notifications.addressed(f"work_order.{action}", work_order, actor, recipients, roles))
    TRANSITIONS.labels("work_order", action).inc()
    transaction.on_commit(lambda: notifications.publish(record))
    return work_order


def change_task(task_id: int, action: str, actor) -> Task:
    """Start or complete a task; the first start and the last completion move the work order."""
    rule = TASK_RULES[action]
    with transaction.atomic():
        # Lock the work order first, always in this order, so two tasks finishing at once agree
        # on which one completes it.
        work_order_id = Task.objects.values_list("work_order_id", flat=True).get(pk=task_id)
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order_id)
        task = Task.objects.select_for_update().get(pk=task_id)
        _check(rule, action, actor, task.status, "task")
        if task.operator_id != actor.pk:
            raise PermissionDenied("Only the operator the task is assigned to may work on it.")
        if work_order.status not in WORKABLE:
            raise TransitionNotAllowed(
                f"Cannot {action} a task of a work order that is {work_order.status}; "
                f"it must be assigned or in progress."
            )
        now = timezone.now()
        previous = task.status
        task.status = rule.target
        if action == "start":
            task.started_at = now
        else:
            task.completed_at = now
        task.save(update_fields=["status", "started_at", "completed_at"])
        wo_previous = work_order.status
        if action == "start" and work_order.status == S.ASSIGNED:
            work_order.status = S.IN_PROGRESS
        elif action == "complete" and not work_order.tasks.exclude(status=TaskStatus.DONE).exists():
            work_order.status, work_order.completed_at = S.COMPLETED, now
        moved = work_order.status != wo_previous
        event = "work_order.completed" if work_order.status == S.COMPLETED else f"task.{action}"
        # One event per change, kept on the last row written: the work order's when it moved.
        owed = notifications.addressed(event, work_order, actor,
                                       {work_order.created_by_id, work_order.approved_by_id},
                                       task=task)
        record = Transition.objects.create(work_order=work_order, task=task, action=action,
                                           from_status=previous, to_status=rule.target,
                                           actor=actor, **({} if moved else owed))
        if moved:
            work_order.save(update_fields=["status", "completed_at", "updated_at"])
            record = Transition.objects.create(work_order=work_order, action=work_order.status,
                                               from_status=wo_previous,
                                               to_status=work_order.status, actor=actor, **owed)
    TRANSITIONS.labels("task", action).inc()
    transaction.on_commit(lambda: notifications.publish(record))
    return task
