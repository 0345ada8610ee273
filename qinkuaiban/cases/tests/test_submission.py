"""Submission: numbering, idempotency, form validation, protected personal data, anonymous
submitters and the public progress lookup."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.utils import timezone

from qinkuaiban.cases import kinds, numbering, services
from qinkuaiban.cases.models import Case, CaseNumberSequence, Status
from qinkuaiban.cases.selectors import display_form_data, get_case_by_tracking
from qinkuaiban.cases.tests.factories import make_item, material_files, submit
from qinkuaiban.core.errors import InvalidInput, NotFound, NotPermitted


def test_numbers_are_qkb_year_and_six_digits_in_sequence(item, zhangsan, zhaoliu):
    first, second = submit(item, zhangsan), submit(item, zhaoliu)
    year = timezone.localdate().year
    one, two = str(first.number), str(second.number)
    assert re.fullmatch(rf"QKB{year}\d{{6}}", one)
    assert int(two[-6:]) == int(one[-6:]) + 1
    assert CaseNumberSequence.objects.get(year=year).last == int(two[-6:])


def test_a_rolled_back_submission_gives_its_number_back(item, zhangsan):
    def refuse(**kwargs):
        raise InvalidInput("refused after numbering", code="refused")

    kinds.register(kinds.CaseKind(slug="refusing", label="refusing", on_submit=refuse))
    try:
        refusing = make_item(kind="refusing", materials=[])
        submit(item, zhangsan)
        with pytest.raises(InvalidInput):
            submit(refusing, zhangsan, files=False)
    finally:
        kinds.unregister("refusing")
    third = submit(item, zhangsan)
    assert str(third.number).endswith("000002")


def test_a_number_is_only_issued_inside_a_transaction():
    with pytest.raises(RuntimeError):
        numbering.issue_number(on=timezone.localdate())


def test_the_same_idempotency_key_returns_the_same_case(item, zhangsan, zhaoliu):
    first = submit(item, zhangsan, idempotency_key="k-1")
    again = submit(item, zhangsan, idempotency_key="k-1")
    assert again.pk == first.pk and again.replayed and not first.replayed
    other = submit(item, zhaoliu, idempotency_key="k-1")
    assert other.pk != first.pk
    assert Case.objects.count() == 2


def test_an_invalid_form_names_the_field(item, zhangsan):
    with pytest.raises(InvalidInput) as refused:
        services.submit_case(actor=zhangsan, item=item, form={"contact_phone": "123"},
                             files=material_files(item))
    assert refused.value.code == "invalid_form" and "联系电话" in refused.value.message


def test_a_kind_can_add_its_own_form_check(cast, zhangsan):
    kind = kinds.CaseKind(slug="picky", label="picky",
                          validate_form=lambda version, data: {"contact_phone": ["不受理"]})
    kinds.register(kind)
    try:
        picky = make_item(kind="picky", materials=[])
        with pytest.raises(InvalidInput):
            submit(picky, zhangsan, files=False)
    finally:
        kinds.unregister("picky")


def test_id_numbers_are_stored_encrypted_and_shown_masked(item, zhangsan):
    case = services.submit_case(
        actor=zhangsan, item=item, files=material_files(item),
        form={"contact_phone": "13800000001", "id_number": "11010519491231002X"},
    )
    stored = Case.objects.get(pk=case.pk).form_data["id_number"]
    assert "11010519491231002X" not in str(stored)
    shown = {v.name: v.value for v in display_form_data(case=case)}
    assert shown["id_number"] == "1101**********002X"


def test_administrators_cannot_apply(item, sysadmin):
    with pytest.raises(NotPermitted):
        submit(item, sysadmin)


def test_a_draft_gets_its_number_on_submission(item, zhangsan):
    draft = services.create_draft(actor=zhangsan, item=item, form={"contact_phone": "13800000001"},
                                  files=material_files(item))
    assert draft.status == Status.DRAFT and draft.number is None
    draft = services.update_draft(case=draft, actor=zhangsan,
                                  form={"contact_phone": "13800000009"})
    case = services.transition_case(case=draft, action="submit", actor=zhangsan)
    assert case.number and case.form_data["contact_phone"] == "13800000009"


@pytest.fixture
def anonymous_item(cast):
    kind = kinds.CaseKind(slug="open_box", label="open", meta={"allows_anonymous": True})
    kinds.register(kind)
    yield make_item(kind="open_box", materials=[])
    kinds.unregister("open_box")


def test_a_draft_submitted_later_must_have_its_required_fields(item, zhangsan):
    draft = services.submit_case(actor=zhangsan, item=item, form={}, submit=False,
                                 files=material_files(item))

    with pytest.raises(InvalidInput) as refused:
        services.transition_case(case=draft, action="submit", actor=zhangsan)

    assert refused.value.code == "form_incomplete" and refused.value.field == "contact_phone"
    assert "联系电话" in refused.value.message
    services.update_draft(case=draft, actor=zhangsan, form={"contact_phone": "13800000001"})
    assert services.transition_case(case=draft, action="submit", actor=zhangsan).number


def test_a_draft_whose_date_has_passed_since_it_was_saved_is_refused_at_submission(zhangsan):
    trip = make_item(content={"form_fields": [
        {"name": "trip_date", "label": "出行日期", "type": "date", "required": True,
         "not_before": "today"}]})
    today = timezone.localdate()
    draft = services.submit_case(actor=zhangsan, item=trip, submit=False,
                                 form={"trip_date": today.isoformat()},
                                 files=material_files(trip))
    later = timezone.now() + dt.timedelta(days=2)

    with mock.patch("django.utils.timezone.now", return_value=later), \
            pytest.raises(InvalidInput) as refused:
        services.transition_case(case=draft, action="submit", actor=zhangsan)

    assert refused.value.field == "trip_date" and "出行日期" in refused.value.message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number is None
    services.update_draft(case=draft, actor=zhangsan,
                          form={"trip_date": (today + dt.timedelta(days=1)).isoformat()})
    assert services.transition_case(case=draft, action="submit", actor=zhangsan).number


def test_a_drafts_dates_are_checked_against_the_day_of_the_submission_step(zhangsan):
    """The step's day, the one its dates and clock use (`at` moves it), not a second clock."""
    meeting = make_item(content={"form_fields": [
        {"name": "meeting_date", "label": "会议日期", "type": "date", "required": True,
         "not_after": "today+1"}]})
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    draft = services.submit_case(actor=zhangsan, item=meeting, submit=False,
                                 form={"meeting_date": tomorrow.isoformat()},
                                 files=material_files(meeting))

    with pytest.raises(InvalidInput) as refused:
        services.transition_case(case=draft, action="submit", actor=zhangsan,
                                 at=timezone.now() - dt.timedelta(days=3))

    assert refused.value.field == "meeting_date"
    assert services.transition_case(case=draft, action="submit", actor=zhangsan).number


