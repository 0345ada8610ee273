"""The access matrix: who gets what from every page and every API operation.

HOW TO ADD ROWS (a new endpoint without a row fails `test_every_endpoint_has_a_row`):

- One `Row` per (endpoint, object) pair. `target` names the endpoint exactly as the coverage
  test names it: the URL name for a page ("cases:detail"), "METHOD /api/v1/path" for an API
  operation ("GET /api/v1/cases/{number}", the path as in /api/v1/openapi.json).
- `path` is the URL to request, with `{placeholders}` filled from `World.values`
  (tests/security/world.py; add the object you need there, built through the app's services).
- For objects, write two rows: one the asking side owns or handles ("own") and one of the other
  organisation ("other"), e.g. a case of 张三 (organ A, service centre) and one of 赵六 (organ B,
  assets division). Say which in `note`.
- `expect` maps every role of `world.ROLES` to a status. Build it with `expect(default, ...)`:
  keywords are role names or the groups `applicants`, `staff`, `admins`, `signed_in`; a role
  name wins over its group. Pages answer 302 (to the sign-in page) for `anonymous`, the API 401.
- `data` is the form (pages) or JSON body (API) sent with POST/DELETE; `files` names uploads.

Status vocabulary: 200/201/204 done; 302 redirected (sign-in, or done-then-redirect); 403 the
role may never do this; 404 the object is not visible to this person (nothing is revealed);
405 wrong method; 409 not in this state; 422 the input is wrong (the role may try).
"""

from dataclasses import dataclass, field
from typing import Any

from tests.security.world import ROLES

GROUPS: dict[str, tuple[str, ...]] = {
    "applicants": ("zhangsan", "zhaoliu"),
    "staff": ("lisi", "wangwu", "sunqi", "zhouba"),
    "admins": ("sysadmin", "secadmin", "auditor"),
    "signed_in": ROLES[1:],
}


def expect(default: int, **statuses: int) -> dict[str, int]:
    """Statuses for every role: the default, then groups, then single roles."""
    table = dict.fromkeys(ROLES, default)
    for name, status in statuses.items():
        if name in GROUPS:
            table.update(dict.fromkeys(GROUPS[name], status))
    for name, status in statuses.items():
        if name not in GROUPS:
            if name not in table:
                raise KeyError(f"Unknown role or group {name!r} in the access matrix")
            table[name] = status
    return table


def page(default: int, **statuses: int) -> dict[str, int]:
    """A page behind sign-in: the anonymous visitor is sent to the sign-in page."""
    return expect(default, anonymous=302, **statuses)


def api(default: int, **statuses: int) -> dict[str, int]:
    """An API operation behind a bearer token: 401 without one."""
    return expect(default, anonymous=401, **statuses)


