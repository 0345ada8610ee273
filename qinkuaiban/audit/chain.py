"""The hash chain, as pure functions: what is hashed, and how."""

import datetime
import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_time(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 over the entry's content in a canonical JSON form, chained to `prev_hash`."""
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()
