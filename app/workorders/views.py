"""The REST API: work orders, their tasks and transitions, operators, and the current user."""
from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from . import transitions
from .filters import TaskFilter, WorkOrderFilter, WorkOrderOrdering
from .models import Role, Task, TaskStatus
from .models import WorkOrderStatus as S
from .parsers import PARSERS
from .permissions import (
    HasRole,
    IsSupervisor,
    MakerEditsOwnDrafts,
    visible_tasks,
    visible_work_orders,
)
from .readcache import CachedReads
from .serializers import (
    LIST_COLUMNS,
    AssignSerializer,
    RejectSerializer,
    TaskSerializer,
    TransitionSerializer,
    UserSerializer,
    WorkOrderListSerializer,
    WorkOrderSerializer,
)

User = get_user_model()
PERMISSIONS = [HasRole, MakerEditsOwnDrafts]


def _tasks_counted(**among):
    tasks = Task.objects.filter(work_order=OuterRef("pk"), **among).order_by()
    return Coalesce(Subquery(tasks.values("work_order").annotate(n=Count("pk")).values("n")), 0)


def _with_people_and_tasks(work_orders):
    """What a work order's full answer shows, read in two queries."""
    # values() in the list joins the people it names; a model instance needs select_related.
    return work_orders.select_related("created_by", "assignee", "approved_by").prefetch_related(
        Prefetch("tasks", queryset=Task.objects.select_related("operator"))
    )


def _refuse_unless_draft(work_order, what: str) -> None:
    if work_order.status != S.DRAFT:
        raise transitions.TransitionNotAllowed(
            f"Cannot {what} {work_order.number}: it is {work_order.status}, and only drafts "
            f"can be changed."
        )


class ListFilters:
    """The list's filters, search and ordering apply to the list alone. DRF applies them to a
    detail's look-up too: django-filter built its form for every detail read (11 % of a detail
    computed afresh, py-spy), and ?status=draft made a submitted work order 404."""

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset


class WorkOrderViewSet(CachedReads, ListFilters, viewsets.ModelViewSet):
    permission_classes = PERMISSIONS
    is_transition = False  # set per action: transitions check their own rules
    filterset_class = WorkOrderFilter
    filter_backends = [DjangoFilterBackend, SearchFilter, WorkOrderOrdering]
    search_fields = ["number", "title", "description"]
    ordering_fields = ["created_at", "updated_at", "due_date", "priority", "number"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        queryset = visible_work_orders(self.request.user)
        if self.action == "list":
            # Counted per row by subqueries, not by GROUP BY over a join: PostgreSQL counts
            # the tasks of the page's rows only, and the page's COUNT(*) reads no task.
            return queryset.annotate(
                task_count=_tasks_counted(), tasks_done=_tasks_counted(status=TaskStatus.DONE),
            ).values(*LIST_COLUMNS.values()).order_by("-created_at", "-id")
        if self.action in ("retrieve", "update", "partial_update"):  # answered in full
            return _with_people_and_tasks(queryset)
        return queryset  # found to be changed (answered afresh) or deleted, or its history read

    def get_serializer_class(self):
        return WorkOrderListSerializer if self.action == "list" else WorkOrderSerializer

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer):
        _refuse_unless_draft(serializer.instance, "edit")
        serializer.save()

    def perform_destroy(self, work_order):
        _refuse_unless_draft(work_order, "delete")
        work_order.delete()

    def _transition(self, request, action_name, body_class=None):
        # Visibility (404), then role (403), then the body (400): a body error must not tell a
        # user who may not act here anything (such as whether a username exists).
        work_order = self.get_object()
        transitions.require_role(action_name, request.user)
        details = {}
        if body_class is not None:
            body = body_class(data=request.data)
            body.is_valid(raise_exception=True)
            details = body.validated_data
        transitions.change_work_order(work_order.pk, action_name, request.user, **details)
        changed = _with_people_and_tasks(visible_work_orders(request.user)).get(pk=work_order.pk)
        return Response(WorkOrderSerializer(changed).data)

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def submit(self, request, pk=None):
        return self._transition(request, "submit")

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def approve(self, request, pk=None):
        return self._transition(request, "approve")

    @extend_schema(request=RejectSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def reject(self, request, pk=None):
        return self._transition(request, "reject", RejectSerializer)

    @extend_schema(request=None, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def revise(self, request, pk=None):
        return self._transition(request, "revise")

    @extend_schema(request=AssignSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def assign(self, request, pk=None):
        return self._transition(request, "assign", AssignSerializer)

    # The list's filters are not the history's: without filter_backends=[] they were documented
    # here and applied to finding the work order (?status=draft made a submitted one 404).
    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, pk=None):
        work_order = self.get_object()
        rows = work_order.transitions.select_related("actor")
        return Response(TransitionSerializer(rows, many=True).data)


class TaskViewSet(CachedReads, ListFilters, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Tasks are added through their work order (new_tasks); here they are read and worked on."""

    permission_classes = PERMISSIONS
    is_transition = False
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    search_fields = ["title"]
    ordering_fields = ["sequence", "started_at", "completed_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return visible_tasks(self.request.user).select_related("operator", "work_order")

    def perform_update(self, serializer):
        _refuse_unless_draft(serializer.instance.work_order, "edit the tasks of")
        serializer.save()

    def perform_destroy(self, task):
        _refuse_unless_draft(task.work_order, "delete the tasks of")
        task.delete()

    def _transition(self, request, action_name):
        task = self.get_object()
        transitions.change_task(task.pk, action_name, request.user)
        return Response(TaskSerializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def start(self, request, pk=None):
        return self._transition(request, "start")

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"], is_transition=True)
    def complete(self, request, pk=None):
        return self._transition(request, "complete")


class OperatorList(generics.ListAPIView):
    """The operators a supervisor can assign work to."""

    permission_classes = [IsSupervisor]
    serializer_class = UserSerializer
    search_fields = ["username"]
    ordering_fields = ["username"]
    filter_backends = []

    def get_queryset(self):
        return (User.objects.filter(groups__name=Role.OPERATOR, is_active=True)
                .prefetch_related("groups").order_by("username"))


class TokenLogin(ObtainAuthToken):
    """POST username and password, get the user's API token."""

    parser_classes = PARSERS  # ObtainAuthToken lists its own, without our JSON parser


class Me(generics.RetrieveAPIView):
    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user
