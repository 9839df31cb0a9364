"""Server-Timing: every answer says what it cost the app, in wall time and in CPU time."""
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from workorders.middleware import ServerTimingMiddleware

TIMING = re.compile(r"^app;dur=(?P<app>\d+\.\d\d), cpu;dur=(?P<cpu>\d+\.\d\d)$")


@pytest.mark.django_db
def test_every_answer_carries_the_apps_wall_and_cpu_time(client):
    for path in ("/health/live/", "/api/work-orders/", "/no-such-page/"):
        response = client.get(path)
        assert TIMING.match(response["Server-Timing"]), (path, response["Server-Timing"])


def test_cpu_time_counts_work_and_not_waiting():
    import time

    def busy(request):
        until = time.thread_time() + 0.02
        while time.thread_time() < until:
            pass
        time.sleep(0.05)
        return HttpResponse()

    response = ServerTimingMiddleware(busy)(RequestFactory().get("/"))
    timing = TIMING.match(response["Server-Timing"])
    assert 20 <= float(timing["cpu"]) < 45  # the work, not the sleep
    assert float(timing["app"]) >= 70  # the wall: both
