import pytest
from django.test import override_settings

from qinkuaiban.core import crypto


def test_encrypt_then_decrypt_returns_the_original_text() -> None:
    token = crypto.encrypt("11010519491231002X")
    assert token != "11010519491231002X"
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token) == "11010519491231002X"


def test_encryption_is_randomised_so_equal_values_do_not_look_equal() -> None:
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_a_value_encrypted_under_another_field_key_cannot_be_read() -> None:
    with override_settings(QKB_FIELD_KEY="another-key"):
        token = crypto.encrypt("secret")
    with pytest.raises(ValueError):
        crypto.decrypt(token)


def test_keyed_hash_is_stable_and_differs_per_value() -> None:
    assert crypto.keyed_hash("11010519491231002X") == crypto.keyed_hash("11010519491231002X")
    assert crypto.keyed_hash("11010519491231002X") != crypto.keyed_hash("440524188001010014")
    assert len(crypto.keyed_hash("x")) == 64


def test_keyed_hash_depends_on_the_field_key() -> None:
    plain = crypto.keyed_hash("11010519491231002X")
    with override_settings(QKB_FIELD_KEY="another-key"):
        assert crypto.keyed_hash("11010519491231002X") != plain
