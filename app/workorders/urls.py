"""The API's routes, mounted under /api/."""
from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.register("work-orders", views.WorkOrderViewSet, basename="work-order")
router.register("tasks", views.TaskViewSet, basename="task")

urlpatterns = [
    path("auth/token/", views.TokenLogin.as_view(), name="auth-token"),
    path("me/", views.Me.as_view(), name="me"),
    path("operators/", views.OperatorList.as_view(), name="operators"),
    *router.urls,
]
