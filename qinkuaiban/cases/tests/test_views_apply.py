"""Applying through the HTML form: submit, the one-time token against double submission,
drafts saved and resumed, errors shown per field with the data kept, and the confirmation."""

from typing import Any

import pytest
from django.urls import reverse

from qinkuaiban.cases.models import Attachment, Case, Status
from qinkuaiban.cases.tests.factories import ItemFactory, pdf, signed_in
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db



def materials(item: ServiceItem, necessity: str = "required") -> dict[str, Any]:
    assert item.current_version is not None
    return {f"materials-m{m.pk}": pdf(f"{m.name}.pdf")
            for m in item.current_version.materials.filter(necessity=necessity)}


def post(item: ServiceItem, *, token: str = "tok-1", intent: str = "submit",
         phone: str = "13800000001", files: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"form_token": token, "intent": intent, "f-contact_phone": phone}
    if files:
        data.update(materials(item))
    return data


def test_apply_page_shows_the_guide_the_form_and_a_file_input_per_material(
    item: ServiceItem, zhangsan: User
) -> None:
    response = signed_in(zhangsan).get(reverse("cases:apply", args=[item.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "联系电话" in body
    assert "申请函" in body and "鉴定报告" in body
    assert "容缺" in body
    assert 'name="form_token"' in body
    assert "提交" in body and "保存草稿" in body


def test_apply_page_of_an_unknown_service_is_404(zhangsan: User) -> None:
    response = signed_in(zhangsan).get(reverse("cases:apply", args=["QKB-NONE-001"]))
    assert response.status_code == 404


def test_submitting_makes_one_case_and_shows_its_number_and_code(
    item: ServiceItem, zhangsan: User
) -> None:
    client = signed_in(zhangsan)
    response = client.post(reverse("cases:apply", args=[item.code]), post(item))
    case = Case.objects.get(applicant=zhangsan)
    assert case.status == Status.SUBMITTED
    assert response["Location"] == reverse("cases:submitted", args=[case.number])
    assert Attachment.objects.filter(case=case).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert str(case.number) in page and case.verification_code in page
    assert "下一步" in page or "接下来" in page


def test_the_same_form_token_never_makes_two_cases(item: ServiceItem, zhangsan: User) -> None:
    client = signed_in(zhangsan)
    first = client.post(reverse("cases:apply", args=[item.code]), post(item, token="same"))
    second = client.post(reverse("cases:apply", args=[item.code]), post(item, token="same"))
    assert Case.objects.filter(applicant=zhangsan).count() == 1
    assert first["Location"] == second["Location"]


def test_a_new_token_makes_a_new_case(item: ServiceItem, zhangsan: User) -> None:
    client = signed_in(zhangsan)
    client.post(reverse("cases:apply", args=[item.code]), post(item, token="one"))
    client.post(reverse("cases:apply", args=[item.code]), post(item, token="two"))
    assert Case.objects.filter(applicant=zhangsan).count() == 2


def test_a_field_error_is_shown_next_to_the_field_and_the_data_is_kept(
    item: ServiceItem, zhangsan: User
) -> None:
    response = signed_in(zhangsan).post(reverse("cases:apply", args=[item.code]),
                                        post(item, phone="12345"))
    body = response.content.decode()
    assert response.status_code == 422
    assert 'value="12345"' in body
    assert "已选择的文件（将随申请一并提交）" in body
    assert 'value="tok-1"' in body
    assert not Case.objects.exists()


def test_missing_required_materials_are_named_by_the_core(
    item: ServiceItem, zhangsan: User
) -> None:
    response = signed_in(zhangsan).post(reverse("cases:apply", args=[item.code]),
                                        post(item, files=False))
    body = response.content.decode()
    assert response.status_code == 422
    assert "申请函" in body and "清单" in body
    assert not Case.objects.exists()


def test_saving_a_draft_and_submitting_it_later(item: ServiceItem, zhangsan: User) -> None:
    client = signed_in(zhangsan)
    response = client.post(reverse("cases:apply", args=[item.code]),
                           post(item, intent="draft", files=False))
    draft = Case.objects.get(registered_by=zhangsan)
    assert draft.status == Status.DRAFT
    assert response["Location"] == reverse("cases:draft", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'value="13800000001"' in page
    data = {"intent": "submit", "f-contact_phone": "13900000000", **materials(item)}
    response = client.post(reverse("cases:draft", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.form_data["contact_phone"] == "13900000000"
    assert response["Location"] == reverse("cases:submitted", args=[draft.number])
    again = client.post(reverse("cases:draft", args=[draft.pk]), data)
    assert again["Location"] == reverse("cases:submitted", args=[draft.number])


def test_a_draft_keeps_its_new_data_when_submission_is_refused(
    item: ServiceItem, zhangsan: User
) -> None:
    client = signed_in(zhangsan)
    client.post(reverse("cases:apply", args=[item.code]), post(item, intent="draft", files=False))
    draft = Case.objects.get(registered_by=zhangsan)
    response = client.post(reverse("cases:draft", args=[draft.pk]),
                           {"intent": "submit", "f-contact_phone": "13900000000"})
    draft.refresh_from_db()
    assert response.status_code == 422
    assert draft.status == Status.DRAFT
    assert draft.form_data["contact_phone"] == "13900000000"


def test_a_draft_is_saved_with_required_fields_still_blank_and_completed_before_submission(
    item: ServiceItem, zhangsan: User
) -> None:
    client = signed_in(zhangsan)
    response = client.post(reverse("cases:apply", args=[item.code]),
                           post(item, intent="draft", phone="", files=False))
    draft = Case.objects.get(registered_by=zhangsan)
    assert response["Location"] == reverse("cases:draft", args=[draft.pk])
    assert draft.status == Status.DRAFT and "contact_phone" not in draft.form_data

    # What is given is still checked when saving a draft.
    bad = client.post(reverse("cases:draft", args=[draft.pk]),
                      {"intent": "draft", "f-contact_phone": "12345"})
    assert bad.status_code == 422

    refused = client.post(reverse("cases:draft", args=[draft.pk]),
                          {"intent": "submit", "f-contact_phone": "", **materials(item)})
    assert refused.status_code == 422 and "此项为必填项" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_save_draft_button_skips_the_browsers_required_check(
    item: ServiceItem, zhangsan: User
) -> None:
    page = signed_in(zhangsan).get(reverse("cases:apply", args=[item.code])).content.decode()
    assert 'value="draft" formnovalidate' in page


def test_someone_elses_draft_is_404(item: ServiceItem, zhangsan: User, zhaoliu: User) -> None:
    signed_in(zhangsan).post(reverse("cases:apply", args=[item.code]),
                             post(item, intent="draft", files=False))
    draft = Case.objects.get(registered_by=zhangsan)
    assert signed_in(zhaoliu).get(reverse("cases:draft", args=[draft.pk])).status_code == 404


def test_discarding_a_draft_withdraws_it(item: ServiceItem, zhangsan: User) -> None:
    client = signed_in(zhangsan)
    client.post(reverse("cases:apply", args=[item.code]), post(item, intent="draft", files=False))
    draft = Case.objects.get(registered_by=zhangsan)
    response = client.post(reverse("cases:draft", args=[draft.pk]), {"intent": "discard"})
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN
    assert response["Location"] == reverse("cases:mine")


def test_a_renamed_program_is_refused_with_the_cores_message(
    item: ServiceItem, zhangsan: User
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = post(item)
    first_key = next(iter(materials(item)))
    data[first_key] = SimpleUploadedFile("申请函.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    response = signed_in(zhangsan).post(reverse("cases:apply", args=[item.code]), data)
    assert response.status_code == 422
    assert "申请函.pdf" in response.content.decode()
    assert not Case.objects.exists()


def test_a_service_whose_kind_is_not_installed_says_so(cast: dict[str, User]) -> None:
    item = ItemFactory(kind="not-installed-kind", materials=[])
    response = signed_in(cast["zhangsan"]).get(reverse("cases:apply", args=[item.code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "disabled" in body


def test_the_confirmation_page_is_404_for_another_applicant(
    item: ServiceItem, zhangsan: User, zhaoliu: User
) -> None:
    signed_in(zhangsan).post(reverse("cases:apply", args=[item.code]), post(item))
    case = Case.objects.get(applicant=zhangsan)
    response = signed_in(zhaoliu).get(reverse("cases:submitted", args=[case.number]))
    assert response.status_code == 404


def test_the_form_starts_with_the_applicants_own_name_mobile_and_organisation(
    zhangsan: User
) -> None:
    item = ItemFactory(content={"form_fields": [
        {"name": "contact_name", "label": "联系人", "type": "text", "required": True},
        {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
        {"name": "organisation_name", "label": "所在单位及处室", "type": "text", "required": True},
    ]})
    body = signed_in(zhangsan).get(reverse("cases:apply", args=[item.code])).content.decode()

    assert f'value="{zhangsan.real_name}"' in body
    assert f'value="{zhangsan.mobile}"' in body
    membership = zhangsan.memberships.get(role="applicant")
    assert membership.organisation.qualified_name in body
