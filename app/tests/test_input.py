"""Malformed, oversized and odd input: an exact 4xx with the reason, never a 5xx, no write."""
import json
from typing import NamedTuple

import pytest
from rest_framework.test import APIClient

from workorders.models import Task, Transition, WorkOrder

pytestmark = pytest.mark.django_db
MiB = 1024 * 1024
HUGE_ID = "9" * 30
JSON = "application/json"


class Raw(NamedTuple):
    """A body sent as these exact bytes (anything else in the table is sent as JSON)."""

    content: str | bytes
    content_type: str = JSON


def case(name, method, path, body, expected, about, *, who="maker", state="draft"):
    """One row: `about` is the key the JSON error must name (None: not a JSON answer)."""
    return pytest.param(method, path, body, expected, about, who, state, id=name)


CREATE, EDIT, TASK = "/api/work-orders/", "/api/work-orders/{wo}/", "/api/tasks/{task}/"
REJECT, ASSIGN = "/api/work-orders/{wo}/reject/", "/api/work-orders/{wo}/assign/"
OK = {"title": "Valid title"}  # merged into bodies so that only the field under test is wrong

BAD_INPUT = [
    # --- the body as a whole ---
    case("malformed JSON", "POST", CREATE, Raw('{"title": "x",'), 400, "detail"),
    case("JSON with NaN", "POST", CREATE, Raw('{"title": NaN}'), 400, "detail"),
    case("JSON not UTF-8", "POST", CREATE, Raw(b'{"title": "\xff\xfe"}'), 400, "detail"),
    case("JSON integer of 5000 digits", "POST", CREATE, Raw('{"title": ' + "9" * 5000 + "}"),
         400, "detail"),
    case("JSON nested 100000 deep", "POST", CREATE, Raw("[" * 100_000), 400, "detail"),
    case("JSON list, not object", "POST", CREATE, [OK], 400, "non_field_errors"),
    case("JSON null", "POST", CREATE, Raw("null"), 400, "non_field_errors"),
    case("empty JSON body", "POST", CREATE, Raw(""), 400, "title"),
    case("text/plain", "POST", CREATE, Raw("title=x", "text/plain"), 415, "detail"),
    case("application/xml", "POST", CREATE, Raw("<title>x</title>", "application/xml"), 415,
         "detail"),
    # Django refuses bodies over DATA_UPLOAD_MAX_MEMORY_SIZE with a plain 400 page, before DRF.
    # The padding is an unknown field, ignored: without the limit this body would be created.
    case("JSON body over 1 MiB", "POST", CREATE, {**OK, "padding": "x" * MiB}, 400, None),
    case("form body over 1 MiB", "POST", CREATE,
         Raw("title=x&padding=" + "x" * MiB, "application/x-www-form-urlencoded"), 400, None),
    case("PATCH malformed JSON", "PATCH", EDIT, Raw("{title"), 400, "detail"),
    case("PATCH text/plain", "PATCH", EDIT, Raw("title", "text/plain"), 415, "detail"),
    # --- title, description, priority, due date ---
    case("title of 201 chars", "POST", CREATE, {"title": "t" * 201}, 400, "title"),
    case("title empty", "POST", CREATE, {"title": ""}, 400, "title"),
    case("title only spaces", "POST", CREATE, {"title": "   "}, 400, "title"),
    case("title missing", "POST", CREATE, {"description": "no title"}, 400, "title"),
    case("title null", "POST", CREATE, {"title": None}, 400, "title"),
    case("title a list", "POST", CREATE, {"title": ["a", "b"]}, 400, "title"),
    case("title an object", "POST", CREATE, {"title": {"a": 1}}, 400, "title"),
    case("title a boolean", "POST", CREATE, {"title": True}, 400, "title"),
    case("title with NUL", "POST", CREATE, {"title": "pump\x00seal"}, 400, "title"),
    case("description of 10001", "POST", CREATE, {**OK, "description": "d" * 10_001}, 400,
         "description"),
    case("description with NUL", "POST", CREATE, {**OK, "description": "\x00"}, 400,
         "description"),
    case("priority invalid", "POST", CREATE, {**OK, "priority": "critical"}, 400, "priority"),
    case("priority a list", "POST", CREATE, {**OK, "priority": ["low"]}, 400, "priority"),
    case("due_date 30 February", "POST", CREATE, {**OK, "due_date": "2030-02-30"}, 400,
         "due_date"),
    case("due_date words", "POST", CREATE, {**OK, "due_date": "tomorrow"}, 400, "due_date"),
    case("due_date year 10000", "POST", CREATE, {**OK, "due_date": "10000-01-01"}, 400,
         "due_date"),
    case("due_date a number", "POST", CREATE, {**OK, "due_date": 20300101}, 400, "due_date"),
    case("PATCH title of 201", "PATCH", EDIT, {"title": "t" * 201}, 400, "title"),
    case("PATCH title with NUL", "PATCH", EDIT, {"title": "\x00"}, 400, "title"),
    case("PATCH body a list", "PATCH", EDIT, [{"title": "x"}], 400, "non_field_errors"),
    # --- new_tasks ---
    case("new_tasks an object", "POST", CREATE, {**OK, "new_tasks": {"title": "a"}}, 400,
         "new_tasks"),
    case("new_tasks a string", "POST", CREATE, {**OK, "new_tasks": "a"}, 400, "new_tasks"),
    case("new_tasks of strings", "POST", CREATE, {**OK, "new_tasks": ["a"]}, 400, "new_tasks"),
    case("new_tasks with null", "POST", CREATE, {**OK, "new_tasks": [None]}, 400, "new_tasks"),
    case("new_tasks without title", "POST", CREATE, {**OK, "new_tasks": [{}]}, 400, "new_tasks"),
    case("new_tasks 51 of them", "POST", CREATE,
         {**OK, "new_tasks": [{"title": f"Step {n}"} for n in range(51)]}, 400, "new_tasks"),
    case("new task title of 201", "POST", CREATE, {**OK, "new_tasks": [{"title": "s" * 201}]},
         400, "new_tasks"),
    case("new task title NUL", "POST", CREATE, {**OK, "new_tasks": [{"title": "\x00"}]}, 400,
         "new_tasks"),
    case("PATCH 51 new_tasks", "PATCH", EDIT,
         {"new_tasks": [{"title": f"Step {n}"} for n in range(51)]}, 400, "new_tasks"),
    case("task title of 201", "PATCH", TASK, {"title": "s" * 201}, 400, "title"),
    case("task title a list", "PATCH", TASK, {"title": ["s"]}, 400, "title"),
    case("task title NUL", "PATCH", TASK, {"title": "a\x00"}, 400, "title"),
    # --- reject and assign bodies ---
    case("reject without reason", "POST", REJECT, {}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject reason empty", "POST", REJECT, {"reason": ""}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject reason spaces", "POST", REJECT, {"reason": "  \n "}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject reason of 2001", "POST", REJECT, {"reason": "r" * 2001}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject reason NUL", "POST", REJECT, {"reason": "bad\x00"}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject reason a list", "POST", REJECT, {"reason": ["x"]}, 400, "reason",
         who="supervisor", state="submitted"),
    case("reject malformed JSON", "POST", REJECT, Raw('{"reason": '), 400, "detail",
         who="supervisor", state="submitted"),
    case("assign without assignee", "POST", ASSIGN, {}, 400, "assignee",
         who="supervisor", state="approved"),
    case("assign unknown user", "POST", ASSIGN, {"assignee": "ghost"}, 400, "assignee",
         who="supervisor", state="approved"),
    case("assign empty name", "POST", ASSIGN, {"assignee": ""}, 400, "assignee",
         who="supervisor", state="approved"),
    case("assign null", "POST", ASSIGN, {"assignee": None}, 400, "assignee",
         who="supervisor", state="approved"),
    case("assign a list", "POST", ASSIGN, {"assignee": ["olga_operator"]}, 400, "assignee",
         who="supervisor", state="approved"),
    case("assign name with NUL", "POST", ASSIGN, {"assignee": "olga\x00"}, 400, "assignee",
         who="supervisor", state="approved"),
    # --- logging in ---
    case("login malformed JSON", "POST", "/api/auth/token/", Raw('{"username"'), 400, "detail",
         who="anonymous"),
    case("login JSON nested deep", "POST", "/api/auth/token/", Raw("[" * 100_000), 400,
         "detail", who="anonymous"),
    case("login username NUL", "POST", "/api/auth/token/",
         {"username": "maria\x00", "password": "x"}, 400, "username", who="anonymous"),
    case("login username a list", "POST", "/api/auth/token/",
         {"username": ["maria_maker"], "password": "pw-maria_maker"}, 400, "username",
         who="anonymous"),
    case("login password of 100k", "POST", "/api/auth/token/",
         {"username": "maria_maker", "password": "p" * 100_000}, 400, "non_field_errors",
         who="anonymous"),
    # --- filters ---
    case("status=bogus", "GET", "/api/work-orders/?status=bogus", None, 400, "status"),
    case("status=draft&status=bogus", "GET", "/api/work-orders/?status=draft&status=bogus", None,
         400, "status"),
    case("priority=bogus", "GET", "/api/work-orders/?priority=bogus", None, 400, "priority"),
    case("due_after=bogus", "GET", "/api/work-orders/?due_after=bogus", None, 400, "due_after"),
    case("due_before month 13", "GET", "/api/work-orders/?due_before=2030-13-01", None, 400,
         "due_before"),
    case("assignee with NUL", "GET", "/api/work-orders/?assignee=a%00b", None, 400, "assignee"),
    # DRF answers a bare list here, not {"search": [...]}.
    case("search with NUL", "GET", "/api/work-orders/?search=a%00b", None, 400,
         "Null characters are not allowed."),
    case("task status=bogus", "GET", "/api/tasks/?status=bogus", None, 400, "status"),
    case("task work_order=abc", "GET", "/api/tasks/?work_order=abc", None, 400, "work_order"),
    case("task work_order huge", "GET", f"/api/tasks/?work_order={HUGE_ID}", None, 400,
         "work_order"),
    case("task operator NUL", "GET", "/api/tasks/?operator=%00", None, 400, "operator"),
    # Over DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) parameters: Django's plain 400.
    case("1001 query parameters", "GET", "/api/work-orders/?" + "&".join(["status=draft"] * 1001),
         None, 400, None),
    # --- pages ---
    case("page=abc", "GET", "/api/work-orders/?page=abc", None, 404, "detail"),
    case("page=0", "GET", "/api/work-orders/?page=0", None, 404, "detail"),
    case("page=-1", "GET", "/api/work-orders/?page=-1", None, 404, "detail"),
    case("page=99999", "GET", "/api/work-orders/?page=99999", None, 404, "detail"),
    case("page huge", "GET", f"/api/work-orders/?page={HUGE_ID}", None, 404, "detail"),
    case("tasks page=99999", "GET", "/api/tasks/?page=99999", None, 404, "detail"),
    # --- ids in URLs ---
    *(case(f"{method} work order {label}", method, f"/api/work-orders/{pk}/{suffix}",
           {"title": "x"} if method == "PATCH" else None, 404, "detail")
      for label, pk in (("abc", "abc"), ("huge", HUGE_ID), ("-1", "-1"), ("NUL", "%00"),
                        ("1e3", "1e3"))
      for method, suffix in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "history/"),
                             ("POST", "submit/"))),
    case("task abc", "GET", "/api/tasks/abc/", None, 404, "detail"),
    case("task huge", "GET", f"/api/tasks/{HUGE_ID}/", None, 404, "detail"),
    case("start task huge", "POST", f"/api/tasks/{HUGE_ID}/start/", None, 404, "detail",
         who="operator"),
    case("complete task abc", "POST", "/api/tasks/abc/complete/", None, 404, "detail",
         who="operator"),
    case("approve huge", "POST", f"/api/work-orders/{HUGE_ID}/approve/", None, 404, "detail",
         who="supervisor"),
    case("assign huge", "POST", f"/api/work-orders/{HUGE_ID}/assign/",
         {"assignee": "olga_operator"}, 404, "detail", who="supervisor"),
]


