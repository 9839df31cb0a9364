"""Publishing from a gunicorn worker (a thread with no event loop) keeps its Redis connections:
each publish used to run in a new event loop and open a connection of its own."""
import redis
from django.conf import settings

from workorders import notifications


def connections_made(server) -> int:
    return server.info("stats")["total_connections_received"]


def test_publishes_from_a_plain_thread_reuse_their_connections():
    server = redis.Redis.from_url(settings.REDIS_URL)
    message = {"type": "notify", "payload": {"type": "test"}}
    notifications._send_to_groups(["user.0", "role.supervisor"], message)
    before = connections_made(server)
    for _ in range(20):
        notifications._send_to_groups(["user.0", "role.supervisor"], message)
    assert connections_made(server) - before <= 2
