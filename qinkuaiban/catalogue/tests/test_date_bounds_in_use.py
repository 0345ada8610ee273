"""Date bounds where they matter: the demo's trip, meeting and birth dates, the cases app's
service and REST API (which check applications through the catalogue), the apply page's date
picker, the guide API, and the editor where a division head sets them."""

import datetime
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Case
from qinkuaiban.catalogue import services
from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.catalogue.forms_spec import today_here
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import InvalidInput
from qinkuaiban.identity.tokens import issue_token

TRIP_ITEM = "QKB-GC-001"


@pytest.fixture
def demo(db):
    seed_demo_data(stdout=io.StringIO())


def _day(offset: int) -> str:
    return (today_here() + datetime.timedelta(days=offset)).isoformat()


def _trip_form(trip_date: str, **extra: str) -> dict[str, str]:
    return {"trip_date": trip_date, "destination": "省档案馆", "passengers": "3",
            "purpose": "查阅档案", "contact_name": "张三", "contact_phone": "13800000001",
            "organisation_name": "省甲厅规划处", **extra}


def _specs(code: str) -> dict[str, dict]:
    version = ServiceItem.objects.get(code=code).current_version
    assert version is not None
    return {spec.name: spec.as_dict() for spec in version.field_specs}


def test_the_demo_dates_of_trips_meetings_and_births_are_bounded(demo):
    trip = _specs(TRIP_ITEM)
    assert (trip["trip_date"]["not_before"], trip["trip_date"]["not_after"]) == (
        "today", "today+7")
    assert trip["return_date"]["not_before_field"] == "trip_date"
    assert _specs("QKB-HY-001")["meeting_date"]["not_before"] == "today+1"
    assert _specs("QKB-TY-001")["child_birth_date"]["not_after"] == "today"


def test_the_cases_service_refuses_a_trip_date_in_the_past(demo, zhangsan):
    item = ServiceItem.objects.get(code=TRIP_ITEM)

    with pytest.raises(InvalidInput) as caught:
        case_services.submit_case(actor=zhangsan, item=item, form=_trip_form(_day(-1)),
                                  submit=False)

    assert caught.value.field == "trip_date"
    assert "出行日期不能早于今天" in caught.value.message


def test_the_cases_service_takes_a_trip_within_the_week(demo, zhangsan):
    item = ServiceItem.objects.get(code=TRIP_ITEM)

    case = case_services.submit_case(
        actor=zhangsan, item=item, form=_trip_form(_day(2), return_date=_day(3)), submit=False)

    assert case.form_data["trip_date"] == _day(2)
    assert case.form_data["return_date"] == _day(3)


def test_the_case_api_answers_422_naming_the_field(demo, zhangsan):
    raw, _token = issue_token(user=zhangsan)
    client = Client(headers={"authorization": f"Bearer {raw}"})

    response = client.post(
        "/api/v1/cases",
        {"service_code": TRIP_ITEM, "submit": False,
         "form": _trip_form(_day(1), return_date=_day(0))},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_form"
    assert "返程日期不能早于出行日期" in response.json()["detail"]


def test_the_apply_page_refuses_a_past_date_and_its_picker_starts_today(client, demo, zhangsan):
    client.force_login(zhangsan)
    url = reverse("cases:apply", kwargs={"code": TRIP_ITEM})

    page = client.get(url).content.decode()
    assert f'min="{_day(0)}"' in page and f'max="{_day(7)}"' in page

    data = {f"f-{name}": value for name, value in _trip_form(_day(-3)).items()}
    response = client.post(url, {**data, "form_token": "t-1", "intent": "draft"})
    assert response.status_code == 422
    assert "出行日期不能早于今天" in response.content.decode()
    assert not Case.objects.filter(applicant=zhangsan).exists()


def test_the_guide_api_tells_clients_which_dates_are_accepted_today(client, demo):
    form = {f["name"]: f for f in client.get(f"/api/v1/services/{TRIP_ITEM}").json()["form"]}

    assert (form["trip_date"]["min_date"], form["trip_date"]["max_date"]) == (_day(0), _day(7))
    assert form["return_date"]["not_before_field"] == "trip_date"
    assert form["destination"]["min_date"] is None


def _edit_data(client: Client, url: str) -> dict[str, object]:
    form = client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value())
            for name in form.fields if name != "result_sample"}
    data = {k: v for k, v in data.items() if v is not False}
    data.update({"materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0"})
    return data


def test_a_division_head_sets_a_date_bound_in_the_guide_editor(client, demo, wangwu):
    client.force_login(wangwu)
    item = ServiceItem.objects.get(code="QKB-HY-001")
    draft = services.start_new_version(actor=wangwu, item=item)
    url = reverse("catalogue:edit", args=[item.code, draft.number])
    data = _edit_data(client, url)
    declaration = json.loads(str(data["form_fields"]))
    meeting = next(field for field in declaration if field["name"] == "meeting_date")
    assert meeting["not_before"] == "today+1"  # the JSON shown to the editor keeps the bound
    meeting["not_before"] = "today+2"
    data["form_fields"] = json.dumps(declaration, ensure_ascii=False)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    stored = next(f for f in draft.form_fields if f["name"] == "meeting_date")
    assert stored["not_before"] == "today+2"


def test_the_guide_editor_explains_a_malformed_bound_in_chinese(client, demo, wangwu):
    client.force_login(wangwu)
    item = ServiceItem.objects.get(code="QKB-HY-001")
    draft = services.start_new_version(actor=wangwu, item=item)
    url = reverse("catalogue:edit", args=[item.code, draft.number])
    data = _edit_data(client, url)
    data["form_fields"] = json.dumps(
        [{"name": "meeting_date", "label": "会议日期", "type": "date", "not_before": "明天"}],
        ensure_ascii=False)

    response = client.post(url, data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["form_fields"])
    assert "not_before 须为" in errors and "YYYY-MM-DD" in errors
    assert "日期字段可设置" in response.content.decode()  # the help says how