@dataclass(frozen=True)
class Row:
    target: str
    method: str
    path: str
    expect: dict[str, int]
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    @property
    def is_api(self) -> bool:
        return self.target.split(" ", 1)[-1].startswith("/api/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.target}" + (f" [{self.note}]" if self.note else "")


CASE_VIEWERS_A = {"zhangsan": 200, "lisi": 200, "wangwu": 200, "sunqi": 200}
CASE_VIEWERS_B = {"zhaoliu": 200, "sunqi": 200}

ROWS: tuple[Row, ...] = (
    # --- web shell and the API's own pages ----------------------------------------------------
    Row("web:home", "GET", "/", expect(200)),
    Row("web:healthz", "GET", "/healthz", expect(200)),
    Row("api:openapi-json", "GET", "/api/v1/openapi.json", expect(200)),
    Row("api:openapi-view", "GET", "/api/v1/docs", expect(200)),
    Row("api:api-root", "GET", "/api/v1/", expect(404)),
    # --- identity: signing in and one's own account ------------------------------------------
    Row("identity:login", "GET", "/accounts/login/", expect(302, anonymous=200)),
    Row("identity:login", "POST", "/accounts/login/", expect(200),
        data={"username": "nobody", "password": "wrong-Password-1"}),
    Row("identity:two_factor_verify", "GET", "/accounts/login/verify/", expect(302)),
    Row("identity:logout", "GET", "/accounts/logout/", expect(200)),
    Row("identity:logout", "POST", "/accounts/logout/", expect(302)),
    Row("identity:profile", "GET", "/accounts/profile/", page(200)),
    Row("identity:reveal_id_number", "GET", "/accounts/profile/id-number/", page(405)),
    Row("identity:reveal_id_number", "POST", "/accounts/profile/id-number/", page(200)),
    Row("identity:password_change", "GET", "/accounts/password/", page(200)),
    Row("identity:password_change", "POST", "/accounts/password/", page(200)),
    # Administrators already hold an authenticator, so setting one up sends them back.
    Row("identity:two_factor_setup", "GET", "/accounts/two-factor/setup/", page(200, admins=302)),
    Row("identity:two_factor_disable", "POST", "/accounts/two-factor/disable/", page(302)),
    # Only someone with two factors has backup codes to renew; the others are sent back.
    Row("identity:backup_codes", "POST", "/accounts/two-factor/backup-codes/",
        page(302, admins=200)),
    Row("identity:token_create", "POST", "/accounts/tokens/", page(200), data={"name": "x"}),
    Row("identity:token_revoke", "POST", "/accounts/tokens/{token_a}/revoke/",
        page(404, zhangsan=302), note="own: 张三's token"),
    Row("identity:token_revoke", "POST", "/accounts/tokens/{token_b}/revoke/",
        page(404, zhaoliu=302), note="other: 赵六's token"),
    # --- identity: administration (三员分立: each page is one administrator's) -----------------
    Row("identity:users", "GET", "/accounts/users/", page(404, sysadmin=200)),
    Row("identity:user_create", "GET", "/accounts/users/new/", page(404, sysadmin=200)),
    Row("identity:user_create", "POST", "/accounts/users/new/", page(404, sysadmin=200)),
    Row("identity:user_detail", "GET", "/accounts/users/{user_a}/", page(404, sysadmin=200)),
    Row("identity:user_grant_role", "POST", "/accounts/users/{user_a}/roles/",
        page(404, sysadmin=422)),
    Row("identity:user_revoke_role", "POST",
        "/accounts/users/{user_a}/roles/{membership_a}/revoke/", page(404, sysadmin=302)),
    Row("identity:user_deactivate", "POST", "/accounts/users/{user_a}/deactivate/",
        page(404, sysadmin=302)),
    Row("identity:user_reactivate", "POST", "/accounts/users/{user_a}/reactivate/",
        page(404, sysadmin=302)),
    Row("identity:user_reset_password", "POST", "/accounts/users/{user_a}/password/",
        page(404, sysadmin=422)),
    Row("identity:user_reveal_id_number", "POST", "/accounts/users/{user_a}/id-number/",
        page(404, sysadmin=200)),
    # A lost authenticator is reset by the security administrator only: 钱系统 has one to
    # reset, 张三 none (the refusal is shown on the page again).
    Row("identity:user_reset_two_factor", "POST", "/accounts/users/{user_admin}/two-factor/reset/",
        page(404, secadmin=302), note="钱系统's authenticator", data={"reason": "手机丢失"}),
    Row("identity:user_reset_two_factor", "POST", "/accounts/users/{user_a}/two-factor/reset/",
        page(404, secadmin=422), note="张三 has none", data={"reason": "手机丢失"}),
    Row("identity:security", "GET", "/accounts/security/", page(404, secadmin=200)),
    Row("identity:security_release", "POST", "/accounts/security/release/",
        page(404, secadmin=302)),
    # --- audit trail (the audit administrator only) -------------------------------------------
    Row("audit:entry_list", "GET", "/audit/", page(403, auditor=200)),
    Row("audit:entry_detail", "GET", "/audit/{audit_seq}/", page(403, auditor=200)),
    Row("audit:verify", "GET", "/audit/verify/", page(403, auditor=200)),
    Row("audit:export_csv", "GET", "/audit/export.csv", page(403, auditor=200)),
    # --- the official calendar ----------------------------------------------------------------
    Row("workdays:home", "GET", "/calendar/", page(200)),
    Row("workdays:year", "GET", "/calendar/{year}/", page(200)),
    Row("workdays:correct", "GET", "/calendar/correct/", page(403, sysadmin=200)),
    Row("workdays:correct", "POST", "/calendar/correct/", page(403, sysadmin=200)),
    Row("workdays:import", "GET", "/calendar/import/", page(403, sysadmin=200)),
    Row("workdays:import", "POST", "/calendar/import/", page(403, sysadmin=200)),
    # --- messages -----------------------------------------------------------------------------
    Row("notifications:list", "GET", "/messages/", page(200)),
    Row("notifications:detail", "GET", "/messages/{message_a}/", page(404, zhangsan=200),
        note="own: 张三's message"),
    Row("notifications:detail", "GET", "/messages/{message_b}/", page(404, zhaoliu=200),
        note="other: 赵六's message"),
    Row("notifications:mark_all_read", "POST", "/messages/read-all/", page(302)),
    Row("notifications:bell", "GET", "/messages/bell/", page(200)),
    Row("notifications:deliveries", "GET", "/messages/deliveries/", page(403, sysadmin=200)),
    Row("notifications:retry_delivery", "POST", "/messages/deliveries/{delivery}/retry/",
        page(403, sysadmin=302)),
    # --- the service guide --------------------------------------------------------------------
    Row("catalogue:home", "GET", "/guide/", expect(200)),
    Row("catalogue:home", "GET", "/guide/?q=会议", expect(200), note="search"),
    Row("catalogue:booklet", "GET", "/guide/booklet.pdf", expect(200)),
    Row("catalogue:item", "GET", "/guide/{item_own}/", expect(200)),
    Row("catalogue:version", "GET", "/guide/{item_own}/v1/", expect(200), note="published"),
    Row("catalogue:version", "GET", "/guide/{item_own}/v{draft_v_own}/",
        expect(404, wangwu=200, sunqi=200), note="own division's draft"),
    Row("catalogue:version", "GET", "/guide/{item_other}/v{draft_v_other}/",
        expect(404, sunqi=200), note="other division's draft"),
    Row("catalogue:material_file", "GET",
        "/guide/{item_own}/v{draft_v_own}/materials/{material_own}/blank_form/",
        expect(404, wangwu=200, sunqi=200), note="own division's draft"),
    Row("catalogue:manage", "GET", "/guide/manage/", page(403, wangwu=200, sunqi=200)),
    Row("catalogue:create", "GET", "/guide/manage/new/", page(403, wangwu=200, sunqi=200)),
    Row("catalogue:create", "POST", "/guide/manage/new/", page(403, wangwu=200, sunqi=200)),
    Row("catalogue:start_version", "POST", "/guide/manage/{item_own}/new-version/",
        page(403, wangwu=302, sunqi=302), note="own division"),
    Row("catalogue:start_version", "POST", "/guide/manage/{item_other}/new-version/",
        page(403, wangwu=404, sunqi=302), note="other division"),
    Row("catalogue:edit", "GET", "/guide/manage/{item_own}/v{draft_v_own}/",
        page(403, wangwu=200, sunqi=200), note="own division"),
    Row("catalogue:edit", "GET", "/guide/manage/{item_other}/v{draft_v_other}/",
        page(403, wangwu=404, sunqi=200), note="other division"),
    Row("catalogue:edit", "POST", "/guide/manage/{item_own}/v{draft_v_own}/",
        page(403, wangwu=200, sunqi=200), note="own division"),
    Row("catalogue:publish", "POST", "/guide/manage/{item_own}/v{draft_v_own}/publish/",
        page(403, wangwu=302, sunqi=302), note="own division"),
    Row("catalogue:publish", "POST", "/guide/manage/{item_other}/v{draft_v_other}/publish/",
        page(403, wangwu=404, sunqi=302), note="other division"),
    Row("catalogue:discard", "POST", "/guide/manage/{item_own}/v{draft_v_own}/discard/",
        page(403, wangwu=302, sunqi=302), note="own division"),
    Row("catalogue:discard", "POST", "/guide/manage/{item_other}/v{draft_v_other}/discard/",
        page(403, wangwu=404, sunqi=302), note="other division"),
    Row("catalogue:retire", "GET", "/guide/manage/{item_own}/retire/",
        page(403, wangwu=200, sunqi=200), note="own division: the confirmation"),
    Row("catalogue:retire", "GET", "/guide/manage/{item_other}/retire/",
        page(403, wangwu=404, sunqi=200), note="other division: the confirmation"),
    Row("catalogue:restore", "POST", "/guide/manage/{item_own}/restore/",
        page(403, wangwu=302, sunqi=302), note="own division (published: refused, redirected)"),
    Row("catalogue:restore", "POST", "/guide/manage/{item_other}/restore/",
        page(403, wangwu=404, sunqi=302), note="other division"),
    Row("catalogue:retire", "POST", "/guide/manage/{item_own}/retire/",
        page(403, wangwu=302, sunqi=302), note="own division"),
    Row("catalogue:retire", "POST", "/guide/manage/{item_other}/retire/",
        page(403, wangwu=404, sunqi=302), note="other division"),
    Row("catalogue:queued_intake", "GET", "/guide/manage/{item_own}/intake/", page(405)),
    Row("catalogue:queued_intake", "POST", "/guide/manage/{item_own}/intake/",
        page(403, wangwu=302, sunqi=302), note="own division", data={"enabled": "on"}),
    Row("catalogue:queued_intake", "POST", "/guide/manage/{item_other}/intake/",
        page(403, wangwu=404, sunqi=302), note="other division", data={"enabled": "on"}),
    # --- cases: lists, applying, drafts -------------------------------------------------------
    Row("cases:index", "GET", "/cases/", page(302)),
    Row("cases:mine", "GET", "/cases/mine/", page(200)),
    Row("cases:queue", "GET", "/cases/queue/", page(403, staff=200)),
    Row("cases:apply", "GET", "/cases/apply/{item_own}/", page(200)),
    Row("cases:apply", "POST", "/cases/apply/{item_own}/", page(422)),
    Row("cases:draft", "GET", "/cases/drafts/{draft_a}/", page(404, zhangsan=200),
        note="own: 张三's draft"),
    Row("cases:draft", "GET", "/cases/drafts/{draft_b}/", page(404, zhaoliu=200),
        note="other: 赵六's draft"),
    Row("cases:draft", "POST", "/cases/drafts/{draft_b}/", page(404, zhaoliu=422),
        note="other: 赵六's draft"),
    Row("cases:draft_attachment", "GET", "/cases/drafts/{draft_a}/attachments/{draft_att_a}/",
        page(404, zhangsan=200), note="own: 张三's draft"),
    Row("cases:draft_attachment", "GET", "/cases/drafts/{draft_b}/attachments/{draft_att_b}/",
        page(404, zhaoliu=200), note="other: 赵六's draft"),
    Row("cases:new_enquiry", "GET", "/cases/enquiries/new/", page(403, staff=200)),
    # The window registers a case for an applicant: window clerks and handlers only (李四, of the
    # service centre); the assets division's furniture is not a service he may choose.
    Row("cases:register", "GET", "/cases/register/", page(403, lisi=200)),
    Row("cases:register", "GET", "/cases/register/?item={item_own}", page(403, lisi=200),
        note="own division's service"),
    Row("cases:register", "GET", "/cases/register/?q=张", page(403, lisi=200),
        note="applicant search"),
    Row("cases:register", "POST", "/cases/register/", page(403, lisi=422), note="empty form"),
    Row("cases:register", "POST", "/cases/register/", page(403, lisi=422),
        note="other division's service",
        data={"item": "{item_other}", "applicant": "none", "submitter_name": "来访人",
              "submitter_contact": "13900000000", "channel": "window",
              "form_token": "matrix-register-other", "f-furniture": "办公桌 2 张",
              "f-delivery_place": "省教育厅 3 号楼 201 室", "f-contact_name": "赵六",
              "f-contact_phone": "13800000002", "f-organisation_name": "省教育厅基础教育处"}),
    Row("cases:register", "POST", "/cases/register/", page(403, lisi=302),
        note="own division's service for 张三",
        data={"item": "{item_own}", "applicant": "{user_a}", "channel": "window",
              "form_token": "matrix-register-own", "f-meeting_date": "{meeting_date}",
              "f-time_slot": "上午", "f-attendees": "20", "f-topic": "季度工作推进会",
              "f-contact_name": "张三", "f-contact_phone": "13800000001",
              "f-organisation_name": "省发改委规划处"}),
    Row("cases:progress", "GET", "/cases/progress/", expect(200)),
    Row("cases:progress", "POST", "/cases/progress/", expect(200),
        data={"reference": "{case_a}", "code": "{code_a}"}),
    Row("cases:verify", "GET", "/cases/verify/", expect(200)),
    # --- cases: one case (A: 张三's, service centre; B: 赵六's, assets division) --------------
    Row("cases:detail", "GET", "/cases/{case_a}/", page(404, **CASE_VIEWERS_A),
        note="A: organ A / service centre"),
    Row("cases:detail", "GET", "/cases/{case_b}/", page(404, **CASE_VIEWERS_B),
        note="B: organ B / assets division"),
    Row("cases:received", "GET", "/cases/received/{intake_a}/",
        page(404, zhangsan=200, lisi=200), note="A: its applicant and the division's window"),
    Row("cases:received", "GET", "/cases/received/{intake_b}/", page(404, zhaoliu=200),
        note="B: its applicant (the assets division's window is not in the cast)"),
    Row("cases:retry_received", "POST", "/cases/received/{intake_a}/retry/",
        page(404, zhangsan=302, lisi=302),
        note="A: refused or not failed yet, said in a message after the redirect"),
    Row("cases:retry_received", "GET", "/cases/received/{intake_a}/retry/",
        page(405), note="POST only"),
    Row("cases:submitted", "GET", "/cases/{case_a}/submitted/", page(404, **CASE_VIEWERS_A),
        note="A"),
    Row("cases:submitted", "GET", "/cases/{case_b}/submitted/", page(404, **CASE_VIEWERS_B),
        note="B"),
    Row("cases:act", "POST", "/cases/{case_a}/actions/complete/",
        page(404, zhangsan=403, lisi=302, wangwu=302, sunqi=403), note="A",
        data={"complete-outcome": "approved", "complete-reason": "同意",
              "complete-confirmed": "on"}),
    Row("cases:act", "POST", "/cases/{case_b}/actions/complete/",
        page(404, zhaoliu=403, sunqi=403), note="B",
        data={"complete-outcome": "approved", "complete-reason": "同意",
              "complete-confirmed": "on"}),
    Row("cases:act", "POST", "/cases/{case_a}/actions/complete/",
        page(404, zhangsan=422, lisi=422, wangwu=422, sunqi=422), note="A, empty form"),
    Row("cases:upload", "POST", "/cases/{case_a}/attachments/",
        page(404, zhangsan=422, lisi=422, wangwu=422, sunqi=422), note="A"),
    Row("cases:upload", "POST", "/cases/{case_b}/attachments/",
        page(404, zhaoliu=422, sunqi=422), note="B"),
    Row("cases:attachment", "GET", "/cases/{case_a}/attachments/{att_a}/",
        page(404, **CASE_VIEWERS_A), note="A"),
    Row("cases:attachment", "GET", "/cases/{case_b}/attachments/{att_b}/",
        page(404, **CASE_VIEWERS_B), note="B"),
    Row("cases:attachment", "GET", "/cases/{case_a}/attachments/{att_b}/",
        page(404), note="A's number with B's file"),
    Row("cases:notice", "GET", "/cases/{case_a}/notices/acceptance.pdf",
        page(404, **CASE_VIEWERS_A), note="A"),
    Row("cases:notice", "GET", "/cases/{case_b}/notices/acceptance.pdf",
        page(404, **CASE_VIEWERS_B), note="B"),
    # --- API: auth ----------------------------------------------------------------------------
    Row("POST /api/v1/auth/token", "POST", "/api/v1/auth/token", expect(401),
        data={"username": "zhangsan", "password": "wrong-Password-1"}),
    Row("DELETE /api/v1/auth/token", "DELETE", "/api/v1/auth/token", api(204)),
    Row("GET /api/v1/auth/me", "GET", "/api/v1/auth/me", api(200)),
    # --- API: public reference data -----------------------------------------------------------
    Row("GET /api/v1/workdays/add", "GET", "/api/v1/workdays/add?start=2026-09-30&days=3",
        expect(200)),
    Row("GET /api/v1/workdays/explain", "GET",
        "/api/v1/workdays/explain?start=2026-09-30&days=3", expect(200)),
    Row("GET /api/v1/workdays/years", "GET", "/api/v1/workdays/years", expect(200)),
    Row("GET /api/v1/services", "GET", "/api/v1/services", expect(200)),
    Row("GET /api/v1/services/{code}", "GET", "/api/v1/services/{item_own}", expect(200)),
    Row("GET /api/v1/public/cases/{number}", "GET", "/api/v1/public/cases/{case_a}?code={code_a}",
        expect(200), note="right code"),
    Row("GET /api/v1/public/cases/{number}", "GET", "/api/v1/public/cases/{case_a}?code=WRONG1",
        expect(404), note="wrong code"),
    # --- API: cases ---------------------------------------------------------------------------
    Row("POST /api/v1/cases", "POST", "/api/v1/cases", api(201, admins=403),
        data={"service_code": "QKB-HY-001", "form": "{meeting_form}"}),
    Row("POST /api/v1/cases/with-files", "POST", "/api/v1/cases/with-files",
        api(201, admins=403), data={"data": "{meeting_application}"}, files=("file",)),
    Row("GET /api/v1/cases", "GET", "/api/v1/cases", api(200)),
    Row("GET /api/v1/intakes/{receipt}", "GET", "/api/v1/intakes/{intake_a}",
        api(404, zhangsan=200, lisi=200), note="A: its applicant and the division's window"),
    Row("GET /api/v1/intakes/{receipt}", "GET", "/api/v1/intakes/{intake_b}",
        api(404, zhaoliu=200), note="B: its applicant"),
    Row("GET /api/v1/cases/{number}", "GET", "/api/v1/cases/{case_a}",
        api(404, **CASE_VIEWERS_A), note="A"),
    Row("GET /api/v1/cases/{number}", "GET", "/api/v1/cases/{case_b}",
        api(404, **CASE_VIEWERS_B), note="B"),
    Row("GET /api/v1/cases/{number}/events", "GET", "/api/v1/cases/{case_a}/events",
        api(404, **CASE_VIEWERS_A), note="A"),
    Row("GET /api/v1/cases/{number}/events", "GET", "/api/v1/cases/{case_b}/events",
        api(404, **CASE_VIEWERS_B), note="B"),
    Row("GET /api/v1/cases/{number}/clock", "GET", "/api/v1/cases/{case_a}/clock",
        api(404, **CASE_VIEWERS_A), note="A"),
    Row("GET /api/v1/cases/{number}/clock", "GET", "/api/v1/cases/{case_b}/clock",
        api(404, **CASE_VIEWERS_B), note="B"),
    Row("POST /api/v1/cases/{number}/actions", "POST", "/api/v1/cases/{case_a}/actions",
        api(404, zhangsan=403, lisi=200, wangwu=200, sunqi=403), note="A",
        data={"action": "complete", "outcome": "approved"}),
    Row("POST /api/v1/cases/{number}/actions", "POST", "/api/v1/cases/{case_b}/actions",
        api(404, zhaoliu=403, sunqi=403), note="B",
        data={"action": "complete", "outcome": "approved"}),
    Row("GET /api/v1/cases/{number}/attachments", "GET", "/api/v1/cases/{case_a}/attachments",
        api(404, **CASE_VIEWERS_A), note="A"),
    Row("GET /api/v1/cases/{number}/attachments", "GET", "/api/v1/cases/{case_b}/attachments",
        api(404, **CASE_VIEWERS_B), note="B"),
    Row("POST /api/v1/cases/{number}/attachments", "POST", "/api/v1/cases/{case_a}/attachments",
        api(404, zhangsan=409, lisi=201, wangwu=201, sunqi=403), note="A", files=("file",)),
    Row("POST /api/v1/cases/{number}/attachments", "POST", "/api/v1/cases/{case_b}/attachments",
        api(404, zhaoliu=409, sunqi=403), note="B", files=("file",)),
    Row("POST /api/v1/cases/drafts/{draft_id}/attachments", "POST",
        "/api/v1/cases/drafts/{draft_a}/attachments", api(404, zhangsan=201),
        note="own: 张三's draft", files=("file",)),
    Row("POST /api/v1/cases/drafts/{draft_id}/attachments", "POST",
        "/api/v1/cases/drafts/{draft_b}/attachments", api(404, zhaoliu=201),
        note="other: 赵六's draft", files=("file",)),
    Row("POST /api/v1/cases/drafts/{draft_id}/submit", "POST",
        "/api/v1/cases/drafts/{draft_a}/submit", api(404, zhangsan=200), note="own"),
    Row("POST /api/v1/cases/drafts/{draft_id}/submit", "POST",
        "/api/v1/cases/drafts/{draft_b}/submit", api(404, zhaoliu=200), note="other"),
    Row("GET /api/v1/cases/{number}/notices/{kind}", "GET",
        "/api/v1/cases/{case_a}/notices/acceptance", api(404, **CASE_VIEWERS_A), note="A"),
    Row("GET /api/v1/cases/{number}/notices/{kind}", "GET",
        "/api/v1/cases/{case_b}/notices/acceptance", api(404, **CASE_VIEWERS_B), note="B"),
    # --- feedback: complaints, suggestions, ratings (好差评) and rectifications ----------------
    # A: 张三's complaint about his case, and the rectification of his bad rating, both with the
    # service centre; B: 赵六's, with the assets division. The staff pages answer 403 to anyone
    # who is no staff member; an item of another organisation is a 404.
    Row("feedback:index", "GET", "/feedback/",
        expect(200)),
    Row("feedback:submit", "GET", "/feedback/new/complaint/",
        expect(200)),
    Row("feedback:submit", "POST", "/feedback/new/complaint/",
        expect(200), note="empty form"),
    Row("feedback:track", "GET", "/feedback/track/",
        expect(200)),
    Row("feedback:track", "POST", "/feedback/track/",
        expect(404), note="wrong PIN", data={"tracking_code": "ABCDEF", "pin": "000000"}),
    Row("feedback:tracked", "GET", "/feedback/track/{published}/",
        expect(404), note="not opened with its PIN"),
    Row("feedback:tracked_answer", "POST", "/feedback/track/{published}/answer/",
        expect(404), note="not opened with its PIN", data={"satisfied": "yes"}),
    Row("feedback:tracked_consent", "POST", "/feedback/track/{published}/consent/",
        expect(404), note="not opened with its PIN"),
    Row("feedback:published", "GET", "/feedback/published/",
        expect(200)),
    Row("feedback:published_detail", "GET", "/feedback/published/{published}/",
        expect(200)),
    Row("feedback:mine", "GET", "/feedback/mine/",
        page(200)),
    Row("feedback:queue", "GET", "/feedback/queue/",
        page(403, staff=200)),
    Row("feedback:templates", "GET", "/feedback/templates/",
        page(403, staff=200)),
    Row("feedback:templates", "POST", "/feedback/templates/",
        page(403, wangwu=422, sunqi=422, zhouba=422), note="empty form"),
    Row("feedback:template", "GET", "/feedback/templates/{template}/",
        page(403, staff=200), note="a shared template"),
    Row("feedback:routing", "GET", "/feedback/routing/",
        page(403, staff=200)),
    Row("feedback:routing", "POST", "/feedback/routing/",
        page(403, zhouba=422), note="empty form"),
    Row("feedback:routing_rule", "GET", "/feedback/routing/{rule}/",
        page(403, staff=200)),
    Row("feedback:rectifications", "GET", "/feedback/rectifications/",
        page(403, staff=200)),
    Row("feedback:rectification", "GET", "/feedback/rectifications/{rect_a}/",
        page(404, staff=200), note="A: service centre"),
    Row("feedback:rectification", "GET", "/feedback/rectifications/{rect_b}/",
        page(404, sunqi=200, zhouba=200), note="B: assets division"),
    Row("feedback:rectification_act", "POST", "/feedback/rectifications/{rect_a}/contact/",
        page(404, lisi=302, wangwu=302, sunqi=302, zhouba=403), note="A",
        data={"contact-note": "已电话联系"}),
    Row("feedback:rectification_act", "POST", "/feedback/rectifications/{rect_b}/contact/",
        page(404, sunqi=302, zhouba=403), note="B", data={"contact-note": "已电话联系"}),
    Row("feedback:statistics", "GET", "/feedback/statistics/",
        page(403, wangwu=200, sunqi=200, zhouba=200)),
    Row("feedback:rate_with_code", "GET", "/feedback/rate/code/not-a-token/",
        expect(404), note="bogus code"),
    Row("feedback:rate", "GET", "/feedback/rate/{to_rate}/",
        page(404, zhangsan=200), note="own: 张三's completed case"),
    Row("feedback:rate", "GET", "/feedback/rate/{case_b}/",
        page(404, zhaoliu=200), note="other: 赵六's case"),
    Row("feedback:counter", "GET", "/feedback/counter/",
        page(403, staff=200)),
    Row("feedback:counter_code", "GET", "/feedback/counter/{to_rate}/",
        page(403, lisi=409, wangwu=409, zhouba=404), note="A: service centre"),
    Row("feedback:detail", "GET", "/feedback/{fb_a}/",
        page(200, admins=404, zhaoliu=404), note="A: 张三's complaint, service centre"),
    Row("feedback:detail", "GET", "/feedback/{fb_b}/",
        page(404, zhaoliu=200, sunqi=200, zhouba=200), note="B: 赵六's complaint, assets"),
    Row("feedback:reply", "POST", "/feedback/{fb_a}/reply/",
        page(404, zhangsan=403, lisi=302, wangwu=409, sunqi=403, zhouba=403), note="A",
        data={"text": "已核实处理"}),
    Row("feedback:reply", "POST", "/feedback/{fb_b}/reply/",
        page(404, zhaoliu=403, sunqi=403, zhouba=403), note="B", data={"text": "已核实处理"}),
    Row("feedback:template_body", "GET", "/feedback/{fb_a}/reply/template/?template={template}",
        page(403, staff=200), note="A"),
    Row("feedback:extend", "POST", "/feedback/{fb_a}/extend/",
        page(422, admins=404, zhaoliu=404), note="A, empty form"),
    Row("feedback:merge", "POST", "/feedback/{fb_a}/merge/",
        page(422, admins=404, zhaoliu=404), note="A, empty form"),
    Row("feedback:adopt", "POST", "/feedback/{fb_a}/adopt/",
        page(422, admins=404, zhaoliu=404), note="A"),
    Row("feedback:publish", "POST", "/feedback/{fb_a}/publish/",
        page(422, admins=404, zhaoliu=404), note="A, empty form"),
    Row("feedback:answer", "POST", "/feedback/{fb_a}/answer/",
        page(422, admins=404, zhaoliu=404), note="A, empty form"),
    Row("feedback:consent", "POST", "/feedback/{fb_a}/consent/",
        page(422, admins=404, zhaoliu=404), note="A"),
    Row("POST /api/v1/cases/{number}/evaluation", "POST", "/api/v1/cases/{to_rate}/evaluation",
        api(404, zhangsan=201), note="own: 张三's completed case",
        data={"level": 5, "scores": "{scores}"}),
    Row("POST /api/v1/cases/{number}/evaluation", "POST", "/api/v1/cases/{case_b}/evaluation",
        api(404, zhaoliu=409), note="other: 赵六's case", data={"level": 5, "scores": "{scores}"}),
    Row("GET /api/v1/feedback", "GET", "/api/v1/feedback",
        api(200)),
    Row("POST /api/v1/feedback", "POST", "/api/v1/feedback",
        expect(403, anonymous=201, applicants=201, lisi=201),
        data={"kind": "suggestion", "title": "建议", "content": "多开窗口"}),
    Row("GET /api/v1/feedback/{tracking_code}", "GET", "/api/v1/feedback/ABCDEFGH?pin=000000",
        expect(404), note="wrong PIN"),
    Row("POST /api/v1/feedback/{tracking_code}/answer", "POST", "/api/v1/feedback/ABCDEFGH/answer",
        expect(404), note="wrong PIN", data={"satisfied": True, "pin": "000000"}),
    Row("GET /api/v1/feedback/items/{number}", "GET", "/api/v1/feedback/items/{fb_a}",
        api(200, admins=404, zhaoliu=404), note="A"),
    Row("GET /api/v1/feedback/items/{number}", "GET", "/api/v1/feedback/items/{fb_b}",
        api(404, zhaoliu=200, sunqi=200, zhouba=200), note="B"),
    Row("POST /api/v1/feedback/items/{number}/answer", "POST",
        "/api/v1/feedback/items/{fb_a}/answer",
        api(404, staff=403, zhangsan=409), note="A", data={"satisfied": True}),
    Row("POST /api/v1/feedback/items/{number}/reply", "POST", "/api/v1/feedback/items/{fb_a}/reply",
        api(404, zhangsan=403, lisi=200, wangwu=409, sunqi=403, zhouba=403), note="A",
        data={"text": "已核实处理"}),
    Row("POST /api/v1/feedback/items/{number}/reply", "POST", "/api/v1/feedback/items/{fb_b}/reply",
        api(404, zhaoliu=403, sunqi=403, zhouba=403), note="B", data={"text": "已核实处理"}),
    Row("POST /api/v1/feedback/items/{number}/transfer", "POST",
        "/api/v1/feedback/items/{fb_a}/transfer",
        api(403, admins=404, zhaoliu=404, lisi=200, wangwu=200), note="A",
        data={"to_org": "goa-property", "reason": "不属本处"}),
    Row("POST /api/v1/feedback/items/{number}/merge", "POST", "/api/v1/feedback/items/{fb_a}/merge",
        api(404, zhangsan=422, lisi=422, wangwu=422, sunqi=409, zhouba=403), note="A with B",
        data={"duplicate": "{fb_b}"}),
    Row("GET /api/v1/rectifications", "GET", "/api/v1/rectifications",
        api(200)),
    Row("GET /api/v1/rectifications/{rectification_id}", "GET", "/api/v1/rectifications/{rect_a}",
        api(404, staff=200), note="A"),
    Row("GET /api/v1/rectifications/{rectification_id}", "GET", "/api/v1/rectifications/{rect_b}",
        api(404, sunqi=200, zhouba=200), note="B"),
    Row("POST /api/v1/rectifications/{rectification_id}/actions", "POST",
        "/api/v1/rectifications/{rect_a}/actions",
        api(404, lisi=200, wangwu=200, sunqi=200, zhouba=403), note="A",
        data={"action": "contact", "note": "已电话联系"}),
    Row("POST /api/v1/rectifications/{rectification_id}/actions", "POST",
        "/api/v1/rectifications/{rect_b}/actions",
        api(404, sunqi=200, zhouba=403), note="B",
        data={"action": "contact", "note": "已电话联系"}),
)
