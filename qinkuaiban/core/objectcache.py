"""The `objects` cache: Python objects kept in this process as they are, not pickled.

Django's local-memory cache pickles every value on `set` and unpickles it on every `get`, which
gives each caller a deep copy. For the published guide that every application and guide page
reads, the unpickling was the largest single cost of a hit (a published version with its
checklist: about 75 µs). This backend keeps the object itself: a hit costs a dictionary
lookup, and every caller shares the one object.

So only values that nobody changes belong here — or their owner hands out copies (see
`catalogue.selectors`). Like the local-memory cache, each server process has its own; entries
expire with their timeout, and when MAX_ENTRIES are kept the expired ones go first, then the
least recently used 1/CULL_FREQUENCY of the others."""

import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# Per cache name, shared by the backend instances Django makes for each thread.
_stores: dict[str, tuple["OrderedDict[str, tuple[float | None, Any]]", Lock]] = {}


class ObjectCache(BaseCache):
    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._entries, self._lock = _stores.setdefault(name, (OrderedDict(), Lock()))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return default
            self._entries.move_to_end(key, last=False)
            return entry[1]

    def set(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT,
            version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._store(key, value, timeout)

    def add(self, key: Any, value: Any, timeout: float | None = DEFAULT_TIMEOUT,
            version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, value, timeout)
            return True

    def touch(self, key: Any, timeout: float | None = DEFAULT_TIMEOUT,
              version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._entries[key] = (self.get_backend_timeout(timeout), entry[1])
            self._entries.move_to_end(key, last=False)
            return True

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            value = entry[1] + delta
            self._entries[key] = (entry[0], value)
            return value

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key) is not None

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _live(self, key: str) -> tuple[float | None, Any] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[0] is not None and entry[0] <= time.time():
            del self._entries[key]
            return None
        return entry

    def _store(self, key: str, value: Any, timeout: float | None) -> None:
        if key not in self._entries and len(self._entries) >= self._max_entries:
            self._drop_expired()
        if key not in self._entries and len(self._entries) >= self._max_entries:
            if self._cull_frequency == 0:
                self._entries.clear()
            else:
                for _ in range(max(1, len(self._entries) // self._cull_frequency)):
                    self._entries.popitem()  # the least recently used are at the end
        self._entries[key] = (self.get_backend_timeout(timeout), value)
        self._entries.move_to_end(key, last=False)

    def _drop_expired(self) -> None:
        now = time.time()
        for key in [key for key, (expires, _value) in self._entries.items()
                    if expires is not None and expires <= now]:
            del self._entries[key]
