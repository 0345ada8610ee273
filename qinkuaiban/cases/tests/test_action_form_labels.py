"""Every control of every form on the case page has a label a screen reader and a sighted user
can tie to it, and no two controls of one form go by the same name; the one-time notice names
the material beside each box, and its box for anything else has a label of its own."""

from collections.abc import Callable

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.tests.factories import make_item, submit
from qinkuaiban.cases.tests.labels import Page, read_page
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import Material, ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db


def case_page(case: Case, user: User, *, language: str = "zh-hans") -> Page:
    client = Client()
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("cases:detail", args=[case.number]))
    assert response.status_code == 200
    return read_page(response.content.decode())


def submitted(item: ServiceItem, cast: dict[str, User]) -> Case:
    return submit(item, cast["zhangsan"])


def accepted(item: ServiceItem, cast: dict[str, User]) -> Case:
    return build(Status.ACCEPTED, item=item, cast=cast)


def awaiting_supplement(item: ServiceItem, cast: dict[str, User]) -> Case:
    return build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast)


def deferred(item: ServiceItem, cast: dict[str, User]) -> Case:
    return build(Status.ACCEPTED, item=item, cast=cast, deferred=True)


def instant(item: ServiceItem, cast: dict[str, User]) -> Case:
    del item
    return submit(make_item(content={"promised_days": 0, "is_instant": True, "legal_days": 1},
                            materials=[]), cast["zhangsan"], files=False)


def door_to_door(item: ServiceItem, cast: dict[str, User]) -> Case:
    del item
    case = submit(make_item(content={"channels": ["online", "door_to_door"]}, materials=[]),
                  cast["zhangsan"], files=False)
    return services.accept(case=case, actor=cast["lisi"])


# (how the case is made, who looks at it, controls that page must show)
SCENES: list[tuple[Callable[[ServiceItem, dict[str, User]], Case], str, set[str]]] = [
    (submitted, "lisi", {"accept-confirmed", "accept_deferred-missing", "accept_deferred-due_on",
                         "request_supplement-other_name", "reject-ground", "reject-confirmed",
                         "transfer-to_org", "record_visit-visited_on"}),
    (accepted, "lisi", {"complete-outcome", "complete-reason", "complete-confirmed",
                        "start_special-procedure", "upload-file", "upload-material"}),
    (accepted, "wangwu", {"extend-days", "void-reason", "void-confirmed"}),
    (awaiting_supplement, "zhangsan", {"withdraw-confirmed", "supplement-reason"}),
    (deferred, "zhangsan", {"supply_deferred-reason"}),
    (deferred, "lisi", {"terminate-reason", "terminate-confirmed"}),
    (instant, "lisi", {"instant-outcome", "instant-confirmed"}),
    (door_to_door, "lisi", {"propose_door_visit-slot_start", "propose_door_visit-address"}),
]


@pytest.mark.parametrize(("make", "viewer", "expected"), SCENES,
                         ids=[f"{make.__name__}-{viewer}" for make, viewer, _ in SCENES])
def test_every_control_of_every_form_on_the_case_page_has_a_label(
    make: Callable[[ServiceItem, dict[str, User]], Case], viewer: str, expected: set[str],
    item: ServiceItem, cast: dict[str, User]
) -> None:
    page = case_page(make(item, cast), cast[viewer])
    assert expected <= {control.name for control in page.controls}
    unlabelled = [control.name for control in page.controls if not page.is_labelled(control)]
    assert unlabelled == []
    unseen = [control.name for control in page.controls if not page.seen_label(control)]
    assert unseen == []
    assert page.same_names_in_a_form() == {}
    assert page.look_alikes_without_own_name() == []


def test_two_controls_of_one_form_with_the_same_name_are_found() -> None:
    page = read_page(
        '<form><label for="a">需补正的内容</label><input id="a" name="a">'
        '<label for="b">需补正的内容</label><input id="b" name="b"></form>'
        '<form><label for="c">需补正的内容</label><input id="c" name="c"></form>')
    assert page.same_names_in_a_form() == {"需补正的内容": ["a", "b"]}
    assert page.look_alikes_without_own_name() == ["a", "b"]


def test_controls_that_look_alike_but_name_their_item_for_a_screen_reader_pass() -> None:
    page = read_page(
        '<form>'
        '<label for="a"><span aria-hidden="true">需补正的内容</span>'
        '<span class="visually-hidden">需补正的内容：身份证</span></label><input id="a" name="a">'
        '<label for="b"><span aria-hidden="true">需补正的内容</span>'
        '<span class="visually-hidden">需补正的内容：营业执照</span></label><input id="b" name="b">'
        '</form>')
    assert page.same_names_in_a_form() == {}
    assert page.look_alikes_without_own_name() == []


@pytest.mark.parametrize(("language", "seen", "heard"), [
    ("zh-hans", "需补正的内容", "需补正的内容：{name}"),
    ("en", "What is missing or wrong", "What is missing or wrong: {name}"),
])
def test_each_box_of_the_one_time_notice_is_labelled_with_its_material(
    language: str, seen: str, heard: str, item: ServiceItem, cast: dict[str, User]
) -> None:
    case = submitted(item, cast)
    page = case_page(case, cast["lisi"], language=language)
    materials = list(Material.objects.filter(version=case.version))
    assert materials
    for material in materials:
        pick = page.control(f"request_supplement-pick_{material.pk}")
        problem = page.control(f"request_supplement-problem_{material.pk}")
        assert material.name in page.heard_label(pick)
        assert page.seen_label(problem) == seen
        assert page.heard_label(problem) == heard.format(name=material.name)


@pytest.mark.parametrize(("language", "label", "material_box"), [
    ("zh-hans", "其他材料需补正的内容", "需补正的内容"),
    ("en", "What is missing or wrong with the other material", "What is missing or wrong"),
])
def test_the_box_for_anything_else_has_its_own_label_seen_and_heard(
    language: str, label: str, material_box: str, item: ServiceItem, cast: dict[str, User]
) -> None:
    page = case_page(submitted(item, cast), cast["lisi"], language=language)
    other = page.control("request_supplement-other_problem")
    assert page.seen_label(other) == label
    assert page.accessible_name(other) == label
    boxes = [control for control in page.controls
             if control.name.startswith("request_supplement-problem_")]
    assert boxes
    assert {page.seen_label(box) for box in boxes} == {material_box}
    assert label not in {page.accessible_name(box) for box in boxes}


def test_an_error_on_the_box_for_anything_else_is_tied_to_it(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = submitted(item, cast)
    client = Client()
    client.force_login(cast["lisi"])
    response = client.post(reverse("cases:act", args=[case.number, "request_supplement"]), {
        "request_supplement-reason": "请补正", "request_supplement-other_name": "委托书"})
    assert response.status_code == 422
    page = read_page(response.content.decode())
    other = page.control("request_supplement-other_problem")
    error_id = "id_request_supplement-other_problem_error"
    assert error_id in other.attrs["aria-describedby"].split()
    assert other.attrs["aria-invalid"] == "true"
    assert f'<ul class="error" id="{error_id}"><li>请填写材料名称并写明问题。</li></ul>' in (
        response.content.decode())
    assert page.seen_label(other) == "其他材料需补正的内容"


def test_each_material_that_may_follow_is_a_checkbox_named_after_it(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = submitted(item, cast)
    page = case_page(case, cast["lisi"])
    boxes = [control for control in page.controls if control.name == "accept_deferred-missing"]
    names = {page.heard_label(box) for box in boxes}
    assert names == {material.name for material in Material.objects.filter(
        version=case.version, necessity="deferrable")}
