"""The app's own Prometheus metrics, beside django-prometheus's request metrics.

Under gunicorn these are aggregated across workers through PROMETHEUS_MULTIPROC_DIR; gauges
say how (livesum: the sum over live processes).
"""
from prometheus_client import Counter, Gauge, Histogram

TRANSITIONS = Counter(
    "workorders_transitions_total", "Status changes applied, by entity and action.",
    ["entity", "action"],
)
NOTIFICATIONS_PUBLISHED = Counter(
    "workorders_notifications_published_total",
    "Notifications handed to the channel layer, by event type.", ["event"],
)
NOTIFICATIONS_FAILED = Counter(
    "workorders_notifications_failed_total",
    "Notifications that could not be handed to the channel layer (Redis unreachable).",
)
NOTIFICATIONS_DELIVERED = Counter(
    "workorders_notifications_delivered_total",
    "Notifications written to a client's WebSocket, by event type.", ["event"],
)
NOTIFICATIONS_REPLAYED = Counter(
    "workorders_notifications_replayed_total",
    "Missed notifications sent again to a reconnecting client (WebSocket `after`).",
)
NOTIFICATION_DELAY = Histogram(
    "workorders_notification_delay_seconds",
    "Time from publishing a notification to writing it to a client's WebSocket.",
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, float("inf")),
)
WEBSOCKET_CONNECTIONS = Counter(
    "workorders_websocket_connections_total",
    "WebSocket handshakes, by outcome (accepted or rejected).", ["outcome"],
)
WEBSOCKET_OPEN = Gauge(
    "workorders_websocket_open_connections", "WebSocket connections open now.",
    multiprocess_mode="livesum",
)
READ_CACHE = Counter(
    "workorders_read_cache_total",
    "API reads by how the read cache answered: hit, miss, or unavailable (Redis unreachable).",
    ["outcome"],
)
