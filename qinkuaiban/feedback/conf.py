"""Settings of the feedback app, read with their defaults so the app works before they are set.
Deadlines are in working days on the official calendar. [M] = common practice (domain.md §4),
configurable; [V] = read in a public source.

| setting | default | meaning |
| --- | --- | --- |
| QKB_FEEDBACK_RATING_WINDOW_DAYS | 5 | rating stays open this long after completion [V] |
| QKB_FEEDBACK_COUNTER_TOKEN_MINUTES | 30 | life of the QR code the window clerk shows |
| QKB_FEEDBACK_CONTACT_DAYS | 1 | contact the author of a bad rating within [V] |
| QKB_FEEDBACK_VERIFY_DAYS | 3 | verify and decide how to rectify, after the contact [M] |
| QKB_FEEDBACK_RECTIFY_DAYS | 15 | longest deadline of a rectification with a ledger entry [M] |
| QKB_FEEDBACK_CALL_BACK_DAYS | 5 | call the rater back after rectifying or explaining [M] |
| QKB_FEEDBACK_APPEAL_DAYS | 5 | the supervising division decides an appeal within [M] |
| QKB_FEEDBACK_WARNING_DAYS_LEFT | 1 | a step is "near" (yellow) with this many days left or fewer |
| QKB_FEEDBACK_MIN_SAMPLE | 5 | fewest ratings (or replies) before a rate is shown |
| QKB_FEEDBACK_COMPLAINT_REPLY_DAYS | 5 | reply to a complaint within |
| QKB_FEEDBACK_SUGGESTION_REPLY_DAYS | 15 | reply to a suggestion within |
| QKB_FEEDBACK_PRAISE_REPLY_DAYS | 5 | thank the author of praise within |
| QKB_FEEDBACK_LEADER_MAILBOX_REPLY_DAYS | 15 | reply to a letter to the leadership within |
| QKB_FEEDBACK_MAX_EXTENSION_DAYS | 10 | longest one-time extension of a reply deadline |
| QKB_FEEDBACK_SECOND_REPLY_DAYS | 5 | the head's second reply after an unsatisfied verdict |
| QKB_FEEDBACK_LEADER_REPLY_DAYS | 5 | a leader's reply after an escalation |
| QKB_FEEDBACK_SATISFACTION_DAYS | 10 | the submitter may give a verdict for this long |
| QKB_FEEDBACK_SWEEP_BATCH | 500 | rows per batch in the sweep |
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "QKB_FEEDBACK_RATING_WINDOW_DAYS": 5,
    "QKB_FEEDBACK_COUNTER_TOKEN_MINUTES": 30,
    "QKB_FEEDBACK_CONTACT_DAYS": 1,
    "QKB_FEEDBACK_VERIFY_DAYS": 3,
    "QKB_FEEDBACK_RECTIFY_DAYS": 15,
    "QKB_FEEDBACK_CALL_BACK_DAYS": 5,
    "QKB_FEEDBACK_APPEAL_DAYS": 5,
    "QKB_FEEDBACK_WARNING_DAYS_LEFT": 1,
    "QKB_FEEDBACK_MIN_SAMPLE": 5,
    "QKB_FEEDBACK_COMPLAINT_REPLY_DAYS": 5,
    "QKB_FEEDBACK_SUGGESTION_REPLY_DAYS": 15,
    "QKB_FEEDBACK_PRAISE_REPLY_DAYS": 5,
    "QKB_FEEDBACK_LEADER_MAILBOX_REPLY_DAYS": 15,
    "QKB_FEEDBACK_MAX_EXTENSION_DAYS": 10,
    "QKB_FEEDBACK_SECOND_REPLY_DAYS": 5,
    "QKB_FEEDBACK_LEADER_REPLY_DAYS": 5,
    "QKB_FEEDBACK_SATISFACTION_DAYS": 10,
    "QKB_FEEDBACK_SWEEP_BATCH": 500,
}


def setting(name: str) -> Any:
    """The configured value of one of the settings above, else its default."""
    return getattr(settings, name, DEFAULTS[name])


def days(name: str) -> int:
    """A setting that counts working days (or minutes, or rows), as an int."""
    return int(setting(name))
