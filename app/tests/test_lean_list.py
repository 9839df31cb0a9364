"""The list's rows are written out by hand (WorkOrderListSerializer.to_representation): they
must be exactly what DRF's fields, which the schema documents, would write for the same work
orders."""
import json

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from workorders.models import Task, TaskStatus, WorkOrder
from workorders.serializers import WorkOrderListSerializer

pytestmark = pytest.mark.django_db


def drf_would_write(work_order_id: int) -> dict:
    annotated = WorkOrder.objects.annotate(
        task_count=Count("tasks"),
        tasks_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
    ).get(pk=work_order_id)
    return serializers.ModelSerializer.to_representation(WorkOrderListSerializer(), annotated)


def test_every_row_is_what_drfs_fields_would_write(api, maker, work_order_in):
    statuses = {"draft": 0, "submitted": 1, "assigned": 3, "in_progress": 2, "completed": 2}
    for status, tasks in statuses.items():
        work_order = work_order_in(status, tasks=tasks)
        if status == "draft":
            work_order.due_date = "2027-01-31"
            work_order.save()
    rows = api(maker).get("/api/work-orders/?page_size=100").json()["results"]
    assert {row["status"] for row in rows} == set(statuses)
    assert any(row["due_date"] for row in rows)
    assert any(row["assignee"] for row in rows)
    for row in rows:
        assert row == drf_would_write(row["id"])


def test_the_pages_count_reads_no_task_beyond_the_pages_rows(api, supervisor, maker):
    """The count is the page query's COUNT(*) OVER (): PostgreSQL counts the tasks of the page's
    rows only (each task count's subplan runs once per row of the page), not of all it counts."""
    work_orders = WorkOrder.objects.bulk_create(
        WorkOrder(title=f"W{n}", created_by=maker, status="submitted") for n in range(30))
    Task.objects.bulk_create(Task(work_order=w, sequence=1, title="Step") for w in work_orders)
    with CaptureQueriesContext(connection) as captured:
        page = api(supervisor).get("/api/work-orders/", {"page_size": 5}).json()
    assert (page["count"], len(page["results"])) == (30, 5)
    sql = next(q["sql"] for q in captured if "OVER ()" in q["sql"])
    assert not any(q["sql"].startswith("SELECT COUNT") for q in captured)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan

    def subplan_loops(node):
        if node.get("Subplan Name"):
            yield node["Subplan Name"], node["Actual Loops"]
        for child in node.get("Plans", []):
            yield from subplan_loops(child)

    loops = dict(subplan_loops(plan[0]["Plan"]))
    assert len(loops) == 2, plan  # the two task counts
    assert all(n <= 5 for n in loops.values()), loops