def snapshot() -> tuple:
    return (list(WorkOrder.objects.order_by("pk").values_list()),
            list(Task.objects.order_by("pk").values_list()),
            Transition.objects.count())


def send(client, method: str, url: str, body):
    if method == "GET":
        return client.get(url)
    call = getattr(client, method.lower())
    if isinstance(body, Raw):
        return call(url, body.content, content_type=body.content_type)
    return call(url, body, format="json")


@pytest.fixture
def users(maker, supervisor, operator):
    return {"maker": maker, "supervisor": supervisor, "operator": operator, "anonymous": None}


@pytest.fixture
def client_for(api):
    """A client whose server errors come back as 500 responses, not exceptions in the test."""
    def make(user):
        client = api(user)
        client.raise_request_exception = False
        return client
    return make


@pytest.mark.parametrize(("method", "path", "body", "expected", "about", "who", "state"),
                         BAD_INPUT)
def test_bad_input_gets_the_exact_4xx_and_writes_nothing(
        method, path, body, expected, about, who, state, users, client_for, work_order_in):
    work_order = work_order_in(state)
    url = path.format(wo=work_order.pk, task=work_order.tasks.first().pk)
    before = snapshot()

    response = send(client_for(users[who]), method, url, body)

    assert response.status_code == expected, response.content[:500]
    if about is None:
        assert not response["Content-Type"].startswith(JSON)
    else:
        assert response["Content-Type"] == JSON
        assert about in response.json()
    assert snapshot() == before


