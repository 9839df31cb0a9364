"""The seed command: 50+ work orders in every status, the role users, and idempotence."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from workorders.models import Task, Transition, WorkOrder, WorkOrderStatus

pytestmark = pytest.mark.django_db
APP_DIR = Path(__file__).resolve().parents[1]


def seed(**options) -> None:
    call_command("seed", stdout=open(os.devnull, "w"), **options)  # noqa: SIM115


def test_seeding_creates_50_plus_work_orders_in_every_status_with_tasks():
    seed()
    assert WorkOrder.objects.count() >= 50
    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert statuses == set(WorkOrderStatus.values)
    assert not WorkOrder.objects.filter(tasks__isnull=True).exists()
    assert Task.objects.filter(status="done").exists()
    # Seeded states were reached through the transitions, so the audit trail is complete.
    for work_order in WorkOrder.objects.exclude(status="draft"):
        assert work_order.transitions.filter(action="submit").count() == 1, work_order


def test_seeding_creates_the_role_users_that_can_log_in(monkeypatch):
    monkeypatch.setenv("SEED_PASSWORD", "s3cret-from-env")
    seed(users_per_role=3)
    for role in ("maker", "supervisor", "operator"):
        for username in (f"test_{role}", f"test_{role}_2", f"test_{role}_3"):
            user = authenticate(username=username, password="s3cret-from-env")
            assert user is not None, username
            assert list(user.groups.values_list("name", flat=True)) == [role]


def test_seeding_twice_changes_nothing():
    seed()
    before = (WorkOrder.objects.count(), Task.objects.count(), Transition.objects.count())
    seed()
    assert (WorkOrder.objects.count(), Task.objects.count(), Transition.objects.count()) == before


def test_asking_for_more_tops_up_without_duplicating():
    seed(work_orders=50)
    seed(work_orders=55)
    titles = list(WorkOrder.objects.values_list("title", flat=True))
    assert len(titles) == 55
    assert len(set(titles)) == 55


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="--users-per-role"):
        seed(users_per_role=0)


def test_production_settings_refuse_to_seed_without_a_password():
    env = {k: v for k, v in os.environ.items() if k != "SEED_PASSWORD"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production",
               DJANGO_SECRET_KEY="x" * 60, DJANGO_ALLOWED_HOSTS="example.test",
               DATABASE_URL="postgresql://nobody@127.0.0.1:9/none", REDIS_URL="redis://127.0.0.1:9")
    result = subprocess.run([sys.executable, "manage.py", "seed"], cwd=APP_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "SEED_PASSWORD is not set" in result.stderr
