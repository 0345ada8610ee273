"""Every case action through the HTML forms: a plain POST is redirected to the case, an htmx
request gets the case's partial back, and a refusal shows the core's own message."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases.models import (
    Case,
    DoorToDoorVisit,
    DoorVisitStatus,
    Outcome,
    Status,
    Transfer,
    TransferStatus,
)
from qinkuaiban.cases.tests.factories import pdf, register_at_window, signed_in, submit
from qinkuaiban.cases.tests.states import build, materials_of
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User
from qinkuaiban.identity.testing import login_verified
from qinkuaiban.workdays.selectors import add_workdays

pytestmark = pytest.mark.django_db

# The box an action that cannot be undone asks to tick.
CONFIRMED = {"confirmed": "on"}



def act(user: User, case: Case, action: str, data: dict[str, Any] | None = None, *,
        htmx: bool = False) -> Any:
    fields = {f"{action}-{name}": value for name, value in (data or {}).items()}
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return signed_in(user).post(reverse("cases:act", args=[case.number, action]), fields,
                                **headers)


def reloaded(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def receiver(qianjiu: User) -> User:
    """The property division's handler a case is transferred to."""
    return qianjiu


def test_accepting_by_plain_post_redirects_to_the_case(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    response = act(cast["lisi"], case, "accept", CONFIRMED)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert reloaded(case).status == Status.ACCEPTED


def test_accepting_by_htmx_returns_the_case_partial(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    response = act(cast["lisi"], case, "accept", CONFIRMED, htmx=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="case"' in body and "<html" not in body
    assert reloaded(case).status == Status.ACCEPTED
    assert reverse("cases:notice", args=[case.number, "acceptance"]) in body
    # The confirmation sits at the top of the case: the page scrolls there.
    assert response["HX-Reswap"] == "outerHTML show:#case:top"


def test_an_action_the_role_may_not_take_shows_the_cores_refusal(
    item: ServiceItem, cast: dict
) -> None:
    case = submit(item, cast["zhangsan"])
    response = act(cast["zhangsan"], case, "accept", CONFIRMED)
    assert response.status_code == 403
    assert "您无权" in response.content.decode() or "无权" in response.content.decode()
    assert reloaded(case).status == Status.SUBMITTED


def test_an_action_the_status_does_not_allow_is_a_conflict(item: ServiceItem, cast: dict) -> None:
    case = build(Status.COMPLETED, item=item, cast=cast)
    response = act(cast["lisi"], case, "accept", CONFIRMED, htmx=True)
    assert response.status_code == 200
    assert "alert-error" in response.content.decode()
    assert reloaded(case).status == Status.COMPLETED
    assert "HX-Reswap" not in response  # the error is shown where the button is


def test_an_unknown_action_is_404(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    assert act(cast["lisi"], case, "teleport").status_code == 404


def test_another_applicant_cannot_act_on_the_case(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    assert act(cast["zhaoliu"], case, "withdraw").status_code == 404


def test_requesting_a_supplement_names_the_materials(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    first = materials_of(item, "required")[0]
    response = act(cast["lisi"], case, "request_supplement", {
        f"pick_{first.pk}": "on", f"problem_{first.pk}": "复印件不清晰", "reason": "请补正",
    })
    assert response.status_code == 302
    case = reloaded(case)
    assert case.status == Status.AWAITING_SUPPLEMENT
    assert case.supplement_requests.get().items[0]["problem"] == "复印件不清晰"


def test_a_ticked_material_needs_a_problem(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    first = materials_of(item, "required")[0]
    response = act(cast["lisi"], case, "request_supplement",
                   {f"pick_{first.pk}": "on", "reason": "请补正"})
    assert response.status_code == 422
    assert reloaded(case).status == Status.SUBMITTED


def test_the_one_time_notice_must_name_every_missing_material(
    item: ServiceItem, cast: dict
) -> None:
    case = register_at_window(item, cast["lisi"], cast["zhangsan"])
    first, second = materials_of(item, "required")[:2]
    response = act(cast["lisi"], case, "request_supplement", {
        f"pick_{first.pk}": "on", f"problem_{first.pk}": "缺少", "reason": "请补正",
    })
    assert response.status_code == 409
    assert second.name in response.content.decode()
    assert reloaded(case).status == Status.SUBMITTED


def test_the_applicant_uploads_and_hands_in_the_supplement(item: ServiceItem, cast: dict) -> None:
    case = build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast)
    requested = materials_of(item, "required")[0]
    response = act(cast["zhangsan"], case, "supplement",
                   {f"file_{requested.pk}": pdf("补正.pdf")})
    assert response.status_code == 302
    case = reloaded(case)
    assert case.status == Status.SUBMITTED
    assert case.attachments.filter(original_name="补正.pdf", round=1).exists()


def test_handing_in_without_the_requested_file_is_refused(item: ServiceItem, cast: dict) -> None:
    case = build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast)
    response = act(cast["zhangsan"], case, "supplement")
    assert response.status_code == 409
    assert reloaded(case).status == Status.AWAITING_SUPPLEMENT


def test_accepting_with_deferred_materials(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    deferrable = materials_of(item, "deferrable")[0]
    response = act(cast["lisi"], case, "accept_deferred", {
        "missing": [str(deferrable.pk)], "due_on": timezone.localdate().isoformat(),
        **CONFIRMED,
    })
    assert response.status_code == 302
    case = reloaded(case)
    assert case.status == Status.ACCEPTED and case.deferred_due_on == timezone.localdate()


def test_not_our_remit_needs_the_competent_agency(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    refused = act(cast["lisi"], case, "reject", {"ground": "not_our_remit", "reason": "非本局职责",
                                                 **CONFIRMED})
    assert refused.status_code == 422
    assert reloaded(case).status == Status.SUBMITTED
    done = act(cast["lisi"], case, "reject", {"ground": "not_our_remit", "reason": "非本局职责",
                                              "competent_agency": "省住房和城乡建设厅",
                                              **CONFIRMED})
    assert done.status_code == 302
    case = reloaded(case)
    assert case.status == Status.REJECTED and case.competent_agency == "省住房和城乡建设厅"


def test_special_procedure_starts_and_ends(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    act(cast["lisi"], case, "start_special", {"procedure": "expert_review", "reason": "专家评审"})
    assert reloaded(case).status == Status.SPECIAL_PROCEDURE
    act(cast["lisi"], case, "end_special")
    assert reloaded(case).status == Status.ACCEPTED


def test_the_division_head_extends_and_a_handler_may_not(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    refused = act(cast["lisi"], case, "extend", {"days": "3", "reason": "情况复杂"})
    assert refused.status_code == 403
    act(cast["wangwu"], case, "extend", {"days": "3", "reason": "情况复杂"})
    assert reloaded(case).extension_days == 3


def test_completing_not_approved_needs_reason_and_remedies(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    refused = act(cast["lisi"], case, "complete", {"outcome": "not_approved", "reason": "不符合",
                                                   **CONFIRMED})
    assert refused.status_code == 422
    assert reloaded(case).status == Status.ACCEPTED
    act(cast["lisi"], case, "complete", {"outcome": "not_approved", "reason": "不符合条件",
                                         "remedies": "可于六十日内申请行政复议", **CONFIRMED})
    case = reloaded(case)
    assert case.status == Status.COMPLETED and case.outcome == Outcome.NOT_APPROVED


def test_the_window_clerk_handles_an_instant_item_at_once(
    instant_item: ServiceItem, cast: dict
) -> None:
    case = submit(instant_item, cast["zhangsan"], files=False)
    response = act(cast["lisi"], case, "instant", {"outcome": "approved", **CONFIRMED})
    assert response.status_code == 302
    case = reloaded(case)
    assert case.status == Status.COMPLETED
    assert case.due_on == add_workdays(timezone.localdate(), 0).date


def test_the_applicant_withdraws(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    act(cast["zhangsan"], case, "withdraw", {"reason": "不再需要", **CONFIRMED})
    assert reloaded(case).status == Status.WITHDRAWN


def test_the_division_head_voids_with_a_reason(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    assert act(cast["wangwu"], case, "void", CONFIRMED).status_code == 422
    act(cast["wangwu"], case, "void", {"reason": "重复登记", **CONFIRMED})
    assert reloaded(case).status == Status.VOID


def test_a_transfer_is_taken_over_by_the_receiver(
    item: ServiceItem, cast: dict, orgs: dict, receiver: User
) -> None:
    case = submit(item, cast["zhangsan"])
    act(cast["lisi"], case, "transfer", {"to_org": str(orgs["goa-property"].pk),
                                         "reason": "属房产处职责"})
    transfer = Transfer.objects.get(case=case)
    assert transfer.status == TransferStatus.PENDING
    page = signed_in(receiver).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert reverse("cases:act", args=[case.number, "accept_transfer"]) in page
    act(receiver, case, "accept_transfer")
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED
    assert reloaded(case).handling_org == orgs["goa-property"]


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED])
def test_the_division_head_transfers_a_case_of_his_division(
    status: str, item: ServiceItem, cast: dict, orgs: dict
) -> None:
    case = build(status, item=item, cast=cast)
    page = signed_in(cast["wangwu"]).get(reverse("cases:detail", args=[case.number]))
    assert reverse("cases:act", args=[case.number, "transfer"]) in page.content.decode()
    act(cast["wangwu"], case, "transfer", {"to_org": str(orgs["goa-property"].pk),
                                           "reason": "属房产处职责"})
    transfer = Transfer.objects.get(case=case)
    assert (transfer.status, transfer.requested_by) == (TransferStatus.PENDING, cast["wangwu"])


def test_a_receiver_who_refuses_loses_sight_of_the_case_and_goes_to_the_queue(
    item: ServiceItem, cast: dict, orgs: dict, receiver: User
) -> None:
    case = submit(item, cast["zhangsan"])
    act(cast["lisi"], case, "transfer", {"to_org": str(orgs["goa-property"].pk),
                                         "reason": "属房产处职责"})
    response = act(receiver, case, "refuse_transfer", {"reason": "不属本处"}, htmx=True)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("cases:queue")
    assert Transfer.objects.get(case=case).status == TransferStatus.REFUSED
    plain = act(cast["lisi"], case, "transfer", {"to_org": str(orgs["goa-property"].pk),
                                                 "reason": "再次转办"})
    assert plain.status_code == 302
    assert act(receiver, case, "refuse_transfer", {"reason": "不属本处"})["Location"] == (
        reverse("cases:queue"))


def test_recording_a_visit_counts_it(item: ServiceItem, cast: dict) -> None:
    case = submit(item, cast["zhangsan"])
    act(cast["lisi"], case, "record_visit", {"visited_on": timezone.localdate().isoformat(),
                                             "purpose": "核验原件"})
    assert reloaded(case).visits == 1


def test_a_door_to_door_visit_is_proposed_confirmed_and_recorded(
    door_item: ServiceItem, cast: dict
) -> None:
    case = submit(door_item, cast["zhangsan"], files=False)
    start = timezone.localtime() + dt.timedelta(days=1)
    act(cast["zhangsan"], case, "propose_door_visit", {
        "slot_start": start.strftime("%Y-%m-%dT%H:%M"),
        "slot_end": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "address": "省发改委 3 号楼 502 室",
    })
    act(cast["lisi"], case, "confirm_door_visit")
    act(cast["lisi"], case, "record_door_visit", {"notes": "已现场办理"})
    visit = DoorToDoorVisit.objects.get(case=case)
    assert visit.status == DoorVisitStatus.DONE and visit.notes == "已现场办理"


def test_staff_add_a_file_and_the_applicant_may_download_it_but_not_another(
    item: ServiceItem, cast: dict
) -> None:
    case = submit(item, cast["zhangsan"])
    response = signed_in(cast["lisi"]).post(reverse("cases:upload", args=[case.number]),
                                            {"upload-file": pdf("扫描件.pdf")})
    assert response.status_code == 302
    attachment = case.attachments.get(original_name="扫描件.pdf")
    url = reverse("cases:attachment", args=[case.number, attachment.pk])
    assert signed_in(cast["zhangsan"]).get(url).status_code == 200
    assert signed_in(cast["lisi"]).get(url).status_code == 200
    assert signed_in(cast["zhaoliu"]).get(url).status_code == 404
    admin = Client()
    login_verified(admin, cast["sysadmin"])
    assert admin.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_a_download_is_the_stored_file_under_its_original_name(
    item: ServiceItem, cast: dict
) -> None:
    case = submit(item, cast["zhangsan"])
    attachment = case.attachments.first()
    assert attachment is not None
    response = signed_in(cast["zhangsan"]).get(
        reverse("cases:attachment", args=[case.number, attachment.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in response["Content-Disposition"]


def test_an_attachment_of_another_case_is_404_under_this_number(
    item: ServiceItem, cast: dict
) -> None:
    mine = submit(item, cast["zhangsan"])
    theirs = submit(item, cast["zhaoliu"])
    other = theirs.attachments.first()
    assert other is not None
    url = reverse("cases:attachment", args=[mine.number, other.pk])
    assert signed_in(cast["zhangsan"]).get(url).status_code == 404


def test_any_staff_member_registers_an_enquiry_and_answers_it(
    enquiry_item: ServiceItem, cast: dict
) -> None:
    zhouba = cast["zhouba"]
    client = signed_in(zhouba)
    page = client.get(reverse("cases:new_enquiry"))
    assert page.status_code == 200
    response = client.post(reverse("cases:new_enquiry"), {
        "item": enquiry_item.code, "channel": "phone", "submitter_name": "来电人 陈先生",
        "submitter_contact": "13900000000", "form_token": "enq-1",
        "f-contact_phone": "13900000000",
    })
    case = Case.objects.get(item=enquiry_item)
    assert response["Location"] == reverse("cases:detail", args=[case.number])
    assert case.responsible == zhouba and case.status == Status.ACCEPTED
    act(zhouba, case, "complete", {"reason": "已电话答复：请到服务大厅办理。"})
    case = reloaded(case)
    assert case.status == Status.COMPLETED and case.outcome == Outcome.APPROVED


def test_applicants_may_not_register_enquiries(zhangsan: User) -> None:
    assert signed_in(zhangsan).get(reverse("cases:new_enquiry")).status_code == 403


def test_the_visit_date_is_filled_in_with_today_in_a_form_the_browser_accepts(
    item: ServiceItem, cast: dict
) -> None:
    case = submit(item, cast["zhangsan"])

    body = signed_in(cast["lisi"]).get(reverse("cases:detail", args=[case.number]))

    today = timezone.localdate().isoformat()
    assert f'type="date" name="record_visit-visited_on" value="{today}"' in body.content.decode()
