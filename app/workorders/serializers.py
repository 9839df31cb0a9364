"""API representations: a lean one for lists, a full one for a single work order."""
from datetime import UTC

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import serializers

from .models import Task, Transition, WorkOrder
from .roles import roles_of

User = get_user_model()


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "roles"]

    def get_roles(self, user) -> list[str]:
        return sorted(roles_of(user))


def _person(*, nullable: bool = False) -> serializers.SlugRelatedField:
    """A user shown by username; `nullable` where nobody may be set yet (the schema says so)."""
    return serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=nullable)


class TaskSerializer(serializers.ModelSerializer):
    operator = _person(nullable=True)  # until the work order is assigned

    class Meta:
        model = Task
        fields = ["id", "work_order", "sequence", "title", "status", "operator", "started_at",
                  "completed_at"]
        read_only_fields = ["work_order", "sequence"]


class NewTaskSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)


def _timestamp(value):
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in UTC, with Z."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The list's rows: response field -> column of the list's values() query.
LIST_COLUMNS = {
    "id": "id", "number": "number", "title": "title", "priority": "priority",
    "status": "status", "due_date": "due_date", "created_by": "created_by__username",
    "assignee": "assignee__username", "task_count": "task_count", "tasks_done": "tasks_done",
    "created_at": "created_at", "updated_at": "updated_at",
}


class WorkOrderListSerializer(serializers.ModelSerializer):
    """The fields declared here are the schema; the rows, dicts of the list's values() query,
    are written out directly: model instances and DRF's per-field machinery were half of a
    list's time (py-spy). test_lean_list holds both to the same output."""

    created_by = _person()
    assignee = _person(nullable=True)
    task_count = serializers.IntegerField(read_only=True)
    tasks_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = WorkOrder
        fields = list(LIST_COLUMNS)

    def to_representation(self, row: dict) -> dict:
        due = row["due_date"]
        return {
            "id": row["id"], "number": row["number"], "title": row["title"],
            "priority": row["priority"], "status": row["status"],
            "due_date": due.isoformat() if due is not None else None,
            "created_by": row["created_by__username"], "assignee": row["assignee__username"],
            "task_count": row["task_count"], "tasks_done": row["tasks_done"],
            "created_at": _timestamp(row["created_at"]),
            "updated_at": _timestamp(row["updated_at"]),
        }


class WorkOrderSerializer(serializers.ModelSerializer):
    """Create and edit (a maker's draft) and show one work order with its tasks."""

    created_by = _person()
    approved_by = _person(nullable=True)
    assignee = _person(nullable=True)
    tasks = TaskSerializer(many=True, read_only=True)
    new_tasks = NewTaskSerializer(many=True, write_only=True, required=False,
                                  max_length=50, help_text="Tasks to append, in order.")

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "title", "description", "priority", "due_date", "status",
                  "created_by", "approved_by", "assignee", "rejection_reason", "tasks",
                  "new_tasks", "created_at", "updated_at", "submitted_at", "approved_at",
                  "completed_at"]
        # Everything but title, description, priority and due_date is read-only: the model
        # marks status, people and timestamps editable=False, so only transitions change them.

    # The work order and its new tasks in one transaction: bulk_create() sends no signal, so the
    # read cache learns of the tasks from the work order's write, whose generations move on
    # once more at commit, after the tasks are in (not before, as they were in autocommit).
    @transaction.atomic
    def create(self, validated_data):
        new_tasks = validated_data.pop("new_tasks", [])
        work_order = WorkOrder.objects.create(**validated_data)
        self._append_tasks(work_order, new_tasks)
        return work_order

    @transaction.atomic
    def update(self, work_order, validated_data):
        new_tasks = validated_data.pop("new_tasks", [])
        work_order = super().update(work_order, validated_data)
        self._append_tasks(work_order, new_tasks)
        return work_order

    @staticmethod
    def _append_tasks(work_order, new_tasks):
        if not new_tasks:
            return
        last = work_order.tasks.order_by("-sequence").values_list("sequence", flat=True).first()
        start = (last or 0) + 1
        Task.objects.bulk_create(
            Task(work_order=work_order, sequence=start + i, title=t["title"])
            for i, t in enumerate(new_tasks)
        )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class UsernameField(serializers.SlugRelatedField):
    def to_internal_value(self, data):
        # Checked before the lookup: PostgreSQL refuses a NUL byte with an error, a 500.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class AssignSerializer(serializers.Serializer):
    assignee = UsernameField(slug_field="username", queryset=User.objects.all())


class TransitionSerializer(serializers.ModelSerializer):
    actor = _person()

    class Meta:
        model = Transition
        fields = ["id", "task", "action", "from_status", "to_status", "actor", "note", "at"]
