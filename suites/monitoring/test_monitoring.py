"""Monitoring: the promises as the server saw them, and client and server telling one story.

Prometheus's view of the session's load run, held to the same thresholds; the request count
and the p95 compared with the load generator's; counters that never go backwards with several
gunicorn workers; the backing services under load; and /metrics/ kept from the public.
"""
import pytest

from fixtures.judges import monitoring, sla
from fixtures.plugin.sla_session import judged

pytestmark = [pytest.mark.sla, pytest.mark.monitoring]


@pytest.fixture(params=monitoring.CHECK_NAMES)
def server_view(request, server_checks) -> sla.Check:
    return judged(request, server_checks)


def test_server_side_promise_holds(server_view):
    assert server_view.verdict == sla.PASS, server_view.message()


def test_metrics_are_refused_through_nginx(target):
    with target.http(timeout=10) as client:
        for path in ("/metrics/", "/metrics", "/metrics/?format=text"):
            response = client.get(path)
            assert response.status_code in (403, 404), f"{path}: {response.status_code}"
            assert "django_http_requests" not in response.text


def test_metrics_are_readable_by_prometheus(server_checks):
    # Prometheus scrapes the app on its own port: its targets were up for the whole run.
    check = server_checks["scrape targets up"]
    assert check.verdict == sla.PASS, check.message()
    assert "workorders-http" in check.detail
