"""Who may do what: the permission matrix, list visibility, filters, pagination, login, schema."""
import datetime
import re

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.urls import get_resolver
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workorders.management.commands.seed import advance
from workorders.models import Task, Transition, WorkOrder, WorkOrderStatus

pytestmark = pytest.mark.django_db
ALL_STATUSES = list(WorkOrderStatus.values)
PERSONAS = ("anonymous", "nobody", "maker", "other_maker", "supervisor", "operator",
            "other_operator")

# The permission matrix. Each row: a request, the status of the work order it acts on (chosen so
# the action is legal for the right person: what differs is who asks), and the status code for
# each persona, in PERSONAS order. {wo} is that work order, {task} its first task. "maker" created
# the work order; "operator" is its assignee from "assigned" on.
#
# DRF checks in this order: authentication (401), the view's permissions (403), the method
# (405), visibility (404), then the transition's own role rule (403). So a supervisor's PUT is
# 403, a maker's 405, and a wrong role on a work order it cannot see is 404, not 403.
MATRIX = [
    # method   path                              state          anon nobd mkr  omkr sup  op   oop
    ("GET",    "/api/work-orders/",              "assigned",    401, 403, 200, 200, 200, 200, 200),
    ("POST",   "/api/work-orders/",              "draft",       401, 403, 201, 201, 403, 403, 403),
    ("GET",    "/api/work-orders/{wo}/",         "draft",       401, 403, 200, 404, 404, 404, 404),
    ("GET",    "/api/work-orders/{wo}/",         "assigned",    401, 403, 200, 404, 200, 200, 404),
    ("PATCH",  "/api/work-orders/{wo}/",         "draft",       401, 403, 200, 404, 403, 403, 403),
    ("PUT",    "/api/work-orders/{wo}/",         "draft",       401, 403, 405, 405, 403, 403, 403),
    ("DELETE", "/api/work-orders/{wo}/",         "draft",       401, 403, 204, 404, 403, 403, 403),
    ("POST",   "/api/work-orders/{wo}/submit/",  "draft",       401, 403, 200, 404, 404, 404, 404),
    ("POST",   "/api/work-orders/{wo}/approve/", "submitted",   401, 403, 403, 404, 200, 404, 404),
    ("POST",   "/api/work-orders/{wo}/reject/",  "submitted",   401, 403, 403, 404, 200, 404, 404),
    ("POST",   "/api/work-orders/{wo}/revise/",  "rejected",    401, 403, 200, 404, 403, 404, 404),
    ("POST",   "/api/work-orders/{wo}/assign/",  "approved",    401, 403, 403, 404, 200, 404, 404),
    ("POST",   "/api/work-orders/{wo}/assign/",  "assigned",    401, 403, 403, 404, 200, 403, 404),
    ("GET",    "/api/work-orders/{wo}/history/", "draft",       401, 403, 200, 404, 404, 404, 404),
    ("GET",    "/api/work-orders/{wo}/history/", "assigned",    401, 403, 200, 404, 200, 200, 404),
    ("GET",    "/api/tasks/",                    "assigned",    401, 403, 200, 200, 200, 200, 200),
    ("POST",   "/api/tasks/",                    "draft",       401, 403, 405, 405, 403, 403, 403),
    ("GET",    "/api/tasks/{task}/",             "assigned",    401, 403, 200, 404, 200, 200, 404),
    ("PATCH",  "/api/tasks/{task}/",             "draft",       401, 403, 200, 404, 403, 403, 403),
    ("PUT",    "/api/tasks/{task}/",             "draft",       401, 403, 405, 405, 403, 403, 403),
    ("DELETE", "/api/tasks/{task}/",             "draft",       401, 403, 204, 404, 403, 403, 403),
    ("POST",   "/api/tasks/{task}/start/",       "assigned",    401, 403, 403, 404, 403, 200, 404),
    ("POST",   "/api/tasks/{task}/complete/",    "in_progress", 401, 403, 403, 404, 403, 200, 404),
    ("GET",    "/api/operators/",                "draft",       401, 403, 403, 403, 200, 403, 403),
    # A user without a role may still ask who they are: a client can then say "you have no role".
    ("GET",    "/api/me/",                       "draft",       401, 200, 200, 200, 200, 200, 200),
    # Everyone posts their own credentials; anonymous posts the maker's.
    ("POST",   "/api/auth/token/",               "draft",       200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/api/auth/token/",               "draft",       405, 405, 405, 405, 405, 405, 405),
    # drf-spectacular serves the schema with AllowAny (its SERVE_PERMISSIONS default).
    ("GET",    "/api/schema/",                   "draft",       200, 200, 200, 200, 200, 200, 200),
    # The router's API root only checks IsAuthenticated: a user without a role sees the links.
    ("GET",    "/api/",                          "draft",       401, 200, 200, 200, 200, 200, 200),
    # Outside /api/: open to all; nginx keeps /metrics/ from the public in production.
    ("GET",    "/health/live/",                  "draft",       200, 200, 200, 200, 200, 200, 200),
    ("POST",   "/health/live/",                  "draft",       405, 405, 405, 405, 405, 405, 405),
    ("GET",    "/health/ready/",                 "draft",       200, 200, 200, 200, 200, 200, 200),
    ("GET",    "/metrics/",                      "draft",       200, 200, 200, 200, 200, 200, 200),
]  # fmt: skip


def _matrix_cases():
    for method, path, state, *codes in MATRIX:
        assert len(codes) == len(PERSONAS), (method, path)
        for persona, code in zip(PERSONAS, codes, strict=True):
            yield pytest.param(method, path, state, persona, code,
                               id=f"{method} {path} [{state}] as {persona} -> {code}")


def body_for(method: str, path: str, persona: str, users: dict) -> dict | None:
    """A valid body for the request, so that a refusal is never about the body."""
    action = path.rstrip("/").rsplit("/", 1)[-1]
    if method == "GET":
        return None
    if path == "/api/auth/token/":
        user = users["maker" if persona == "anonymous" else persona]
        return {"username": user.username, "password": f"pw-{user.username}"}
    if path == "/api/work-orders/" or method in ("PATCH", "PUT"):
        return {"title": "Changed by the request", "new_tasks": [{"title": "Added step"}]}
    return {"reject": {"reason": "No lock-out step"},
            "assign": {"assignee": users["operator"].username}}.get(action)


def snapshot() -> tuple:
    """Everything a refused request must leave as it was."""
    return (list(WorkOrder.objects.order_by("pk").values_list()),
            list(Task.objects.order_by("pk").values_list()),
            Transition.objects.count())


@pytest.fixture
def users(maker, other_maker, supervisor, operator, other_operator, nobody):
    return {"anonymous": None, "nobody": nobody, "maker": maker, "other_maker": other_maker,
            "supervisor": supervisor, "operator": operator, "other_operator": other_operator}


@pytest.mark.parametrize(("method", "path", "state", "persona", "expected"),
                         list(_matrix_cases()))
def test_each_persona_gets_the_expected_status_code_from_each_endpoint(
        method, path, state, persona, expected, api, users, work_order_in):
    work_order = work_order_in(state)
    url = path.format(wo=work_order.pk, task=work_order.tasks.order_by("sequence").first().pk)
    body = body_for(method, path, persona, users)
    before = snapshot()

    client = api(users[persona])
    response = (client.get(url) if method == "GET"
                else getattr(client, method.lower())(url, body, format="json"))

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert snapshot() == before


def test_the_matrix_covers_every_api_route():
    """A new route must be added to MATRIX: compare with the routes Django actually resolves."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    routes = {r for r in walk(get_resolver().url_patterns)
              if not r.startswith("admin/") and "format" not in r}
    normalised = {re.sub(r"\(\?P<pk>[^)]*\)", "{id}", r).replace("^", "").replace("$", "")
                  for r in routes}
    covered = {p.lstrip("/").replace("{wo}", "{id}").replace("{task}", "{id}")
               for _, p, *_ in MATRIX}
    assert normalised - covered == set()


# --- List visibility ---------------------------------------------------------------------------

# The world: each maker has one work order in every status; the maker's are assigned (from
# "assigned" on) to operator, the other maker's to other_operator. On top, other_operator is the
# operator of one task of a work order assigned to operator (a hand-over): the task, not its
# work order, becomes visible to them.
LATE = ("assigned", "in_progress", "completed")
VISIBLE = {
    "maker": {("maker", s) for s in ALL_STATUSES},
    "other_maker": {("other_maker", s) for s in ALL_STATUSES},
    "supervisor": {(m, s) for m in ("maker", "other_maker") for s in ALL_STATUSES if s != "draft"},
    "operator": {("maker", s) for s in LATE},
    "other_operator": {("other_maker", s) for s in LATE},
    "superuser": {(m, s) for m in ("maker", "other_maker") for s in ALL_STATUSES},
}
HANDED_OVER = ("maker", "assigned")  # its second task's operator is other_operator


@pytest.fixture
def world(users, work_order_in, supervisor):
    work_orders = {}
    for status in ALL_STATUSES:
        work_orders["maker", status] = work_order_in(status)
        other = work_order_in("draft", created_by=users["other_maker"])
        work_orders["other_maker", status] = advance(other, status, users["other_maker"],
                                                     supervisor, users["other_operator"])
    handed = work_orders[HANDED_OVER].tasks.get(sequence=2)
    Task.objects.filter(pk=handed.pk).update(operator=users["other_operator"])
    return work_orders, handed


def _ids(client, url: str) -> list[int]:
    response = client.get(url, {"page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return sorted(row["id"] for row in body["results"])


@pytest.mark.parametrize("persona", sorted(VISIBLE))
def test_each_persona_lists_exactly_the_work_orders_and_tasks_it_may_see(
        persona, world, users, api, make_user):
    work_orders, handed = world
    user = users.get(persona) or make_user("root", is_superuser=True)
    expected = [work_orders[key] for key in VISIBLE[persona]]
    expected_tasks = {t.pk for wo in expected for t in wo.tasks.all()}
    if persona == "other_operator":
        expected_tasks.add(handed.pk)

    assert _ids(api(user), "/api/work-orders/") == sorted(wo.pk for wo in expected)
    assert _ids(api(user), "/api/tasks/") == sorted(expected_tasks)


@pytest.mark.parametrize("persona", ["anonymous", "nobody"])
def test_without_a_role_no_list_is_shown(persona, world, users, api):
    for url in ("/api/work-orders/", "/api/tasks/"):
        response = api(users[persona]).get(url)
        assert response.status_code == (401 if persona == "anonymous" else 403)
        assert "results" not in response.json()


def test_every_hidden_work_order_is_404_for_its_detail_and_history(world, users, api):
    work_orders, _ = world
    for persona in ("maker", "other_maker", "supervisor", "operator", "other_operator"):
        client = api(users[persona])
        for key, work_order in work_orders.items():
            visible = key in VISIBLE[persona]
            for suffix in ("", "history/"):
                response = client.get(f"/api/work-orders/{work_order.pk}/{suffix}")
                assert response.status_code == (200 if visible else 404), (persona, key, suffix)


# --- Search, filters and ordering ----------------------------------------------------------------

# Seen by the supervisor: five non-drafts, plus a draft matching most queries that must never show.
CATALOGUE = {
    # name       title            description           priority  due          status      maker/op
    "alpha":   ("Alpha pump",     "",                   "high",   "2030-01-10", "submitted", 1),
    "beta":    ("Beta valve",     "Fix the PUMP seal",  "low",    "2030-02-10", "approved",  1),
    "gamma":   ("Gamma belt",     "",                   "urgent", None,         "assigned",  1),
    "delta":   ("Delta motor",    "",                   "normal", "2030-03-10", "in_progress", 2),
    "eps":     ("Epsilon fan",    "",                   "normal", "2030-02-20", "completed", 2),
    "hidden":  ("Hidden pump",    "pump",               "urgent", "2030-02-15", "draft",     1),
}  # fmt: skip
FILTERS = [
    ("status=submitted", {"alpha"}),
    ("status=approved&status=assigned", {"beta", "gamma"}),
    ("status=draft", set()),
    ("priority=urgent", {"gamma"}),
    ("priority=high&priority=low", {"alpha", "beta"}),
    ("assignee=olga_operator", {"gamma"}),
    ("assignee=otto_operator", {"delta", "eps"}),
    ("assignee=nobody_at_all", set()),
    ("created_by=mo_maker", {"delta", "eps"}),
    ("created_by=maria_maker&priority=normal", set()),
    ("due_after=2030-02-10", {"beta", "delta", "eps"}),
    ("due_before=2030-02-10", {"alpha", "beta"}),
    ("due_after=2030-02-01&due_before=2030-02-28", {"beta", "eps"}),
    ("search=pump", {"alpha", "beta"}),
    ("search=BELT", {"gamma"}),
    ("search={gamma_number}", {"gamma"}),
    ("search=pump&status=approved", {"beta"}),
    ("search=no-such-words", set()),
]
ORDERINGS = [
    ("ordering=due_date", ["alpha", "beta", "eps", "delta", "gamma"]),  # nulls last
    ("ordering=-number", ["eps", "delta", "gamma", "beta", "alpha"]),
    ("ordering=priority,number", ["beta", "delta", "eps", "alpha", "gamma"]),  # by severity
    ("ordering=-priority", ["gamma", "alpha", "eps", "delta", "beta"]),  # ties: newest first
    ("ordering=not_a_field", ["eps", "delta", "gamma", "beta", "alpha"]),  # ignored: newest first
]


@pytest.fixture
def catalogue(users, supervisor):
    made = {}
    for name, (title, description, priority, due, status, who) in CATALOGUE.items():
        maker = users["maker" if who == 1 else "other_maker"]
        operator = users["operator" if who == 1 else "other_operator"]
        work_order = WorkOrder.objects.create(
            title=title, description=description, priority=priority, created_by=maker,
            due_date=datetime.date.fromisoformat(due) if due else None)
        Task.objects.bulk_create(Task(work_order=work_order, sequence=n, title=f"{name} {n}")
                                 for n in (1, 2))
        made[name] = advance(work_order, status, maker, supervisor, operator)
    return made


def _names(response, catalogue) -> list[str]:
    assert response.status_code == 200, response.content
    by_id = {wo.pk: name for name, wo in catalogue.items()}
    return [by_id[row["id"]] for row in response.json()["results"]]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q for q, _ in FILTERS])
def test_work_order_filters_and_search_return_exactly_the_matching_subset(
        query, expected, catalogue, api, supervisor):
    query = query.format(gamma_number=catalogue["gamma"].number)
    response = api(supervisor).get(f"/api/work-orders/?{query}")
    assert set(_names(response, catalogue)) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(("query", "expected"), ORDERINGS, ids=[q for q, _ in ORDERINGS])
def test_work_orders_are_ordered_as_asked(query, expected, catalogue, api, supervisor):
    assert _names(api(supervisor).get(f"/api/work-orders/?{query}"), catalogue) == expected


TASK_FILTERS = [
    ("status=in_progress", {"delta 1"}),
    ("status=done", {"eps 1", "eps 2"}),
    ("status=pending&operator=olga_operator", {"gamma 1", "gamma 2"}),
    ("operator=otto_operator", {"delta 1", "delta 2", "eps 1", "eps 2"}),
    ("work_order={beta}", {"beta 1", "beta 2"}),
    ("search=alpha", {"alpha 1", "alpha 2"}),
]


@pytest.mark.parametrize(("query", "expected"), TASK_FILTERS, ids=[q for q, _ in TASK_FILTERS])
def test_task_filters_return_exactly_the_matching_subset(query, expected, catalogue, api,
                                                         supervisor):
    query = query.format(**{name: wo.pk for name, wo in catalogue.items()})
    response = api(supervisor).get(f"/api/tasks/?{query}")
    assert response.status_code == 200, response.content
    assert {row["title"] for row in response.json()["results"]} == expected


def test_the_task_work_order_filter_does_not_reveal_which_hidden_work_orders_exist(
        api, work_order_in, other_maker):
    hidden = work_order_in("draft")  # the maker's: other_maker cannot see it
    client = api(other_maker)
    existing = client.get(f"/api/tasks/?work_order={hidden.pk}")
    missing = client.get(f"/api/tasks/?work_order={hidden.pk + 1000}")
    assert (existing.status_code, existing.json()) == (missing.status_code, missing.json())


@pytest.mark.parametrize("persona", ["maker", "operator"])
def test_assigning_does_not_reveal_to_others_whether_a_username_exists(
        persona, api, users, work_order_in):
    work_order = work_order_in("approved")
    client = api(users[persona])
    url = f"/api/work-orders/{work_order.pk}/assign/"
    known = client.post(url, {"assignee": users["supervisor"].username}, format="json")
    unknown = client.post(url, {"assignee": "no_such_user"}, format="json")
    assert known.status_code == unknown.status_code


# --- Pagination ----------------------------------------------------------------------------------

@pytest.fixture
def many_work_orders(maker):
    return WorkOrder.objects.bulk_create(
        WorkOrder(title=f"Bulk {n:03d}", created_by=maker) for n in range(105))


PAGES = [
    # query                   results  next                   previous
    ("",                        20,    "page=2",               None),
    ("page=2",                  20,    "page=3",               ""),
    ("page_size=10",            10,    "page=2&page_size=10",  None),
    ("page=11&page_size=10",     5,    None,                   "page=10&page_size=10"),
    ("page_size=100",          100,    "page=2&page_size=100", None),
    ("page_size=1000",         100,    "page=2&page_size=1000", None),  # capped at 100
    ("page=2&page_size=1000",    5,    None,                   "page_size=1000"),
    ("page=6",                   5,    None,                   "page=5"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "results", "next_query", "previous_query"), PAGES,
                         ids=[p[0] or "default" for p in PAGES])
def test_pages_have_the_asked_size_capped_at_100_with_count_and_links(
        query, results, next_query, previous_query, many_work_orders, api, maker):
    response = api(maker).get(f"/api/work-orders/?{query}")
    assert response.status_code == 200, response.content
    body = response.json()
    base = "http://testserver/api/work-orders/"

    assert body["count"] == 105
    assert len(body["results"]) == results
    assert body["next"] == (f"{base}?{next_query}" if next_query is not None else None)
    expected_previous = None
    if previous_query is not None:
        expected_previous = f"{base}?{previous_query}" if previous_query else base
    assert body["previous"] == expected_previous


def test_pages_together_hold_every_work_order_once_newest_first(many_work_orders, api, maker):
    client, url, seen = api(maker), "/api/work-orders/?page_size=30", []
    while url:
        body = client.get(url).json()
        seen += [row["title"] for row in body["results"]]
        url = body["next"]
    assert seen == [f"Bulk {n:03d}" for n in reversed(range(105))]


# --- Logging in ----------------------------------------------------------------------------------

def test_the_right_password_gets_the_users_token_which_then_authenticates(maker):
    response = APIClient().post("/api/auth/token/", {"username": maker.username,
                                                     "password": "pw-maria_maker"})
    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert key == Token.objects.get(user=maker).key

    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/me/").json() == {"id": maker.pk, "username": "maria_maker",
                                             "roles": ["maker"]}


@pytest.mark.parametrize(("username", "password", "active"), [
    ("maria_maker", "wrong", True),
    ("maria_maker", "", True),
    ("no_such_user", "pw-maria_maker", True),
    ("maria_maker", "pw-maria_maker", False),
], ids=["wrong password", "empty password", "unknown user", "inactive user"])
def test_a_wrong_login_gets_400_and_no_token(username, password, active, maker):
    maker.is_active = active
    maker.save()
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password})
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.exists()


@pytest.mark.parametrize("header", ["Token 0123456789abcdef", "Token", "Bearer x", "Token a b"])
def test_a_bad_token_is_401(header, maker):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_the_token_of_a_deactivated_user_stops_working(api, maker):
    client = api(maker)
    assert client.get("/api/me/").status_code == 200
    get_user_model().objects.filter(pk=maker.pk).update(is_active=False)
    assert client.get("/api/me/").status_code == 401


def test_session_login_authenticates_safe_requests(maker, nobody):
    client = APIClient()
    assert client.login(username="maria_maker", password="pw-maria_maker")
    assert client.get("/api/me/").json()["username"] == "maria_maker"
    assert client.get("/api/work-orders/").status_code == 200

    client.login(username="nora_norole", password="pw-nora_norole")
    assert client.get("/api/work-orders/").status_code == 403


def _csrf_token(client) -> str:
    """A valid CSRF token for the client's cookie, as a page would have embedded it."""
    request = RequestFactory().get("/")
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    return token


@pytest.mark.parametrize("with_token", [False, True], ids=["without CSRF token", "with it"])
def test_an_unsafe_request_by_session_needs_the_csrf_token(with_token, maker):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="maria_maker", password="pw-maria_maker")
    headers = {"HTTP_X_CSRFTOKEN": _csrf_token(client)} if with_token else {}

    response = client.post("/api/work-orders/", {"title": "By session"}, format="json",
                           **headers)

    if with_token:
        assert response.status_code == 201, response.content
        assert WorkOrder.objects.get().title == "By session"
    else:
        assert response.status_code == 403
        assert response.json()["detail"].startswith("CSRF Failed")
        assert not WorkOrder.objects.exists()


