"""Who may see and change what: queryset scoping per role, and action permissions."""
from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import Role, Task, WorkOrder
from .models import WorkOrderStatus as S
from .roles import roles_of


def visible_work_orders(user):
    """Makers see their own, supervisors everything but others' drafts, operators their own
    assignments. Anything else is not found (404), so ids of others' work leak nothing."""
    if user.is_superuser:
        return WorkOrder.objects.all()
    roles = roles_of(user)
    scope = Q(pk__in=[])
    if Role.MAKER in roles:
        scope |= Q(created_by=user)
    if Role.SUPERVISOR in roles:
        scope |= ~Q(status=S.DRAFT)
    if Role.OPERATOR in roles:
        scope |= Q(assignee=user)
    return WorkOrder.objects.filter(scope)


def visible_tasks(user):
    if user.is_superuser:
        return Task.objects.all()
    scope = Q(work_order__in=visible_work_orders(user))
    if Role.OPERATOR in roles_of(user):
        scope |= Q(operator=user)
    return Task.objects.filter(scope)


# The read cache's scopes (readcache.py): one per rule of visibility above, so that a write
# retires only the answers of readers who can see what it changed. reader_scopes() and
# work_order_scopes() mirror visible_work_orders() and visible_tasks(); the read cache's
# property test holds them to each other. PEOPLE is every reader's (names appear everywhere).
PEOPLE, EVERYTHING, SUPERVISORS = "people", "everything", "supervisors"


def reader_scopes(user) -> list[str]:
    """The scopes whose writes can change what this user reads."""
    roles = roles_of(user)
    scopes = [PEOPLE]
    if user.is_superuser:
        scopes.append(EVERYTHING)
    if Role.MAKER in roles:
        scopes.append(f"maker:{user.pk}")
    if Role.SUPERVISOR in roles:
        scopes.append(SUPERVISORS)
    if Role.OPERATOR in roles:
        scopes.append(f"operator:{user.pk}")
    return scopes


def work_order_scopes(created_by_id, statuses, assignee_ids) -> set[str]:
    """The scopes of every reader who can see a work order in any of these states."""
    scopes = {EVERYTHING, f"maker:{created_by_id}"}
    if any(status not in (S.DRAFT, None) for status in statuses):
        scopes.add(SUPERVISORS)
    return scopes | operator_scopes(assignee_ids)


def operator_scopes(operator_ids) -> set[str]:
    """Operators see the tasks assigned to them, whatever their work order."""
    return {f"operator:{pk}" for pk in operator_ids if pk is not None}


class HasRole(BasePermission):
    message = ("Your account has no role (maker, supervisor or operator); "
               "ask an administrator to add it to one of those groups.")

    def has_permission(self, request, view):
        return request.user.is_superuser or bool(roles_of(request.user))


class MakerEditsOwnDrafts(BasePermission):
    """Creating and editing are a maker's, on their own work; transitions check their own rules."""

    message = "Only a maker may create or edit work orders and tasks, and only their own."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS or getattr(view, "is_transition", False):
            return True
        return Role.MAKER in roles_of(request.user)

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS or getattr(view, "is_transition", False):
            return True
        work_order = obj if isinstance(obj, WorkOrder) else obj.work_order
        return work_order.created_by_id == request.user.pk


class IsSupervisor(BasePermission):
    message = "Only a supervisor may list operators."

    def has_permission(self, request, view):
        return request.user.is_superuser or Role.SUPERVISOR in roles_of(request.user)
