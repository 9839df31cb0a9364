"""The app under the servers production runs: a change made through gunicorn reaches a client
connected to daphne, through the Redis channel layer, and both count it in their metrics."""
import asyncio
import json

import httpx
import pytest
from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from fixtures.stack import daphne, gunicorn
from tests.production import server_env

pytestmark = pytest.mark.django_db(transaction=True)  # the servers must see committed rows


@pytest.fixture
def servers(tmp_path, django_db_setup):
    env = server_env(settings, settings.DATABASES["default"]["NAME"])
    http = gunicorn.start(tmp_path / "gunicorn", env, workers=2)
    try:
        ws = daphne.start(tmp_path / "daphne", env)
    except BaseException:
        http.stop()
        raise
    yield http, ws
    ws.stop()
    http.stop()


def metric(url: str, name: str, **labels) -> float:
    text = httpx.get(f"{url}/metrics/").text
    return sum(s.value for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def assign_and_listen(servers, work_order, supervisor, operator, quiet_s: float = 0) -> dict:
    """The operator listens on daphne (quiet for quiet_s first); the supervisor assigns the
    work order to them through gunicorn; returns the first event the operator receives."""
    http, ws = servers
    operator_token = Token.objects.create(user=operator).key
    supervisor_token = Token.objects.create(user=supervisor).key

    async def scenario():
        async with connect(f"{ws.ws_url}/ws/notifications/", open_timeout=10, ping_interval=None,
                           additional_headers={"Authorization": f"Token {operator_token}"}) as sock:
            assert json.loads(await sock.recv())["type"] == "hello"
            await asyncio.sleep(quiet_s)
            async with httpx.AsyncClient() as client:
                response = await client.post(
                    f"{http.url}/api/work-orders/{work_order.pk}/assign/",
                    json={"assignee": operator.username},
                    # nginx says the request came over TLS; without it production redirects.
                    headers={"Authorization": f"Token {supervisor_token}",
                             "X-Forwarded-Proto": "https"})
                assert response.status_code == 200, response.text
            return json.loads(await asyncio.wait_for(sock.recv(), timeout=10))

    return asyncio.run(scenario())


def test_an_assignment_made_through_gunicorn_reaches_the_operator_on_daphne(
        servers, work_order_in, supervisor, operator):
    http, ws = servers
    work_order = work_order_in("approved")
    event = assign_and_listen(servers, work_order, supervisor, operator)
    assert event["type"] == "work_order.assign"
    assert event["work_order"]["id"] == work_order.pk
    assert event["actor"] == supervisor.username

    published = "workorders_notifications_published_total"
    delivered = "workorders_notifications_delivered_total"
    assert metric(http.url, published, event="work_order.assign") == 1
    assert metric(ws.url, delivered, event="work_order.assign") == 1
    assert metric(ws.url, "workorders_websocket_connections_total", outcome="accepted") == 1
    assert metric(ws.url, "workorders_websocket_open_connections") == 0  # closed again


def test_daphne_refuses_a_websocket_without_a_valid_token(servers):
    _, ws = servers

    async def attempt():
        async with connect(f"{ws.ws_url}/ws/notifications/?token=wrong", open_timeout=10):
            pass

    with pytest.raises(InvalidStatus) as refused:
        asyncio.run(attempt())
    assert refused.value.response.status_code == 403


def test_an_idle_socket_stays_open_and_still_receives(servers, work_order_in, supervisor,
                                                      operator):
    """Idle past the Redis client's default 5 s read timeout: the channel layer's blocking
    read must not time out and take the socket down with it."""
    event = assign_and_listen(servers, work_order_in("approved"), supervisor, operator,
                              quiet_s=12)
    assert event["type"] == "work_order.assign"
    assert "Timeout reading" not in servers[1].log_path.read_text()
