import time

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.filterwarnings("error")


def test_the_objects_cache_hands_back_the_object_itself_not_a_copy():
    kept = {"checklist": ["审批单"]}
    caches["objects"].set("kept", kept, 60)
    assert caches["objects"].get("kept") is kept


def test_an_expired_object_is_gone_and_add_only_fills_an_empty_key(monkeypatch):
    objects = caches["objects"]
    assert objects.add("once", "first", 1) is True
    assert objects.add("once", "second", 1) is False
    assert objects.get("once") == "first"
    later = time.time() + 2
    monkeypatch.setattr(time, "time", lambda: later)
    assert objects.get("once", "gone") == "gone"
    assert objects.add("once", "third", 1) is True


def test_incr_counts_in_place_and_refuses_a_missing_key():
    objects = caches["objects"]
    objects.set("count", 1, 60)
    assert objects.incr("count", 2) == 3
    assert objects.get("count") == 3
    with pytest.raises(ValueError, match="not found"):
        objects.incr("missing")


def test_clearing_every_cache_empties_the_objects_cache_too():
    caches["objects"].set("kept", object(), 60)
    for cache in caches.all():
        cache.clear()
    assert caches["objects"].get("kept") is None


def test_a_full_cache_lets_the_least_recently_used_go(settings):
    from qinkuaiban.core.objectcache import ObjectCache

    small = ObjectCache("test-small", {"OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3}})
    small.clear()
    for key in ("a", "b", "c"):
        small.set(key, key.upper(), 60)
    assert small.get("a") == "A"  # a is now the most recently used
    small.set("d", "D", 60)
    assert small.get("b") is None
    assert [small.get(key) for key in ("a", "c", "d")] == ["A", "C", "D"]
    assert small.touch("a", 60) and small.has_key("a")
    assert small.delete("a") and not small.has_key("a")


def test_a_full_cache_lets_the_expired_go_before_any_live_entry(monkeypatch):
    from qinkuaiban.core.objectcache import ObjectCache

    small = ObjectCache("test-expired", {"OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3}})
    small.clear()
    small.set("short", "S", 1)
    small.set("a", "A", 3600)
    small.set("b", "B", 3600)
    later = time.time() + 2
    monkeypatch.setattr(time, "time", lambda: later)
    small.set("c", "C", 3600)
    assert [small.get(key) for key in ("a", "b", "c")] == ["A", "B", "C"]
