"""The case rules that are more than a table row: one-time notice, deemed acceptance, 容缺,
extension, instant handling, transfers and escalation."""

import datetime as dt

import pytest
from django.utils import timezone

from qinkuaiban.cases import services
from qinkuaiban.cases.models import (
    Case,
    CaseEvent,
    ClockStop,
    Outcome,
    RejectGround,
    Status,
    Transfer,
    TransferStatus,
)
from qinkuaiban.cases.selectors import get_case_for_actor
from qinkuaiban.cases.sweep import sweep_case_clocks
from qinkuaiban.cases.tests.factories import make_item, pdf, register_at_window, submit
from qinkuaiban.cases.tests.states import build, materials_of, upload
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.services import grant_role
from qinkuaiban.notifications.models import Message
from qinkuaiban.workdays.selectors import add_workdays

TODAY = timezone.localdate


def test_online_submission_without_the_required_materials_is_refused(item, zhangsan):
    with pytest.raises(InvalidInput) as refused:
        submit(item, zhangsan, files=False)
    assert refused.value.code == "materials_missing"
    assert not Case.objects.exclude(status=Status.DRAFT).exists()


def test_the_first_notice_must_name_every_required_material_that_is_missing(item, zhangsan,
                                                                             lisi):
    case = register_at_window(item, lisi, zhangsan)
    first, second = materials_of(item, "required")
    with pytest.raises(Conflict) as refused:
        services.request_supplement(case=case, actor=lisi, reason="缺材料",
                                    materials=[{"material": first.pk, "problem": "未提交"}])
    assert second.name in refused.value.message
    case = services.request_supplement(
        case=case, actor=lisi, reason="缺材料",
        materials=[{"material": m.pk, "problem": "未提交"} for m in (first, second)],
    )
    assert case.status == Status.AWAITING_SUPPLEMENT
    assert ClockStop.objects.get(case=case).ended_on is None


def test_a_second_notice_may_only_name_materials_supplied_in_the_last_round(item, zhangsan,
                                                                           lisi):
    first, second = materials_of(item, "required")
    case = submit(item, zhangsan)
    case = services.request_supplement(case=case, actor=lisi, reason="不清晰",
                                       materials=[{"material": first.pk, "problem": "模糊"}])
    upload(case, zhangsan, first)
    case = services.supplement(case=case, actor=zhangsan)
    assert case.status == Status.SUBMITTED
    with pytest.raises(Conflict) as refused:
        services.request_supplement(case=case, actor=lisi, reason="又发现问题",
                                    materials=[{"material": second.pk, "problem": "漏盖章"}])
    assert refused.value.code == "one_time_notice_violated"
    case = services.request_supplement(case=case, actor=lisi, reason="新材料仍模糊",
                                       materials=[{"material": first.pk, "problem": "仍模糊"}])
    assert case.supplement_round == 2


def test_supplementing_needs_the_requested_files_first(item, zhangsan, lisi):
    first = materials_of(item, "required")[0]
    case = services.request_supplement(case=submit(item, zhangsan), actor=lisi, reason="模糊",
                                       materials=[{"material": first.pk, "problem": "模糊"}])
    with pytest.raises(Conflict):
        services.supplement(case=case, actor=zhangsan)


def test_late_acceptance_counts_from_submission_and_says_so(item, zhangsan, lisi):
    case = submit(item, zhangsan)
    received = TODAY() - dt.timedelta(days=21)
    moment = timezone.make_aware(dt.datetime.combine(received, dt.time(10)))
    Case.objects.filter(pk=case.pk).update(submitted_at=moment, received_on=received)
    case = services.accept(case=case, actor=lisi)
    assert case.is_deemed_accepted
    assert timezone.localdate(case.accepted_at) == received
    assert CaseEvent.objects.filter(case=case, action="accept").get().data[
        "deemed_accepted_from"] == received.isoformat()