def test_a_token_with_a_nul_byte_is_401(maker):
    client = APIClient(HTTP_AUTHORIZATION="Token abc\x00def")
    client.raise_request_exception = False
    assert client.get("/api/me/").status_code == 401


@pytest.mark.parametrize("header", ["Token " + "a" * 10_000, "Token \u00e9\u00e8", "Token  "])
def test_odd_token_headers_are_401(header, maker):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/me/")
    assert response.status_code == 401


# --- Odd but valid input is accepted and comes back as sent -------------------------------------

EMOJI = "Pump \U0001f6e0\ufe0f seal \u2014 \u00fcber-d\u00fcse \u6cf5 \u0645\u0636\u062e\u0629"
ACCEPTED = [
    ("emoji and scripts", {"title": EMOJI, "description": EMOJI * 10}),
    ("title of 200 emoji", {"title": "\U0001f527" * 200}),
    ("title of 200 chars", {"title": "t" * 200}),
    ("description of 10000", {"title": "Long", "description": "d" * 10_000}),
    ("combining characters", {"title": "e\u0301" * 100}),
    ("50 new tasks", {"title": "Many", "new_tasks": [{"title": f"\u2699 {n}"} for n in range(50)]}),
    ("every priority, a date", {"title": "Dated", "priority": "urgent", "due_date": "2030-12-31"}),
]