def test_token_authentication_needs_no_csrf_token(maker):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=maker).key}")
    assert client.post("/api/work-orders/", {"title": "By token"}, format="json").status_code == 201


# --- The OpenAPI schema --------------------------------------------------------------------------

SCHEMA_PATHS = {
    "/api/work-orders/": {"get", "post"},
    "/api/work-orders/{id}/": {"get", "patch", "delete"},
    **{f"/api/work-orders/{{id}}/{a}/": {"post"}
       for a in ("submit", "approve", "reject", "revise", "assign")},
    "/api/work-orders/{id}/history/": {"get"},
    "/api/tasks/": {"get"},
    "/api/tasks/{id}/": {"get", "patch", "delete"},
    "/api/tasks/{id}/start/": {"post"},
    "/api/tasks/{id}/complete/": {"post"},
    "/api/operators/": {"get"},
    "/api/me/": {"get"},
    "/api/auth/token/": {"post"},
}


@pytest.fixture
def schema():
    response = APIClient().get("/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # raises on any violation of the OpenAPI 3 JSON schema


def test_the_schema_documents_every_endpoint_and_method(schema):
    methods = {"get", "post", "put", "patch", "delete"}
    documented = {path: set(item) & methods for path, item in schema["paths"].items()}
    assert documented == SCHEMA_PATHS


def test_the_schema_documents_the_request_bodies_and_filters(schema):
    paths = schema["paths"]
    create = paths["/api/work-orders/"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/WorkOrder"}
    assert {p["name"] for p in paths["/api/work-orders/"]["get"]["parameters"]} >= {
        "status", "priority", "assignee", "created_by", "due_after", "due_before", "search",
        "ordering", "page", "page_size"}
    reject = paths["/api/work-orders/{id}/reject/"]["post"]["requestBody"]["content"]
    assert reject["application/json"]["schema"] == {"$ref": "#/components/schemas/Reject"}
