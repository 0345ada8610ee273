"""Hostile text in every free-text field: markup, SQL fragments, 10,000 characters, emoji and
control characters. Nothing may answer 5xx; what is stored renders escaped; a NUL byte
(which PostgreSQL refuses in text) is a clear 4xx wherever text is stored."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.security.world import MEETING, World, meeting_form, pdf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
PAYLOADS: dict[str, str] = {
    "script": SCRIPT,
    "sql": "'; DROP TABLE cases_case; --",
    "long": "长" * 10_000,
    "emoji": "会议🎉👍🏻‍🔥",
    "control": "a\x01b\x07c\x1bd\x7fe\u202eg",
    "nul": "a\x00b",
}
PAYLOAD_PARAMS = [pytest.param(value, id=name) for name, value in PAYLOADS.items()]
NUMBER_RE = re.compile(r"/cases/(QKB\d{10})/")


def bearer(world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def assert_safe(response: Any, payload: str) -> None:
    """No server error, and never the raw script in an HTML page."""
    assert response.status_code < 500, response.content[:500]
    if payload == SCRIPT and "html" in response.get("Content-Type", ""):
        assert SCRIPT not in response.content.decode()


def assert_renders_escaped(client: Client, path: str, payload: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    if payload == SCRIPT:
        assert ESCAPED in body
        assert SCRIPT not in body


def refused_if_nul(response: Any, payload: str) -> bool:
    """True when the text was refused. A NUL byte must always be refused: the API with a 4xx,
    a page with a 4xx or its form shown again with the error (never the redirect of success)."""
    refused = response.status_code >= 400 or (
        response.status_code == 200 and "html" in response.get("Content-Type", "")
        and 'class="error' in response.content.decode())
    if "\x00" in payload:
        assert refused, response.status_code
    return refused


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_application_form_text_on_the_page(payload: str, world: World,
                                           client_for: Callable[[str], Client]) -> None:
    client = client_for("zhangsan")
    fields = meeting_form(topic=payload[:100], needs=payload, contact_name=payload[:30],
                          organisation_name=payload[:80])
    data = {f"f-{name}": value for name, value in fields.items()}
    response = client.post(f"/cases/apply/{MEETING}/",
                           {**data, "form_token": "hostile-" + str(len(payload)),
                            "intent": "submit"})
    assert_safe(response, payload)
    if refused_if_nul(response, payload):
        return
    assert response.status_code == 302
    number = NUMBER_RE.search(response["Location"]).group(1)  # type: ignore[union-attr]
    assert_renders_escaped(client, f"/cases/{number}/", payload)
    assert_renders_escaped(client_for("lisi"), f"/cases/{number}/", payload)
    assert_safe(client_for("lisi").get("/cases/queue/"), payload)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_application_form_text_through_the_api(payload: str, world: World,
                                               client_for: Callable[[str], Client]) -> None:
    response = Client().post(
        "/api/v1/cases", {"service_code": MEETING, "form": meeting_form(
            topic=payload[:100], needs=payload[:500], contact_name=payload[:30])},
        content_type="application/json", headers=bearer(world, "zhangsan"))
    assert_safe(response, payload)
    if refused_if_nul(response, payload):
        assert response.json()["code"]
        return
    assert response.status_code == 201
    number = response.json()["number"]
    assert_renders_escaped(client_for("lisi"), f"/cases/{number}/", payload)
    assert_renders_escaped(client_for("zhangsan"), f"/cases/{number}/", payload)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_a_too_long_or_hostile_form_value_is_refused_not_crashed(payload: str,
                                                                 world: World) -> None:
    response = Client().post(
        "/api/v1/cases", {"service_code": MEETING, "form": meeting_form(topic=payload * 3)},
        content_type="application/json", headers=bearer(world, "zhangsan"))
    assert_safe(response, payload)
    assert response.status_code in (201, 422)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_action_reasons_through_the_api_and_on_the_page(
    payload: str, world: World, client_for: Callable[[str], Client],
) -> None:
    """The API starts a special procedure with the reason, the page ends it with a note; both
    are shown on the case page and (the procedure's reason) to the public."""
    case_a = world.values["case_a"]
    started = Client().post(
        f"/api/v1/cases/{case_a}/actions",
        {"action": "start_special", "procedure": "hearing", "reason": payload},
        content_type="application/json", headers=bearer(world, "lisi"))
    assert_safe(started, payload)
    if refused_if_nul(started, payload):
        assert started.status_code == 422
        return
    assert started.status_code == 200
    lisi = client_for("lisi")
    ended = lisi.post(f"/cases/{case_a}/actions/end_special/",
                      {"end_special-reason": payload[:2000]})
    assert_safe(ended, payload)
    assert ended.status_code == 302
    assert_renders_escaped(lisi, f"/cases/{case_a}/", payload)
    assert_renders_escaped(client_for("zhangsan"), f"/cases/{case_a}/", payload)
    progress = Client().post("/cases/progress/", {"reference": case_a,
                                                  "code": world.values["code_a"]})
    assert progress.status_code == 200
    if payload == SCRIPT:
        assert ESCAPED in progress.content.decode()
        assert SCRIPT not in progress.content.decode()


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_action_reasons_on_the_page(payload: str, world: World,
                                    client_for: Callable[[str], Client]) -> None:
    case_a = world.values["case_a"]
    lisi = client_for("lisi")
    response = lisi.post(f"/cases/{case_a}/actions/start_special/", {
        "start_special-procedure": "expert_review", "start_special-reason": payload})
    assert_safe(response, payload)
    if refused_if_nul(response, payload):
        return
    assert response.status_code == 302
    assert_renders_escaped(lisi, f"/cases/{case_a}/", payload)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_enquiry_texts(payload: str, world: World, client_for: Callable[[str], Client]) -> None:
    lisi = client_for("lisi")
    response = lisi.post("/cases/enquiries/new/", {
        "item": "QKB-ZX-001", "channel": "phone", "submitter_name": payload[:60],
        "submitter_contact": payload[:120], "form_token": "enquiry-" + str(len(payload)),
        "f-topic": "其他", "f-question": payload[:1000], "f-contact_phone": "13900000000",
    })
    assert_safe(response, payload)
    if refused_if_nul(response, payload):
        return
    assert response.status_code == 302
    number = NUMBER_RE.search(response["Location"]).group(1)  # type: ignore[union-attr]
    assert_renders_escaped(lisi, f"/cases/{number}/", payload)


SEARCHES: list[tuple[str, str, dict[str, str]]] = [
    ("anonymous", "/guide/", {"q": "{}"}),
    ("anonymous", "/guide/", {"q": "{}", "by": "{}"}),
    ("anonymous", "/api/v1/services", {"q": "{}"}),
    ("anonymous", "/cases/verify/", {"number": "{}", "code": "{}"}),
    ("anonymous", "/accounts/login/", {"next": "{}"}),
    ("anonymous", "/api/v1/workdays/add", {"start": "{}", "days": "{}"}),
    ("anonymous", "/api/v1/workdays/explain", {"start": "2026-01-05", "days": "{}"}),
    ("zhangsan", "/cases/mine/", {"show": "{}", "page": "{}"}),
    ("zhangsan", "/messages/", {"show": "{}"}),
    ("zhangsan", "/guide/{item}/v1/", {}),
    ("lisi", "/cases/queue/", {"status": "{}", "warning": "{}", "item": "{}", "page": "{}"}),
    ("lisi", "/api/v1/cases", {"status": "{}", "warning": "{}", "service": "{}"}),
    ("auditor", "/audit/", {"actor_username": "{}", "action_prefix": "{}",
                            "target_type": "{}", "target_id": "{}"}),
    ("sysadmin", "/accounts/users/", {"q": "{}", "status": "{}"}),
    ("sysadmin", "/calendar/correct/", {"date": "{}"}),
    ("sysadmin", "/messages/deliveries/", {"status": "{}"}),
]


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
@pytest.mark.parametrize(("role", "path", "params"), SEARCHES,
                         ids=[f"{role} {path}" for role, path, _ in SEARCHES])
def test_search_queries_and_filters(role: str, path: str, params: dict[str, str], payload: str,
                                    world: World, client_for: Callable[[str], Client]) -> None:
    client = client_for(role)
    query = {key: value.replace("{}", payload) for key, value in params.items()}
    path = path.replace("{item}", MEETING)
    if path.startswith("/api/") and role != "anonymous":
        response = Client().get(path, query, headers=bearer(world, role))
    else:
        response = client.get(path, query)
    assert_safe(response, payload)
    if "\x00" in payload:
        # Searching for a NUL finds nothing: a 4xx, or a page that found nothing.
        assert response.status_code in (200, 302, 400, 404, 422)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_public_lookups(payload: str, world: World) -> None:
    progress = Client().post("/cases/progress/", {"reference": payload, "code": payload})
    assert_safe(progress, payload)
    api = Client().get(f"/api/v1/public/cases/{payload}", {"code": payload[:16]})
    assert_safe(api, payload)
    assert api.status_code in (400, 404, 422)


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_names_people_give(payload: str, world: World,
                           client_for: Callable[[str], Client]) -> None:
    zhangsan = client_for("zhangsan")
    token = zhangsan.post("/accounts/tokens/", {"name": payload})
    assert_safe(token, payload)
    if not refused_if_nul(token, payload):
        assert_renders_escaped(zhangsan, "/accounts/profile/", payload[:80])
    sysadmin = client_for("sysadmin")
    created = sysadmin.post("/accounts/users/new/", {
        "username": "hostile", "real_name": payload, "password": "Qkb-Hostile-2026!",
        "password_again": "Qkb-Hostile-2026!", "mobile": "13900000001", "id_number": "",
    })
    assert_safe(created, payload)
    refused_if_nul(created, payload)
    if created.status_code == 302:
        assert_renders_escaped(sysadmin, created["Location"], payload)
    correction = sysadmin.post("/calendar/correct/", {
        "date": "2026-12-28", "kind": "holiday", "name": payload, "reason": payload})
    assert_safe(correction, payload)
    refused_if_nul(correction, payload)
    if correction.status_code == 302:
        assert_renders_escaped(sysadmin, correction["Location"], payload)


FILE_NAMES: dict[str, tuple[str, str]] = {
    # name sent → what the case page must show (escaped), or "" when the name is refused
    "markup": ("<img src=x onerror=alert(1)>.pdf", "&lt;img src=x onerror=alert(1)&gt;.pdf"),
    "sql": ("'; DROP TABLE cases_case; --.pdf", "&#x27;; DROP TABLE cases_case; --.pdf"),
    "long": ("长" * 300 + ".pdf", "长" * 100),
    "emoji": ("材料🎉.pdf", "材料🎉.pdf"),
    "control": ("材\x01料\x1b.pdf", "材料.pdf"),
    "nul": ("材\x00料.pdf", "材料.pdf"),
    "parent": ("../../../etc/材料.pdf", "材料.pdf"),
    "backslash": ("..\\..\\windows\\材料.pdf", "材料.pdf"),
}


@pytest.mark.parametrize(("name", "shown"), list(FILE_NAMES.values()), ids=list(FILE_NAMES))
def test_uploaded_file_names_are_stripped_and_shown_escaped(
    name: str, shown: str, world: World, client_for: Callable[[str], Client], media_root: Any,
) -> None:
    """Django's upload parser keeps only the last path part and printable characters; the file
    is stored under a random name inside MEDIA_ROOT whatever the client called it."""
    lisi = client_for("lisi")
    case_a = world.values["case_a"]
    before = set(media_root.rglob("*"))
    response = lisi.post(f"/cases/{case_a}/attachments/", {"upload-file": pdf(name)})
    assert response.status_code == 302
    written = set(media_root.rglob("*")) - before
    files = [path for path in written if path.is_file()]
    assert len(files) == 1
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", files[0].name)
    assert files[0].resolve().is_relative_to(media_root.resolve())
    body = lisi.get(f"/cases/{case_a}/").content.decode()
    assert shown in body
    assert "<img src=x" not in body


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
def test_token_requests(payload: str, world: World) -> None:
    response = Client().post("/api/v1/auth/token", {
        "username": payload[:150], "password": payload, "otp": payload[:16], "name": payload[:80],
    }, content_type="application/json")
    assert_safe(response, payload)
    assert response.status_code in (401, 422, 429)


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/services"])
@pytest.mark.parametrize("page", [str(10 ** 30), "-1", "0", "9" * 400, "1e9", "NaN"])
def test_a_page_number_beyond_any_list_is_refused_not_a_server_error(
    path: str, page: str, world: World,
) -> None:
    response = Client().get(path, {"page": page, "page_size": page},
                            headers=bearer(world, "lisi"))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


@pytest.mark.parametrize("path", ["/cases/mine/", "/cases/queue/", "/messages/",
                                  "/accounts/users/", "/audit/"])
def test_html_lists_answer_any_page_number_with_a_page(
    path: str, world: World, client_for: Callable[[str], Client],
) -> None:
    role = {"/cases/queue/": "lisi", "/accounts/users/": "sysadmin",
            "/audit/": "auditor"}.get(path, "zhangsan")
    for page in (str(10 ** 30), "-1", "abc"):
        assert client_for(role).get(path, {"page": page}).status_code == 200


@pytest.mark.parametrize("payload", PAYLOAD_PARAMS)
@pytest.mark.parametrize("template", [
    "/api/v1/cases/{}", "/api/v1/cases/{}/events", "/api/v1/cases/{}/clock",
    "/api/v1/cases/{}/attachments", "/api/v1/cases/{}/notices/acceptance",
    "/api/v1/services/{}",
])
def test_a_hostile_number_or_code_in_the_path_is_simply_not_found(
    template: str, payload: str, world: World,
) -> None:
    response = Client().get(template.format(payload.replace("/", "")),
                            headers=bearer(world, "lisi"))
    assert_safe(response, payload)
    if "\x00" in payload:
        # Refused before any view by the NUL middleware, with a clear message.
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_input"
    else:
        assert response.status_code == 404
