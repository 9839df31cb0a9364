"""Request middleware: what each request cost the app (Server-Timing), and a database outage
answered with a 503 and Retry-After at once, instead of a 500 (or a hang)."""
import time

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse


class ServerTimingMiddleware:
    """W3C Server-Timing on every answer: `app`, the wall time Django spent on the request, and
    `cpu`, the CPU time its thread spent. A client can set `app` against what it waited (the
    rest is the network, nginx and the queue for a worker); `cpu` is a cost that no queue and no
    busy neighbour inflates, so a costlier code path shows in it at any load. First in the
    chain, so that it counts every other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wall, cpu = time.perf_counter(), time.thread_time()
        response = self.get_response(request)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        response["Server-Timing"] = f"app;dur={wall * 1000:.2f}, cpu;dur={cpu * 1000:.2f}"
        return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # OperationalError: the server is down or refused us; InterfaceError: the connection
        # this worker held died with it. Both pass once the database is back.
        if isinstance(exception, OperationalError | InterfaceError):
            response = JsonResponse(
                {"detail": "The database is unavailable; try again shortly."}, status=503)
            response["Retry-After"] = "5"
            return response
        return None
