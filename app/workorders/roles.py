"""Role membership, read once per request from the user's groups."""
from django.contrib.auth.models import Group

from .models import Role


def roles_of(user) -> frozenset[str]:
    """The user's roles, cached on the user object so one request asks the database once."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_workorder_roles", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:  # a list view prefetched them: no query per user
            names = [group.name for group in prefetched if group.name in Role.values]
        else:
            names = user.groups.filter(name__in=Role.values).values_list("name", flat=True)
        cached = user._workorder_roles = frozenset(names)
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def ensure_role_groups() -> dict[str, Group]:
    return {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
