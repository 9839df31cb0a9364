"""Work orders, their tasks, and the audit trail of every status change."""
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models


class Role(models.TextChoices):
    """Roles are auth groups of these names; a user's role decides what they see and may do."""

    MAKER = "maker"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"


class Priority(models.TextChoices):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class WorkOrderStatus(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class TaskStatus(models.TextChoices):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    DONE = "done"


def next_work_order_number() -> str:
    # A database sequence, not max()+1: numbers stay unique when many makers create at once.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('workorders_number_seq')")
        return f"WO-{cursor.fetchone()[0]:06d}"


class WorkOrder(models.Model):
    number = models.CharField(max_length=20, unique=True, default=next_work_order_number,
                              editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=10_000)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=WorkOrderStatus.choices,
                              default=WorkOrderStatus.DRAFT, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="work_orders_created", editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="work_orders_approved", null=True,
                                    editable=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="work_orders_assigned", null=True, editable=False)
    rejection_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, editable=False)
    approved_at = models.DateTimeField(null=True, editable=False)
    completed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The list filters and the default ordering, so the API's queries stay index scans.
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["priority"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["-created_at", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Task(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="tasks")
    sequence = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=TaskStatus.choices,
                              default=TaskStatus.PENDING, editable=False)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="tasks", null=True, editable=False)
    started_at = models.DateTimeField(null=True, editable=False)
    completed_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        ordering = ["work_order_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["work_order", "sequence"], name="task_sequence_unique")
        ]
        indexes = [models.Index(fields=["operator", "status"])]

    def __str__(self) -> str:
        return f"{self.work_order_id}#{self.sequence} {self.title}"


class Transition(models.Model):
    """One status change, who made it and when: the audit trail, written with the change."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE,
                                   related_name="transitions")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, related_name="transitions")
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="transitions")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    # The notification this change owed, and to whom, kept with it: a client that was offline
    # asks for what it missed by id (the WebSocket's `after`), and a Redis outage loses nothing.
    notification = models.JSONField(null=True, editable=False)
    audience_users = ArrayField(models.IntegerField(), default=list, editable=False)
    audience_roles = ArrayField(models.CharField(max_length=20), default=list, editable=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.work_order_id} {self.action}: {self.from_status} -> {self.to_status}"
