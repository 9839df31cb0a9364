"""/metrics/: SLA thresholds as bucket edges, the app's own metrics, and sums that stay right
when gunicorn runs several workers (each scrape lands on one worker)."""
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families

from fixtures.stack import gunicorn
from tests.production import server_env

LATENCY = "django_http_requests_latency_seconds_by_view_method"
REQUESTS = "django_http_requests_total_by_view_transport_method"


def samples(text: str, name: str, **labels) -> list:
    return [s for family in text_string_to_metric_families(text) for s in family.samples
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]


@pytest.mark.django_db
def test_latency_buckets_have_the_sla_thresholds_as_edges(client):
    client.get("/health/live/")
    text = client.get("/metrics/").content.decode()
    edges = {s.labels["le"] for s in samples(text, f"{LATENCY}_bucket", view="health-live")}
    assert {"0.5", "1.0"} <= edges, sorted(edges)


@pytest.mark.django_db
def test_the_apps_own_metrics_are_exported(client):
    text = client.get("/metrics/").content.decode()
    names = {family.name for family in text_string_to_metric_families(text)}
    assert {"workorders_transitions", "workorders_notifications_published",
            "workorders_notifications_delivered", "workorders_notification_delay_seconds",
            "workorders_websocket_connections", "workorders_websocket_open_connections"} <= names


@pytest.fixture
def gunicorn_3_workers(tmp_path):
    server = gunicorn.start(tmp_path, server_env(settings), workers=3)
    yield server
    server.stop()


def test_request_counts_are_summed_over_every_gunicorn_worker(gunicorn_3_workers):
    server, requests = gunicorn_3_workers, 90
    # Concurrent clients, so that several workers serve requests, not only the first idle one.
    with ThreadPoolExecutor(max_workers=9) as pool:
        codes = list(pool.map(lambda _: httpx.get(f"{server.url}/health/ready/").status_code,
                              range(requests)))
    assert codes == [200] * requests

    seen = []
    for _ in range(6):  # every scrape, whichever worker answers it, must see every request
        text = httpx.get(f"{server.url}/metrics/").text
        counted = samples(text, f"{REQUESTS}_total", view="health-ready", method="GET")
        seen.append(sum(s.value for s in counted))
    assert seen == [requests] * 6, (
        f"scrapes counted {seen} of {requests} requests: each saw one worker's counters. "
        "Is PROMETHEUS_MULTIPROC_DIR set for gunicorn?")
    workers_counting = list(server.metrics_dir.glob("counter_*.db"))
    assert len(workers_counting) >= 2, "one worker served everything: nothing was summed"
