"""The permission matrix end to end, through nginx, as the seeded role users and as nobody.

The expected codes come from the documented rules (docs/architecture.md, "The system under test";
app/workorders/permissions.py and transitions.py), not from a run:
- no credentials, or a token that is not one: 401, on every API endpoint;
- creating and editing are a maker's: any other role is refused (403) before the object is
  even looked up;
- an object the user may not see is not found (404): makers see their own work orders,
  supervisors all but drafts, operators what is assigned to them (and its tasks);
- a step by the wrong role, on an object the user sees, is 403: submit and revise are the
  creating maker's, approve, reject and assign a supervisor's, start and complete the task's
  operator's;
- what is left is the right person at the right status: 2xx.
A refused request changes nothing. Every work order here is test_maker's, made for the row
through the API (so the matrix runs on staging too); from "assigned" on it is test_operator's.
"""
import pytest

from fixtures.target import api

pytestmark = pytest.mark.security
PERSONAS = ("anonymous", "maker", "supervisor", "operator")
TITLE = "Security suite: permission matrix"

MATRIX = [
    # method  path                               state          anon mkr  sup  op
    ("GET",    "/api/work-orders/",              None,          401, 200, 200, 200),
    ("POST",   "/api/work-orders/",              None,          401, 201, 403, 403),
    ("GET",    "/api/work-orders/{wo}/",         "draft",       401, 200, 404, 404),
    ("GET",    "/api/work-orders/{wo}/",         "submitted",   401, 200, 200, 404),
    ("GET",    "/api/work-orders/{wo}/",         "assigned",    401, 200, 200, 200),
    ("PATCH",  "/api/work-orders/{wo}/",         "draft",       401, 200, 403, 403),
    ("DELETE", "/api/work-orders/{wo}/",         "draft",       401, 204, 403, 403),
    ("POST",   "/api/work-orders/{wo}/submit/",  "draft",       401, 200, 404, 404),
    ("POST",   "/api/work-orders/{wo}/approve/", "submitted",   401, 403, 200, 404),
    ("POST",   "/api/work-orders/{wo}/reject/",  "submitted",   401, 403, 200, 404),
    ("POST",   "/api/work-orders/{wo}/assign/",  "approved",    401, 403, 200, 404),
    ("POST",   "/api/work-orders/{wo}/assign/",  "assigned",    401, 403, 200, 403),
    ("GET",    "/api/work-orders/{wo}/history/", "submitted",   401, 200, 200, 404),
    ("GET",    "/api/tasks/",                    None,          401, 200, 200, 200),
    ("GET",    "/api/tasks/{task}/",             "submitted",   401, 200, 200, 404),
    ("POST",   "/api/tasks/{task}/start/",       "submitted",   401, 403, 403, 404),
    ("POST",   "/api/tasks/{task}/start/",       "assigned",    401, 403, 403, 200),
    ("POST",   "/api/tasks/{task}/complete/",    "in_progress", 401, 403, 403, 200),
    ("GET",    "/api/operators/",                None,          401, 403, 200, 403),
    ("GET",    "/api/me/",                       None,          401, 200, 200, 200),
]  # fmt: skip


def _cases():
    for method, path, state, *codes in MATRIX:
        for persona, code in zip(PERSONAS, codes, strict=True):
            where = f" [{state}]" if state else ""
            yield pytest.param(method, path, state, persona, code,
                               id=f"{method} {path}{where} as {persona} -> {code}")


@pytest.fixture(scope="module")
def clients(target):
    """An httpx client on nginx for each persona: the role users' tokens, and none."""
    made = {role: api.client_for(target, role) for role in PERSONAS[1:]}
    made["anonymous"] = target.http(timeout=10)
    yield made
    for client in made.values():
        client.close()


def work_order_in(clients, target, state: str) -> tuple[int, int]:
    """A work order of test_maker's taken to `state` through the API; its id, and the id of
    its task to act on (the one in progress, if any)."""
    maker, supervisor, operator = (clients[role] for role in PERSONAS[1:])
    created = maker.post("/api/work-orders/", json={
        "title": TITLE, "new_tasks": [{"title": "Isolate"}, {"title": "Repair"}]})
    created.raise_for_status()
    work_order, task = created.json()["id"], created.json()["tasks"][0]["id"]
    steps = ["submit", "approve", "assign", "start"]
    for step in steps[:{"draft": 0, "submitted": 1, "approved": 2, "assigned": 3,
                        "in_progress": 4}[state]]:
        if step == "start":
            operator.post(f"/api/tasks/{task}/start/").raise_for_status()
            continue
        client = maker if step == "submit" else supervisor
        body = {"assignee": target.credentials("operator").username} if step == "assign" else None
        client.post(f"/api/work-orders/{work_order}/{step}/", json=body).raise_for_status()
    return work_order, task


def body_for(method: str, path: str, target) -> dict | None:
    """A valid body, so that a refusal is never about the body."""
    if path == "/api/work-orders/":
        return {"title": TITLE, "new_tasks": [{"title": "Inspect"}]} if method == "POST" else None
    if method == "PATCH":
        return {"title": f"{TITLE} (edited)"}
    return {"reject/": {"reason": "The lock-out step is missing."},
            "assign/": {"assignee": target.credentials("operator").username}
            }.get(path.rsplit("}/", 1)[-1])


def state_of(clients, work_order: int) -> dict:
    """The work order as its maker sees it: everything a refused request must leave alone."""
    response = clients["maker"].get(f"/api/work-orders/{work_order}/")
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize(("method", "path", "state", "persona", "expected"), list(_cases()))
def test_each_persona_gets_the_documented_answer_through_nginx(
        target, clients, method, path, state, persona, expected):
    work_order, task = work_order_in(clients, target, state) if state else (None, None)
    before = state_of(clients, work_order) if work_order else None

    response = clients[persona].request(method, path.format(wo=work_order, task=task),
                                        json=body_for(method, path, target))

    assert response.status_code == expected, response.text[:300]
    if expected >= 400 and work_order:
        assert state_of(clients, work_order) == before


@pytest.mark.parametrize("path", ["/api/work-orders/", "/api/me/", "/api/operators/"])
@pytest.mark.parametrize("header", ["Token 0123456789abcdef0123456789abcdef01234567",
                                    "Token", "Bearer nonsense"])
def test_a_token_that_is_not_one_is_401(target, path, header):
    with target.http(timeout=10, headers={"Authorization": header}) as client:
        assert client.get(path).status_code == 401
