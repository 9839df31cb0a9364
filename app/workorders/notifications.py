"""Pushing work-order events to the users concerned, through the Redis channel layer.

A change made in a gunicorn worker reaches a client connected to daphne because both talk to
the same channel layer: the worker sends to a group, daphne's consumer is a member of it.
Live delivery is best effort; every notification is also stored with the change that caused it,
so a client that reconnects gets what it missed (see consumers.py).
"""
import asyncio
import logging
import os
import threading
import time

import redis
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers

from .metrics import NOTIFICATIONS_FAILED, NOTIFICATIONS_PUBLISHED

log = logging.getLogger(__name__)
# A publish waits this long for Redis at most (the change it reports is already committed).
SEND_TIMEOUT_S = 5.0
CONNECTION_LOST = (redis.ConnectionError, ConnectionError)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def addressed(event: str, work_order, actor, user_ids=(), roles=(), task=None) -> dict:
    """The notification a change owes, as fields of the Transition that records the change."""
    return {
        "notification": {
            "type": event,
            "work_order": {"id": work_order.pk, "number": work_order.number,
                           "status": work_order.status},
            "task": ({"id": task.pk, "sequence": task.sequence, "status": task.status}
                     if task else None),
            "actor": actor.username,
        },
        "audience_users": sorted(set(user_ids) - {None}),
        "audience_roles": sorted(set(roles)),
    }


def payload_of(transition, **extra) -> dict:
    """What a client receives: the stored notification, its sequence number (the Transition's
    id, the client's cursor for replay) and a stable event id (one event, many recipients)."""
    return {**transition.notification, "seq": transition.pk, "event_id": f"{transition.pk:032x}",
            **extra}


def publish(transition) -> dict | None:
    """Send the transition's notification to each user's and each role's group; never fail the
    change that caused it.

    The change is already committed when this runs, so a Redis outage costs live delivery, not
    writes or the notification itself (it stays on the Transition, for replay): it is logged and
    counted instead of raised.
    """
    payload = payload_of(transition, sent_at=time.time())
    groups = [user_group(uid) for uid in transition.audience_users]
    groups += [role_group(role) for role in transition.audience_roles]
    message = {"type": "notify", "payload": payload}
    try:
        _send_to_groups(groups, message)
    except Exception:  # the channel layer raises whatever its Redis client raises
        NOTIFICATIONS_FAILED.inc()
        log.warning("notification %s #%s not sent", payload["type"], transition.pk, exc_info=True)
        return None
    NOTIFICATIONS_PUBLISHED.labels(payload["type"]).inc()
    return payload


class Publisher:
    """One event loop per process, in a thread of its own, with a channel layer of its own,
    carries every publish from synchronous code (gunicorn's workers).

    The channel layer keeps its Redis connections per event loop: async_to_sync ran each
    publish in a new loop, so each opened a connection and dropped it (py-spy over the SLA mix:
    8-11 % of worker time). A loop that lives on keeps them. The layer is this publisher's
    alone, not the process-wide one of get_channel_layer(): that one is shared with every other
    loop (a test's, daphne's) and keeps each loop's connections, so a test loop's teardown
    reached the publisher's and broke them (test_publisher.py; the first publisher loop, taken
    back after a hang at such a teardown)."""

    def __init__(self, layer_name: str = DEFAULT_CHANNEL_LAYER):
        self._layer_name = layer_name
        self._lock = threading.Lock()
        self._pid = self._loop = self.layer = None

    def _running(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._pid != os.getpid():  # the first publish, or a forked child (no thread)
                self.layer = channel_layers.make_backend(self._layer_name)
                self._loop, self._pid = asyncio.new_event_loop(), os.getpid()
                threading.Thread(target=self._loop.run_forever, name="notifications-publisher",
                                 daemon=True).start()
            return self._loop

    def send(self, groups: list[str], message: dict) -> None:
        try:
            self._send_once(groups, message)
        except CONNECTION_LOST:
            # A kept connection that Redis dropped (a restart) fails its next command once; the
            # pool then opens a new one. Seen in the Redis-restart drill: one event lost live to
            # a client already reconnected. A group that had it gets it twice; clients drop a
            # seq they have seen.
            self._send_once(groups, message)

    def _send_once(self, groups: list[str], message: dict) -> None:
        future = asyncio.run_coroutine_threadsafe(self._send(groups, message), self._running())
        try:
            future.result(timeout=SEND_TIMEOUT_S)
        except BaseException:
            future.cancel()
            raise

    async def _send(self, groups: list[str], message: dict) -> None:
        # Concurrent sends, not one Redis round trip after another.
        await asyncio.gather(*(self.layer.group_send(group, message) for group in groups))


_publisher = Publisher()


def _send_to_groups(groups: list[str], message: dict) -> None:
    _publisher.send(groups, message)
