"""Pushing work-order events to the users concerned, through the Redis channel layer.

A change made in a gunicorn worker reaches a client connected to daphne because both talk to
the same channel layer: the worker sends to a group, daphne's consumer is a member of it.
Live delivery is best effort; every notification is also stored with the change that caused it,
so a client that reconnects gets what it missed (see consumers.py).
"""
import asyncio
import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .metrics import NOTIFICATIONS_FAILED, NOTIFICATIONS_PUBLISHED

log = logging.getLogger(__name__)


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


@async_to_sync
async def _send_to_groups(groups: list[str], message: dict) -> None:
    # One event loop pass for all groups: concurrent sends, not one Redis round trip after another.
    layer = get_channel_layer()
    await asyncio.gather(*(layer.group_send(group, message) for group in groups))
