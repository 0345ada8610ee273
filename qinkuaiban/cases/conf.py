"""Settings of the cases app, read with their defaults so the app works before they are set.

| setting | default | meaning |
| --- | --- | --- |
| QKB_CASE_YELLOW_DAYS_LEFT | 1 | yellow warning at this many working days left or fewer |
| QKB_CASE_YELLOW_USED_PERCENT | 80 | yellow warning once this share of the limit is used |
| QKB_CASE_MAX_EXTENSION_DAYS | 10 | longest extension (行政许可法 第四十二条: 20 + 10) |
| QKB_CASE_TRANSFER_DAYS | 1 | working days the receiver has to take a transfer over |
| QKB_CASE_ESCALATE_AT_TRANSFER | 3 | the n-th transfer of one case is escalated at once |
| QKB_CASE_SUPERVISION_ORG | "goa-supervision" | organisation code of the supervising division |
| QKB_PUBLIC_LOOKUP_PER_MINUTE | 10 | public progress lookups per address and minute |
| QKB_CASE_SWEEP_BATCH | 500 | cases per batch in the sweep and the due-date recomputation |
| QKB_HELD_FILE_MAX_AGE_SECONDS | 14400 | how long files held for a form sent back stay offered |
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "QKB_CASE_YELLOW_DAYS_LEFT": 1,
    "QKB_CASE_YELLOW_USED_PERCENT": 80,
    "QKB_CASE_MAX_EXTENSION_DAYS": 10,
    "QKB_CASE_TRANSFER_DAYS": 1,
    "QKB_CASE_ESCALATE_AT_TRANSFER": 3,
    "QKB_CASE_SUPERVISION_ORG": "goa-supervision",
    "QKB_PUBLIC_LOOKUP_PER_MINUTE": 10,
    "QKB_CASE_SWEEP_BATCH": 500,
    "QKB_HELD_FILE_MAX_AGE_SECONDS": 4 * 60 * 60,
}


def setting(name: str) -> Any:
    """The configured value of one of the settings above, else its default."""
    return getattr(settings, name, DEFAULTS[name])
