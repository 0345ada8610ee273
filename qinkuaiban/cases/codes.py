"""Codes people read out or type from paper: verification codes, tracking codes, PINs and
receipts of received applications."""

import secrets

# Unambiguous characters (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
VERIFICATION_CODE_LENGTH = 8
TRACKING_CODE_LENGTH = 12
PIN_LENGTH = 6
RECEIPT_LENGTH = 12


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def looks_like_code(value: str, length: int) -> bool:
    """Whether `value` could be a code of this length (else nothing needs to be looked up)."""
    return len(value) == length and set(value) <= set(CODE_ALPHABET)
