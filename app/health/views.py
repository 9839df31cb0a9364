"""/health/live/ says the process answers; /health/ready/ says it can do its work.

Readiness checks PostgreSQL and Redis with short timeouts and reports each, so a 503 says which
dependency is down rather than hanging until the proxy gives up.
"""
import time

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def live(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


@never_cache
@require_GET
def ready(request):
    checks, healthy = {}, True
    for name, check in (("database", _check_database), ("redis", _check_redis)):
        started = time.perf_counter()
        try:
            check()
            checks[name] = {"status": "ok"}
        except Exception as error:  # any failure of a dependency means "not ready", with why
            healthy = False
            checks[name] = {"status": "error", "error": f"{type(error).__name__}: {error}"}
        checks[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks},
                        status=200 if healthy else 503)
