"""One endpoint per user class, for the capacity benchmark's stepped loads: the trivial view
(the stack's ceiling), the work-order list and a work-order detail, each as the seeded
supervisor (who sees every submitted work order)."""
# ruff: noqa: S311  (random picks which work order to open; nothing here is a secret)
import random

from locust import task

from suites.sla.locustfiles.workorders import WORK_ORDER, WORK_ORDERS, ApiUser


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


class WorkOrderDetail(ApiUser):
    username = "test_supervisor"
    ids: tuple = ()

    def on_start(self):
        super().on_start()
        self.ids = tuple(wo["id"] for wo in self.results(WORK_ORDERS, page_size=100))

    @task
    def open_one(self):
        self.api("GET", WORK_ORDER, random.choice(self.ids))
