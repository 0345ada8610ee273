"""A refused request is logged as one line naming the path, the status, the user and the
refusal's code, without a traceback; server errors keep theirs."""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from qinkuaiban.core.errors import NotPermitted
from qinkuaiban.core.log_filters import OneLineRefusals

FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def _request_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_page_refused_to_a_signed_in_person_logs_one_line_without_a_traceback(
    caplog, zhangsan
):
    client = Client()
    client.force_login(zhangsan)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("cases:queue"))

    assert response.status_code == 403
    [record] = _request_records(caplog)
    line = FORMAT.format(record)
    assert "\n" not in line and "Traceback" not in line
    assert "/cases/queue/" in line
    assert f"user={zhangsan.pk}" in line and "status=403" in line
    assert "code=PermissionDenied" in line


def _record(exc: BaseException | None, status: int) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Forbidden (Permission denied): %s", ("/x/100%/",),
                               (type(exc), exc, exc.__traceback__) if exc else None)
    record.status_code = status
    return record


def test_the_line_names_the_domain_errors_code_behind_a_refusal():
    try:
        try:
            raise NotPermitted("不可", code="not_permitted")
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
    except PermissionDenied as refused:
        record = _record(refused, 403)

    OneLineRefusals().filter(record)

    assert record.exc_info is None
    assert record.getMessage() == (
        "Forbidden (Permission denied): /x/100%/ [status=403 user=- code=not_permitted]")


def test_server_errors_keep_their_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        record = _record(exc, 500)

    OneLineRefusals().filter(record)

    assert record.exc_info is not None
    assert "Traceback" in FORMAT.format(record)
