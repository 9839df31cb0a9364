"""Publishing from synchronous code (a gunicorn worker) keeps its Redis connections, in one
event loop per process, and never shares them with any other loop."""
import asyncio
import os
import threading

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings

from workorders import notifications

MESSAGE = {"type": "notify", "payload": {"type": "test"}}
GROUPS = ["user.0", "role.supervisor"]


def connections_made(server) -> int:
    return server.info("stats")["total_connections_received"]


def test_publishes_from_a_plain_thread_reuse_their_connections():
    server = redis.Redis.from_url(settings.REDIS_URL)
    notifications._send_to_groups(GROUPS, MESSAGE)
    before = connections_made(server)
    for _ in range(20):
        notifications._send_to_groups(GROUPS, MESSAGE)
    # async_to_sync opened one per publish (20); other tests' clients may connect meanwhile.
    assert connections_made(server) - before <= 3


def test_a_forked_worker_starts_a_publisher_of_its_own():
    """gunicorn forks its workers from a master that may have published (preload_app): the
    child has the parent's objects but not its thread."""
    notifications._send_to_groups(GROUPS, MESSAGE)
    child = os.fork()
    if child == 0:  # the child: publish, and say by the exit code whether it worked
        try:
            notifications._send_to_groups(GROUPS, MESSAGE)
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_a_kept_connection_redis_dropped_is_replaced_and_the_publish_delivered(monkeypatch):
    """After a Redis restart the kept connection fails its next command once ("Connection
    closed by server"); the publish is sent again over the new one the pool opens."""
    publisher = notifications.Publisher()
    publisher.send(GROUPS, MESSAGE)
    sent, attempts = publisher._send, []

    async def dropped_once(groups, message):
        attempts.append(groups)
        if len(attempts) == 1:
            raise redis.ConnectionError("Connection closed by server.")
        await sent(groups, message)

    monkeypatch.setattr(publisher, "_send", dropped_once)
    publisher.send(GROUPS, MESSAGE)
    assert attempts == [GROUPS, GROUPS]


def test_a_publish_redis_refuses_twice_fails_for_the_caller_to_count(monkeypatch):
    publisher = notifications.Publisher()

    async def refused(groups, message):
        raise redis.ConnectionError("Connection refused.")

    monkeypatch.setattr(publisher, "_send", refused)
    with pytest.raises(redis.ConnectionError):
        publisher.send(GROUPS, MESSAGE)


def test_a_publish_waits_for_redis_no_longer_than_its_timeout(monkeypatch):
    publisher = notifications.Publisher()
    monkeypatch.setattr(notifications, "SEND_TIMEOUT_S", 0.2)

    async def never(groups, message):
        await asyncio.Event().wait()

    monkeypatch.setattr(publisher, "_send", never)
    with pytest.raises(TimeoutError):
        publisher.send(GROUPS, MESSAGE)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_a_test_loop_closes_its_channel_layer_while_workers_publish():
    """The cause of the hang once seen at a test loop's teardown. The first publisher loop used
    the process-wide channel layer, which keeps every loop's connections: closing its pools
    from the test's loop (as a teardown does) reached the connections the publisher's loop
    owned, and failed with "got Future attached to a different loop", leaving them half
    closed (shown with that publisher; the hang itself was seen once and not reproduced). With
    a layer of its own the publisher's connections are out of every other loop's reach."""
    layer = get_channel_layer()
    await layer.group_send("user.0", MESSAGE)  # this loop's connection, as a consumer's
    publishing = threading.Thread(target=notifications._send_to_groups, args=(GROUPS, MESSAGE))
    publishing.start()
    await asyncio.to_thread(publishing.join, 10)
    assert not publishing.is_alive()
    await asyncio.wait_for(layer.close_pools(), timeout=10)