def test_a_draft_saved_at_once_is_checked_in_full_when_submitted_at_once(item, zhangsan):
    with pytest.raises(InvalidInput) as refused:
        services.submit_case(actor=zhangsan, item=item, form={}, files=material_files(item))
    assert refused.value.field == "contact_phone"
    assert not Case.objects.exists()


def test_an_anonymous_submitter_follows_the_case_with_tracking_code_and_pin(anonymous_item):
    receipt = services.submit_anonymous(item=anonymous_item, form={"contact_phone": "13900000000"},
                                        submitter_name="匿名", submitter_contact="13900000000")
    case = Case.objects.get(pk=receipt.case.pk)
    assert case.status == Status.SUBMITTED and case.applicant is None
    assert receipt.pin not in case.pin_hash
    assert get_case_by_tracking(reference=receipt.tracking_code, code=receipt.pin).pk == case.pk
    with pytest.raises(NotFound):
        get_case_by_tracking(reference=receipt.tracking_code, code="000000"
                             if receipt.pin != "000000" else "111111")


def test_anonymous_submission_needs_a_kind_that_allows_it(item):
    with pytest.raises(NotPermitted):
        services.submit_anonymous(item=item, form={}, submitter_name="x", submitter_contact="y")


def test_the_public_lookup_needs_the_right_verification_code(item, zhangsan):
    case = submit(item, zhangsan)
    found = get_case_by_tracking(reference=str(case.number), code=case.verification_code)
    assert found.pk == case.pk
    for wrong in ("WRONG123", ""):
        with pytest.raises(NotFound):
            get_case_by_tracking(reference=str(case.number), code=wrong)
    with pytest.raises(NotFound):
        get_case_by_tracking(reference="QKB2026999999", code=case.verification_code)
