"""No N+1: the number of queries a list or detail view makes does not grow with the data."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize(("persona", "url"), [
    ("maker", "/api/work-orders/"),
    ("supervisor", "/api/work-orders/"),
    ("supervisor", "/api/work-orders/?status=assigned&ordering=-due_date&search=pump"),
    ("operator", "/api/work-orders/"),
    ("operator", "/api/tasks/"),
    ("supervisor", "/api/tasks/"),
    ("supervisor", "/api/operators/"),
])
def test_list_queries_do_not_grow_with_the_number_of_rows(persona, url, request, api,
                                                          work_order_in, make_user):
    client = api(request.getfixturevalue(persona))
    work_order_in("assigned", tasks=3)
    make_user("op_1", "operator")
    small = queries_for(client, url)
    for _ in range(12):
        work_order_in("assigned", tasks=3)
    for n in range(2, 10):
        make_user(f"op_{n}", "operator")
    large = queries_for(client, url)
    assert large == small, f"{url} as {persona}: {small} queries for 1 row, {large} for 13"


def test_a_work_order_with_many_tasks_is_read_in_constant_queries(api, work_order_in,
                                                                  supervisor):
    few = work_order_in("assigned", tasks=1)
    many = work_order_in("assigned", tasks=30)
    client = api(supervisor)
    assert queries_for(client, f"/api/work-orders/{few.pk}/") == queries_for(
        client, f"/api/work-orders/{many.pk}/")
    assert queries_for(client, f"/api/work-orders/{few.pk}/history/") == queries_for(
        client, f"/api/work-orders/{many.pk}/history/")


# The busiest reads, pinned: each query is a round trip to PostgreSQL on every request.
#   list: the token with its user and roles (one query), the page with its count;
#   detail: the token, the work order with its people, its tasks with their operators.
# (The first read: a repeat is answered from the read cache after the token query alone,
# test_readcache.py.)
@pytest.mark.parametrize(("path", "pinned"), [
    ("/api/work-orders/", 2),
    ("/api/work-orders/{id}/", 3),
    ("/api/tasks/", 2),
])
def test_the_busiest_reads_make_a_pinned_number_of_queries(path, pinned, api,
                                                           work_order_in, supervisor):
    work_order = work_order_in("assigned", tasks=3)
    client = api(supervisor)
    assert queries_for(client, path.format(id=work_order.pk)) == pinned


@pytest.mark.parametrize("query", ["status=draft", "search=nothing-like-it", "ordering=-id",
                                   "operator=nobody&work_order=0"])
def test_a_detail_ignores_the_lists_filters(query, api, work_order_in, supervisor):
    work_order = work_order_in("assigned", tasks=1)
    client = api(supervisor)
    for path in (f"/api/work-orders/{work_order.pk}/",
                 f"/api/tasks/{work_order.tasks.get().pk}/"):
        plain = client.get(path)
        assert client.get(f"{path}?{query}").json() == plain.json()
        assert plain.status_code == 200
