"""Token authentication that refuses impossible keys before they reach PostgreSQL."""
from rest_framework import authentication, exceptions


def is_plausible_key(key: str) -> bool:
    # PostgreSQL cannot store a NUL byte in text; psycopg refuses the query with DataError.
    return "\x00" not in key


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        if not is_plausible_key(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
