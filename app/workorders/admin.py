"""Django admin for work orders, read-mostly: status changes go through the API's transitions."""
from django.contrib import admin

from .models import Task, Transition, WorkOrder


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0
    readonly_fields = ["status", "operator", "started_at", "completed_at"]


@admin.register(WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "status", "priority", "due_date", "created_by", "assignee"]
    list_filter = ["status", "priority"]
    search_fields = ["number", "title"]
    list_select_related = ["created_by", "assignee"]
    inlines = [TaskInline]


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ["at", "work_order", "task", "action", "from_status", "to_status", "actor"]
    list_select_related = ["work_order", "task", "actor"]
