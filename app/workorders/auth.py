"""WebSocket authentication by API token (header or query string), for the Channels consumer.

Browsers cannot set headers on a WebSocket, hence the query string; other clients should
prefer the Authorization header, which proxies do not log.
"""
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from rest_framework.authtoken.models import Token

from .authentication import is_plausible_key
from .roles import roles_of


def _token_from(scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            kind, _, key = value.decode("latin-1").partition(" ")
            if kind.lower() in ("token", "bearer") and key:
                return key.strip()
    keys = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
    return keys[0] if keys else None


@database_sync_to_async
def _user_for(key: str | None):
    if not key or not is_plausible_key(key):
        return AnonymousUser()
    try:
        user = Token.objects.select_related("user").get(key=key).user
    except Token.DoesNotExist:
        return AnonymousUser()
    if not user.is_active:
        return AnonymousUser()
    roles_of(user)  # read the roles here, in a thread that may touch the database
    return user


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        scope = dict(scope, user=await _user_for(_token_from(scope)))
        return await super().__call__(scope, receive, send)


class _BrowserOriginValidator(OriginValidator):
    """Refuse browsers on foreign sites, let clients without an Origin (not browsers) through.

    Channels' AllowedHostsOriginValidator refuses a missing Origin too; that guards cookie
    sessions, but this socket authenticates by token only, which a foreign page cannot know.
    """

    def valid_origin(self, parsed_origin):
        return parsed_origin is None or super().valid_origin(parsed_origin)


def allowed_origins_only(application):
    hosts = ["*"] if settings.DEBUG and not settings.ALLOWED_HOSTS else settings.ALLOWED_HOSTS
    return _BrowserOriginValidator(application, hosts)
