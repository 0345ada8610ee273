"""Encryption at rest and keyed hashes for sensitive personal data (ID numbers)."""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _key_material(purpose: str) -> bytes:
    # Separate keys per purpose, derived from the one configured field key.
    return hashlib.sha256(f"{purpose}:{settings.QKB_FIELD_KEY}".encode()).digest()


def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_key_material("encrypt")))


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("Encrypted value cannot be read with the configured field key") from exc


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 for lookups: equal inputs match, the value itself cannot be recovered."""
    return hmac.new(_key_material("lookup"), value.encode(), hashlib.sha256).hexdigest()
