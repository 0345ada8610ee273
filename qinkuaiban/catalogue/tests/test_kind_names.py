"""Staff read a service's kind by its name (托幼园位, 一般服务事项), never by its code; a new
service names only a kind some installed app handles (catalogue/kinds.py, filled by the cases
app's registry: the catalogue never imports the cases app)."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from qinkuaiban.cases.kinds import registered_kinds
from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.catalogue.kinds import PENDING_KIND_LABELS, kind_choices, kind_label
from qinkuaiban.catalogue.models import ServiceItem

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def demo(db):
    seed_demo_data(stdout=io.StringIO())


def test_every_kind_of_the_demo_catalogue_has_a_chinese_name(demo):
    for slug in set(ServiceItem.objects.values_list("kind", flat=True)):
        assert CJK.search(kind_label(slug)), slug


def test_a_registered_case_kind_keeps_the_name_its_app_gave_it(db):
    assert kind_label("generic") == "一般服务事项"
    assert kind_label("complaint") == "投诉"
    assert kind_label("childcare") == "托幼园位"
    assert kind_label("no-such-kind") == "no-such-kind"


def test_guide_management_shows_kind_names_instead_of_codes(client, demo, wangwu):
    client.force_login(wangwu)

    body = client.get(reverse("catalogue:manage")).content.decode()

    assert "<h1>编辑服务指南</h1>" in body
    for name in ("托幼园位", "停车证", "一般服务事项", "咨询"):
        assert f"· {name}</span>" in body, name
    for code in ("childcare", "parking", "generic", "enquiry", "repair"):
        assert f"· {code}<" not in body, code


def test_the_new_service_form_offers_kinds_by_name(client, db, wangwu):
    client.force_login(wangwu)

    body = client.get(reverse("catalogue:create")).content.decode()

    for slug, name in kind_choices():
        assert re.search(rf'<option value="{slug}"( selected)?>{name}</option>', body), slug
    assert "generic, enquiry" not in body


def test_the_new_service_form_offers_exactly_the_kinds_an_installed_app_handles(
    client, db, wangwu
):
    client.force_login(wangwu)

    body = client.get(reverse("catalogue:create")).content.decode()

    offered = set(re.findall(r'<option value="([a-z_-]+)"', body[body.index('name="kind"'):]
                             .split("</select>")[0]))
    assert offered == set(registered_kinds())
    for slug in PENDING_KIND_LABELS:
        assert slug not in offered and f">{kind_label(slug)}</option>" not in body


def test_a_kind_whose_app_is_not_installed_cannot_be_chosen_for_a_new_service(
    client, orgs, wangwu
):
    client.force_login(wangwu)

    response = client.post(reverse("catalogue:create"), {
        "code": "QKB-TY-009", "name": "托幼园位申请", "kind": "childcare",
        "category": "logistics", "handling_org": orgs["goa-service-centre"].pk,
        "conditions": "在职人员。", "legal_days": "5", "promised_days": "2",
        "complaint_phone": "0791-88009999",
    })

    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not ServiceItem.objects.filter(code="QKB-TY-009").exists()


def test_the_catalogue_imports_nothing_of_the_apps_above_it():
    catalogue_app = Path(__file__).resolve().parents[1]
    importing = [str(path.relative_to(catalogue_app)) for path in catalogue_app.rglob("*.py")
                 if "tests" not in path.parts
                 and any(f"qinkuaiban.{app}" in path.read_text() for app in ("cases", "feedback"))]
    assert importing == []


def test_the_new_service_form_refuses_a_kind_no_app_handles(client, orgs, wangwu):
    client.force_login(wangwu)

    response = client.post(reverse("catalogue:create"), {
        "code": "QKB-XY-002", "name": "洗衣服务", "kind": "laundry", "category": "logistics",
        "handling_org": orgs["goa-service-centre"].pk, "conditions": "在职人员。",
        "legal_days": "5", "promised_days": "2", "complaint_phone": "0791-88009999",
    })

    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not ServiceItem.objects.filter(code="QKB-XY-002").exists()
