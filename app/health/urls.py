"""Health routes, mounted under /health/."""
from django.urls import path

from . import views

urlpatterns = [
    path("live/", views.live, name="health-live"),
    path("ready/", views.ready, name="health-ready"),
]
