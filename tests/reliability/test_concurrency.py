"""Concurrency on PostgreSQL, through the API as the mobile app and the pages use it. The cases
app's own tests cover 50 simultaneous service-level submissions and two handlers calling the
service at once (qinkuaiban/cases/tests/test_concurrency.py); these go further: one
idempotency key raced by 50 requests, the 409 over HTTP, 200 submissions, and numbering when
submissions roll back after taking their number. Where a race could pass by luck (one request
finishing before the next starts), the test holds the contended row lock until every request
is queued behind it."""

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from qinkuaiban.audit.verification import verify_chain
from qinkuaiban.cases import kinds, services
from qinkuaiban.cases.intake import process_queued
from qinkuaiban.cases.models import Case, CaseEvent, CaseNumberSequence, Intake
from qinkuaiban.cases.tests.factories import make_item, pdf
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.catalogue.services import set_queued_intake
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.tokens import issue_token
from tests.reliability.threads import RowLock, run_pool, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FLAKY_KIND = "reliability_flaky"


@pytest.fixture(autouse=True)
def postgres_only(transactional_db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises every writer, so nothing can race")


@pytest.fixture
def online_item(cast: dict[str, User]) -> ServiceItem:
    """An item the API can submit in one request (no required materials)."""
    return make_item(materials=[])


def api_client(user: User) -> Client:
    raw, _token = issue_token(user=user, name="reliability")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post_json(client: Client, path: str, data: dict[str, Any], **headers: str) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json", headers=headers)


def counter_row() -> CaseNumberSequence:
    counter, _created = CaseNumberSequence.objects.get_or_create(
        year=timezone.localdate().year, defaults={"last": 0}
    )
    return counter


def expected_numbers(count: int) -> list[str]:
    year = timezone.localdate().year
    return [f"QKB{year}{n:06d}" for n in range(1, count + 1)]


def test_fifty_simultaneous_requests_with_one_idempotency_key_make_one_case(
    online_item: ServiceItem, zhangsan: User
) -> None:
    clients = [api_client(zhangsan) for _i in range(50)]
    body = {"service_code": online_item.code, "form": {"contact_phone": "13800000001"}}
    # Hold the number counter: the first request waits there with its case inserted but not
    # committed, the 49 others wait on the idempotency constraint behind it.
    lock = RowLock(counter_row())

    responses = run_together(
        [partial(post_json, c, "/api/v1/cases", body, **{"Idempotency-Key": "k-2026-0001"})
         for c in clients],
        before_join=lambda: lock.release_when_queued(50),
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 49 + [201]
    assert {r.json()["number"] for r in responses} == {expected_numbers(1)[0]}
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit").count() == 1
    assert verify_chain().ok


def test_fifty_simultaneous_requests_with_one_key_on_the_queued_intake_get_one_receipt(
    online_item: ServiceItem, zhangsan: User, wangwu: User
) -> None:
    # Received in one INSERT with no transaction around it: the 49 losers of the unique key
    # answer with the winner's receipt, and nothing is left half-written.
    set_queued_intake(actor=wangwu, item=online_item, enabled=True)
    clients = [api_client(zhangsan) for _i in range(50)]
    body = {"service_code": online_item.code, "form": {"contact_phone": "13800000001"}}

    responses = run_together(
        [partial(post_json, c, "/api/v1/cases", body, **{"Idempotency-Key": "k-peak-0001"})
         for c in clients])

    assert [r.status_code for r in responses] == [202] * 50
    assert len({r.json()["receipt"] for r in responses}) == 1
    assert Intake.objects.count() == 1
    assert process_queued() == 1
    assert Case.objects.count() == 1


def test_fifty_simultaneous_uploads_with_one_key_keep_one_receipt_and_only_its_file(
    online_item: ServiceItem, zhangsan: User, wangwu: User, media_root: Path
) -> None:
    # The multipart path writes each request's file before its INSERT: the 49 requests that
    # lose the unique key must delete the files they wrote, leaving exactly the winner's.
    set_queued_intake(actor=wangwu, item=online_item, enabled=True)
    clients = [api_client(zhangsan) for _i in range(50)]
    data = json.dumps({"service_code": online_item.code,
                       "form": {"contact_phone": "13800000001"}})

    def upload(client: Client) -> Any:
        return client.post("/api/v1/cases/with-files", {"data": data, "file": [pdf()]},
                           headers={"Idempotency-Key": "k-peak-files"})

    responses = run_together([partial(upload, c) for c in clients])

    assert [r.status_code for r in responses] == [202] * 50
    assert len({r.json()["receipt"] for r in responses}) == 1
    received = Intake.objects.get()
    stored = sorted(str(path.relative_to(media_root)) for path in media_root.rglob("*.pdf"))
    assert stored == [received.files[0]["file"]]
    assert process_queued() == 1
    assert Case.objects.get().attachments.get().file.name == stored[0]


def test_two_handlers_taking_the_same_action_at_once_one_succeeds_and_one_gets_409(
    online_item: ServiceItem, zhangsan: User, lisi: User, new_member: Callable[..., User]
) -> None:
    other = new_member("handler2", "冯十一", "goa-service-centre", Role.HANDLER)
    case = services.submit_case(actor=zhangsan, item=online_item,
                                form={"contact_phone": "13800000001"})
    clients = [api_client(lisi), api_client(other)]
    path = f"/api/v1/cases/{case.number}/actions"
    lock = RowLock(case)

    responses = run_together(
        [partial(post_json, c, path, {"action": "accept"}) for c in clients],
        before_join=lambda: lock.release_when_queued(2),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    [conflict] = [r.json() for r in responses if r.status_code == 409]
    assert conflict["code"] == "invalid_transition" and conflict["detail"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
    case.refresh_from_db()
    assert case.status == "accepted"


def test_two_hundred_concurrent_submissions_get_two_hundred_distinct_gap_free_numbers(
    online_item: ServiceItem, zhangsan: User, zhaoliu: User
) -> None:
    applicants = [zhangsan, zhaoliu]
    body = {"service_code": online_item.code, "form": {"contact_phone": "13800000001"}}
    clients = [api_client(applicants[i % 2]) for i in range(20)]
    tasks = [
        partial(post_json, clients[i % 20], "/api/v1/cases", body,
                **{"Idempotency-Key": f"bulk-{i:03d}"})
        for i in range(200)
    ]

    responses = run_pool(tasks, threads=20)

    errors = [r for r in responses if isinstance(r, Exception) or r.status_code != 201]
    assert not errors
    numbers = [r.json()["number"] for r in responses]
    assert len(set(numbers)) == 200
    assert sorted(numbers) == expected_numbers(200)
    assert sorted(str(n) for n in Case.objects.values_list("number", flat=True)) == (
        expected_numbers(200))
    assert CaseEvent.objects.filter(action="submit").count() == 200
    assert counter_row().last == 200
    assert verify_chain().ok


def test_every_way_of_submitting_at_once_takes_the_locks_in_one_order_and_never_deadlocks(
    online_item: ServiceItem, zhangsan: User, zhaoliu: User
) -> None:
    """At-once JSON, multipart with a file, and drafts submitted later all number the case
    before they append to the audit chain; two orders would deadlock under this mix."""
    body = {"service_code": online_item.code, "form": {"contact_phone": "13800000001"}}
    clients = [api_client(person) for person in (zhangsan, zhaoliu) for _i in range(6)]
    drafts = [services.submit_case(actor=zhangsan if i % 2 else zhaoliu, item=online_item,
                                   form=body["form"], submit=False, idempotency_key=f"d{i}")
              for i in range(30)]
    tasks = []
    for i in range(30):
        client = clients[i % 12]
        tasks.append(partial(post_json, client, "/api/v1/cases", body,
                             **{"Idempotency-Key": f"json-{i}"}))
        tasks.append(partial(client.post, "/api/v1/cases/with-files",
                             {"data": json.dumps(body), "file": [pdf()]},
                             headers={"Idempotency-Key": f"multipart-{i}"}))
        draft = drafts[i]
        owner = clients[(0 if draft.registered_by_id == zhangsan.pk else 6) + i % 6]
        tasks.append(partial(owner.post, f"/api/v1/cases/drafts/{draft.pk}/submit"))

    responses = run_pool(tasks, threads=12)

    failed = [r if isinstance(r, Exception) else (r.status_code, r.content[:200])
              for r in responses if isinstance(r, Exception) or r.status_code not in (200, 201)]
    assert not failed
    assert sorted(r.json()["number"] for r in responses) == expected_numbers(90)
    assert counter_row().last == 90
    assert verify_chain().ok


@pytest.fixture
def flaky_item(cast: dict[str, User]) -> Any:
    """An item whose kind's on_submit hook fails (after numbering) for keys starting "fail"."""
    numbered_then_failed: list[str] = []

    def on_submit(*, case: Case, actor: User | None) -> None:
        if case.idempotency_key.startswith("fail"):
            numbered_then_failed.append(str(case.number))
            raise RuntimeError("the domain refused the submission after numbering")

    kinds.register(kinds.CaseKind(slug=FLAKY_KIND, label="flaky", on_submit=on_submit))
    yield make_item(kind=FLAKY_KIND, materials=[]), numbered_then_failed
    kinds.unregister(FLAKY_KIND)


def test_numbering_stays_gap_free_when_submissions_roll_back_after_taking_a_number(
    flaky_item: tuple[ServiceItem, list[str]], zhangsan: User
) -> None:
    item, numbered_then_failed = flaky_item
    keys = [f"{'fail' if i % 3 == 0 else 'ok'}-{i:02d}" for i in range(30)]
    lock = RowLock(counter_row())

    results = run_together(
        [partial(services.submit_case, actor=zhangsan, item=item,
                 form={"contact_phone": "13800000001"}, idempotency_key=key)
         for key in keys],
        before_join=lambda: lock.release_when_queued(30),
    )

    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 10 and all(isinstance(r, RuntimeError) for r in failed)
    # Every failed submission had taken a number before it rolled back...
    assert len(numbered_then_failed) == 10
    # ...and the committed cases still hold 1..20 with no gap: the numbers were reused.
    committed = sorted(str(n) for n in Case.objects.values_list("number", flat=True))
    assert committed == expected_numbers(20)
    assert set(numbered_then_failed) <= {*committed, expected_numbers(21)[-1]}
    assert counter_row().last == 20
    assert not Case.objects.filter(idempotency_key__startswith="fail").exists()
    assert CaseEvent.objects.filter(action="submit").count() == 20
    assert verify_chain().ok
