"""The status flow through the API: the legal path works, every illegal step is refused."""
import pytest

from workorders.models import Transition, WorkOrderStatus
from workorders.transitions import TASK_RULES, WORK_ORDER_RULES

pytestmark = pytest.mark.django_db
ALL_STATUSES = list(WorkOrderStatus.values)


def test_the_whole_legal_path_completes_the_work_order(api, maker, supervisor, operator):
    created = api(maker).post("/api/work-orders/", {
        "title": "Replace conveyor belt", "priority": "high", "due_date": "2030-01-31",
        "new_tasks": [{"title": "Lock out"}, {"title": "Replace belt"}],
    }, format="json")
    assert created.status_code == 201, created.content
    work_order = created.json()
    assert work_order["status"] == "draft"
    assert work_order["number"].startswith("WO-")
    assert [t["sequence"] for t in work_order["tasks"]] == [1, 2]
    url = f"/api/work-orders/{work_order['id']}"

    assert api(maker).post(f"{url}/submit/").json()["status"] == "submitted"
    approved = api(supervisor).post(f"{url}/approve/").json()
    assert (approved["status"], approved["approved_by"]) == ("approved", supervisor.username)
    assigned = api(supervisor).post(f"{url}/assign/", {"assignee": operator.username}).json()
    assert assigned["status"] == "assigned"
    assert assigned["assignee"] == operator.username
    assert {t["operator"] for t in assigned["tasks"]} == {operator.username}

    first, second = (t["id"] for t in assigned["tasks"])
    assert api(operator).post(f"/api/tasks/{first}/start/").json()["status"] == "in_progress"
    assert api(operator).get(f"{url}/").json()["status"] == "in_progress"
    assert api(operator).post(f"/api/tasks/{first}/complete/").json()["status"] == "done"
    assert api(operator).get(f"{url}/").json()["status"] == "in_progress"  # one task left
    api(operator).post(f"/api/tasks/{second}/start/")
    assert api(operator).post(f"/api/tasks/{second}/complete/").json()["status"] == "done"
    final = api(maker).get(f"{url}/").json()
    assert final["status"] == "completed"
    assert final["completed_at"]

    history = api(maker).get(f"{url}/history/").json()
    assert [(h["action"], h["from_status"], h["to_status"], h["task"]) for h in history] == [
        ("submit", "draft", "submitted", None),
        ("approve", "submitted", "approved", None),
        ("assign", "approved", "assigned", None),
        ("start", "pending", "in_progress", first),
        ("in_progress", "assigned", "in_progress", None),
        ("complete", "in_progress", "done", first),
        ("start", "pending", "in_progress", second),
        ("complete", "in_progress", "done", second),
        ("completed", "in_progress", "completed", None),
    ]
    assert [h["actor"] for h in history[:3]] == [maker.username, supervisor.username,
                                                  supervisor.username]


def _illegal_work_order_steps():
    for action, rule in WORK_ORDER_RULES.items():
        for status in ALL_STATUSES:
            # A supervisor cannot see a draft at all (404): covered by the permission tests.
            hidden = rule.role == "supervisor" and status == "draft"
            if status not in rule.sources and not hidden:
                yield pytest.param(action, status, id=f"{action}-from-{status}")


@pytest.mark.parametrize(("action", "status"), list(_illegal_work_order_steps()))
def test_every_illegal_work_order_step_is_refused_with_409(
        action, status, api, work_order_in, maker, supervisor, operator):
    work_order = work_order_in(status)
    actor = maker if WORK_ORDER_RULES[action].role == "maker" else supervisor
    body = {"reason": "not good enough"} if action == "reject" else {}
    if action == "assign":
        body = {"assignee": operator.username}
    before = Transition.objects.count()

    response = api(actor).post(f"/api/work-orders/{work_order.pk}/{action}/", body)

    assert response.status_code == 409, response.content
    message = response.json()["detail"]
    assert f"Cannot {action} a work order that is {status}" in message
    work_order.refresh_from_db()
    assert work_order.status == status
    assert Transition.objects.count() == before


def _illegal_task_steps():
    # A task can only move inside a workable work order; every other combination is refused.
    for action, rule in TASK_RULES.items():
        for task_status in ("pending", "in_progress", "done"):
            if task_status not in rule.sources:
                yield pytest.param(action, "assigned", task_status,
                                   id=f"{action}-task-{task_status}")
        for status in ("approved", "completed"):
            for task_status in sorted(rule.sources):
                yield pytest.param(action, status, task_status, id=f"{action}-in-{status}")


@pytest.mark.parametrize(("action", "status", "task_status"), list(_illegal_task_steps()))
def test_every_illegal_task_step_is_refused_with_409(
        action, status, task_status, api, work_order_in, operator):
    from workorders.models import Task

    work_order = work_order_in(status, tasks=1)
    task = work_order.tasks.get()
    Task.objects.filter(pk=task.pk).update(status=task_status, operator=operator)

    response = api(operator).post(f"/api/tasks/{task.pk}/{action}/")

    assert response.status_code == 409, response.content
    assert response.json()["detail"].startswith(f"Cannot {action} a task")
    task.refresh_from_db()
    assert task.status == task_status


