"""The list's rows are written out by hand (WorkOrderListSerializer.to_representation): they
must be exactly what DRF's fields, which the schema documents, would write for the same work
orders."""
import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from workorders.models import TaskStatus, WorkOrder
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


def test_the_page_count_reads_no_task(api, supervisor, work_order_in):
    work_order_in("assigned", tasks=3)
    with CaptureQueriesContext(connection) as captured:
        assert api(supervisor).get("/api/work-orders/").status_code == 200
    count = next(q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT"))
    assert "workorders_task" not in count, count
