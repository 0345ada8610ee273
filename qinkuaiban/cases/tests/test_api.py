"""The REST API: the contract's names and codes, and the visibility matrix (applicant / other
applicant / handler of the organisation / handler elsewhere / leader) on every endpoint."""


import json
from collections.abc import Callable

import pytest
from django.test import Client

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Attachment, Case, LookupThrottle, Status
from qinkuaiban.cases.tests.factories import pdf, submit
from qinkuaiban.identity.models import User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.tokens import issue_token

CASE_FIELDS = {"number", "service_code", "status", "outcome", "submitted_at", "accepted_at",
               "completed_at", "due_on", "due_provisional", "warning", "handling_org", "visits",
               "verification_code", "available_actions"}


def api(user: User) -> Client:
    raw, _token = issue_token(user=user)
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def elsewhere(new_member: Callable[..., User]) -> User:
    """A handler of another GOA division."""
    return new_member("handler_b", "吴十", "goa-assets", Role.HANDLER)


@pytest.fixture
def case(item, zhangsan) -> Case:
    return submit(item, zhangsan)


def test_post_creates_a_case_and_repeats_return_it(item, zhangsan, lisi):
    client = api(lisi)
    body = {"service_code": item.code, "form": {"contact_phone": "13800000001"}}
    first = client.post("/api/v1/cases", body, content_type="application/json",
                        headers={"Idempotency-Key": "abc"})
    assert first.status_code == 422, first.json()  # a window clerk online: materials missing
    own = api(zhangsan)
    created = own.post("/api/v1/cases", {**body, "submit": False},
                       content_type="application/json", headers={"Idempotency-Key": "abc"})
    assert created.status_code == 201
    again = own.post("/api/v1/cases", {**body, "submit": False},
                     content_type="application/json", headers={"Idempotency-Key": "abc"})
    assert again.status_code == 200
    assert again.json()["draft_id"] == created.json()["draft_id"]
    draft_id = created.json()["draft_id"]
    for material in item.current_version.materials.filter(necessity="required"):
        uploaded = own.post(f"/api/v1/cases/drafts/{draft_id}/attachments",
                            {"file": pdf(), "material": material.pk})
        assert uploaded.status_code == 201, uploaded.json()
    submitted = own.post(f"/api/v1/cases/drafts/{draft_id}/submit")
    assert submitted.status_code == 200
    data = submitted.json()
    assert set(data) >= CASE_FIELDS and data["status"] == Status.SUBMITTED
    assert data["number"].startswith("QKB") and data["verification_code"]
    assert "withdraw" in data["available_actions"]


def test_one_multipart_request_submits_a_case_with_its_materials_once(item, zhangsan):
    required = list(item.current_version.materials.filter(necessity="required"))
    body = {"service_code": item.code, "form": {"contact_phone": "13800000001"}}
    own = api(zhangsan)

    def send():
        return own.post("/api/v1/cases/with-files", {
            "data": json.dumps(body), "file": [pdf() for _m in required],
            "material": [m.pk for m in required],
        }, headers={"Idempotency-Key": "one-request"})

    created = send()
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == Status.SUBMITTED and data["number"].startswith("QKB")
    case = Case.objects.get(number=data["number"])
    assert sorted(case.attachments.values_list("material_id", flat=True)) == sorted(
        m.pk for m in required)
    again = send()
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    assert Case.objects.filter(registered_by=zhangsan).count() == 1


@pytest.mark.parametrize(("fields", "code"), [
    ({"data": "{not json"}, "invalid_data"),
    ({"data": json.dumps({"form": {}})}, "invalid_data"),
    ({"data": "__BODY__", "material": [1, 2]}, "materials_mismatch"),
    ({"data": "__BODY__"}, "materials_missing"),
])
def test_a_bad_multipart_submission_is_refused_and_creates_nothing(item, zhangsan, fields, code):
    body = json.dumps({"service_code": item.code, "form": {"contact_phone": "13800000001"}})
    fields = {k: body if v == "__BODY__" else v for k, v in fields.items()}
    response = api(zhangsan).post("/api/v1/cases/with-files", {**fields, "file": [pdf()]})
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert not Case.objects.filter(registered_by=zhangsan).exists()
    assert not Attachment.objects.exists()


def test_an_unknown_service_is_404(zhangsan):
    response = api(zhangsan).post("/api/v1/cases", {"service_code": "QKB-NONE-1", "form": {}},
                                  content_type="application/json")
    assert response.status_code == 404 and response.json()["code"]


ENDPOINTS = ["", "/events", "/clock", "/attachments"]


@pytest.mark.parametrize("suffix", ENDPOINTS)
@pytest.mark.parametrize(("who", "visible"), [
    ("zhangsan", True), ("zhaoliu", False), ("lisi", True), ("elsewhere", False),
    ("sunqi", True), ("sysadmin", False),
])
def test_the_visibility_matrix_holds_on_every_read_endpoint(request, case, who, visible, suffix,
                                                           elsewhere):
    user = elsewhere if who == "elsewhere" else request.getfixturevalue(who)
    response = api(user).get(f"/api/v1/cases/{case.number}{suffix}")
    assert response.status_code == (200 if visible else 404)
    if not visible:
        assert set(response.json()) == {"code", "detail"}


