"""The new-service form refuses bad input in the guide's own words: the code's format, a
negative time limit, and a complaint phone that is not a phone number."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.catalogue.forms import VersionForm
from qinkuaiban.catalogue.forms_spec import validate_office_phone
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.catalogue.tests.factories import make_item

pytestmark = pytest.mark.django_db


def create(client, orgs, **changes):
    data = {
        "code": "QKB-XY-001", "name": "洗衣服务", "kind": "generic", "category": "logistics",
        "handling_org": orgs["goa-service-centre"].pk, "conditions": "在职人员。",
        "legal_days": "5", "promised_days": "2", "complaint_phone": "0791-88009999",
    }
    return client.post(reverse("catalogue:create"), data | changes)


def test_a_bad_implementation_code_is_told_the_expected_format(client, orgs, wangwu):
    client.force_login(wangwu)
    body = create(client, orgs, code="QKB XY 001").content.decode()
    assert not ServiceItem.objects.filter(code="QKB XY 001").exists()
    assert "实施编码由3至40位字母、数字和连字符组成" in body
    assert "输入一个有效的值" not in body


def test_a_negative_time_limit_is_refused_in_working_days(client, orgs, wangwu):
    client.force_login(wangwu)
    body = create(client, orgs, promised_days="-1").content.decode()
    assert "时限以工作日计，不能为负数" in body
    assert "确保该值大于或等于" not in body


@pytest.mark.parametrize("phone", ["abc", "12", "0791-123", "1380000000"])
def test_a_complaint_phone_that_is_not_a_phone_number_is_refused(client, orgs, wangwu, phone):
    client.force_login(wangwu)
    body = create(client, orgs, complaint_phone=phone).content.decode()
    assert "请输入手机号码、带区号的固定电话" in body
    assert not ServiceItem.objects.filter(code="QKB-XY-001").exists()


@pytest.mark.parametrize("phone", ["0791-88009999", "079188009999", "13800000001", "12345"])
def test_mobiles_fixed_lines_and_public_hotlines_are_accepted(client, orgs, wangwu, phone):
    client.force_login(wangwu)
    assert create(client, orgs, complaint_phone=phone).status_code == 302


def test_editing_a_draft_checks_its_phones_the_same_way(client, orgs, wangwu):
    version = make_item(handling_org=orgs["goa-service-centre"]).item.versions.get()
    data = VersionForm.initial_for(version) | {"complaint_phone": "abc",
                                               "consultation_phone": "热线"}
    form = VersionForm(data={k: v for k, v in data.items() if v is not None})
    form.is_valid()
    assert set(form.errors) >= {"complaint_phone", "consultation_phone"}


@given(st.text(alphabet="abcdefxyz-_ ()", min_size=1, max_size=20))
def test_text_without_digits_is_never_a_phone(value):
    with pytest.raises(ValidationError):
        validate_office_phone(value)
