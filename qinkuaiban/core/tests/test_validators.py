import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.core.validators import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    id_number_check_digit,
    is_valid_credit_code,
    is_valid_id_number,
    is_valid_mobile,
    mask_id_number,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014",
                                    "11010519491231002x"])
def test_reference_id_numbers_from_gb_11643_are_valid(number: str) -> None:
    assert is_valid_id_number(number)


def test_reference_id_number_check_digits_follow_the_weighted_sum() -> None:
    assert id_number_check_digit("11010519491231002") == "X"  # S = 167
    assert id_number_check_digit("44052418800101001") == "4"  # S = 195


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check digit (X expected)
        "440524188001010015",  # wrong check digit (4 expected)
        "110105194902300023",  # 30 February
        "110105194913010020",  # month 13
        "110105299901010020",  # born in the future
        "11010519491231002",  # 17 characters
        "11010519491231002X1",  # 19 characters
        "11010519491231X02X",  # X not in the last place
        "",
    ],
)
def test_id_numbers_with_wrong_check_digit_or_impossible_birth_date_are_invalid(
    number: str,
) -> None:
    assert not is_valid_id_number(number)


def test_impossible_birth_date_is_invalid_even_with_a_matching_check_digit() -> None:
    first17 = "11010519490230002"  # 30 February 1949
    assert not is_valid_id_number(first17 + id_number_check_digit(first17))


@given(
    area=st.integers(min_value=110000, max_value=659999),
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_any_real_birth_date_with_its_check_digit_is_valid_and_any_other_check_is_not(
    area: int, birth: datetime.date, serial: int
) -> None:
    first17 = f"{area:06d}{birth:%Y%m%d}{serial:03d}"
    check = id_number_check_digit(first17)
    assert is_valid_id_number(first17 + check)
    for wrong in "0123456789X":
        if wrong != check:
            assert not is_valid_id_number(first17 + wrong)


def test_validate_id_number_raises_a_translated_message() -> None:
    validate_id_number("11010519491231002X")
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("110105194912310021")
    assert excinfo.value.code == "invalid_id_number"


def test_reference_credit_code_from_gb_32100_is_valid() -> None:
    assert is_valid_credit_code("91350100M000100Y43")
    assert credit_code_check_char("91350100M000100Y4") == "3"  # S = 1640


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_credit_codes_using_letters_outside_the_alphabet_are_invalid(letter: str) -> None:
    body = "91350100M000100Y4"
    # Put the forbidden letter in the organisation-code part and give it any last character.
    tampered = body[:8] + letter + body[9:]
    assert all(not is_valid_credit_code(tampered + last) for last in CREDIT_CODE_ALPHABET)
    assert not is_valid_credit_code("91350100M000100Y4" + letter)


def test_credit_code_with_a_wrong_check_character_is_invalid() -> None:
    assert not is_valid_credit_code("91350100M000100Y44")
    assert not is_valid_credit_code("91350100M000100Y4")
    with pytest.raises(ValidationError):
        validate_credit_code("91350100M000100Y44")
    validate_credit_code("91350100m000100y43")  # lower case is accepted


@given(
    registration=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    area=st.text(alphabet="0123456789", min_size=6, max_size=6),
    organisation=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
)
def test_any_credit_code_body_with_its_check_character_is_valid_and_no_other_is(
    registration: str, area: str, organisation: str
) -> None:
    body = registration + area + organisation
    check = credit_code_check_char(body)
    assert is_valid_credit_code(body + check)
    assert not any(is_valid_credit_code(body + c) for c in CREDIT_CODE_ALPHABET if c != check)


@pytest.mark.parametrize("number", ["13800000001", "19912345678", " 15012345678 "])
def test_mainland_mobile_numbers_are_valid(number: str) -> None:
    assert is_valid_mobile(number)
    validate_mobile(number)


@pytest.mark.parametrize("number", ["12800000001", "1380000000", "138000000011", "+8613800000001",
                                    "1380000000a", ""])
def test_numbers_that_are_not_mainland_mobiles_are_invalid(number: str) -> None:
    assert not is_valid_mobile(number)
    with pytest.raises(ValidationError):
        validate_mobile(number)


def test_masking_keeps_the_first_four_and_last_four_characters() -> None:
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("1234") == "****"


def test_a_mobile_number_is_masked_to_its_first_three_and_last_four_digits() -> None:
    from qinkuaiban.core.validators import mask_mobile

    assert mask_mobile("13800000001") == "138****0001"
    assert mask_mobile("0791123") == "*******"