def test_the_sweep_deems_a_forgotten_case_accepted_once(item, zhangsan):
    case = submit(item, zhangsan)
    received = TODAY() - dt.timedelta(days=21)
    Case.objects.filter(pk=case.pk).update(received_on=received)
    first = sweep_case_clocks()
    assert first.deemed_accepted == 1
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.is_deemed_accepted
    assert CaseEvent.objects.filter(case=case, action="deemed_accepted").count() == 1
    second = sweep_case_clocks()
    assert (second.deemed_accepted, second.warnings_changed, second.warnings_notified) == (0, 0, 0)


def test_a_fresh_case_is_not_deemed_accepted(item, zhangsan):
    submit(item, zhangsan)
    assert sweep_case_clocks().deemed_accepted == 0


def test_deferred_materials_not_supplied_in_time_terminate_the_case(item, cast, zhangsan):
    case = build(Status.ACCEPTED, item=item, cast=cast, deferred=True)
    Case.objects.filter(pk=case.pk).update(deferred_due_on=TODAY() - dt.timedelta(days=1))
    assert sweep_case_clocks().terminated == 1
    case.refresh_from_db()
    assert case.status == Status.TERMINATED
    assert sweep_case_clocks().terminated == 0


def test_deferred_materials_supplied_in_time_keep_the_case_running(item, cast, zhangsan):
    case = build(Status.ACCEPTED, item=item, cast=cast, deferred=True)
    upload(case, zhangsan, materials_of(item, "deferrable")[0])
    case = services.supplement(case=case, actor=zhangsan)
    assert case.status == Status.ACCEPTED and case.deferred_due_on is None


def test_only_deferrable_materials_may_follow_and_by_the_due_date(item, zhangsan, lisi):
    case = submit(item, zhangsan)
    required = materials_of(item, "required")[0]
    with pytest.raises(InvalidInput):
        services.accept_deferred(case=case, actor=lisi, missing=[required.pk], due_on=TODAY())
    deferrable = materials_of(item, "deferrable")[0]
    with pytest.raises(InvalidInput):
        services.accept_deferred(case=case, actor=lisi, missing=[deferrable.pk],
                                 due_on=TODAY() + dt.timedelta(days=365))


def test_the_division_head_extends_once_within_the_legal_ceiling(item, cast, lisi, wangwu):
    case = build(Status.ACCEPTED, item=item, cast=cast)
    before = case.due_on
    with pytest.raises(NotPermitted):
        services.extend(case=case, actor=lisi, days=3, reason="复杂")
    with pytest.raises(Conflict):
        services.extend(case=case, actor=wangwu, days=11, reason="复杂")
    case = services.extend(case=case, actor=wangwu, days=3, reason="情况复杂，经批准延期")
    assert case.extension_days == 3
    assert case.due_on is not None and before is not None and case.due_on > before
    with pytest.raises(Conflict):
        services.extend(case=case, actor=wangwu, days=2, reason="再延")


def test_an_instant_item_is_accepted_and_completed_the_same_day(instant_item, zhangsan, lisi):
    case = register_at_window(instant_item, lisi, zhangsan)
    case = services.handle_instantly(case=case, actor=lisi)
    assert case.status == Status.COMPLETED and case.outcome == Outcome.APPROVED
    assert timezone.localdate(case.accepted_at) == timezone.localdate(case.completed_at)
    # Due the same day, or on the next working day when handled on a day off.
    assert case.due_on == add_workdays(TODAY(), 0).date


def test_a_promised_item_cannot_be_handled_at_once(item, zhangsan, lisi):
    with pytest.raises(Conflict):
        services.handle_instantly(case=submit(item, zhangsan), actor=lisi)


def test_not_approved_needs_reason_and_remedies(item, cast, lisi):
    case = build(Status.ACCEPTED, item=item, cast=cast)
    with pytest.raises(InvalidInput):
        services.complete(case=case, actor=lisi, outcome=Outcome.NOT_APPROVED, reason="不符合")
    case = services.complete(case=case, actor=lisi, outcome=Outcome.NOT_APPROVED,
                             reason="不符合条件", remedies="可于六十日内申请行政复议")
    assert case.outcome == Outcome.NOT_APPROVED


