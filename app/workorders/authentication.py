"""Token authentication in one hand-written query, refusing impossible keys before PostgreSQL.

Every API request runs it. The ORM took longer to build the token-user-roles query than
PostgreSQL took to answer it (py-spy, list endpoint under load: a fifth of the workers' time in
query compilation), so the SQL is written once, from the models' own table and column names.
"""
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import Role


def is_plausible_key(key: str) -> bool:
    # PostgreSQL cannot store a NUL byte in text; psycopg refuses the query with DataError.
    return "\x00" not in key


# The tables are django.contrib.auth's and authtoken's (AUTH_USER_MODEL is auth.User).
SQL = """
SELECT t.created, {user_columns},
       COALESCE(array_agg(g.name) FILTER (WHERE g.name = ANY(%s)), '{{}}')
  FROM authtoken_token t
  JOIN auth_user u ON u.id = t.user_id
  LEFT JOIN auth_user_groups ug ON ug.user_id = u.id
  LEFT JOIN auth_group g ON g.id = ug.group_id
 WHERE t.key = %s
 GROUP BY t.key, u.id
"""


@cache
def _token_user_roles_sql() -> tuple[str, list[str]]:
    """The token's creation time, its user's columns and the user's role names, by key."""
    fields = get_user_model()._meta.concrete_fields
    columns = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in fields)
    return SQL.format(user_columns=columns), [f.attname for f in fields]


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        """DRF's checks, with the token, its user and the user's roles in one round trip."""
        if not is_plausible_key(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        sql, user_fields = _token_user_roles_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(Role.values), key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        created, *user_values, role_names = row
        user = get_user_model().from_db(connection.alias, user_fields, user_values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        user._workorder_roles = frozenset(role_names)  # what roles_of() reads
        token = Token.from_db(connection.alias, ["key", "user_id", "created"],
                              [key, user.pk, created])
        token.user = user
        return user, token
