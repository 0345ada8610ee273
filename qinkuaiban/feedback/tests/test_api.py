"""The feedback API: rating a case, rectifications, public submission and tracking."""

import pytest

from qinkuaiban.cases import services as case_services
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import Feedback, Rectification
from qinkuaiban.feedback.tests.factories import completed_case, rate, scores
from qinkuaiban.identity.tokens import issue_token


def bearer(user) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user, name='test')[0]}"}


@pytest.fixture
def api(client):
    def call(method, path, user=None, **payload):
        headers = bearer(user) if user is not None else {}
        if method == "get":
            return client.get(f"/api/v1{path}", payload, **headers)
        return client.post(f"/api/v1{path}", payload, content_type="application/json",
                           **headers)
    return call


def test_the_applicant_rates_through_the_api(api, item, zhangsan, lisi):
    case = completed_case(item, zhangsan, lisi)
    response = api("post", f"/cases/{case.number}/evaluation", zhangsan, level=1,
                   scores=scores(value=1), comment="太慢了")
    assert response.status_code == 201
    assert response.json()["rectification"] is not None
    again = api("post", f"/cases/{case.number}/evaluation", zhangsan, level=5,
                scores=scores())
    assert again.status_code == 409 and again.json()["code"] == "already_rated"


def test_rating_answers_404_422_and_409(api, item, zhangsan, zhaoliu, lisi):
    case = completed_case(item, zhangsan, lisi)
    assert api("post", f"/cases/{case.number}/evaluation", zhaoliu, level=5,
               scores=scores()).status_code == 404
    assert api("post", f"/cases/{case.number}/evaluation", zhangsan, level=9,
               scores=scores()).status_code == 422
    assert api("post", f"/cases/{case.number}/evaluation", zhangsan, level=5,
               scores={"nonsense": 5}).status_code == 422
    open_case = case_services.submit_case(actor=zhangsan, item=item,
                                          form={"contact_phone": "13800000001"})
    assert api("post", f"/cases/{open_case.number}/evaluation", zhangsan, level=5,
               scores=scores()).status_code == 409


def test_rectifications_are_scoped_and_worked_through_the_api(api, item, zhangsan, zhaoliu,
                                                              lisi, django_assert_max_num_queries):
    for _n in range(3):
        rate(completed_case(item, zhangsan, lisi), zhangsan, 2)
    with django_assert_max_num_queries(30):
        mine = api("get", "/rectifications", lisi)
    assert mine.status_code == 200 and mine.json()["count"] == 3
    assert api("get", "/rectifications", zhaoliu).json()["count"] == 0
    first = Rectification.objects.order_by("pk")[0]
    assert api("get", f"/rectifications/{first.pk}", zhaoliu).status_code == 404
    response = api("post", f"/rectifications/{first.pk}/actions", lisi, action="contact",
                   note="已联系")
    assert response.status_code == 200 and response.json()["status"] == "contacted"
    refused = api("post", f"/rectifications/{first.pk}/actions", lisi, action="call_back",
                  note="回访", satisfied=True)
    assert refused.status_code == 409
    forbidden = api("post", f"/rectifications/{first.pk}/actions", lisi, action="appeal",
                    note="误评", ground="mistaken")
    assert forbidden.status_code == 403


def test_anyone_submits_and_follows_with_the_pin(api, kinds, lisi):
    response = api("post", "/feedback", kind="suggestion", title="增加自行车棚",
                   content="建议二号楼旁增加自行车棚。", anonymous=True)
    assert response.status_code == 201
    body = response.json()
    assert body["tracking_code"] and body["pin"] and body["number"].startswith("QKB")
    feedback = Feedback.objects.get(case__number=body["number"])
    services.reply_to_feedback(feedback=feedback, actor=lisi, text="已列入计划")
    tracked = api("get", f"/feedback/{body['tracking_code']}", pin=body["pin"])
    assert tracked.status_code == 200 and tracked.json()["replies"][0]["text"] == "已列入计划"
    assert api("get", f"/feedback/{body['tracking_code']}", pin="000000").status_code == 404
    answered = api("post", f"/feedback/{body['tracking_code']}/answer", pin=body["pin"],
                   satisfied=True)
    assert answered.status_code == 200 and answered.json()["status"] == "closed"


def test_a_token_holder_submits_under_their_name(api, kinds, zhangsan):
    response = api("post", "/feedback", zhangsan, kind="complaint", title="t", content="c")
    assert response.status_code == 201 and response.json()["pin"] is None
    assert Feedback.objects.get().case.applicant == zhangsan


def test_the_same_idempotency_key_files_one_submission(client, kinds, zhangsan):
    body = {"kind": "complaint", "title": "车棚", "content": "二号楼旁无车棚。"}

    def send(**extra):
        return client.post("/api/v1/feedback", body, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="k-1", **extra)

    first, again = send(**bearer(zhangsan)), send(**bearer(zhangsan))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["number"] == first.json()["number"]
    anonymous, replayed = send(), send()
    assert anonymous.status_code == 201 and anonymous.json()["pin"]
    assert replayed.status_code == 409 and replayed.json()["code"] == "already_submitted"
    assert Feedback.objects.count() == 2


def test_a_session_is_not_enough_to_submit_under_a_name(client, kinds, zhangsan):
    client.force_login(zhangsan)
    response = client.post("/api/v1/feedback", {"kind": "complaint", "title": "t",
                                                "content": "c"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["pin"]


def test_a_bad_kind_is_422(api, kinds):
    assert api("post", "/feedback", kind="gossip", title="t", content="c").status_code == 422


def test_guessing_pins_through_the_api_is_rate_limited(api, kinds, settings):
    settings.QKB_PUBLIC_LOOKUP_PER_MINUTE = 3
    receipt = services.submit_feedback(kind="complaint", title="t", content="c", actor=None,
                                       anonymous=True)
    codes = [api("get", f"/feedback/{receipt.tracking_code}", pin=f"{n:06d}").status_code
             for n in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[-1] == 429
    assert api("get", f"/feedback/{receipt.tracking_code}", pin=receipt.pin).status_code == 429


def test_staff_reply_transfer_and_merge_through_the_api(api, kinds, zhangsan, zhaoliu, lisi):
    first = services.submit_feedback(kind="complaint", title="a", content="c", actor=zhangsan,
                                     anonymous=False).feedback
    second = services.submit_feedback(kind="complaint", title="b", content="c", actor=zhaoliu,
                                      anonymous=False).feedback
    third = services.submit_feedback(kind="complaint", title="c", content="c", actor=zhaoliu,
                                     anonymous=False).feedback
    queue = api("get", "/feedback", lisi)
    assert queue.status_code == 200 and queue.json()["count"] == 3
    assert api("post", f"/feedback/items/{first.number}/merge", zhaoliu,
               duplicate=second.number).status_code == 404
    merged = api("post", f"/feedback/items/{first.number}/merge", lisi, duplicate=second.number)
    assert merged.status_code == 200
    replied = api("post", f"/feedback/items/{first.number}/reply", lisi, text="统一答复")
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    moved = api("post", f"/feedback/items/{third.number}/transfer", lisi, to_org="goa-property",
                reason="属房产处")
    assert moved.status_code == 200
    assert api("post", f"/feedback/items/{third.number}/reply", zhaoliu,
               text="x").status_code == 403
