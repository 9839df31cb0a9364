"""The read cache's scopes: a write retires the answers of the readers who can see what it
changed, and only theirs. Random histories of writes by every role and reads by every reader
(Hypothesis) hold the cache to the database: no reader is ever shown an answer other than the
one the database gives that reader now."""
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workorders import readcache
from workorders.metrics import READ_CACHE
from workorders.models import Task, WorkOrder

pytestmark = pytest.mark.django_db
LIST, TASKS = "/api/work-orders/", "/api/tasks/"


def queries_for(client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.content


def test_a_draft_retires_only_its_makers_answers(api, maker, other_maker, supervisor, operator,
                                                  work_order_in):
    work_order_in("assigned", created_by=other_maker)
    others = {who: api(who) for who in (other_maker, supervisor, operator)}
    for client in others.values():
        queries_for(client, LIST)  # cached
    own = api(maker)
    queries_for(own, LIST)
    draft = own.post(LIST, {"title": "Drain the tank", "new_tasks": [{"title": "Open valve"}]},
                     format="json").json()
    own.patch(f"{LIST}{draft['id']}/", {"title": "Drain tank 2"}, format="json")
    # Nobody else can see a draft: their answers are still served from Redis (the token only).
    for who, client in others.items():
        assert queries_for(client, LIST)[0] == 1, f"{who.username}'s answer was retired"
    queries, body = queries_for(own, LIST)
    assert queries > 1
    assert b"Drain tank 2" in body
    # Submitted, supervisors can see it: theirs is retired, the other maker's and the
    # operator's are not.
    own.post(f"{LIST}{draft['id']}/submit/")
    queries, body = queries_for(others[supervisor], LIST)
    assert queries > 1
    assert b"Drain tank 2" in body
    assert queries_for(others[other_maker], LIST)[0] == 1
    assert queries_for(others[operator], LIST)[0] == 1


def test_an_assignment_retires_the_old_and_the_new_operators_answers(
        api, supervisor, operator, other_operator, work_order_in):
    work_order = work_order_in("assigned")
    old, new = api(operator), api(other_operator)
    for client in (old, new):
        queries_for(client, TASKS)
    api(supervisor).post(f"{LIST}{work_order.pk}/assign/",
                         {"assignee": other_operator.username}, format="json")
    assert json.loads(queries_for(old, TASKS)[1])["count"] == 0
    assert json.loads(queries_for(new, TASKS)[1])["count"] == 2


# A history is drawn step by step among the writes that are legal at that point (a random
# action on a random row would mostly be refused), from a work order in each status.
MAKERS, OPERATORS = ("maker", "other_maker"), ("operator", "other_operator")
READERS = (*MAKERS, "supervisor", *OPERATORS, "root")
STARTING_STATUSES = ("draft", "submitted", "rejected", "approved", "assigned", "in_progress")
# The writes each status allows: (action, who takes it). Tasks are started and completed by
# their operator; anyone may be renamed, and any maker may create.
LEGAL = {
    "draft": [("submit", "maker"), ("edit", "maker"), ("delete", "maker")],
    "submitted": [("approve", "supervisor"), ("reject", "supervisor")],
    "rejected": [("revise", "maker")],
    "approved": [("assign", "supervisor")],
    "assigned": [("assign", "supervisor")],
    "in_progress": [("assign", "supervisor")],
}


class History:
    """Takes the steps of a random history through the API, as the role that may take each,
    and holds every read through the cache to the same read without it."""

    def __init__(self, data, people: dict, clients: dict):
        self.data, self.people, self.clients = data, people, clients
        self.reads = 0

    def draw(self, strategy):
        return self.data.draw(strategy)

    def writes(self) -> list[tuple]:
        makers = {self.people[name].pk: name for name in MAKERS}
        operators = {self.people[name].pk: name for name in OPERATORS}
        legal = [("create", name) for name in MAKERS]
        legal += [("rename", name) for name in READERS]
        for work_order in WorkOrder.objects.order_by("pk"):
            for action, role in LEGAL.get(work_order.status, []):
                by = makers[work_order.created_by_id] if role == "maker" else role
                targets = OPERATORS if action == "assign" else (None,)
                legal += [(action, by, work_order.pk, target) for target in targets]
        for task in Task.objects.filter(work_order__status__in=["assigned", "in_progress"],
                                        status__in=["pending", "in_progress"]).order_by("pk"):
            action = "start" if task.status == "pending" else "complete"
            legal.append((action, operators[task.operator_id], task.pk))
        return legal

    def write(self) -> None:
        kind, by, *args = self.draw(st.sampled_from(self.writes()))
        client = self.clients.get(by)
        if kind == "rename":
            user = self.people[by]
            user.username = f"{by}-{self.reads}"
            user.save()
        elif kind == "create":
            client.post(LIST, {"title": "Work", "new_tasks": [
                {"title": f"Step {n}"} for n in range(self.draw(st.integers(1, 3)))]},
                format="json")
        elif kind in ("start", "complete"):
            client.post(f"{TASKS}{args[0]}/{kind}/")
        else:
            url, body = f"{LIST}{args[0]}/", {}
            if kind == "edit":
                client.patch(url, {"title": "Edited"}, format="json")
                return
            if kind == "delete":
                client.delete(url)
                return
            if kind == "reject":
                body = {"reason": "Not now"}
            elif kind == "assign":
                body = {"assignee": self.people[args[1]].username}
            client.post(f"{url}{kind}/", body, format="json")

    def read(self, reader: str, url: str) -> None:
        client = self.clients[reader]
        answered = client.get(url)
        with override_settings(READ_CACHE_SECONDS=0):
            truth = client.get(url)
        self.reads += 1
        assert answered.status_code == truth.status_code, (reader, url)
        assert json.loads(answered.content) == json.loads(truth.content), (reader, url)

    def take_a_step(self) -> None:
        if self.draw(st.booleans()):
            self.write()
            for reader in READERS:  # what each reader sees of everyone's, after every write
                self.read(reader, LIST)
                self.read(reader, TASKS)
            return
        ids = list(WorkOrder.objects.values_list("pk", flat=True))
        task_ids = list(Task.objects.values_list("pk", flat=True))
        url = self.draw(st.sampled_from([
            f"{LIST}?status=submitted",
            *(f"{LIST}{pk}/" for pk in ids), *(f"{TASKS}{pk}/" for pk in task_ids)]))
        self.read(self.draw(st.sampled_from(READERS)), url)


def test_no_reader_is_ever_shown_anything_but_what_the_database_says_now(
        api, make_user, maker, other_maker, supervisor, operator, other_operator, work_order_in):
    for status in STARTING_STATUSES:  # alternately the two makers'
        work_order_in(status, created_by=(maker, other_maker)[len(status) % 2])
    people = {"maker": maker, "other_maker": other_maker, "supervisor": supervisor,
              "operator": operator, "other_operator": other_operator,
              "root": make_user("root_admin", is_superuser=True)}
    clients = {name: api(user) for name, user in people.items()}
    hits = READ_CACHE.labels("hit")._value.get()
    reads = []

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data(), steps=st.integers(4, 16))
    def holds(data, steps):
        # Each history starts from the same rows: its writes are rolled back at its end, and
        # every answer cached from them is retired at the start of the next.
        readcache.retire_all()
        with transaction.atomic():
            history = History(data, people, clients)
            for _ in range(steps):
                history.take_a_step()
            reads.append(history.reads)
            transaction.set_rollback(True)
        for user in people.values():
            user.refresh_from_db()

    holds()
    # Not vacuous: many reads were answered from Redis, each checked against the database.
    assert sum(reads) > 500
    assert READ_CACHE.labels("hit")._value.get() - hits > 100
