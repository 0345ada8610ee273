"""Every control of every form on the case page has a label a screen reader and a sighted user
can tie to it; the one-time notice names the material beside each box."""

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


def test_each_material_that_may_follow_is_a_checkbox_named_after_it(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = submitted(item, cast)
    page = case_page(case, cast["lisi"])
    boxes = [control for control in page.controls if control.name == "accept_deferred-missing"]
    names = {page.heard_label(box) for box in boxes}
    assert names == {material.name for material in Material.objects.filter(
        version=case.version, necessity="deferrable")}
