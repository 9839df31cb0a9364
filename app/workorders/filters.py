"""Query-string filters for the work-order and task lists."""
import django_filters as filters
from django.db.models import Case, IntegerField, Value, When
from rest_framework.filters import OrderingFilter

from .models import Priority, Task, TaskStatus, WorkOrder, WorkOrderStatus


class WorkOrderFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=WorkOrderStatus.choices)
    priority = filters.MultipleChoiceFilter(choices=Priority.choices)
    assignee = filters.CharFilter(field_name="assignee__username")
    created_by = filters.CharFilter(field_name="created_by__username")
    due_after = filters.DateFilter(field_name="due_date", lookup_expr="gte")
    due_before = filters.DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = WorkOrder
        fields = ["status", "priority", "assignee", "created_by", "due_after", "due_before"]


def _visible_work_orders(request):
    from .permissions import visible_work_orders

    return visible_work_orders(request.user)


class TaskFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    # Only visible work orders are valid choices: a hidden id and a missing one look the same.
    work_order = filters.ModelChoiceFilter(queryset=_visible_work_orders)
    operator = filters.CharFilter(field_name="operator__username")

    class Meta:
        model = Task
        fields = ["status", "work_order", "operator"]


PRIORITY_RANK = Case(*(When(priority=p, then=Value(n)) for n, p in enumerate(Priority.values)),
                     output_field=IntegerField())


class WorkOrderOrdering(OrderingFilter):
    """`ordering=priority` sorts by severity (low to urgent), not alphabetically."""

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering or not any(f.lstrip("-") == "priority" for f in ordering):
            return super().filter_queryset(request, queryset, view)
        ranked = [f.replace("priority", "priority_rank") for f in ordering]
        return queryset.annotate(priority_rank=PRIORITY_RANK).order_by(*ranked, "-id")
