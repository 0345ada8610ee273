"""The queued intake: an application received at once is checked as fully as a direct one,
registered as exactly one case with the time of receipt, and never lost when registration
fails."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.cases import intake
from qinkuaiban.cases.events import happened_at
from qinkuaiban.cases.models import Attachment, Case, CaseEvent, Intake, IntakeStatus, Status
from qinkuaiban.cases.selectors import case_timeline_for_actor
from qinkuaiban.cases.tests.factories import pdf
from qinkuaiban.cases.tests.test_api import api
from qinkuaiban.catalogue import services as catalogue_services
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.identity.models import User
from qinkuaiban.notifications.models import Message

FORM = {"contact_phone": "13800000001", "id_number": "11010519491231002X"}


@pytest.fixture
def queued(item: ServiceItem, wangwu: User) -> ServiceItem:
    return catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)


def _files(item: ServiceItem) -> list[tuple[int, Any]]:
    assert item.current_version is not None
    return [(m.pk, pdf()) for m in item.current_version.materials.filter(necessity="required")]


def _receive(item: ServiceItem, user: User, key: str = "k1") -> Intake:
    return intake.receive_application(actor=user, item=item, form=FORM, files=_files(item),
                                      idempotency_key=key)


def test_a_received_application_is_registered_as_one_case_dated_when_received(
        queued, zhangsan, media_root: Path):
    received = _receive(queued, zhangsan)
    assert received.status == IntakeStatus.QUEUED and len(received.receipt) == 12
    assert not Case.objects.exists()
    stored = [entry["file"] for entry in received.files]
    assert all((media_root / name).exists() for name in stored)
    # Registration happens later; the submission time is the time of receipt.
    Intake.objects.filter(pk=received.pk).update(
        received_at=received.received_at - dt.timedelta(minutes=3))
    assert intake.process_queued() == 1
    received.refresh_from_db()
    case = received.case
    assert received.status == IntakeStatus.REGISTERED and case is not None
    assert case.status == Status.SUBMITTED and case.number
    assert case.submitted_at == received.received_at
    assert case.received_on == timezone.localdate(received.received_at)
    assert case.applicant == zhangsan and case.idempotency_key == "k1"
    assert case.form_data["id_number"]["masked"].endswith("002X")
    assert "11010519491231002X" not in json.dumps(case.form_data)
    assert sorted(Attachment.objects.filter(case=case).values_list("file", flat=True)) == sorted(
        stored)
    # The files were handed in with the application, minutes before it was registered.
    assert set(Attachment.objects.filter(case=case).values_list("uploaded_at", flat=True)) == {
        received.received_at}
    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["created", "submit"]
    # The history entry was written at registration and tells the submission at its time.
    submitted = CaseEvent.objects.get(case=case, action="submit")
    assert submitted.created_at > case.submitted_at
    assert happened_at(submitted) == case.submitted_at
    assert happened_at(CaseEvent.objects.get(case=case, action="created")) == case.submitted_at
    timeline = case_timeline_for_actor(case=case, actor=zhangsan)
    assert [e.at for e in timeline if e.label == "提交"] == [case.submitted_at]
    entry = AuditEntry.objects.get(action="cases.case_submitted", target_id=str(case.pk))
    assert entry.changes["receipt"] == received.receipt
    told = Message.objects.get(recipient=zhangsan, kind="cases.intake_registered")
    assert case.number in told.title
    # Nothing left: a second run registers nothing and changes nothing.
    assert intake.process_queued() == 0
    assert Case.objects.count() == 1


def test_the_same_key_answers_with_the_same_receipt_and_makes_one_case(queued, zhangsan):
    first = _receive(queued, zhangsan)
    again = _receive(queued, zhangsan)
    assert again.replayed and again.pk == first.pk
    other = _receive(queued, zhangsan, key="k2")
    assert other.pk != first.pk
    assert intake.process_queued() == 2
    assert Case.objects.filter(registered_by=zhangsan).count() == 2


def test_a_key_already_used_by_a_direct_submission_registers_no_second_case(
        item, zhangsan, wangwu):
    from qinkuaiban.cases import services

    direct = services.submit_case(actor=zhangsan, item=item, form=FORM, files=_files(item),
                                  idempotency_key="same")
    catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)
    item.refresh_from_db()
    received = _receive(item, zhangsan, key="same")
    intake.process_queued()
    received.refresh_from_db()
    assert received.case == direct
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("form", "files", "code"), [
    ({"contact_phone": "不是电话"}, "all", "invalid_form"),
    ({}, "all", "invalid_form"),
    (FORM, "none", "materials_missing"),
    (FORM, "exe", "file_executable"),
])
def test_a_bad_application_is_refused_at_once_and_nothing_is_kept(
        queued, zhangsan, media_root: Path, form, files, code):
    from django.core.files.uploadedfile import SimpleUploadedFile

    chosen = {"all": _files(queued), "none": [],
              "exe": [(m_pk, SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 60))
                      for m_pk, _f in _files(queued)]}[files]
    with pytest.raises(InvalidInput) as refused:
        intake.receive_application(actor=zhangsan, item=queued, form=form, files=chosen)
    assert refused.value.code == code
    assert not Intake.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_retired_service_and_an_administrator_are_refused(queued, zhangsan, sysadmin, wangwu):
    with pytest.raises(NotPermitted):
        _receive(queued, sysadmin)
    catalogue_services.retire_item(actor=wangwu, item=queued)
    queued.refresh_from_db()
    with pytest.raises(Conflict):
        _receive(queued, zhangsan)
    assert not Intake.objects.exists()


def test_a_failing_registration_keeps_the_application_and_tells_people_after_five_tries(
        queued, zhangsan, lisi, monkeypatch):
    received = _receive(queued, zhangsan)

    def broken(_intake: Intake) -> Case:
        raise RuntimeError("disk full")

    monkeypatch.setattr(intake, "_case_for", broken)
    waits = []
    for attempt in range(1, intake.MAX_ATTEMPTS + 1):
        assert intake.process_queued() == 0
        received.refresh_from_db()
        assert received.attempts == attempt and "disk full" in received.last_error
        if received.retry_at is not None:
            waits.append(round((received.retry_at - timezone.now()).total_seconds()))
            # Not taken again before its time; then it is.
            assert intake.process_queued() == 0
            Intake.objects.filter(pk=received.pk).update(retry_at=timezone.now())
    assert waits[:4] == [10, 20, 40, 80]
    assert received.status == IntakeStatus.FAILED
    assert not Case.objects.exists()
    assert AuditEntry.objects.filter(action="cases.intake_failed",
                                     target_id=str(received.pk)).count() == 1
    assert Message.objects.filter(kind="cases.intake_failed", recipient=zhangsan).exists()
    assert Message.objects.filter(kind="cases.intake_failed", recipient=lisi).exists()
    # A failed application is no longer taken by the worker, until the staff put it back.
    monkeypatch.undo()
    assert intake.process_queued() == 0
    with pytest.raises(NotPermitted):
        intake.retry_intake(actor=zhangsan, intake=received)
    intake.retry_intake(actor=lisi, intake=received)
    assert AuditEntry.objects.filter(action="cases.intake_retried").count() == 1
    with pytest.raises(Conflict):
        intake.retry_intake(actor=lisi, intake=received)
    assert intake.process_queued() == 1
    received.refresh_from_db()
    assert received.case is not None and received.case.submitted_at == received.received_at


def test_the_command_registers_what_waits_and_says_so(queued, zhangsan, capsys):
    _receive(queued, zhangsan, key="a")
    _receive(queued, zhangsan, key="b")
    call_command("process_intakes")
    out = capsys.readouterr().out
    assert "已登记 2 件已接收申请" in out and "无待登记申请" in out
    call_command("process_intakes")
    assert "已登记 0 件" in capsys.readouterr().out
    assert Intake.objects.filter(status=IntakeStatus.REGISTERED).count() == 2


def test_the_api_answers_202_with_a_receipt_and_then_the_case_number(queued, zhangsan, zhaoliu):
    client = api(zhangsan)
    required = list(queued.current_version.materials.filter(necessity="required"))

    def send() -> Any:
        return client.post("/api/v1/cases/with-files", {
            "data": json.dumps({"service_code": queued.code, "form": FORM}),
            "file": [pdf() for _m in required], "material": [m.pk for m in required],
        }, headers={"Idempotency-Key": "api-1"})

    first = send()
    assert first.status_code == 202, first.json()
    body = first.json()
    assert body["status"] == "queued" and body["case_number"] is None
    assert send().json()["receipt"] == body["receipt"]
    status = client.get(f"/api/v1/intakes/{body['receipt']}")
    assert status.status_code == 200 and status.json()["status"] == "queued"
    # Only its applicant sees a receipt.
    assert api(zhaoliu).get(f"/api/v1/intakes/{body['receipt']}").status_code == 404
    intake.process_queued()
    done = client.get(f"/api/v1/intakes/{body['receipt']}").json()
    assert done["status"] == "registered" and done["case_number"].startswith("QKB")
    assert client.get(f"/api/v1/cases/{done['case_number']}").status_code == 200


def test_a_draft_through_the_api_is_not_queued(queued, zhangsan):
    response = api(zhangsan).post(
        "/api/v1/cases", {"service_code": queued.code, "form": FORM, "submit": False},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["draft_id"]
    assert not Intake.objects.exists()


def test_switching_the_intake_is_for_the_items_editors_and_audited(item, lisi, wangwu):
    with pytest.raises(NotPermitted):
        catalogue_services.set_queued_intake(actor=lisi, item=item, enabled=True)
    catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)
    catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)
    item.refresh_from_db()
    assert item.queued_intake
    assert AuditEntry.objects.filter(action="catalogue.queued_intake_changed").count() == 1


def test_the_web_form_receives_the_application_and_moves_on_once_it_is_registered(
        queued, zhangsan, zhaoliu):
    from django.urls import reverse

    from qinkuaiban.cases.tests.factories import signed_in
    from qinkuaiban.cases.tests.test_views_apply import post

    client = signed_in(zhangsan)
    response = client.post(reverse("cases:apply", args=[queued.code]), post(queued))
    received = Intake.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:received", args=[received.receipt])
    # A second press of the button (same form token) gives the same receipt.
    client.post(reverse("cases:apply", args=[queued.code]), post(queued))
    assert Intake.objects.count() == 1
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "申请接收回执" in body and received.receipt in body
    assert 'hx-trigger="load delay:2s"' in body
    mine = client.get(reverse("cases:mine")).content.decode()
    assert received.receipt in mine
    assert signed_in(zhaoliu).get(response["Location"]).status_code == 404
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<html" not in poll.content.decode()
    intake.process_queued()
    case = Intake.objects.get().case
    assert case is not None
    number = case.number
    poll = client.get(response["Location"], headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == reverse("cases:submitted", args=[number])
    assert client.get(response["Location"])["Location"] == reverse("cases:submitted",
                                                                     args=[number])
    assert received.receipt not in client.get(reverse("cases:mine")).content.decode()


def test_a_repeated_request_gets_its_receipt_even_after_the_service_closed(
        queued, zhangsan, wangwu):
    first = _receive(queued, zhangsan)
    catalogue_services.retire_item(actor=wangwu, item=queued)
    queued.refresh_from_db()
    again = _receive(queued, zhangsan)
    assert again.replayed and again.pk == first.pk
    with pytest.raises(Conflict):
        _receive(queued, zhangsan, key="new")


def test_a_draft_saved_under_the_same_key_stays_a_draft_and_the_application_gets_its_case(
        queued, zhangsan):
    from qinkuaiban.cases import services

    draft = services.submit_case(actor=zhangsan, item=queued, form=FORM, submit=False,
                                 idempotency_key="same-form")
    received = _receive(queued, zhangsan, key="same-form")
    assert intake.process_queued() == 1
    received.refresh_from_db()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.number is None
    assert received.case is not None and received.case.number
    assert received.case.status == Status.SUBMITTED and received.case != draft
    assert Message.objects.filter(kind="cases.intake_registered", recipient=zhangsan).exists()


def test_linking_to_an_earlier_direct_case_tells_nobody_twice(item, zhangsan, wangwu):
    from qinkuaiban.cases import services

    services.submit_case(actor=zhangsan, item=item, form=FORM, files=_files(item),
                         idempotency_key="twice")
    catalogue_services.set_queued_intake(actor=wangwu, item=item, enabled=True)
    item.refresh_from_db()
    _receive(item, zhangsan, key="twice")
    intake.process_queued()
    assert not Message.objects.filter(kind="cases.intake_registered").exists()


def test_a_service_that_takes_no_online_applications_refuses_them_everywhere(
        zhangsan, wangwu):
    from qinkuaiban.cases import services
    from qinkuaiban.cases.tests.factories import make_item

    window_only = make_item(content={"channels": ["window"]}, materials=[])
    with pytest.raises(Conflict) as refused:
        services.submit_case(actor=zhangsan, item=window_only, form=FORM)
    assert refused.value.code == "not_online"
    catalogue_services.set_queued_intake(actor=wangwu, item=window_only, enabled=True)
    window_only.refresh_from_db()
    with pytest.raises(Conflict):
        intake.receive_application(actor=zhangsan, item=window_only, form=FORM)
    response = api(zhangsan).post("/api/v1/cases", {"service_code": window_only.code,
                                                    "form": FORM},
                                  content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "not_online"
    assert not Case.objects.exists() and not Intake.objects.exists()


def test_feedback_kinds_never_go_through_the_intake(cast, wangwu):
    from qinkuaiban.cases.tests.factories import make_item

    complaint_item = make_item(kind="complaint", materials=[])
    catalogue_services.set_queued_intake(actor=wangwu, item=complaint_item, enabled=True)
    complaint_item.refresh_from_db()
    assert not intake.uses_queued_intake(complaint_item)


@pytest.mark.parametrize("receipt", ["A\x00B", "short", "0O1IL0O1IL0O", "X" * 40])
def test_a_malformed_receipt_is_not_found_without_a_query(zhangsan, receipt,
                                                          django_assert_num_queries):
    from qinkuaiban.cases import selectors
    from qinkuaiban.core.errors import NotFound

    with django_assert_num_queries(0), pytest.raises(NotFound):
        selectors.get_intake_for_actor(actor=zhangsan, receipt=receipt)


def test_the_window_staff_see_a_received_application_and_put_a_failed_one_back(
        queued, zhangsan, lisi, zhaoliu):
    from django.urls import reverse

    from qinkuaiban.cases.tests.factories import signed_in

    received = _receive(queued, zhangsan)
    Intake.objects.filter(pk=received.pk).update(status=IntakeStatus.FAILED, attempts=5,
                                                 last_error="RuntimeError: disk full")
    page = signed_in(lisi).get(reverse("cases:received", args=[received.receipt]))
    body = page.content.decode()
    assert page.status_code == 200 and "disk full" in body and "张三" in body
    assert signed_in(zhaoliu).get(reverse("cases:received", args=[received.receipt])
                                  ).status_code == 404
    refused = signed_in(zhangsan).post(reverse("cases:retry_received", args=[received.receipt]))
    assert refused.status_code == 302
    assert Intake.objects.get(pk=received.pk).status == IntakeStatus.FAILED
    signed_in(lisi).post(reverse("cases:retry_received", args=[received.receipt]))
    assert Intake.objects.get(pk=received.pk).status == IntakeStatus.QUEUED


def test_the_switch_is_offered_only_where_it_means_something(cast, wangwu):
    from django.urls import reverse

    from qinkuaiban.cases.tests.factories import make_item, signed_in

    online = make_item()
    window_only = make_item(content={"channels": ["window"]}, materials=[])
    praise = make_item(kind="praise", materials=[])
    assert intake.intake_applies(online)
    assert not intake.intake_applies(window_only) and not intake.intake_applies(praise)
    body = signed_in(wangwu).get(reverse("catalogue:manage")).content.decode()
    row = body[body.index(f'id="item-{window_only.code}"'):]
    assert "不适用" in row[:row.index("</tr>")]
    row = body[body.index(f'id="item-{online.code}"'):]
    assert "不适用" not in row[:row.index("</tr>")]


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_worker_leaves_the_queue_alone_while_applications_pour_in(queued, zhangsan):
    clock = _Clock()
    pacing = intake.Pacing(busy_per_second=2, max_defer=dt.timedelta(seconds=60), clock=clock)
    _receive(queued, zhangsan, key="a")
    # The first look has nothing to compare with: the worker goes ahead.
    assert pacing.arrivals_per_second() == 0 and not pacing.should_wait()
    clock.now += 1
    for key in "bcd":
        _receive(queued, zhangsan, key=key)
    assert pacing.should_wait()  # three in the last second: receiving comes first
    clock.now += 1
    _receive(queued, zhangsan, key="e")
    assert not pacing.should_wait()  # one a second: registering goes on
    clock.now += 2
    assert pacing.arrivals_per_second() == 0


def test_no_application_waits_longer_than_the_longest_deferral(queued, zhangsan):
    clock = _Clock()
    pacing = intake.Pacing(busy_per_second=1, max_defer=dt.timedelta(seconds=60), clock=clock)
    pacing.arrivals_per_second()
    clock.now += 1
    first = _receive(queued, zhangsan, key="a")
    _receive(queued, zhangsan, key="b")
    Intake.objects.filter(pk=first.pk).update(
        received_at=timezone.now() - dt.timedelta(seconds=61))
    assert not pacing.should_wait()
    # Nothing queued (all registered): nothing to wait for, whatever the rate.
    assert intake.process_queued() == 2
    clock.now += 1
    _receive(queued, zhangsan, key="c")
    _receive(queued, zhangsan, key="d")
    Intake.objects.filter(status=IntakeStatus.QUEUED).update(status=IntakeStatus.FAILED)
    assert not pacing.should_wait()


def test_the_looping_worker_waits_during_a_peak_and_registers_after_it(
        queued, zhangsan, settings, monkeypatch):
    from qinkuaiban.cases.management.commands import process_intakes

    settings.QKB_INTAKE_BUSY_PER_SECOND = 1
    rounds: list[int] = []

    def fake_loop(*, step: Any, loop: bool, interval: float, name: str) -> None:
        assert loop
        rounds.append(int(step()))  # first look: registers what is there
        for key in ("p1", "p2", "p3"):
            _receive(queued, zhangsan, key=key)
        rounds.append(int(step()))  # three since the last look: waits
        # Still pouring in, but the oldest has waited longer than the longest deferral.
        for key in ("p4", "p5", "p6"):
            _receive(queued, zhangsan, key=key)
        Intake.objects.update(received_at=timezone.now() - dt.timedelta(minutes=5))
        rounds.append(int(step()))  # waited long enough: registers
    monkeypatch.setattr(process_intakes, "run_until_idle", fake_loop)
    _receive(queued, zhangsan, key="first")
    call_command("process_intakes", "--loop")
    assert rounds == [1, 0, 1]
    assert Intake.objects.filter(status=IntakeStatus.REGISTERED).count() == 7


def test_a_row_that_cannot_be_written_takes_its_files_with_it(
        queued, zhangsan, media_root: Path, monkeypatch):
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    written: list[str] = []
    real_stored_file = intake.stored_file

    def spy(*args: Any) -> dict[str, Any]:
        entry = real_stored_file(*args)
        written.append(entry["file"])
        return entry

    monkeypatch.setattr(intake, "stored_file", spy)
    monkeypatch.setattr(intake._INTAKE_INSERT, "save", refuse)
    with pytest.raises(RuntimeError):
        _receive(queued, zhangsan)
    assert written and not [p for p in media_root.rglob("*") if p.is_file()]


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_after_the_insert_was_sent_keeps_the_files(
        queued, zhangsan, media_root: Path, monkeypatch):
    # The row may have been committed with only the answer lost: its files must stay, for the
    # worker (and a replay of the key) to find; prune_orphan_uploads removes true orphans.
    from django.db import OperationalError

    real_save = intake._INTAKE_INSERT.save

    def commit_then_lose_the_answer(row: Intake) -> None:
        real_save(row)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(intake._INTAKE_INSERT, "save", commit_then_lose_the_answer)
    with pytest.raises(OperationalError):
        _receive(queued, zhangsan, key="lost-answer")
    [stored] = Intake.objects.all()
    assert stored.files and all((media_root / e["file"]).exists() for e in stored.files)


@pytest.mark.django_db(transaction=True)
def test_a_key_already_used_outside_a_transaction_keeps_only_the_first_files(
        queued, zhangsan, media_root: Path):
    first = _receive(queued, zhangsan, key="same")
    again = _receive(queued, zhangsan, key="same")
    assert again.replayed and again.pk == first.pk
    kept = sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())
    assert kept == sorted(e["file"] for e in first.files)


def test_the_hand_written_insert_stores_the_row_the_orm_would_store(
        queued: ServiceItem, zhangsan: User) -> None:
    received = _receive(queued, zhangsan)
    by_orm = Intake.objects.get(pk=received.pk)
    by_orm.pk, by_orm.receipt, by_orm.idempotency_key = None, "ORMWRITTEN000001", "orm"
    by_orm._state.adding = True
    by_orm.save(force_insert=True)

    def stored(pk: int) -> dict[str, Any]:
        row = Intake.objects.filter(pk=pk).values().get()
        return {k: v for k, v in row.items() if k not in {"id", "receipt", "idempotency_key"}}

    assert received.pk != by_orm.pk and received._state.adding is False
    assert stored(received.pk) == stored(by_orm.pk)
    assert stored(received.pk)["form_data"] == received.form_data


def test_nothing_listens_to_the_receipts_saves_which_the_hand_written_insert_does_not_send(
) -> None:
    # intake._insert bypasses Model.save on the peak morning's hot path: a receiver added for
    # Intake would silently never run, so adding one must come with Model.save back.
    from django.db.models.signals import post_save, pre_save

    assert not pre_save.has_listeners(Intake) and not post_save.has_listeners(Intake)


@pytest.mark.parametrize(("language", "attempts", "expected"), [
    ("en", 1, "could not be registered as a case after 1 attempt."),
    ("en", 5, "could not be registered as a case after 5 attempts."),
    ("zh-hans", 5, "申请经 5 次尝试仍未能登记为办件"),
])
def test_a_failed_application_counts_its_attempts(queued, zhangsan, lisi, language, attempts,
                                                  expected):
    from django.urls import reverse

    from qinkuaiban.cases.tests.factories import signed_in

    received = _receive(queued, zhangsan)
    Intake.objects.filter(pk=received.pk).update(status=IntakeStatus.FAILED, attempts=attempts)
    page = signed_in(lisi, language).get(reverse("cases:received", args=[received.receipt]))
    assert expected in page.content.decode()


def test_the_command_counts_one_application_as_one(queued, zhangsan, capsys):
    from django.utils import translation

    _receive(queued, zhangsan)
    with translation.override("en"):
        call_command("process_intakes")
    assert "Registered 1 received application; none waiting" in capsys.readouterr().out
