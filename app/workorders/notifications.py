"""Pushing work-order events to the users concerned, through the Redis channel layer.

A change made in a gunicorn worker reaches a client connected to daphne because both talk to
the same channel layer: the worker sends to a group, daphne's consumer is a member of it.
"""
import asyncio
import logging
import time
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .metrics import NOTIFICATIONS_FAILED, NOTIFICATIONS_PUBLISHED

log = logging.getLogger(__name__)


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def role_group(role: str) -> str:
    return f"role.{role}"


def publish(event: str, work_order, actor, user_ids=(), roles=(), task=None) -> dict | None:
    """Send one event to each user's and each role's group; never fail the change that caused it.

    The change is already committed when this runs, so a Redis outage costs notifications, not
    writes: it is logged and counted instead of raised.
    """
    payload = {
        "type": event,
        "event_id": uuid.uuid4().hex,
        "sent_at": time.time(),
        "work_order": {"id": work_order.pk, "number": work_order.number,
                       "status": work_order.status},
        "task": {"id": task.pk, "sequence": task.sequence, "status": task.status} if task else None,
        "actor": actor.username,
    }
    groups = [user_group(uid) for uid in sorted(set(user_ids) - {None})]
    groups += [role_group(role) for role in sorted(set(roles))]
    message = {"type": "notify", "payload": payload}
    try:
        _send_to_groups(groups, message)
    except Exception:  # the channel layer raises whatever its Redis client raises
        NOTIFICATIONS_FAILED.inc()
        log.warning("notification %s for %s not sent", event, work_order.number, exc_info=True)
        return None
    NOTIFICATIONS_PUBLISHED.labels(event).inc()
    return payload


@async_to_sync
async def _send_to_groups(groups: list[str], message: dict) -> None:
    # One event loop pass for all groups: concurrent sends, not one Redis round trip after another.
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))
