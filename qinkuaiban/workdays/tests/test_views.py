"""The calendar pages: readable by every signed-in user, writable by the system administrator."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.identity.models import User
from qinkuaiban.web.tests.helpers import sign_in
from qinkuaiban.workdays.models import CalendarDay, CalendarYear
from qinkuaiban.workdays.package import package_rows

D = dt.date.fromisoformat
GOOD_2027 = "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,holiday,春节\n"


def _client(user: User) -> Client:
    return sign_in(Client(), user)


@pytest.mark.parametrize("name", ["zhangsan", "lisi", "sunqi", "sysadmin", "auditor"])
def test_every_signed_in_user_reads_the_year_in_chinese(
    cast: dict[str, User], name: str
) -> None:
    response = _client(cast[name]).get("/calendar/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "2026 年工作日历" in html
    assert "春节" in html and "调休上班" in html
    assert "248" in html


def test_the_calendar_home_shows_the_current_year(zhangsan: User) -> None:
    response = _client(zhangsan).get("/calendar/")
    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year


def test_a_year_without_data_says_its_deadlines_are_provisional(zhangsan: User) -> None:
    response = _client(zhangsan).get("/calendar/2030/")
    assert response.status_code == 200
    assert "暂按周一至周五" in response.content.decode()


def test_a_year_out_of_range_is_not_found(zhangsan: User) -> None:
    assert _client(zhangsan).get("/calendar/1900/").status_code == 404


def test_signing_in_is_required(client: Client, db: None) -> None:
    response = client.get("/calendar/2026/")
    assert response.status_code == 302


def test_the_year_page_takes_few_queries(
    sysadmin: User, django_assert_max_num_queries: Any
) -> None:
    client = _client(sysadmin)
    # Session, user, two-factor, memberships, the message count and the session save, plus
    # the version, the calendar, the years, the changes and the warnings.
    with django_assert_max_num_queries(14):
        client.get("/calendar/2026/")


def test_the_administrator_sees_the_warnings_and_the_tools(
    sysadmin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args: D("2027-03-01"))
    html = _client(sysadmin).get("/calendar/2026/").content.decode()
    assert "2027" in html and "国务院" in html
    assert "/calendar/correct/" in html and "/calendar/import/" in html


def test_others_see_neither_warnings_nor_tools(
    lisi: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args: D("2027-03-01"))
    html = _client(lisi).get("/calendar/2026/").content.decode()
    assert "国务院" not in html
    assert "/calendar/correct/" not in html


@pytest.mark.parametrize("name", ["zhangsan", "lisi", "wangwu", "sunqi", "secadmin", "auditor"])
@pytest.mark.parametrize("path", ["/calendar/correct/", "/calendar/import/"])
def test_only_the_system_administrator_may_open_the_write_pages(
    cast: dict[str, User], name: str, path: str
) -> None:
    client = _client(cast[name])
    assert client.get(path).status_code == 403
    assert client.post(path, {"date": "2026-03-02", "kind": "holiday", "name": "x",
                              "reason": "x"}).status_code == 403
    assert not CalendarDay.objects.filter(date=D("2026-03-02")).exists()


def test_the_correction_form_shows_the_day_as_it_is(sysadmin: User) -> None:
    response = _client(sysadmin).get("/calendar/correct/", {"date": "2026-10-10"})
    assert response.status_code == 200
    assert "调休上班" in response.content.decode()
    assert response.context["form"].initial["kind"] == "workday"


def test_the_administrator_corrects_a_day_with_a_reason(sysadmin: User) -> None:
    response = _client(sysadmin).post("/calendar/correct/", {
        "date": "2026-03-02", "kind": "holiday", "name": "特别假日", "reason": "通知",
    })
    assert response.status_code == 302 and response["Location"] == "/calendar/2026/"
    assert CalendarDay.objects.get(date=D("2026-03-02")).name == "特别假日"
    assert AuditEntry.objects.filter(action="workdays.day_corrected", actor=sysadmin).exists()


def test_a_refused_correction_is_shown_on_the_form(sysadmin: User) -> None:
    response = _client(sysadmin).post("/calendar/correct/", {
        "date": "2026-03-02", "kind": "workday", "name": "", "reason": "通知",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not CalendarDay.objects.filter(date=D("2026-03-02")).exists()


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("2027.csv", text.encode("utf-8"), content_type="text/csv")


def test_the_administrator_uploads_a_new_year(sysadmin: User) -> None:
    response = _client(sysadmin).post("/calendar/import/", {"file": _upload(GOOD_2027)})
    assert response.status_code == 302 and response["Location"] == "/calendar/2027/"
    assert CalendarYear.objects.get(year=2027).imported_by == sysadmin
    assert CalendarDay.objects.filter(year_id=2027).count() == 2


def test_an_upload_with_bad_lines_lists_them_and_writes_nothing(sysadmin: User) -> None:
    text = GOOD_2027 + "2027-02-30,holiday,春节\n2027-02-08,rest,春节\n"
    response = _client(sysadmin).post("/calendar/import/", {"file": _upload(text)})
    assert response.status_code == 200
    assert [error.line for error in response.context["parsed"].errors] == [4, 5]
    assert "未导入任何数据" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_replacing_a_loaded_year_needs_the_box_ticked(sysadmin: User) -> None:
    client = _client(sysadmin)
    text = "date,kind,name\n2026-01-01,holiday,元旦\n"
    response = client.post("/calendar/import/", {"file": _upload(text)})
    assert response.status_code == 200 and response.context["form"].errors["replace"]
    assert CalendarDay.objects.filter(year_id=2026).count() == len(package_rows(2026))
    response = client.post("/calendar/import/", {"file": _upload(text), "replace": "on"})
    assert response.status_code == 302
    assert CalendarDay.objects.filter(year_id=2026).count() == 1


def test_checking_a_file_writes_nothing(sysadmin: User) -> None:
    response = _client(sysadmin).post("/calendar/import/",
                                      {"file": _upload(GOOD_2027), "check_only": "on"})
    assert response.status_code == 200
    assert response.context["parsed"].is_valid
    assert not CalendarYear.objects.filter(year=2027).exists()
