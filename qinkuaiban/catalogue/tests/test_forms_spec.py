import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.catalogue.forms_spec import (
    DeclarationError,
    build_form_class,
    parse_fields,
    validate_form_data,
)
from qinkuaiban.core.validators import id_number_check_digit

DECLARATION = [
    {"name": "title", "label": "标题", "type": "text", "max_length": 5},
    {"name": "story", "label": "经过", "type": "textarea", "required": False},
    {"name": "family_size", "label": "人口", "type": "number", "min": 1, "max": 10},
    {"name": "arrival", "label": "到岗日期", "type": "date"},
    {"name": "rank", "label": "职级", "type": "choice",
     "choices": ["正处", {"value": "fuchu", "label": "副处"}]},
    {"name": "id_number", "label": "身份证号码", "type": "id_number"},
    {"name": "phone", "label": "电话", "type": "phone"},
    {"name": "photo", "label": "照片", "type": "file", "required": False},
]
GOOD = {
    "title": "申请", "family_size": "3", "arrival": "2026-03-01", "rank": "fuchu",
    "id_number": "11010519491231002x", "phone": "13800000001",
}


def test_a_good_declaration_parses_into_fields():
    fields = parse_fields(DECLARATION)

    assert [f.type for f in fields] == [
        "text", "textarea", "number", "date", "choice", "id_number", "phone", "file"]
    assert fields[4].choices == (("正处", "正处"), ("fuchu", "副处"))
    assert fields[0].as_dict()["max_length"] == 5


@pytest.mark.parametrize(
    ("declaration", "fragment"),
    [
        ({"name": "x"}, "list"),
        ([{"name": "Bad Name", "label": "甲", "type": "text"}], "name"),
        ([{"name": "a", "label": "", "type": "text"}], "label"),
        ([{"name": "a", "label": "甲", "type": "colour"}], "type"),
        ([{"name": "a", "label": "甲", "type": "choice"}], "choices"),
        ([{"name": "a", "label": "甲", "type": "text", "choices": ["x"]}], "choice"),
        ([{"name": "a", "label": "甲", "type": "number", "max_length": 3}], "maximum length"),
        ([{"name": "a", "label": "甲", "type": "number", "min": 5, "max": 1}], "greater"),
        ([{"name": "a", "label": "甲", "type": "date", "min": 1}], "min and max"),
        ([{"name": "a", "label": "甲", "type": "text", "colour": "red"}], "unknown keys"),
        ([{"name": "a", "label": "甲", "type": "text", "required": "yes"}], "true or false"),
        ([{"name": "a", "label": "甲", "type": "text"}] * 2, "more than once"),
    ],
)
def test_bad_declarations_are_refused_with_a_clear_error(settings, declaration, fragment):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(DeclarationError) as caught:
        parse_fields(declaration)

    assert any(fragment in error for error in caught.value.errors), caught.value.errors


def test_every_problem_of_a_declaration_is_reported_at_once():
    with pytest.raises(DeclarationError) as caught:
        parse_fields([{"name": "1", "type": "x"}, {"name": "b", "label": "乙", "type": "choice"}])

    assert len(caught.value.errors) >= 4


def test_good_data_is_cleaned_to_json_ready_values():
    clean, errors = validate_form_data(parse_fields(DECLARATION), GOOD)

    assert errors == {}
    assert clean == {
        "title": "申请", "family_size": 3, "arrival": "2026-03-01", "rank": "fuchu",
        "id_number": "11010519491231002X", "phone": "13800000001",
    }


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("title", "太长的一个标题"),
        ("family_size", "三"),
        ("family_size", "0"),
        ("family_size", "11"),
        ("arrival", "2026-02-30"),
        ("arrival", "下周一"),
        ("rank", "正厅"),
        ("id_number", "110105194912310021"),  # wrong check digit
        ("id_number", "11010519491331002X"),  # month 13
        ("id_number", "1101051949123100"),  # too short
        ("phone", "12345"),
        ("phone", "23800000001"),
    ],
)
def test_bad_values_are_refused_per_field(name, value):
    _clean, errors = validate_form_data(parse_fields(DECLARATION), {**GOOD, name: value})

    assert list(errors) == [name]


def test_required_fields_must_be_filled_and_optional_ones_may_be_blank():
    data = {**GOOD, "title": "  ", "story": ""}
    clean, errors = validate_form_data(parse_fields(DECLARATION), data)

    assert list(errors) == ["title"]
    assert "story" not in clean


def test_landline_numbers_with_area_code_are_phones():
    clean, errors = validate_form_data(parse_fields(DECLARATION),
                                       {**GOOD, "phone": "0791-88009999"})

    assert errors == {}
    assert clean["phone"] == "0791-88009999"


def test_files_pass_through_and_oversized_files_are_refused(settings):
    settings.QKB_UPLOAD_MAX_BYTES = 10
    fields = parse_fields(DECLARATION)
    small = SimpleUploadedFile("a.jpg", b"123")
    big = SimpleUploadedFile("b.jpg", b"x" * 11)

    clean, errors = validate_form_data(fields, {**GOOD, "photo": small})
    assert errors == {} and clean["photo"] is small
    _clean, errors = validate_form_data(fields, {**GOOD, "photo": big})
    assert list(errors) == ["photo"]


@given(
    birth=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2020, 12, 31)),
    area=st.integers(min_value=110000, max_value=659999),
    serial=st.integers(min_value=0, max_value=999),
)
def test_id_numbers_pass_exactly_when_their_check_digit_is_right(birth, area, serial):
    first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
    right = id_number_check_digit(first17)
    wrong = next(c for c in "0123456789X" if c != right)
    fields = parse_fields([{"name": "n", "label": "号", "type": "id_number"}])

    assert validate_form_data(fields, {"n": first17 + right})[1] == {}
    assert "n" in validate_form_data(fields, {"n": first17 + wrong})[1]


def test_built_django_form_uses_the_same_rules():
    form_class = build_form_class(parse_fields(DECLARATION))

    form = form_class(data={**GOOD, "id_number": "110105194912310021"})
    assert not form.is_valid()
    assert list(form.errors) == ["id_number"]

    form = form_class(data=GOOD)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["family_size"] == 3
    assert 'type="date"' in str(form["arrival"])
    assert "required" in str(form["title"])