@pytest.mark.parametrize("body", [b for _, b in ACCEPTED], ids=[n for n, _ in ACCEPTED])
def test_odd_but_valid_input_is_accepted_and_round_trips(body, api, maker):
    client = api(maker)
    created = client.post("/api/work-orders/", body, format="json")
    assert created.status_code == 201, created.content[:500]

    fetched = client.get(f"/api/work-orders/{created.json()['id']}/").json()
    stored = WorkOrder.objects.get()
    assert {k: fetched[k] for k in body if k != "new_tasks"} == {
        k: v for k, v in body.items() if k != "new_tasks"}
    assert stored.title == body["title"]
    assert [t["title"] for t in fetched["tasks"]] == [t["title"] for t in body.get("new_tasks", [])]


def test_an_emoji_title_is_found_by_search(api, maker):
    api(maker).post("/api/work-orders/", {"title": EMOJI}, format="json")
    api(maker).post("/api/work-orders/", {"title": "Plain"}, format="json")
    found = api(maker).get("/api/work-orders/", {"search": "\U0001f6e0\ufe0f seal"}).json()
    assert [row["title"] for row in found["results"]] == [EMOJI]


@pytest.mark.parametrize(("page_size", "results"), [
    ("-1", 20), ("0", 20), ("abc", 20), ("1.5", 20), ("", 20),  # ignored: the default, 20
    (HUGE_ID, 25),  # a valid size, capped at 100: all 25
])
def test_a_nonsense_page_size_is_ignored_and_a_huge_one_capped(page_size, results, api, maker):
    WorkOrder.objects.bulk_create(WorkOrder(title=f"W{n}", created_by=maker) for n in range(25))
    response = api(maker).get("/api/work-orders/", {"page_size": page_size})
    assert response.status_code == 200
    assert (response.json()["count"], len(response.json()["results"])) == (25, results)


@pytest.mark.parametrize("url", [
    "/api/work-orders/?search=" + "x" * 100_000,
    "/api/work-orders/?created_by=" + "y" * 100_000,
    "/api/tasks/?search=" + "\U0001f600" * 20_000,
    "/api/work-orders/?ordering=" + ",".join(["-due_date"] * 5_000),
    "/api/work-orders/?unknown_parameter=" + "z" * 100_000,
])
def test_very_long_query_strings_are_answered_not_crashed(url, api, maker, work_order_in):
    work_order_in("draft")
    response = api(maker).get(url)
    assert response.status_code == 200
    expected = 0 if ("search" in url or "created_by" in url) else 1
    assert response.json()["count"] == expected


def test_the_body_limit_is_exactly_one_mebibyte(api, maker):
    """Just under the limit the body is parsed (and refused by the field's own limit)."""
    padding = "x" * (MiB - len(json.dumps({"title": "x", "description": ""})))
    at_limit = json.dumps({"title": "x", "description": padding})
    assert len(at_limit.encode()) == MiB

    response = api(maker).post("/api/work-orders/", at_limit, content_type=JSON)
    assert response.status_code == 400
    assert "description" in response.json()
    assert not WorkOrder.objects.exists()
