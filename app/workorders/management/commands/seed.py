"""Seed the role users and 50+ work orders in every status, through the real transitions.

Idempotent: users are created or updated, work orders are found by their seed title, and a
second run adds nothing. Passwords come from SEED_PASSWORD; only non-production settings have a
default.
"""
import datetime
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from workorders import transitions
from workorders.models import Priority, Role, Task, TaskStatus, WorkOrder
from workorders.models import WorkOrderStatus as S
from workorders.roles import ensure_role_groups

# Each seeded work order is taken along this path as far as its target status.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: ["submit"],
    S.REJECTED: ["submit", "reject"],
    S.APPROVED: ["submit", "approve"],
    S.ASSIGNED: ["submit", "approve", "assign"],
    S.IN_PROGRESS: ["submit", "approve", "assign", "start_first"],
    S.COMPLETED: ["submit", "approve", "assign", "complete_all"],
}
# Weighted towards the states the load test works on: submitted, assigned and in progress.
STATUS_CYCLE = [S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.APPROVED, S.SUBMITTED, S.ASSIGNED,
                S.DRAFT, S.COMPLETED, S.REJECTED, S.IN_PROGRESS]
PRIORITY_CYCLE = [Priority.NORMAL, Priority.HIGH, Priority.LOW, Priority.NORMAL, Priority.URGENT]
TASK_TITLES = ["Inspect", "Isolate and lock out", "Replace part", "Test run", "Sign off"]


def advance(work_order, status: str, maker, supervisor, operator) -> WorkOrder:
    """Take a draft with tasks to `status` through the real transitions, audit trail and all."""
    for step in PATHS[status]:
        if step == "start_first":
            transitions.change_task(work_order.tasks.first().pk, "start", operator)
        elif step == "complete_all":
            for task in work_order.tasks.exclude(status=TaskStatus.DONE):
                transitions.change_task(task.pk, "start", operator)
                transitions.change_task(task.pk, "complete", operator)
        else:
            transitions.change_work_order(
                work_order.pk, step, maker if step == "submit" else supervisor,
                reason="Seeded rejection: missing safety steps." if step == "reject" else "",
                assignee=operator if step == "assign" else None,
            )
    work_order.refresh_from_db()
    return work_order


def seed_title(index: int) -> str:
    return f"Seed work order {index:03d}"


class Command(BaseCommand):
    help = "Create the role users and at least 50 work orders with tasks in varied states."

    def add_arguments(self, parser):
        parser.add_argument("--work-orders", type=int, default=60,
                            help="How many seeded work orders should exist (default 60).")
        parser.add_argument("--users-per-role", type=int, default=1,
                            help="test_<role> plus test_<role>_2..N for each role (default 1).")

    def handle(self, *args, work_orders: int, users_per_role: int, **options):
        if work_orders < 0 or users_per_role < 1:
            raise CommandError("--work-orders must be >= 0 and --users-per-role >= 1.")
        password = os.environ.get("SEED_PASSWORD") or settings.SEED_DEFAULT_PASSWORD
        if not password:
            raise CommandError(
                "SEED_PASSWORD is not set, and these settings have no default password for the "
                "seeded users. Set SEED_PASSWORD and run the command again."
            )
        users = self._users(password, users_per_role)
        created = 0
        existing = set(WorkOrder.objects.filter(title__startswith="Seed work order ")
                       .values_list("title", flat=True))
        for index in range(1, work_orders + 1):
            if seed_title(index) not in existing:
                self._work_order(index, users)
                created += 1
        total = WorkOrder.objects.filter(title__startswith="Seed work order ").count()
        self.stdout.write(self.style.SUCCESS(
            f"Seeded {total} work orders ({created} new) and "
            f"{sum(len(u) for u in users.values())} users in roles "
            f"{', '.join(sorted(users))}."
        ))

    def _users(self, password: str, per_role: int) -> dict[str, list]:
        groups = ensure_role_groups()
        User = get_user_model()
        users = {}
        for role in Role.values:
            names = [f"test_{role}"] + [f"test_{role}_{n}" for n in range(2, per_role + 1)]
            users[role] = []
            for name in names:
                user, _ = User.objects.get_or_create(username=name)
                user.set_password(password)
                user.is_active = True
                user.save()
                user.groups.add(groups[role])
                Token.objects.get_or_create(user=user)
                users[role].append(user)
        return users

    def _work_order(self, index: int, users: dict[str, list]) -> None:
        def pick(role):
            return users[role][index % len(users[role])]

        maker, supervisor, operator = pick(Role.MAKER), pick(Role.SUPERVISOR), pick(Role.OPERATOR)
        with transaction.atomic():
            work_order = WorkOrder.objects.create(
                title=seed_title(index),
                description=f"Seeded for load and staging tests. Line {index % 7 + 1}, "
                            f"asset A-{1000 + index}.",
                priority=PRIORITY_CYCLE[index % len(PRIORITY_CYCLE)],
                due_date=datetime.date.today() + datetime.timedelta(days=index % 30),
                created_by=maker,
            )
            Task.objects.bulk_create(
                Task(work_order=work_order, sequence=n + 1, title=TASK_TITLES[n])
                for n in range(2 + index % 4)
            )
            advance(work_order, STATUS_CYCLE[index % len(STATUS_CYCLE)],
                    maker, supervisor, operator)
