"""The published guide is kept as objects shared by every request of a process
(catalogue.selectors, core/objectcache.py): nothing a page, an application or the API does
with its copy may reach the kept originals, one level of relations and checklist rows deep."""

import copy
import json
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases.tests.factories import make_item, pdf
from qinkuaiban.catalogue import selectors as catalogue_selectors
from qinkuaiban.catalogue.selectors import (
    PUBLISHED_ITEM_KEY,
    PUBLISHED_VERSION_KEY,
    get_published_item,
)
from qinkuaiban.identity.models import User
from qinkuaiban.identity.tokens import issue_token


def state(instance: Any, depth: int = 1) -> Any:
    """An instance's values, its related objects (which, and their own state) and its
    prefetched rows, as they are now."""
    if instance is None:
        return None
    values = {name: copy.deepcopy(value) for name, value in instance.__dict__.items()
              if name not in ("_state", "_prefetched_objects_cache")}
    if depth == 0:
        return values, sorted(instance._state.fields_cache)
    related = {name: (id(other), state(other, depth - 1))
               for name, other in instance._state.fields_cache.items()}
    rows = {name: [(id(row), state(row, depth - 1)) for row in queryset]
            for name, queryset in instance.__dict__.get("_prefetched_objects_cache", {}).items()}
    return values, related, rows


def kept(item_code: str, version_id: int) -> tuple[Any, Any]:
    """The kept originals, with everything loaded onto them."""
    objects = caches["objects"]
    return (state(objects.get(f"{PUBLISHED_ITEM_KEY}:{item_code}")),
            state(objects.get(f"{PUBLISHED_VERSION_KEY}:{version_id}")))


def test_pages_applications_and_the_api_leave_the_kept_guide_as_it_was(
    zhangsan: User, sunqi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The item is kept for a second only: on a busy machine the requests below take longer,
    # and a reloaded original is not the one this test watches.
    monkeypatch.setattr(catalogue_selectors, "PUBLISHED_ITEM_SECONDS", 3600)
    item = make_item()
    version = get_published_item(code=item.code).current_version
    assert version is not None
    before = kept(item.code, version.pk)
    required = list(version.materials.filter(necessity="required"))
    browser = Client()
    browser.force_login(zhangsan)
    raw, _token = issue_token(user=zhangsan)
    api = Client(headers={"authorization": f"Bearer {raw}"})

    assert browser.get(reverse("catalogue:item", kwargs={"code": item.code})).status_code == 200
    leader = Client()
    leader.force_login(sunqi)  # whether a leader may edit walks the division's parents
    assert leader.get(reverse("catalogue:item", kwargs={"code": item.code})).status_code == 200
    assert browser.get(reverse("cases:apply", kwargs={"code": item.code})).status_code == 200
    assert api.get(f"/api/v1/services/{item.code}").status_code == 200
    submitted = api.post("/api/v1/cases/with-files", {
        "data": json.dumps({"service_code": item.code, "form": {"contact_phone": "13800000001"}}),
        "file": [pdf() for _m in required], "material": [m.pk for m in required],
    })
    assert submitted.status_code in (201, 202), submitted.json()

    assert kept(item.code, version.pk) == before
