"""The public pages without sign-in: progress by number and code (or tracking code and PIN),
verifying a notice, both rate-limited; and the published commitment of an item."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from qinkuaiban.cases.commitments import commitment_stats
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.notices import get_notice
from qinkuaiban.cases.tests.factories import submit
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db


def look_up(client: Client, reference: str, code: str) -> object:
    return client.post(reverse("cases:progress"), {"reference": reference, "code": code})


def test_progress_page_reads_in_chinese_without_sign_in() -> None:
    response = Client().get(reverse("cases:progress"))
    assert response.status_code == 200
    assert "办件进度查询" in response.content.decode()


def test_progress_with_the_right_code_shows_status_and_history_but_no_form_data(
    item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast)
    response = look_up(Client(), case.number or "", case.verification_code.lower())
    body = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert str(case.number) in body
    assert "待补正" in body or "补正" in body
    assert "李四" in body
    assert "13800000001" not in body


def test_progress_with_a_wrong_code_reveals_nothing(item: ServiceItem, zhangsan: User) -> None:
    case = submit(item, zhangsan)
    response = look_up(Client(), case.number or "", "WRONG123")
    body = response.content.decode()  # type: ignore[attr-defined]
    assert case.version.name not in body
    assert "alert-error" in body


@override_settings(QKB_PUBLIC_LOOKUP_PER_MINUTE=3)
def test_progress_lookups_are_rate_limited(item: ServiceItem, zhangsan: User) -> None:
    case = submit(item, zhangsan)
    client = Client()
    for _n in range(3):
        look_up(client, case.number or "", "WRONG123")
    response = look_up(client, case.number or "", case.verification_code)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert case.version.name not in response.content.decode()  # type: ignore[attr-defined]


def test_verify_confirms_a_genuine_notice_from_its_qr_link(item: ServiceItem, cast: dict) -> None:
    case = build(Status.COMPLETED, item=item, cast=cast)
    notice = get_notice(case, "completion")
    response = Client().get(reverse("cases:verify"),
                            {"number": str(case.number), "code": notice.verification_code})
    body = response.content.decode()
    assert response.status_code == 200
    assert "真实有效" in body
    assert "办结通知书" in body and str(case.number) in body
    assert "机关服务中心" in body


def test_verify_says_a_wrong_code_matches_no_notice(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    response = Client().get(reverse("cases:verify"),
                            {"number": str(case.number), "code": "AAAAAAAA"})
    body = response.content.decode()
    assert "alert-error" in body
    assert "真实有效" not in body


def test_the_case_verification_code_is_not_a_notice_code(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    response = Client().get(reverse("cases:verify"),
                            {"number": str(case.number), "code": case.verification_code})
    assert "真实有效" not in response.content.decode()


def test_a_failed_check_says_where_the_notice_code_is_before_the_supervision_phone(
    item: ServiceItem, cast: dict
) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    response = Client().get(reverse("cases:verify"),
                            {"number": str(case.number), "code": case.verification_code})
    body = response.content.decode()
    assert "该文书核验码与本办件的文书均不相符" in body
    assert body.index("文书核验码印在文书末尾") < body.index("监督电话")
    assert "并非本平台出具" not in body


def test_the_verify_page_asks_for_the_notice_verification_code() -> None:
    body = Client().get(reverse("cases:verify")).content.decode()
    assert "输入办件编号和文书核验码" in body
    assert "印在文书末尾的二维码旁" in body
    assert "验证码和可打开本页" not in body


@override_settings(QKB_PUBLIC_LOOKUP_PER_MINUTE=2)
def test_verify_is_rate_limited(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    client = Client()
    for _n in range(2):
        client.get(reverse("cases:verify"), {"number": str(case.number), "code": "AAAAAAAA"})
    code = get_notice(case, "acceptance").verification_code
    response = client.get(reverse("cases:verify"), {"number": str(case.number), "code": code})
    assert response.status_code == 429
    assert "真实有效" not in response.content.decode()


def test_the_empty_verify_page_does_not_count_against_the_limit() -> None:
    client = Client()
    for _n in range(20):
        assert client.get(reverse("cases:verify")).status_code == 200


def test_commitment_stats_count_cases_completed_within_the_promise(
    item: ServiceItem, cast: dict
) -> None:
    on_time = build(Status.COMPLETED, item=item, cast=cast)
    late = build(Status.COMPLETED, item=item, cast=cast)
    assert late.due_on is not None
    Case.objects.filter(pk=late.pk).update(
        completed_at=timezone.make_aware(dt.datetime.combine(
            late.due_on + dt.timedelta(days=1), dt.time(10))))
    build(Status.ACCEPTED, item=item, cast=cast)
    stats = commitment_stats(item, today=late.due_on + dt.timedelta(days=10))
    assert (stats.completed, stats.on_time, stats.on_time_percent) == (2, 1, 50)
    assert on_time.pk != late.pk


def test_commitment_box_renders_in_chinese_for_the_guide(item: ServiceItem) -> None:
    from django.template import Context, Template

    html = Template("{% load cases_tags %}{% commitment_stats item %}").render(
        Context({"item": item}))
    assert "承诺践诺" in html or "践诺" in html
