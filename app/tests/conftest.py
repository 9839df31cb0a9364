"""Personas and factories for the app's tests: real users in real role groups, real tokens."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from workorders.management.commands.seed import advance
from workorders.models import Task, WorkOrder


def pytest_collection_modifyitems(items):
    for item in items:
        if "app/tests" in str(item.path):
            item.add_marker(pytest.mark.app)


@pytest.fixture
def make_user(db):
    def make(username: str, *roles: str, **fields):
        user = get_user_model().objects.create_user(username=username, password="pw-" + username,
                                                    **fields)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user
    return make


@pytest.fixture
def maker(make_user):
    return make_user("maria_maker", "maker")


@pytest.fixture
def other_maker(make_user):
    return make_user("mo_maker", "maker")


@pytest.fixture
def supervisor(make_user):
    return make_user("sam_supervisor", "supervisor")


@pytest.fixture
def operator(make_user):
    return make_user("olga_operator", "operator")


@pytest.fixture
def other_operator(make_user):
    return make_user("otto_operator", "operator")


@pytest.fixture
def nobody(make_user):
    """Authenticated, but in no role group."""
    return make_user("nora_norole")


@pytest.fixture
def api():
    """api(user) is a client authenticated by that user's API token; api() is anonymous."""
    def client(user=None) -> APIClient:
        result = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            result.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return result
    return client


@pytest.fixture
def work_order_in(maker, supervisor, operator):
    """work_order_in(status) is a work order with `tasks` tasks taken to `status` through the
    real transitions by maker, supervisor and operator."""
    def make(status: str = "draft", tasks: int = 2, created_by=None, title="Replace pump seal"):
        work_order = WorkOrder.objects.create(title=title, created_by=created_by or maker)
        Task.objects.bulk_create(Task(work_order=work_order, sequence=n + 1, title=f"Step {n + 1}")
                                 for n in range(tasks))
        return advance(work_order, status, created_by or maker, supervisor, operator)
    return make
