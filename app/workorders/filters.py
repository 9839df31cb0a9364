"""Query-string filters for the work-order and task lists."""
import django_filters as filters

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


class TaskFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=TaskStatus.choices)
    operator = filters.CharFilter(field_name="operator__username")

    class Meta:
        model = Task
        fields = ["status", "work_order", "operator"]
