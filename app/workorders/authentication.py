"""Token authentication in one query, refusing impossible keys before they reach PostgreSQL."""
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from rest_framework import authentication, exceptions

from .models import Role


def is_plausible_key(key: str) -> bool:
    # PostgreSQL cannot store a NUL byte in text; psycopg refuses the query with DataError.
    return "\x00" not in key


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        """DRF's checks, but the token, its user and the user's roles come in one query
        (DRF's token-and-user query and roles_of's groups query were two round trips on every
        API request)."""
        if not is_plausible_key(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        roles = ArrayAgg("user__groups__name", filter=Q(user__groups__name__in=Role.values),
                         default=[])
        try:
            token = (self.get_model().objects.select_related("user")
                     .annotate(role_names=roles).get(key=key))
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        token.user._workorder_roles = frozenset(token.role_names)  # what roles_of() reads
        return token.user, token