def test_not_our_remit_names_the_competent_agency(item, zhangsan, lisi):
    case = submit(item, zhangsan)
    with pytest.raises(InvalidInput):
        services.reject(case=case, actor=lisi, ground=RejectGround.NOT_OUR_REMIT, reason="非本机关")
    case = services.reject(case=case, actor=lisi, ground=RejectGround.NOT_OUR_REMIT,
                           reason="非本机关职责", competent_agency="省住房和城乡建设厅")
    assert case.status == Status.REJECTED and case.competent_agency


def test_a_transfer_keeps_the_sender_responsible_until_taken_over(item, zhangsan, lisi, orgs,
                                                                  cast):
    receiver = cast["zhouba"]
    grant_role(actor=None, user=receiver, organisation=orgs["goa-property"], role=Role.HANDLER)
    case = register_at_window(item, lisi, zhangsan)
    case = services.transfer(case=case, actor=lisi, to_org=orgs["goa-property"],
                             reason="属房产处职责")
    assert case.responsible == lisi and case.handling_org.code == "goa-service-centre"
    with pytest.raises(Conflict):
        services.transfer(case=case, actor=lisi, to_org=orgs["goa-assets"], reason="再转")
    case = services.accept_transfer(case=case, actor=receiver)
    assert case.handling_org.code == "goa-property" and case.responsible == receiver


def test_a_refused_transfer_leaves_the_case_with_the_sender(item, zhangsan, lisi, orgs, cast):
    receiver = cast["zhouba"]
    grant_role(actor=None, user=receiver, organisation=orgs["goa-property"], role=Role.HANDLER)
    case = services.transfer(case=register_at_window(item, lisi, zhangsan), actor=lisi,
                             to_org=orgs["goa-property"], reason="属房产处职责")
    case = services.refuse_transfer(case=case, actor=receiver, reason="不属本处职责")
    assert case.handling_org.code == "goa-service-centre"
    assert Transfer.objects.get(case=case).status == TransferStatus.REFUSED
    assert Message.objects.filter(recipient=lisi, kind="cases.refuse_transfer").exists()


def test_an_unanswered_transfer_is_escalated_once_to_the_supervising_division(
    item, zhangsan, lisi, orgs, zhouba
):
    case = services.transfer(case=register_at_window(item, lisi, zhangsan), actor=lisi,
                             to_org=orgs["goa-property"], reason="属房产处职责")
    Transfer.objects.filter(case=case).update(due_on=TODAY() - dt.timedelta(days=1))
    assert sweep_case_clocks().escalated == 1
    assert sweep_case_clocks().escalated == 0
    assert Message.objects.filter(recipient=zhouba, kind="cases.escalated").count() == 1
    assert get_case_for_actor(actor=zhouba, number=str(case.number)).pk == case.pk


def test_the_third_transfer_is_escalated_at_once(item, zhangsan, lisi, orgs, zhouba, cast):
    helper = cast["sunqi"]
    for code in ("goa-property", "goa-assets"):
        grant_role(actor=None, user=helper, organisation=orgs[code], role=Role.HANDLER)
    case = register_at_window(item, lisi, zhangsan)
    case = services.transfer(case=case, actor=lisi, to_org=orgs["goa-property"], reason="转")
    case = services.refuse_transfer(case=case, actor=helper, reason="不属")
    case = services.transfer(case=case, actor=lisi, to_org=orgs["goa-assets"], reason="转")
    case = services.refuse_transfer(case=case, actor=helper, reason="不属")
    assert not Message.objects.filter(kind="cases.escalated").exists()
    services.transfer(case=case, actor=lisi, to_org=orgs["goa-office"], reason="转")
    assert Message.objects.filter(recipient=zhouba, kind="cases.escalated").exists()


