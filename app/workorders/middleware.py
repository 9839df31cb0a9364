"""A database outage answers 503 with Retry-After at once, instead of a 500 (or a hang)."""
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse


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
