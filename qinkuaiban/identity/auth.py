"""API authentication: a bearer token, or the browser's session (with CSRF)."""

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from qinkuaiban.identity.models import User

# The ApiToken that authenticated the request, for `DELETE /auth/token`.
TOKEN_ATTR = "qkb_api_token"


class BearerToken(HttpBearer):
    """`Authorization: Bearer qkb_…`, a token from `POST /api/v1/auth/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        from qinkuaiban.identity.tokens import token_for_raw

        api_token = token_for_raw(token)
        if api_token is None:
            return None
        setattr(request, TOKEN_ATTR, api_token)
        request.user = api_token.user
        return api_token.user


bearer_auth = BearerToken()
api_auth = [bearer_auth, django_auth]