def test_warnings_are_notified_once_per_level(item, cast, wangwu):
    case = build(Status.ACCEPTED, item=item, cast=cast)
    past = TODAY() - dt.timedelta(days=30)
    Case.objects.filter(pk=case.pk).update(due_on=past)
    summary = sweep_case_clocks()
    assert summary.warnings_changed == 1 and summary.warnings_notified == 1
    case.refresh_from_db()
    assert case.warning == "red" and case.warning_notified == "red"
    assert Message.objects.filter(recipient=wangwu, kind="cases.warning_red").count() == 1
    again = sweep_case_clocks()
    assert (again.warnings_changed, again.warnings_notified) == (0, 0)


def test_an_enquiry_is_registered_by_any_staff_member_who_stays_responsible(
    enquiry_item, zhouba
):
    case = services.submit_case(actor=zhouba, item=enquiry_item, channel="phone",
                                form={"contact_phone": "13900000000"},
                                submitter_name="来电人", submitter_contact="13900000000")
    assert case.status == Status.ACCEPTED and case.responsible == zhouba
    case = services.complete(case=case, actor=zhouba, outcome=Outcome.APPROVED, reason="已答复")
    assert case.status == Status.COMPLETED


def test_a_generic_case_cannot_be_registered_by_staff_of_another_division(item, zhouba,
                                                                          zhangsan):
    with pytest.raises(NotPermitted):
        services.submit_case(actor=zhouba, item=item, channel="window", applicant=zhangsan,
                             form={"contact_phone": "13900000000"})


def test_an_item_of_an_unknown_kind_gives_a_clear_error(cast, zhangsan):
    odd = make_item(kind="nonexistent", materials=[])
    with pytest.raises(Conflict) as refused:
        submit(odd, zhangsan, files=False)
    assert refused.value.code == "unknown_case_kind" and "nonexistent" in refused.value.message


def test_the_applicant_is_told_about_acceptance_and_the_handler_about_submission(
    item, zhangsan, lisi
):
    case = submit(item, zhangsan)
    assert Message.objects.filter(recipient=lisi, kind="cases.submit").exists()
    services.accept(case=case, actor=lisi)
    assert Message.objects.filter(recipient=zhangsan, kind="cases.accept").exists()


def test_a_door_to_door_visit_is_proposed_confirmed_and_recorded(door_item, zhangsan, lisi):
    from qinkuaiban.cases.tests.states import tomorrow_slot

    case = submit(door_item, zhangsan, files=False)
    # The applicant picks the slot; staff confirm it before anyone goes.
    case = services.propose_door_visit(case=case, actor=zhangsan, **tomorrow_slot())
    with pytest.raises(Conflict):
        services.record_door_visit(case=case, actor=lisi)
    with pytest.raises(NotPermitted):
        services.confirm_door_visit(case=case, actor=zhangsan)
    case = services.confirm_door_visit(case=case, actor=lisi)
    case = services.record_door_visit(case=case, actor=lisi, notes="已上门收取材料")
    assert case.door_visits.get().status == "done"


def test_recording_a_visit_counts_it(item, zhangsan, lisi):
    case = services.record_visit(case=submit(item, zhangsan), actor=lisi, purpose="核验原件")
    assert case.visits == 1


def test_history_is_append_only(item, zhangsan):
    from qinkuaiban.cases.models import AppendOnlyError

    event = CaseEvent.objects.filter(case=submit(item, zhangsan)).first()
    assert event is not None
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        CaseEvent.objects.all().delete()


def test_an_attachment_after_completion_is_refused(item, cast, zhangsan):
    case = build(Status.COMPLETED, item=item, cast=cast)
    with pytest.raises(Conflict):
        services.add_attachment(case=case, actor=zhangsan, file=pdf())


def test_a_quiet_sweep_costs_queries_per_batch_not_per_case(
    item, cast, django_assert_max_num_queries
):
    for _i in range(6):
        build(Status.ACCEPTED, item=item, cast=cast)
    sweep_case_clocks(batch_size=2)
    with django_assert_max_num_queries(15):
        summary = sweep_case_clocks(batch_size=2)
    assert (summary.warnings_changed, summary.warnings_notified) == (0, 0)


def test_the_sweep_command_prints_its_summary(item, cast):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("sweep_case_clocks", stdout=out)
    assert len(out.getvalue().strip().splitlines()) == 5
