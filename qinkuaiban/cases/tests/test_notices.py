"""Official notices: each exists only once the case reached the state it certifies, embeds its
Chinese font, carries a stable verification code, and is served only to those who see the case
(HTML page and API)."""

import subprocess
from pathlib import Path

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from qinkuaiban.cases.api_notices import case_notice
from qinkuaiban.cases.models import Case, Status
from qinkuaiban.cases.notices import NoticeKind, find_notice, get_notice, notices_of, render_notice
from qinkuaiban.cases.tests.factories import make_item, signed_in
from qinkuaiban.cases.tests.states import build
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import NotFound
from qinkuaiban.identity.models import User

pytestmark = pytest.mark.django_db

EXPECTED: dict[str, set[str]] = {
    Status.SUBMITTED: set(),
    Status.AWAITING_SUPPLEMENT: {"supplement"},
    Status.ACCEPTED: {"acceptance"},
    Status.REJECTED: {"rejection"},
    Status.COMPLETED: {"acceptance", "completion"},
    Status.WITHDRAWN: set(),
}



@pytest.mark.parametrize("status", list(EXPECTED))
def test_a_notice_exists_only_in_the_state_it_certifies(
    status: str, item: ServiceItem, cast: dict[str, User]
) -> None:
    case = build(status, item=item, cast=cast)
    assert {n.kind for n in notices_of(case)} == EXPECTED[status]
    client = signed_in(cast["zhangsan"])
    for kind in NoticeKind.values:
        response = client.get(reverse("cases:notice", args=[case.number, kind]))
        assert response.status_code == (200 if kind in EXPECTED[status] else 404), kind


def test_the_pdf_embeds_its_chinese_font(item: ServiceItem, cast: dict, tmp_path: Path) -> None:
    case = build(Status.COMPLETED, item=item, cast=cast)
    response = signed_in(cast["zhangsan"]).get(
        reverse("cases:notice", args=[case.number, "completion"]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "notice.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows, fonts.stdout
    # Columns: name type encoding emb sub uni … — every font embedded.
    assert all(" yes " in f" {row} " for row in rows), fonts.stdout
    assert not any("Helvetica" in row for row in rows)


def test_the_notice_text_is_chinese_and_names_the_case(cast: dict) -> None:
    licence = make_item(content={"item_type": "administrative_licence"})
    case = build(Status.REJECTED, item=licence, cast=cast)
    notice = get_notice(case, "rejection")
    pdf = render_notice(notice, verify_url="http://testserver/cases/verify/")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "不予受理决定书" in text
    assert str(case.number) in "".join(text.split())
    assert "行政复议" in text and "行政诉讼" in text
    assert notice.verification_code in text
    flat = "".join(text.split())
    assert f"文书核验码：{notice.verification_code}" in flat
    assert f"和文书核验码{notice.verification_code}" in flat


def test_the_supplement_notice_lists_every_material_and_problem(
    item: ServiceItem, cast: dict
) -> None:
    case = build(Status.AWAITING_SUPPLEMENT, item=item, cast=cast)
    pdf = render_notice(get_notice(case, "supplement"), verify_url="http://testserver/v/")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "补正告知书" in text and "复印件不清晰" in text


def test_the_verification_code_is_stable_and_found_again(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    code = get_notice(case, "acceptance").verification_code
    assert code == get_notice(Case.objects.get(pk=case.pk), "acceptance").verification_code
    assert len(code) == 8 and code != case.verification_code
    assert find_notice(number=case.number or "", code=code.lower()).kind == "acceptance"
    with pytest.raises(NotFound):
        find_notice(number=case.number or "", code="AAAAAAAA")


def test_notices_are_404_for_someone_who_may_not_see_the_case(
    item: ServiceItem, cast: dict
) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    url = reverse("cases:notice", args=[case.number, "acceptance"])
    assert signed_in(cast["zhaoliu"]).get(url).status_code == 404
    assert signed_in(cast["lisi"]).get(url).status_code == 200


def test_an_unknown_kind_is_404(item: ServiceItem, cast: dict) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    url = reverse("cases:notice", args=[case.number, "licence"])
    assert signed_in(cast["zhangsan"]).get(url).status_code == 404


def test_the_api_endpoint_serves_the_pdf_and_404s_a_notice_not_yet_issued(
    item: ServiceItem, cast: dict
) -> None:
    case = build(Status.ACCEPTED, item=item, cast=cast)
    request = RequestFactory().get(f"/api/v1/cases/{case.number}/notices/acceptance")
    request.auth = cast["zhangsan"]  # type: ignore[attr-defined]
    response = case_notice(request, case.number or "", "acceptance")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with pytest.raises(Http404):
        case_notice(request, case.number or "", "completion")
    request.auth = cast["zhaoliu"]  # type: ignore[attr-defined]
    with pytest.raises(NotFound):
        case_notice(request, case.number or "", "acceptance")
