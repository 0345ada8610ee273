from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


@pytest.fixture
def attempt(client: Client) -> Callable[..., Any]:
    """POST the sign-in form as if from the address `ip`; returns the response."""

    def _attempt(username: str, password: str, *, ip: str = "10.0.0.1",
                 next_url: str = "") -> Any:
        data = {"username": username, "password": password}
        if next_url:
            data["next"] = next_url
        return client.post(reverse("identity:login"), data, REMOTE_ADDR=ip)

    return _attempt
