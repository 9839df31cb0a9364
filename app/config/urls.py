"""Top-level routes: the API, its schema, health, metrics and the admin."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/", include("workorders.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("health/", include("health.urls")),
    # /metrics/ is refused to the public by nginx and read by Prometheus on loopback.
    path("", include("django_prometheus.urls")),
    path("admin/", admin.site.urls),
]
