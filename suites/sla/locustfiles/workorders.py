"""The work-order system's users, for Locust: who does what, how often, with what outcome.

Users and tasks only: the runner (or the `locust` command) decides how many, for how long and
what passes. Options come from Locust's parsed options (declared below), the host from
`--host`. TLS is always verified, against `--sla-ca-bundle` when given, else the system's CAs.
Requests are named by endpoint ("POST /api/work-orders/{id}/submit/"), never by URL.
"""
# ruff: noqa: S311  (random picks what a simulated user does next; nothing here is a secret)
import json
import logging
import random
import time
from datetime import date, timedelta
from urllib.parse import urlencode

import gevent
import gevent.ssl
import websocket
from gevent.event import AsyncResult
from gevent.lock import Semaphore
from locust import User, between, events, task
from locust.contrib.fasthttp import FastHttpSession, FastHttpUser
from locust.exception import StopUser

log = logging.getLogger(__name__)

WORK_ORDERS, WORK_ORDER, TASKS = "/api/work-orders/", "/api/work-orders/{id}/", "/api/tasks/"
STATUSES = ["submitted", "approved", "rejected", "assigned", "in_progress", "completed"]
PRIORITIES = ["low", "normal", "high", "urgent"]
SEARCHES = ["pump", "seed", "valve", "WO-0000", "WO-00001"]
EQUIPMENT = ["Pump", "Valve", "Conveyor", "Boiler", "Compressor"]
RACE = (404, 409)  # a shared account's other user changed it a moment before: not an error
PAGE_SIZE = 20  # the API's default
WS_CONNECT_TIMEOUT = 10.0
TOKENS: dict[str, str] = {}  # username -> API token, shared by the users of this process
LOGINS: dict[str, "Semaphore"] = {}


@events.init_command_line_parser.add_listener
def _add_options(parser):
    add = parser.add_argument
    add("--sla-user-password", env_var="SLA_USER_PASSWORD", default="", is_secret=True,
        help="password of test_maker, test_supervisor and test_operator")
    add("--sla-ca-bundle", env_var="SLA_CA_BUNDLE", default="", help="PEM CA file to trust")
    add("--sla-ws-url", env_var="SLA_WS_URL", default="", help="the notifications' wss:// URL")
    add("--sla-notification-timeout", type=float, default=10.0,
        help="seconds a notification may take before it counts as lost")


def tls_context(ca_bundle: str):
    """A verifying TLS context (chain and host name) trusting ca_bundle, or the system CAs."""
    return gevent.ssl.create_default_context(cafile=ca_bundle or None)


def new_work_order(tasks: int) -> dict:
    return {"title": f"{random.choice(EQUIPMENT)} repair (load test)",
            "description": "Created by the SLA load test.",
            "priority": random.choice(PRIORITIES),
            "due_date": (date.today() + timedelta(days=random.randint(1, 60))).isoformat(),
            "new_tasks": [{"title": f"Step {n + 1}"} for n in range(tasks)]}


class Api:
    """Login and the request helper, for the HTTP users and NotificationUser alike."""

    username = ""
    insecure = False  # FastHttpUser's default (True) would not verify certificates at all

    def __init__(self, environment):
        self.options = environment.parsed_options
        self.auth: dict = {}
        # geventhttpclient calls it with cafile=<certifi's bundle>: ignored, ours is trusted.
        self.ssl_context_factory = lambda **_: tls_context(self.options.sla_ca_bundle)
        super().__init__(environment)

    def on_start(self):
        # One login per account and process: the API gives each user one token, and a real
        # user logs in once a day, not at the start of every measured minute. A hundred
        # simultaneous logins would measure PBKDF2 (deliberately slow), not the service.
        with LOGINS.setdefault(self.username, Semaphore()):
            if self.username not in TOKENS:
                body = self.api("POST", "/api/auth/token/", json={
                    "username": self.username, "password": self.options.sla_user_password})
                if not (body or {}).get("token"):  # the failure is already recorded
                    log.error("%s cannot log in as %s: stopping it", type(self).__name__,
                              self.username)
                    raise StopUser()
                TOKENS[self.username] = body["token"]
        self.auth = {"Authorization": f"Token {TOKENS[self.username]}"}

    def api(self, method, path, pk=None, *, json=None, query=None, tolerate=(), name=None):
        """Call `path` (with {id} = pk), reported as `name`, by default "METHOD path". Returns
        the JSON body, or None when it failed or its status is in `tolerate` (a lost race: a
        success)."""
        url = path.format(id=pk) + (f"?{urlencode(query)}" if query else "")
        name = name or f"{method} {path}"
        with self.client.request(method, url, name=name, json=json, headers=self.auth,
                                 catch_response=True) as response:
            status = response.status_code
            if 200 <= status < 300:
                try:
                    return response.json() if response.content else {}
                except ValueError:
                    response.failure(f"{status} from {name}: not JSON")
            elif status in tolerate:
                response.success()
            else:
                detail = (response.text or "")[:200] if status else response.error
                response.failure(f"{status or 'no response'} from {name}: {detail}")
            return None

    def results(self, path, **query) -> list:
        return (self.api("GET", path, query=query) or {}).get("results", [])


