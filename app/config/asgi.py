"""The ASGI application daphne serves: WebSocket notifications, and plain HTTP for its metrics."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
django_http = get_asgi_application()  # before importing consumers: it sets Django up

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from workorders.auth import TokenAuthMiddleware, allowed_origins_only  # noqa: E402
from workorders.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_http,
    "websocket": allowed_origins_only(TokenAuthMiddleware(URLRouter(websocket_urlpatterns))),
})
