"""The work-order system's Django project: settings, URLs, WSGI and ASGI entry points."""
