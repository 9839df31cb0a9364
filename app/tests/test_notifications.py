"""Live notifications: the WebSocket consumer over the real Redis channel layer."""
import asyncio
from urllib.parse import quote

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework.authtoken.models import Token

from config.asgi import application
from workorders.consumers import UNAUTHORIZED

# Consumers read the database from another thread, so tests must commit what they write.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest.fixture
def post(api):
    """post(user, url, data): an API call by that user, run in a thread as Django requires."""
    return sync_to_async(lambda user, url, data=None: api(user).post(url, data))


@sync_to_async
def token_for(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


async def connect(user=None, *, via="header", token=None, after=None):
    key = token or (await token_for(user) if user else None)
    headers, path = [], "/ws/notifications/"
    if after is not None:
        path += f"?after={after}"
    if key and via == "header":
        headers = [(b"authorization", f"Token {key}".encode())]
    elif key:
        path += f"{'&' if '?' in path else '?'}token={quote(key)}"
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def next_event(communicator, event_type: str, timeout: float = 5.0) -> dict:
    """The next message of that type; pongs and greetings on the way are skipped."""
    async def wait():
        while True:
            message = await communicator.receive_json_from(timeout=timeout)
            if message["type"] == event_type:
                return message
    return await asyncio.wait_for(wait(), timeout)


@pytest.mark.parametrize("via", ["header", "query"])
async def test_a_valid_token_connects_and_is_greeted_with_its_roles(via, operator):
    communicator, connected, _ = await connect(operator, via=via)
    try:
        assert connected
        hello = await communicator.receive_json_from(timeout=5)
        assert hello == {"type": "hello", "user": operator.username, "roles": ["operator"],
                         "seq": hello["seq"]}
        assert isinstance(hello["seq"], int)
        await communicator.send_json_to({"type": "ping"})
        assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize("token", [None, "not-a-real-token", "nul\x00byte"])
async def test_no_valid_token_no_connection(token):
    _communicator, connected, code = await connect(token=token)
    assert not connected
    assert code in (UNAUTHORIZED, 403)


async def test_an_inactive_users_token_is_refused(make_user):
    user = await sync_to_async(make_user)("gone_operator", "operator", is_active=False)
    _communicator, connected, _ = await connect(user)
    assert not connected


async def test_an_assignment_reaches_the_operator_and_the_maker_but_no_one_else(
        post, work_order_in, supervisor, operator, other_operator, maker):
    work_order = await sync_to_async(work_order_in)("approved")
    sockets = {}
    for user in (operator, maker, other_operator):
        sockets[user.username], connected, _ = await connect(user)
        assert connected
        await next_event(sockets[user.username], "hello")

    response = await post(supervisor, f"/api/work-orders/{work_order.pk}/assign/",
                          {"assignee": operator.username})
    assert response.status_code == 200
    try:
        for user in (operator, maker):
            event = await next_event(sockets[user.username], "work_order.assign")
            assert event["work_order"] == {"id": work_order.pk, "number": work_order.number,
                                           "status": "assigned"}
            assert event["actor"] == supervisor.username
            assert len(event["event_id"]) == 32
            assert event["seq"] > 0
        assert await sockets[other_operator.username].receive_nothing(timeout=0.5)
    finally:
        for communicator in sockets.values():
            await communicator.disconnect()


async def test_a_submission_is_broadcast_to_every_supervisor(post, work_order_in, maker,
                                                              supervisor, make_user):
    second_supervisor = await sync_to_async(make_user)("sue_supervisor", "supervisor")
    work_order = await sync_to_async(work_order_in)("draft")
    sockets = []
    for user in (supervisor, second_supervisor):
        communicator, connected, _ = await connect(user)
        assert connected
        sockets.append(communicator)
    try:
        response = await post(maker, f"/api/work-orders/{work_order.pk}/submit/")
        assert response.status_code == 200
        events = [await next_event(c, "work_order.submit") for c in sockets]
        assert len({e["event_id"] for e in events}) == 1  # one event, delivered to both
    finally:
        for communicator in sockets:
            await communicator.disconnect()


async def test_completing_the_last_task_tells_the_maker_the_work_order_is_done(
        post, work_order_in, maker, operator):
    work_order = await sync_to_async(work_order_in)("in_progress", tasks=1)
    task_id = await sync_to_async(lambda: work_order.tasks.get().pk)()
    communicator, connected, _ = await connect(maker)
    assert connected
    try:
        response = await post(operator, f"/api/tasks/{task_id}/complete/")
        assert response.status_code == 200
        event = await next_event(communicator, "work_order.completed")
        assert event["work_order"]["status"] == "completed"
        assert event["task"] == {"id": task_id, "sequence": 1, "status": "done"}
    finally:
        await communicator.disconnect()


# Replay: what a client missed while it was away is owed to it when it comes back.

async def test_an_event_missed_while_disconnected_is_replayed_on_reconnection(
        post, work_order_in, supervisor, operator, other_operator, maker):
    work_order = await sync_to_async(work_order_in)("approved")
    communicator, connected, _ = await connect(operator)
    cursor = (await next_event(communicator, "hello"))["seq"]
    await communicator.disconnect()  # away while the supervisor assigns

    response = await post(supervisor, f"/api/work-orders/{work_order.pk}/assign/",
                          {"assignee": operator.username})
    assert response.status_code == 200

    communicator, connected, _ = await connect(operator, after=cursor)
    bystander, _, _ = await connect(other_operator, after=cursor)
    try:
        assert connected
        event = await next_event(communicator, "work_order.assign")
        assert event["replayed"] is True
        assert event["seq"] > cursor
        assert event["work_order"]["id"] == work_order.pk
        assert event["actor"] == supervisor.username
        done = await next_event(communicator, "replay.done")
        assert done == {"type": "replay.done", "seq": event["seq"], "more": False}
        # Someone it was not for gets nothing but the end of an empty replay.
        assert (await next_event(bystander, "replay.done"))["seq"] == cursor
    finally:
        await communicator.disconnect()
        await bystander.disconnect()


async def test_a_role_event_is_replayed_to_every_member_and_a_cursor_past_it_gets_nothing(
        post, work_order_in, maker, supervisor):
    work_order = await sync_to_async(work_order_in)("draft")
    assert (await post(maker, f"/api/work-orders/{work_order.pk}/submit/")).status_code == 200
    communicator, _, _ = await connect(supervisor, after=0)
    try:
        event = await next_event(communicator, "work_order.submit")
        assert event["work_order"]["id"] == work_order.pk
        await next_event(communicator, "replay.done")
        await communicator.send_json_to({"type": "replay", "after": event["seq"]})
        assert await communicator.receive_json_from(timeout=5) == {
            "type": "replay.done", "seq": event["seq"], "more": False}
    finally:
        await communicator.disconnect()


async def test_a_notification_redis_could_not_carry_is_still_replayed(
        post, work_order_in, maker, supervisor, monkeypatch):
    from workorders import notifications

    def redis_down(groups, message):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(notifications, "_send_to_groups", redis_down)
    work_order = await sync_to_async(work_order_in)("draft")
    assert (await post(maker, f"/api/work-orders/{work_order.pk}/submit/")).status_code == 200
    monkeypatch.undo()
    communicator, _, _ = await connect(supervisor, after=0)
    try:
        event = await next_event(communicator, "work_order.submit")
        assert event["work_order"]["id"] == work_order.pk
        assert event["replayed"] is True
    finally:
        await communicator.disconnect()


async def test_a_long_absence_is_replayed_in_bursts_the_client_asks_for(
        post, work_order_in, maker, supervisor, monkeypatch):
    from workorders import consumers

    monkeypatch.setattr(consumers, "REPLAY_LIMIT", 2)
    for _ in range(3):
        work_order = await sync_to_async(work_order_in)("draft")
        assert (await post(maker, f"/api/work-orders/{work_order.pk}/submit/")).status_code == 200
    communicator, _, _ = await connect(supervisor, after=0)
    try:
        first = [await next_event(communicator, "work_order.submit") for _ in range(2)]
        done = await next_event(communicator, "replay.done")
        assert done == {"type": "replay.done", "seq": first[-1]["seq"], "more": True}
        await communicator.send_json_to({"type": "replay", "after": done["seq"]})
        last = await next_event(communicator, "work_order.submit")
        assert last["seq"] > first[-1]["seq"]
        assert (await next_event(communicator, "replay.done"))["more"] is False
    finally:
        await communicator.disconnect()


@pytest.mark.parametrize("after", ["-1", "soon", "1e3"])
async def test_a_bad_cursor_is_answered_with_what_to_send(after, operator):
    communicator, connected, _ = await connect(operator, after=after)
    try:
        assert connected  # the live stream still works; only the replay is refused
        error = await next_event(communicator, "error")
        assert "whole number" in error["detail"]
    finally:
        await communicator.disconnect()