@pytest.mark.parametrize(("action", "role"), [
    ("submit", "operator"), ("approve", "maker"), ("reject", "operator"),
    ("assign", "maker"), ("revise", "supervisor"),
])
def test_a_step_by_the_wrong_role_is_forbidden(action, role, api, work_order_in, make_user,
                                               operator):
    source = sorted(WORK_ORDER_RULES[action].sources)[0]
    work_order = work_order_in(source)
    # Give the wrong-role user sight of the work order, so the refusal is about the role.
    intruder = make_user(f"wrong_{role}", role)
    work_order.created_by = intruder if role == "maker" else work_order.created_by
    work_order.assignee = intruder if role == "operator" else work_order.assignee
    work_order.save()
    body = {"reason": "x", "assignee": operator.username}

    response = api(intruder).post(f"/api/work-orders/{work_order.pk}/{action}/", body)

    assert response.status_code == 403, response.content
    assert WORK_ORDER_RULES[action].role in response.json()["detail"]


def test_submitting_without_tasks_is_refused(api, work_order_in, maker):
    work_order = work_order_in("draft", tasks=0)
    response = api(maker).post(f"/api/work-orders/{work_order.pk}/submit/")
    assert response.status_code == 409
    assert "without tasks" in response.json()["detail"]


def test_rejecting_needs_a_reason_and_revising_reopens_the_draft(api, work_order_in, maker,
                                                                 supervisor):
    work_order = work_order_in("submitted")
    url = f"/api/work-orders/{work_order.pk}"
    assert api(supervisor).post(f"{url}/reject/", {"reason": ""}).status_code == 400
    rejected = api(supervisor).post(f"{url}/reject/", {"reason": "No lock-out step"}).json()
    assert (rejected["status"], rejected["rejection_reason"]) == ("rejected", "No lock-out step")
    revised = api(maker).post(f"{url}/revise/").json()
    assert (revised["status"], revised["rejection_reason"]) == ("draft", "")


@pytest.mark.parametrize("who", ["a maker", "an inactive operator", "an unknown user"])
def test_assigning_to_anyone_but_an_active_operator_is_refused(who, api, work_order_in,
                                                               supervisor, make_user):
    work_order = work_order_in("approved")
    if who == "an unknown user":
        username, expected = "ghost", 400
    else:
        role = "maker" if who == "a maker" else "operator"
        username, expected = make_user(f"x_{role}", role, is_active=(role == "maker")).username, 409
    response = api(supervisor).post(f"/api/work-orders/{work_order.pk}/assign/",
                                    {"assignee": username})
    assert response.status_code == expected, response.content
    work_order.refresh_from_db()
    assert work_order.status == "approved"
    assert work_order.assignee is None


def test_reassigning_moves_open_tasks_to_the_new_operator(api, work_order_in, supervisor,
                                                          operator, other_operator):
    work_order = work_order_in("assigned", tasks=2)
    response = api(supervisor).post(f"/api/work-orders/{work_order.pk}/assign/",
                                    {"assignee": other_operator.username})
    assert response.status_code == 200, response.content
    operators = {t["operator"] for t in response.json()["tasks"]}
    assert operators == {other_operator.username}
    assert response.json()["status"] == "assigned"


def test_only_the_tasks_operator_may_work_on_it(api, work_order_in, other_operator):
    work_order = work_order_in("assigned", tasks=1)
    work_order.assignee = other_operator  # sees the work order, but the task is not theirs
    work_order.save()
    task = work_order.tasks.get()
    response = api(other_operator).post(f"/api/tasks/{task.pk}/start/")
    assert response.status_code == 403


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != "draft"])
def test_only_drafts_can_be_edited_or_deleted(status, api, work_order_in, maker):
    work_order = work_order_in(status)
    url = f"/api/work-orders/{work_order.pk}/"
    edit = api(maker).patch(url, {"title": "changed"}, format="json")
    delete = api(maker).delete(url)
    task_edit = api(maker).patch(f"/api/tasks/{work_order.tasks.first().pk}/", {"title": "x"},
                                 format="json")
    assert (edit.status_code, delete.status_code, task_edit.status_code) == (409, 409, 409)
    assert "only drafts can be changed" in edit.json()["detail"]
    work_order.refresh_from_db()
    assert work_order.title == "Replace pump seal"


def test_a_draft_can_be_edited_extended_and_deleted(api, work_order_in, maker):
    work_order = work_order_in("draft", tasks=1)
    url = f"/api/work-orders/{work_order.pk}/"
    edited = api(maker).patch(url, {"title": "New title", "new_tasks": [{"title": "Extra"}]},
                              format="json").json()
    assert edited["title"] == "New title"
    assert [(t["sequence"], t["title"]) for t in edited["tasks"]] == [(1, "Step 1"), (2, "Extra")]
    status_attempt = api(maker).patch(url, {"status": "completed"}, format="json")
    assert status_attempt.json()["status"] == "draft"  # status is read-only: transitions only
    assert api(maker).delete(url).status_code == 204