@pytest.mark.parametrize(("who", "count"), [
    ("zhangsan", 1), ("zhaoliu", 0), ("lisi", 1), ("elsewhere", 0), ("sunqi", 1),
])
def test_the_list_shows_only_what_the_caller_may_see(request, case, who, count, elsewhere):
    user = elsewhere if who == "elsewhere" else request.getfixturevalue(who)
    response = api(user).get("/api/v1/cases")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(("who", "status"), [
    ("zhangsan", 403), ("zhaoliu", 404), ("lisi", 200), ("elsewhere", 404), ("sunqi", 403),
])
def test_actions_answer_per_the_matrix(request, case, who, status, elsewhere):
    user = elsewhere if who == "elsewhere" else request.getfixturevalue(who)
    response = api(user).post(f"/api/v1/cases/{case.number}/actions", {"action": "accept"},
                              content_type="application/json")
    assert response.status_code == status, response.json()
    if status != 200:
        assert set(response.json()) == {"code", "detail"}


@pytest.mark.parametrize(("who", "status"), [
    ("zhangsan", 409), ("zhaoliu", 404), ("lisi", 201), ("elsewhere", 404),
])
def test_attachments_answer_per_the_matrix(request, case, who, status, elsewhere):
    user = elsewhere if who == "elsewhere" else request.getfixturevalue(who)
    response = api(user).post(f"/api/v1/cases/{case.number}/attachments", {"file": pdf()})
    assert response.status_code == status


def test_a_wrong_status_is_409_and_the_error_has_code_and_detail(case, lisi):
    client = api(lisi)
    url = f"/api/v1/cases/{case.number}/actions"
    first = client.post(url, {"action": "accept"}, content_type="application/json")
    assert first.status_code == 200
    response = client.post(url, {"action": "accept"}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"


def test_actions_take_their_extra_data(case, lisi, wangwu, orgs):
    client = api(lisi)
    url = f"/api/v1/cases/{case.number}/actions"
    material = case.version.materials.filter(necessity="required").first()
    response = client.post(url, {"action": "request_supplement", "reason": "请补正",
                                 "materials": [{"material": material.pk, "problem": "模糊"}]},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "awaiting_supplement"
    response = client.post(url, {"action": "reject", "reason": "非本机关",
                                 "ground": "not_our_remit"}, content_type="application/json")
    assert response.status_code == 422
    response = client.post(url, {"action": "transfer", "reason": "转", "to_org": "goa-property"},
                           content_type="application/json")
    assert response.status_code == 409  # only a submitted or accepted case is transferred


def test_extend_and_complete_through_the_api(case, lisi, wangwu):
    services.accept(case=case, actor=lisi)
    url = f"/api/v1/cases/{case.number}/actions"
    extended = api(wangwu).post(url, {"action": "extend", "days": 2, "reason": "复杂"},
                                content_type="application/json")
    assert extended.status_code == 200, extended.json()
    done = api(lisi).post(url, {"action": "complete", "outcome": "approved"},
                          content_type="application/json")
    assert done.json()["status"] == "completed" and done.json()["outcome"] == "approved"


def test_the_clock_endpoint_explains_the_due_date_day_by_day(case, lisi, zhangsan):
    services.accept(case=case, actor=lisi)
    data = api(zhangsan).get(f"/api/v1/cases/{case.number}/clock").json()
    assert data["due_on"] and data["promised_days"] == 5
    assert [d["counted"] for d in data["days"] if d["counted"]] == [1, 2, 3, 4, 5]
    assert all(d["description"] for d in data["days"])


def test_the_list_does_a_fixed_number_of_queries(item, zhangsan, lisi,
                                                 django_assert_max_num_queries):
    for _i in range(6):
        submit(item, zhangsan)
    client = api(lisi)
    client.get("/api/v1/cases")  # warm the calendar and caches
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/cases?status=submitted")
    assert response.json()["count"] == 6


def test_the_public_lookup_needs_the_code_and_is_rate_limited(case, settings):
    client = Client()
    url = f"/api/v1/public/cases/{case.number}"
    ok = client.get(url, {"code": case.verification_code})
    assert ok.status_code == 200
    assert "verification_code" not in ok.json() and ok.json()["status"] == "submitted"
    assert client.get(url, {"code": "WRONG"}).status_code == 404
    for _i in range(8):
        client.get(url, {"code": "WRONG"})
    limited = client.get(url, {"code": case.verification_code})
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    LookupThrottle.objects.all().delete()
    assert client.get(url, {"code": case.verification_code}).status_code == 200


def test_list_filters_by_status_warning_and_service(case, item, lisi):
    client = api(lisi)
    assert client.get("/api/v1/cases", {"status": "accepted"}).json()["count"] == 0
    assert client.get("/api/v1/cases", {"service": item.code}).json()["count"] == 1
    assert client.get("/api/v1/cases", {"warning": "red"}).json()["count"] == 0




def test_errors_read_in_chinese_by_default(case, lisi):
    client = api(lisi)
    url = f"/api/v1/cases/{case.number}/actions"
    client.post(url, {"action": "accept"}, content_type="application/json")
    detail = client.post(url, {"action": "accept"}, content_type="application/json").json()
    assert "受理" in detail["detail"]
