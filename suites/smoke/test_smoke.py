"""Smoke: the target answers end to end, through nginx over TLS, as every suite will need it.

Health and readiness, a login for each seeded role, the seeded work orders in the API, a live
notification through nginx's WebSocket proxy, and Prometheus seeing every target up.
"""
import asyncio
import json
import time

import pytest
from websockets.asyncio.client import connect

from fixtures.target import ROLES, api, prom
from fixtures.target.seed import MINIMUM_WORK_ORDERS

pytestmark = pytest.mark.smoke


@pytest.mark.parametrize("path", ["/health/live/", "/health/ready/"])
def test_health_answers_over_https(target, path):
    with target.http(timeout=10) as client:
        response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    assert response.url.scheme == "https"


@pytest.mark.parametrize("role", ROLES)
def test_each_seeded_role_user_logs_in(target, role):
    with api.client_for(target, role) as client:
        me = client.get("/api/me/").json()
    assert me["username"] == f"test_{role}"
    assert me["roles"] == [role]


def test_the_api_lists_the_seeded_work_orders(target):
    with api.client_for(target, "supervisor") as client:
        # Oldest first: the seeded ones, whatever a load run has added since.
        page = client.get("/api/work-orders/", params={"page_size": 100,
                                                       "ordering": "created_at"}).json()
    assert page["count"] >= MINIMUM_WORK_ORDERS
    assert all(work_order["task_count"] > 0 for work_order in page["results"])
    assert len({work_order["status"] for work_order in page["results"]}) >= 2


def test_a_websocket_through_nginx_gets_the_notification_for_a_change_made_over_https(target):
    with api.client_for(target, "maker") as maker:
        supervisor_token = api.login(target, "supervisor")
        created = maker.post("/api/work-orders/", json={
            "title": "Smoke test: notification path", "new_tasks": [{"title": "Check"}]})
        assert created.status_code == 201, created.text
        work_order_id = created.json()["id"]

        async def submit_and_listen() -> tuple[dict, float]:
            async with connect(target.ws_url, ssl=target.ssl_context(), open_timeout=10,
                               additional_headers={"Authorization": f"Token {supervisor_token}"}
                               ) as socket:
                assert json.loads(await socket.recv())["type"] == "hello"
                started = time.monotonic()
                response = await asyncio.to_thread(
                    maker.post, f"/api/work-orders/{work_order_id}/submit/")
                assert response.status_code == 200, response.text
                while True:
                    event = json.loads(await asyncio.wait_for(socket.recv(), timeout=10))
                    if event.get("work_order", {}).get("id") == work_order_id:
                        return event, time.monotonic() - started

        event, seconds = asyncio.run(submit_and_listen())
    assert event["type"] == "work_order.submit"
    assert event["actor"] == "test_maker"
    assert seconds < 10


def test_prometheus_reports_every_target_up(target):
    if not target.prometheus_url:
        pytest.skip("No Prometheus to ask: set SLA_PROMETHEUS_URL to check it.")
    up = prom.instant(target, "up")
    assert up, "Prometheus has no `up` samples: is it scraping anything?"
    down = [sample.labels for sample in up if sample.value != 1]
    assert not down, f"targets down: {down}"
    assert {"workorders-http", "workorders-websocket"} <= {s.labels["job"] for s in up}
