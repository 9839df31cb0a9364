"""Pages counted by their own query answer exactly what Django's paginator, with a COUNT(*) of
its own, answers: the same count, links, rows and errors, in one query fewer."""
import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workorders.models import Task, WorkOrder
from workorders.pagination import Pagination

pytestmark = pytest.mark.django_db
PAGES = ["1", "2", "3", "4", "last", "abc", "1.5", "0", "-1", "99999", "9" * 30, ""]


def answers(client, url: str) -> tuple[list, int]:
    with CaptureQueriesContext(connection) as captured:
        got = [(r.status_code, r.json()) for r in
               (client.get(url, {"page": page, "page_size": 2}) for page in PAGES)]
    return got, len(captured)


@pytest.mark.parametrize("rows", [0, 1, 2, 5])
@pytest.mark.parametrize("url", ["/api/work-orders/", "/api/tasks/", "/api/work-orders/?"
                                 "ordering=priority&status=draft&search=W"])
def test_every_page_is_answered_as_djangos_paginator_answers_it(rows, url, api, maker,
                                                                monkeypatch, settings):
    settings.READ_CACHE_SECONDS = 0  # both computed, neither read from the other's entries
    work_orders = WorkOrder.objects.bulk_create(WorkOrder(title=f"W{n}", created_by=maker)
                                                for n in range(rows))
    Task.objects.bulk_create(Task(work_order=w, sequence=1, title="Step") for w in work_orders)
    client = api(maker)
    ours, our_queries = answers(client, url)
    monkeypatch.setattr(Pagination, "django_paginator_class", Paginator)
    djangos, django_queries = answers(client, url)
    assert ours == djangos
    # A count query fewer for each page that has rows (Django asks nothing more of an empty
    # first page than its count).
    assert our_queries < django_queries if rows else our_queries == django_queries


def test_a_page_has_one_query_for_its_rows_and_its_count(api, supervisor, work_order_in):
    for _ in range(3):
        work_order_in("submitted")
    with CaptureQueriesContext(connection) as captured:
        page = api(supervisor).get("/api/work-orders/", {"page_size": 2}).json()
    assert (page["count"], len(page["results"])) == (3, 2)
    assert [q["sql"] for q in captured][-1].count("OVER ()") == 1
