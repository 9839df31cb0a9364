"""One endpoint per user class, for the capacity benchmark's stepped loads: the trivial view
(the stack's ceiling), the work-order list and a work-order detail, each as the seeded
supervisor (who sees every submitted work order).

The list and the detail are measured twice: as the same reader asking again (answered from the
read cache while nothing changes), and with every request a cache miss (a query parameter the
API ignores makes each request's cache key new, so each is computed from PostgreSQL, rendered
and stored), the cost of a read right after a write."""
# ruff: noqa: S311  (random picks which work order to open; nothing here is a secret)
import random

from locust import task

from suites.sla.locustfiles.workorders import WORK_ORDER, WORK_ORDERS, ApiUser

MISS = " (every read a cache miss)"


def never_seen() -> dict:
    return {"miss": random.getrandbits(64)}


class TrivialView(ApiUser):
    """/health/live/: Django through nginx and gunicorn, no database, no serializer."""

    username = "test_supervisor"

    @task
    def live(self):
        self.api("GET", "/health/live/")


class WorkOrderList(ApiUser):
    username = "test_supervisor"

    @task
    def first_page(self):
        self.api("GET", WORK_ORDERS)


class WorkOrderListMiss(ApiUser):
    username = "test_supervisor"

    @task
    def first_page(self):
        self.api("GET", WORK_ORDERS, query=never_seen(), name=f"GET {WORK_ORDERS}{MISS}")


class DetailReader(ApiUser):
    abstract = True
    username = "test_supervisor"
    ids: tuple = ()

    def on_start(self):
        super().on_start()
        self.ids = tuple(wo["id"] for wo in self.results(WORK_ORDERS, page_size=100))


class WorkOrderDetail(DetailReader):
    @task
    def open_one(self):
        self.api("GET", WORK_ORDER, random.choice(self.ids))


class WorkOrderDetailMiss(DetailReader):
    @task
    def open_one(self):
        self.api("GET", WORK_ORDER, random.choice(self.ids), query=never_seen(),
                 name=f"GET {WORK_ORDER}{MISS}")
