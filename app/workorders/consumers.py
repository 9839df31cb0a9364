"""The live-notification WebSocket: one per client, joined to its user and role groups."""
import time

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .metrics import (
    NOTIFICATION_DELAY,
    NOTIFICATIONS_DELIVERED,
    WEBSOCKET_CONNECTIONS,
    WEBSOCKET_OPEN,
)
from .notifications import role_group, user_group
from .roles import roles_of

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
        await self.accept()
        self.accepted = True
        WEBSOCKET_CONNECTIONS.labels("accepted").inc()
        WEBSOCKET_OPEN.inc()
        await self.send_json({"type": "hello", "user": user.username, "roles": roles})

    async def disconnect(self, code):
        if self.accepted:
            WEBSOCKET_OPEN.dec()
            for group in self.groups:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # A client-side keep-alive that proves the round trip, not just the TCP connection.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "at": time.time()})

    async def notify(self, message):
        payload = message["payload"]
        await self.send_json(payload)
        NOTIFICATIONS_DELIVERED.labels(payload["type"]).inc()
        NOTIFICATION_DELAY.observe(max(0.0, time.time() - payload["sent_at"]))
