"""API authentication: a bearer token, or the browser's session (with CSRF)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from qinkuaiban.identity.models import User


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from qinkuaiban.identity.tokens import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api_auth = [BearerToken(), django_auth]
