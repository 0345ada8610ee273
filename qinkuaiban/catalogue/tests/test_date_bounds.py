"""Date fields of an application form declare the days they accept ("today", "today+N", a
fixed date, not before another date field); the rule is checked wherever a form is checked."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.catalogue.forms_spec import (
    DeclarationError,
    build_form_class,
    date_bound_errors,
    parse_fields,
    today_here,
    validate_form_data,
)

TODAY = datetime.date(2026, 11, 30)
TRIP = [
    {"name": "trip_date", "label": "出行日期", "type": "date", "not_before": "today",
     "not_after": "today+7"},
    {"name": "return_date", "label": "返程日期", "type": "date", "required": False,
     "not_before_field": "trip_date"},
]


def _day(offset: int) -> str:
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def test_a_trip_date_in_the_past_is_refused_with_a_message_naming_the_field():
    _clean, errors = validate_form_data(parse_fields(TRIP), {"trip_date": _day(-1)},
                                        today=TODAY)

    assert errors == {"trip_date": ["出行日期不能早于今天（2026年11月30日）。"]}


def test_a_trip_date_beyond_the_last_bookable_day_is_refused_with_that_day():
    _clean, errors = validate_form_data(parse_fields(TRIP), {"trip_date": _day(8)},
                                        today=TODAY)

    assert errors == {"trip_date": ["出行日期不能晚于2026年12月7日。"]}


@pytest.mark.parametrize("offset", [0, 3, 7])
def test_dates_from_today_to_the_last_bookable_day_are_accepted(offset):
    clean, errors = validate_form_data(parse_fields(TRIP), {"trip_date": _day(offset)},
                                       today=TODAY)

    assert errors == {}
    assert clean == {"trip_date": _day(offset)}


@given(today=st.dates(min_value=datetime.date(2000, 1, 1),
                      max_value=datetime.date(2099, 12, 31)),
       offset=st.integers(min_value=-400, max_value=400))
def test_a_date_is_accepted_exactly_when_it_lies_within_its_bounds(today, offset):
    fields = parse_fields([{"name": "d", "label": "日期", "type": "date",
                            "not_before": "today-30", "not_after": "today+90"}])
    day = (today + datetime.timedelta(days=offset)).isoformat()

    _clean, errors = validate_form_data(fields, {"d": day}, today=today)

    assert (errors == {}) == (-30 <= offset <= 90)


def test_bounds_may_be_fixed_dates():
    fields = parse_fields([{"name": "d", "label": "开班日期", "type": "date",
                            "not_before": "2027-03-01", "not_after": "2027-06-30"}])

    assert validate_form_data(fields, {"d": "2027-02-28"}, today=TODAY)[1] == {
        "d": ["开班日期不能早于2027年3月1日。"]}
    assert validate_form_data(fields, {"d": "2027-07-01"}, today=TODAY)[1] == {
        "d": ["开班日期不能晚于2027年6月30日。"]}
    assert validate_form_data(fields, {"d": "2027-03-01"}, today=TODAY)[1] == {}


def test_a_birth_date_cannot_be_in_the_future():
    fields = parse_fields([{"name": "born", "label": "幼儿出生日期", "type": "date",
                            "not_after": "today"}])

    assert validate_form_data(fields, {"born": _day(1)}, today=TODAY)[1] == {
        "born": ["幼儿出生日期不能晚于今天（2026年11月30日）。"]}
    assert validate_form_data(fields, {"born": "2023-05-01"}, today=TODAY)[1] == {}


def test_a_return_before_the_trip_is_refused_naming_both_fields():
    _clean, errors = validate_form_data(
        parse_fields(TRIP), {"trip_date": _day(3), "return_date": _day(2)}, today=TODAY)

    assert errors == {"return_date": ["返程日期不能早于出行日期（2026年12月3日）。"]}


def test_a_return_on_the_day_of_the_trip_is_accepted():
    clean, errors = validate_form_data(
        parse_fields(TRIP), {"trip_date": _day(3), "return_date": _day(3)}, today=TODAY)

    assert errors == {}
    assert clean["return_date"] == _day(3)


def test_the_return_rule_waits_for_a_trip_date_that_can_be_read():
    fields = parse_fields(TRIP)

    _clean, errors = validate_form_data(
        fields, {"trip_date": "下周一", "return_date": _day(2)}, today=TODAY)
    assert list(errors) == ["trip_date"]
    _clean, errors = validate_form_data(fields, {"return_date": _day(2)}, partial=True,
                                        today=TODAY)
    assert errors == {}


def test_a_draft_is_held_to_the_bounds_of_what_it_gives():
    _clean, errors = validate_form_data(parse_fields(TRIP), {"trip_date": _day(-2)},
                                        partial=True, today=TODAY)

    assert list(errors) == ["trip_date"]


def test_a_saved_draft_is_checked_again_once_today_has_moved_on():
    stored = {"trip_date": _day(1), "contact_phone": "13800000001"}
    fields = parse_fields(TRIP)

    assert date_bound_errors(fields, stored, today=TODAY) == {}
    assert date_bound_errors(fields, stored, today=TODAY + datetime.timedelta(days=5)) == {
        "trip_date": ["出行日期不能早于今天（2026年12月5日）。"]}


def test_a_declaration_stored_before_bounds_existed_keeps_working():
    stored = [{"name": "arrival", "label": "到岗日期", "type": "date", "required": True}]
    fields = parse_fields(stored)

    assert fields[0].not_before is None and fields[0].not_after is None
    assert fields[0].as_dict() == stored[0]
    assert validate_form_data(fields, {"arrival": "2001-01-01"}, today=TODAY)[1] == {}
    assert 'min="' not in str(build_form_class(fields, today=TODAY)()["arrival"])


def test_bounds_are_stored_back_in_their_written_form():
    fields = parse_fields([
        {"name": "start", "label": "开始日期", "type": "date", "not_before": " Today + 3 ",
         "not_after": "2027-01-31"},
        {"name": "end", "label": "结束日期", "type": "date", "not_before": "today-2",
         "not_before_field": "start"},
    ])

    stored = [spec.as_dict() for spec in fields]

    assert stored[0]["not_before"] == "today+3" and stored[0]["not_after"] == "2027-01-31"
    assert stored[1]["not_before"] == "today-2" and stored[1]["not_before_field"] == "start"
    assert parse_fields(stored) == fields


@pytest.mark.parametrize(
    ("declaration", "fragment"),
    [
        ([{"name": "a", "label": "甲", "type": "text", "not_before": "today"}],
         "only date fields"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before": "tomorrow"}], "today+N"),
        ([{"name": "a", "label": "甲", "type": "date", "not_after": "2026-02-30"}], "today+N"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before": 3}], "today+N"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before": "today+8",
           "not_after": "today+7"}], "later than"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before": "2027-01-02",
           "not_after": "2027-01-01"}], "later than"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before_field": "a"}],
         "another date field"),
        ([{"name": "a", "label": "甲", "type": "date", "not_before_field": "b"}],
         "not a date field"),
        ([{"name": "b", "label": "乙", "type": "text"},
          {"name": "a", "label": "甲", "type": "date", "not_before_field": "b"}],
         "not a date field"),
    ],
)
def test_bad_date_bounds_are_refused_with_a_clear_error(settings, declaration, fragment):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(DeclarationError) as caught:
        parse_fields(declaration)

    assert any(fragment in error for error in caught.value.errors), caught.value.errors


def test_a_fixed_bound_against_a_relative_one_is_left_to_the_day_of_applying():
    fields = parse_fields([{"name": "a", "label": "甲", "type": "date",
                            "not_before": "2027-01-01", "not_after": "today+30"}])

    assert validate_form_data(fields, {"a": "2027-01-01"}, today=TODAY)[1] != {}
    assert validate_form_data(fields, {"a": "2027-01-01"},
                              today=datetime.date(2026, 12, 20))[1] == {}


def test_the_date_input_offers_only_the_days_the_bounds_allow():
    form = build_form_class(parse_fields(TRIP), today=TODAY)()

    html = str(form["trip_date"])
    assert 'type="date"' in html
    assert f'min="{_day(0)}"' in html and f'max="{_day(7)}"' in html


def test_an_end_date_names_its_start_for_the_picker_to_follow():
    form = build_form_class(parse_fields(TRIP), today=TODAY)()

    html = str(form["return_date"])
    assert 'data-not-before-field="trip_date"' in html
    assert 'data-min=""' in html and 'min="' not in html.replace('data-min="', "")
    assert "data-not-before-field" not in str(form["trip_date"])


def test_the_built_django_form_refuses_a_past_date_with_the_same_message():
    form_class = build_form_class(parse_fields(TRIP), today=TODAY)

    form = form_class(data={"trip_date": _day(-1)})

    assert not form.is_valid()
    assert form.errors["trip_date"] == ["出行日期不能早于今天（2026年11月30日）。"]
    assert form_class(data={"trip_date": _day(1)}).is_valid()


def test_today_is_the_day_in_asia_shanghai_not_in_utc(monkeypatch, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    late_evening_utc = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late_evening_utc)

    assert today_here() == datetime.date(2026, 11, 30)


@pytest.mark.parametrize("written", ["20270101", "2027-W01-1", "2027-001", "２０２７-０１-０１"])
def test_a_date_not_written_yyyy_mm_dd_is_refused_in_a_form_and_in_a_bound(settings, written):
    settings.LANGUAGE_CODE = "en"
    fields = parse_fields([{"name": "a", "label": "甲", "type": "date", "required": True}])

    clean, errors = validate_form_data(fields, {"a": written}, today=TODAY)

    assert errors == {"a": ["Enter a date as YYYY-MM-DD."]} and "a" not in clean
    with pytest.raises(DeclarationError):
        parse_fields([{"name": "a", "label": "甲", "type": "date", "not_after": written}])