class ApiUser(Api, FastHttpUser):
    abstract = True
    wait_time = between(1, 3)


class WorkOrderUser(ApiUser):
    """A supervisor reading: browsing, filtering, searching and opening work orders."""

    weight = 4
    username = "test_supervisor"
    pages, seen = 1, ()

    def list_work_orders(self, **query):
        body = self.api("GET", WORK_ORDERS, query=query)
        if body:
            self.seen = tuple(wo["id"] for wo in body["results"]) or self.seen
        return body

    @task(3)
    def browse(self):
        """Pages through the list of work orders."""
        body = self.list_work_orders(page=random.randint(1, self.pages))
        if body:  # the pages that exist, for the next time
            self.pages = max(1, -(-body["count"] // PAGE_SIZE))

    @task(2)
    def filter_list(self):
        """Narrows the list to one status and one priority."""
        self.list_work_orders(status=random.choice(STATUSES), priority=random.choice(PRIORITIES))

    @task(2)
    def search(self):
        """Searches by a word of the title or by number."""
        self.list_work_orders(search=random.choice(SEARCHES))

    @task(3)
    def open_work_order(self):
        """Opens a work order seen in a list, and sometimes its history."""
        if not self.seen:
            return self.browse()
        pk = random.choice(self.seen)
        if self.api("GET", WORK_ORDER, pk, tolerate=(404,)) and random.random() < 0.3:
            self.api("GET", WORK_ORDER + "history/", pk, tolerate=(404,))

    @task(1)
    def list_tasks(self):
        """Looks at the list of tasks."""
        self.api("GET", TASKS)


class MakerUser(ApiUser):
    """A maker drafting work orders, fixing them up and submitting them."""

    weight = 2
    username = "test_maker"

    @task(3)
    def draft_and_submit(self):
        """Drafts a work order with one to four tasks, sometimes edits it, then submits it."""
        draft = self.api("POST", WORK_ORDERS, json=new_work_order(random.randint(1, 4)))
        if draft:
            if random.random() < 0.3:
                self.api("PATCH", WORK_ORDER, draft["id"], json={"description": "Parts ordered."})
            self.api("POST", WORK_ORDER + "submit/", draft["id"], tolerate=(409,))

    @task(1)
    def my_work_orders(self):
        """Checks on the work orders they created."""
        self.api("GET", WORK_ORDERS, query={"created_by": self.username})


class SupervisorUser(ApiUser):
    """A supervisor approving or rejecting what was submitted, and assigning approved work."""

    weight = 2
    username = "test_supervisor"

    @task(3)
    def review(self):
        """Takes a submitted work order and approves it, or rejects it with a reason."""
        submitted = self.results(WORK_ORDERS, status="submitted")
        if not submitted:
            return
        pk = random.choice(submitted)["id"]
        if random.random() < 0.1:
            self.api("POST", WORK_ORDER + "reject/", pk, tolerate=RACE,
                     json={"reason": "Missing the lock-out steps."})
        else:
            self.api("POST", WORK_ORDER + "approve/", pk, tolerate=RACE)

    @task(2)
    def assign(self):
        """Assigns an approved work order to the operator."""
        approved = self.results(WORK_ORDERS, status="approved")
        if approved:
            self.api("POST", WORK_ORDER + "assign/", random.choice(approved)["id"],
                     json={"assignee": "test_operator"}, tolerate=RACE)

    @task(1)
    def operators(self):
        """Looks up who can be assigned."""
        self.api("GET", "/api/operators/")


class OperatorUser(ApiUser):
    """An operator working through the tasks assigned to them."""

    weight = 2
    username = "test_operator"

    def work_on(self, status, action):
        tasks = self.results(TASKS, status=status)
        if tasks:
            chosen = random.choice(tasks)
            self.api("POST", TASKS + "{id}/" + action + "/", chosen["id"], tolerate=RACE)
            self.api("GET", WORK_ORDER, chosen["work_order"], tolerate=(404,))

    @task
    def start_task(self):
        """Starts a pending task and looks at its work order."""
        self.work_on("pending", "start")

    @task
    def complete_task(self):
        """Completes a task in progress and looks at its work order."""
        self.work_on("in_progress", "complete")


class NotificationUser(Api, User):
    """A maker with the notification socket open: each submit is owed its event, in time.

    Reported as request type WSS: "notification: work_order.submit" (ms from just before the
    submit POST to the event's arrival), "notification: connect" (handshake and hello), and
    "notification: connection" when the socket drops (it is reopened on the next task).
    """

    weight = 1
    wait_time = between(1, 3)
    username = "test_maker"
    ws = receiver = None

    def __init__(self, environment):
        super().__init__(environment)
        self.waiters: dict = {}  # (event type, work order id) -> AsyncResult
        self.client = FastHttpSession(self.host or environment.host, environment.events.request,
                                      user=self, insecure=False,
                                      ssl_context_factory=self.ssl_context_factory)

    def on_start(self):
        super().on_start()
        self.connect()

    def on_stop(self):
        if self.receiver is not None:  # first, or it would read the server's answer to
            self.receiver.kill()  # close() and report it as a dropped connection
        if self.ws is not None:
            self.ws.close(timeout=1)
            self.ws = None

    def report(self, name, started, length=0, exception=None, ended=None):
        self.environment.events.request.fire(
            request_type="WSS", name=f"notification: {name}", response_length=length,
            response_time=((ended or time.perf_counter()) - started) * 1000,
            exception=exception, context={})

    def connect(self):
        started, ws = time.perf_counter(), None
        try:
            ws = websocket.create_connection(
                self.options.sla_ws_url, timeout=WS_CONNECT_TIMEOUT,
                header=[f"Authorization: {self.auth['Authorization']}"],
                sslopt={"context": tls_context(self.options.sla_ca_bundle)})
            hello = ws.recv()
            if json.loads(hello).get("type") != "hello":
                raise ConnectionError(f"expected a hello, got {hello[:200]!r}")
        except Exception as error:
            if ws is not None:
                ws.close(timeout=1)
            return self.report("connect", started, exception=error)
        ws.settimeout(None)  # from now on the receiver waits as long as it takes
        self.ws, self.receiver = ws, gevent.spawn(self.receive, ws)
        self.report("connect", started, len(hello))

    def receive(self, ws):
        """Hand each event to its waiter as it arrives, until the socket drops."""
        try:
            while True:
                raw = ws.recv()
                arrived = time.perf_counter()
                if not raw:
                    raise ConnectionError("closed by the server")
                event = json.loads(raw)
                waiter = self.waiters.pop(
                    (event.get("type"), (event.get("work_order") or {}).get("id")), None)
                if waiter is not None:
                    waiter.set((arrived, len(raw)))
        except Exception as error:
            self.ws = None
            ws.shutdown()
            self.report("connection", time.perf_counter(),
                        exception=ConnectionError(f"WebSocket dropped: {error!r}"))
            for waiter in self.waiters.values():
                waiter.set_exception(ConnectionError(f"not delivered: socket dropped ({error})"))

    @task
    def submit_and_wait(self):
        """Submits a new work order and waits for the confirmation to pop up."""
        if self.ws is None:
            self.connect()
            if self.ws is None:
                return
        draft = self.api("POST", WORK_ORDERS, json=new_work_order(1))
        if not draft:
            return
        key = ("work_order.submit", draft["id"])
        self.waiters[key] = waiter = AsyncResult()
        started = time.perf_counter()
        if self.api("POST", WORK_ORDER + "submit/", draft["id"]) is None:
            self.waiters.pop(key, None)
            return
        timeout = self.options.sla_notification_timeout
        try:
            arrived, length = waiter.get(timeout=timeout)
            self.report("work_order.submit", started, length, ended=arrived)
        except gevent.Timeout:
            self.report("work_order.submit", started,
                        exception=TimeoutError(f"not delivered within {timeout:g} s"))
        except ConnectionError as error:
            self.report("work_order.submit", started, exception=error)
        finally:
            self.waiters.pop(key, None)
