"""The live-notification WebSocket: one per client, joined to its user and role groups.

Every event carries `seq`, the id of the change it reports; the greeting carries the newest one.
A client that reconnects with `?after=<the last seq it saw>` (or sends {"type": "replay",
"after": ...}) first gets every event it was owed since, marked "replayed", then live ones: a
daphne restart or a Redis outage delays notifications but loses none. Events can arrive twice
(live and replayed, around the reconnection); clients drop a seq they have seen.
"""
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.db.models import Max, Q

from .metrics import (
    NOTIFICATION_DELAY,
    NOTIFICATIONS_DELIVERED,
    NOTIFICATIONS_REPLAYED,
    WEBSOCKET_CONNECTIONS,
    WEBSOCKET_OPEN,
)
from .models import Transition
from .notifications import payload_of, role_group, user_group
from .roles import roles_of

# Events per replay message burst; a client owed more asks again from the last seq it got.
REPLAY_LIMIT = 500

# Close code for "no valid token": 4000-4999 are the application's own (RFC 6455).
UNAUTHORIZED = 4401


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    accepted = False

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            WEBSOCKET_CONNECTIONS.labels("rejected").inc()
            await self.close(code=UNAUTHORIZED)
            return
        roles = sorted(roles_of(user))
        self.groups = [user_group(user.pk), *(role_group(role) for role in roles)]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.user, self.roles = user, roles
        await self.accept()
        self.accepted = True
        WEBSOCKET_CONNECTIONS.labels("accepted").inc()
        WEBSOCKET_OPEN.inc()
        # Read after joining the groups: any later change reaches this socket live.
        await self.send_json({"type": "hello", "user": user.username, "roles": roles,
                              "seq": await self._newest_seq()})
        after = parse_qs(self.scope.get("query_string", b"").decode()).get("after")
        if after:
            await self.replay(after[-1])

    async def disconnect(self, code):
        if self.accepted:
            WEBSOCKET_OPEN.dec()
            for group in self.groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # A client-side keep-alive that proves the round trip, not just the TCP connection.
        if not isinstance(content, dict):
            return
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "at": time.time()})
        elif content.get("type") == "replay":
            await self.replay(content.get("after"))

    async def replay(self, after) -> None:
        """Send the events this user was owed after that seq, oldest first, then say where the
        replay ended and whether more remain."""
        try:
            after = int(after)
            if after < 0:
                raise ValueError
        except (TypeError, ValueError):
            await self.send_json({"type": "error", "detail":
                                  "`after` must be a whole number: the last seq received."})
            return
        owed = await self._owed_since(after)  # one more than a burst: are there more?
        burst = owed[:REPLAY_LIMIT]
        for transition in burst:
            await self.send_json(payload_of(transition, replayed=True))
        NOTIFICATIONS_REPLAYED.inc(len(burst))
        await self.send_json({"type": "replay.done", "seq": burst[-1].pk if burst else after,
                              "more": len(owed) > len(burst)})

    @database_sync_to_async
    def _owed_since(self, after: int) -> list:
        audience = Q(audience_users__contains=[self.user.pk])
        if self.roles:
            audience |= Q(audience_roles__overlap=self.roles)
        return list(Transition.objects.filter(audience, pk__gt=after, notification__isnull=False)
                    .only("pk", "notification").order_by("pk")[:REPLAY_LIMIT + 1])

    @database_sync_to_async
    def _newest_seq(self) -> int:
        return Transition.objects.aggregate(newest=Max("pk"))["newest"] or 0

    async def notify(self, message):
        payload = message["payload"]
        await self.send_json(payload)
        NOTIFICATIONS_DELIVERED.labels(payload["type"]).inc()
        NOTIFICATION_DELAY.observe(max(0.0, time.time() - payload["sent_at"]))
