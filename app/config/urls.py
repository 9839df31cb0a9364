"""Top-level routes: the API, its schema, health, metrics and the admin."""
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_prometheus.exports import ExportToDjangoView
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/", include("workorders.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("health/", include("health.urls")),
    # /metrics/ is refused to the public by nginx and read by Prometheus on loopback.
    path("metrics/", ExportToDjangoView, name="prometheus-django-metrics"),
    path("admin/", admin.site.urls),
]

# A test-only endpoint of known latency (workorders.calibration): only settings with fault
# injection (config.settings.degraded) have the route; production has no such URL.
if getattr(settings, "FAULT_INJECTION", False):
    from workorders import calibration

    urlpatterns.append(path("calibration/latency/", calibration.latency,
                            name="calibration-latency"))
