"""The data of the scale benchmark: N cases over five years, written with PostgreSQL COPY.

Runs inside a Django process whose database is the benchmark's own (never a real one). On top
of the demo installation (cast, catalogue, calendar) it adds 40 served organs with three
departments each, staff in every GOA division, one applicant per 40 cases, then the cases day
by day, so numbers and ids follow submission time as in production. Every case gets the rows
the services would have written: history events, clock stops and supplement notices where it
had them, and the applicant's notification with its outbox row.

The mix (deterministic: a fixed random seed):
- items weighted by how often a GOA's staff use them (meeting rooms, cars and repairs most);
- channels: 85 % online, 12 % at the window (registered by a clerk), 3 % enquiries by phone;
- submissions on working days, office hours; 2 % of cases stay drafts;
- cases of the last 30 days are mostly open; older ones mostly closed (completed 86 %, not
  accepted 4 %, withdrawn 6 %, terminated 2 %, void 2 %), except a backlog sized so that 10 %
  of all cases are open — the stress case the issue asks for (100,000 open cases at 1,000,000);
- 12 % went through one supplement round (一次性告知, with its clock stop);
- warnings as today's sweep left them, and notified (the benchmark sweeps for the next working
  day, so a working day's worth of levels moves).

Ratings (好差评, the feedback app's `Evaluation`): 60 % of completed
cases rated by their applicant a day after completion (very satisfied 80 %, satisfied 12 %,
fairly 4 %, dissatisfied 2 %, very dissatisfied 2 %), written in SQL from the cases.

Not generated: attachments' files, audit entries of the history (the audit trail's cost is
per write and measured by the peak-day benchmark), transfers, rectifications of bad ratings,
complaints and suggestions.
"""

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from benchmarks.common import Progress
from qinkuaiban.cases import clock
from qinkuaiban.cases.demo import _form
from qinkuaiban.cases.models import Case
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.identity.demo import demo_credit_code
from qinkuaiban.identity.models import Membership, Organisation, OrganisationKind, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.workdays.rules import WorkCalendar
from qinkuaiban.workdays.selectors import load_calendar

SEED = 20240605
YEARS = 5
CASES_PER_APPLICANT = 40
ORGANS = 40
STAFF_PER_DIVISION = 8
OPEN_SHARE = 0.10
RECENT_DAYS = 30
FLUSH_EVERY = 20_000
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
UNUSABLE_PASSWORD = "!benchmark"

ITEM_WEIGHTS = {
    "QKB-HY-001": 20, "QKB-GC-001": 15, "QKB-WX-001": 15, "QKB-ST-001": 8, "QKB-MJ-001": 8,
    "QKB-ZX-001": 8, "QKB-TC-001": 4, "QKB-WX-002": 3, "QKB-ZC-001": 3, "QKB-ZC-002": 3,
    "QKB-GZ-001": 3, "QKB-TY-001": 2, "QKB-ZF-001": 2, "QKB-BG-001": 2, "QKB-JN-001": 2,
    "QKB-TS-001": 1, "QKB-JY-001": 1,
}
CLOSED_MIX = (("completed", 86), ("rejected", 4), ("withdrawn", 6), ("terminated", 2),
              ("void", 2))
RECENT_OPEN_MIX = (("submitted", 12), ("awaiting_supplement", 10), ("accepted", 74),
                   ("special_procedure", 4))
BACKLOG_OPEN_MIX = (("awaiting_supplement", 45), ("accepted", 40), ("special_procedure", 15))

TABLES: dict[str, tuple[str, ...]] = {
    "cases_case": (
        "id", "created_at", "updated_at", "number", "kind", "submitter_name",
        "submitter_contact", "tracking_code", "pin_hash", "verification_code", "channel",
        "form_data", "status", "outcome", "decision_reason", "reject_ground",
        "competent_agency", "remedies", "submitted_at", "received_on", "accepted_at",
        "is_deemed_accepted", "completed_at", "closed_at", "promised_days", "extension_days",
        "due_on", "due_provisional", "deferred_materials", "deferred_due_on", "warning",
        "warning_notified", "visits", "transfer_count", "supplement_round", "idempotency_key",
        "applicant_id", "applicant_org_id", "handling_org_id", "item_id", "registered_by_id",
        "responsible_id", "version_id",
    ),
    "cases_caseevent": ("id", "action", "from_status", "to_status", "reason", "data",
                        "created_at", "actor_id", "case_id"),
    "cases_clockstop": ("id", "kind", "procedure", "started_on", "ended_on", "reason",
                        "case_id"),
    "cases_supplementrequest": ("id", "round", "items", "note", "requested_at", "supplied_at",
                                "case_id", "requested_by_id"),
    "notifications_message": ("id", "kind", "title", "body", "url", "target_type",
                              "target_id", "created_at", "read_at", "recipient_id"),
    "notifications_delivery": ("id", "channel", "address", "status", "attempts",
                               "next_attempt_at", "last_attempt_at", "error_code",
                               "last_error", "sent_at", "idempotency_key",
                               "provider_reference", "created_at", "message_id"),
}
NULL = "\\N"


def _ts(day: dt.date, seconds: int) -> str:
    """A timestamp in Beijing time, as PostgreSQL reads it."""
    hours, rest = divmod(seconds, 3600)
    return f"{day.isoformat()} {hours:02d}:{rest // 60:02d}:{rest % 60:02d}+08"


def _v(value: Any) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


@dataclass
class Population:
    items: list[ServiceItem]
    weights: list[int]
    forms: dict[int, str]
    staff: dict[int, list[int]]  # handling organisation id -> staff user ids
    applicants: list[tuple[int, int]]  # (user id, organisation id)
    frequent: list[tuple[int, int]]


def _ensure_organs() -> list[Organisation]:
    goa = Organisation.objects.get(code="goa")
    departments = []
    for index in range(1, ORGANS + 1):
        organ, _ = Organisation.objects.get_or_create(
            code=f"bench-organ-{index:02d}",
            defaults={"name": f"省直单位{index:02d}", "kind": OrganisationKind.ORGAN,
                      "credit_code": demo_credit_code(100 + index), "sort_order": 100 + index},
        )
        for suffix, name in (("office", "办公室"), ("a", "综合处"), ("b", "业务处")):
            department, _ = Organisation.objects.get_or_create(
                code=f"{organ.code}-{suffix}",
                defaults={"name": name, "kind": OrganisationKind.DEPARTMENT, "parent": organ},
            )
            departments.append(department)
    del goa
    return departments


def _ensure_staff(divisions: list[Organisation]) -> dict[int, list[int]]:
    staff: dict[int, list[int]] = {}
    for division in divisions:
        ids = []
        for index in range(STAFF_PER_DIVISION):
            user, created = User.objects.get_or_create(
                username=f"bench-{division.code}-{index}",
                defaults={"real_name": f"经办人{division.pk}-{index}",
                          "password": UNUSABLE_PASSWORD},
            )
            if created:
                Membership.objects.bulk_create([
                    Membership(user=user, organisation=division, role=Role.WINDOW_CLERK),
                    Membership(user=user, organisation=division, role=Role.HANDLER),
                ])
            ids.append(user.pk)
        staff[division.pk] = ids
    lisi = User.objects.get(username="lisi")
    service_centre = Organisation.objects.get(code="goa-service-centre")
    staff.setdefault(service_centre.pk, []).append(lisi.pk)
    return staff


def _ensure_applicants(count: int, departments: list[Organisation]) -> list[tuple[int, int]]:
    existing = dict(
        Membership.objects.filter(role=Role.APPLICANT, user__username__startswith="bench-app-")
        .values_list("user_id", "organisation_id")
    )
    if len(existing) < count:
        rng = random.Random(SEED + len(existing))
        start = _next_id("identity_user")
        now = timezone.now().isoformat()
        users, memberships = [], []
        member_id = _next_id("identity_membership")
        for offset in range(count - len(existing)):
            pk = start + offset
            serial = len(existing) + offset
            department = rng.choice(departments)
            mobile = f"139{serial:08d}"
            users.append((pk, UNUSABLE_PASSWORD, None, False, f"bench-app-{serial:06d}", "",
                          False, True, now, f"申请人{serial:06d}", mobile, "", "", "", None,
                          False))
            memberships.append((member_id + offset, now, now, Role.APPLICANT.value, None, pk,
                                department.pk))
        _copy("identity_user", ("id", "password", "last_login", "is_superuser", "username",
                                "email", "is_staff", "is_active", "date_joined", "real_name",
                                "mobile", "id_number_encrypted", "id_number_hash",
                                "id_number_masked", "password_changed_at",
                                "has_temporary_password"),
              ["\t".join(_v(v) for v in row) for row in users])
        _copy("identity_membership", ("id", "created_at", "updated_at", "role", "granted_by_id",
                                      "user_id", "organisation_id"),
              ["\t".join(_v(v) for v in row) for row in memberships])
        _restart_identity("identity_user")
        _restart_identity("identity_membership")
        existing.update({row[5]: row[6] for row in memberships})
    return sorted(existing.items())


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def _restart_identity(table: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )


def _copy(table: str, columns: tuple[str, ...], lines: list[str]) -> None:
    if not lines:
        return
    extra_columns, extra_values = _model_defaults(table, columns)
    suffix = "".join(f"\t{value}" for value in extra_values)
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        names = ", ".join((*columns, *extra_columns))
        with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            chunk = 5000
            for start in range(0, len(lines), chunk):
                copy.write("".join(f"{line}{suffix}\n" for line in lines[start:start + chunk]))


@lru_cache
def _model_defaults(table: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The required columns the generator does not write that have a default on the model, with
    it: a field added later with a default fills itself in. A required column without one
    still fails the COPY, loudly (the generator has to decide its value); an optional one stays
    NULL, as before."""
    model = next(m for m in apps.get_models(include_auto_created=True)
                 if m._meta.db_table == table)
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.null or not field.has_default():
            continue
        value = field.get_prep_value(field.get_default())
        names.append(str(field.column))
        values.append(_v(json.dumps(value) if isinstance(value, dict | list) else value))
    return tuple(names), tuple(values)


def population(target: int) -> Population:
    """The organisations, staff and applicants for `target` cases (created where missing)."""
    items = list(
        ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, code__in=ITEM_WEIGHTS)
        .select_related("current_version", "handling_org").order_by("code")
    )
    departments = _ensure_organs()
    divisions = sorted({item.handling_org for item in items}, key=lambda org: org.pk)
    staff = _ensure_staff(divisions)
    applicants = _ensure_applicants(max(1000, target // CASES_PER_APPLICANT), departments)
    frequent = applicants[: max(10, len(applicants) // 100)]
    forms = {item.pk: json.dumps(_form(item, {}), ensure_ascii=False) for item in items}
    return Population(items=items, weights=[ITEM_WEIGHTS[item.code] for item in items],
                      forms=forms, staff=staff, applicants=applicants, frequent=frequent)


class Writer:
    """Buffers rows per table and writes them with COPY; hands out ids."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {table: [] for table in TABLES}
        self.ids = {table: _next_id(table) for table in TABLES}

    def add(self, table: str, row: tuple[Any, ...]) -> int:
        pk = self.ids[table]
        self.ids[table] = pk + 1
        self.lines[table].append(f"{pk}\t" + "\t".join(_v(v) for v in row))
        return pk

    def flush(self) -> None:
        for table, lines in self.lines.items():
            _copy(table, TABLES[table], lines)
            lines.clear()


def _pick(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _w in mix], [w for _n, w in mix])[0]


def _code(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(ALPHABET, k=length))


class CaseMaker:
    """Writes one case with its history, stops, notice and notification."""

    def __init__(self, pop: Population, calendar: WorkCalendar, today: dt.date, writer: Writer,
                 backlog_open: float) -> None:
        self.pop, self.calendar, self.today, self.writer = pop, calendar, today, writer
        self.backlog_open = backlog_open
        self.rng = random.Random(SEED)
        self.numbers: dict[int, int] = {}
        self.add_workdays: Callable[[dt.date, int], dt.date] = lru_cache(maxsize=None)(
            lambda start, n: calendar.add_workdays(start, n).date
        )

    def _moment(self) -> int:
        return self.rng.randint(8 * 3600 + 1800, 17 * 3600 + 1800)

    def _event(self, case_id: int, action: str, from_status: str, to_status: str, when: str,
               actor: int | None, data: str = "{}", reason: str = "") -> None:
        self.writer.add("cases_caseevent",
                        (action, from_status, to_status, reason, data, when, actor, case_id))

    def make(self, day: dt.date) -> None:
        rng, w = self.rng, self.writer
        item = rng.choices(self.pop.items, self.pop.weights)[0]
        version = item.current_version
        assert version is not None
        applicant, applicant_org = rng.choice(
            self.pop.frequent if rng.random() < 0.10 else self.pop.applicants)
        staff = self.pop.staff[item.handling_org_id]
        clerk = rng.choice(staff)
        age = (self.today - day).days
        channel = "online"
        registered_by = applicant
        submitter_name = submitter_contact = ""
        roll = rng.random()
        if item.kind == "enquiry" and roll < 0.4:
            channel, registered_by = "phone", clerk
            applicant = applicant_org = None  # type: ignore[assignment]
            submitter_name, submitter_contact = "来电人", "13900000000"
        elif roll < 0.12:
            channel, registered_by = "window", clerk
        draft = rng.random() < 0.02
        if draft:
            status = "draft"
        elif age <= RECENT_DAYS and rng.random() < 0.9:
            status = _pick(rng, RECENT_OPEN_MIX)
        elif rng.random() < self.backlog_open:
            status = _pick(rng, BACKLOG_OPEN_MIX)
        else:
            status = _pick(rng, CLOSED_MIX)
        if status == "submitted" and age > 4:
            status = "awaiting_supplement"
        if version.is_instant and status not in ("draft", "submitted", "withdrawn"):
            status = "completed"
        seconds = self._moment()
        created = _ts(day, seconds)
        pk = w.ids["cases_case"]
        case: dict[str, Any] = {
            "created_at": created, "updated_at": created, "number": None, "status": status,
            "outcome": "", "decision_reason": "", "reject_ground": "", "submitted_at": None,
            "received_on": None, "accepted_at": None, "completed_at": None, "closed_at": None,
            "promised_days": None, "due_on": None, "warning": "normal", "supplement_round": 0,
            "responsible": clerk if channel != "online" else None,
        }
        self._event(pk, "created", "", "draft", created, registered_by,
                    json.dumps({"channel": channel}))
        if not draft:
            self._submitted(pk, case, item, version, day, seconds, registered_by, applicant,
                            staff)
        number = case["number"]
        w.add("cases_case", (
            case["created_at"], case["updated_at"], number, item.kind, submitter_name,
            submitter_contact, None, "", _code(rng, 8), channel, self.pop.forms[item.pk],
            status, case["outcome"], case["decision_reason"], case["reject_ground"], "", "",
            case["submitted_at"], case["received_on"], case["accepted_at"], False,
            case["completed_at"], case["closed_at"], case["promised_days"], 0, case["due_on"],
            False, "[]", None, case["warning"], case["warning"], 0, 0,
            case["supplement_round"], "", applicant, applicant_org, item.handling_org_id,
            item.pk, registered_by, case["responsible"], version.pk,
        ))

    def _submitted(self, pk: int, case: dict[str, Any], item: ServiceItem, version: Any,
                   day: dt.date, seconds: int, registered_by: int, applicant: int | None,
                   staff: list[int]) -> None:
        rng, status = self.rng, case["status"]
        self.numbers[day.year] = self.numbers.get(day.year, 0) + 1
        case["number"] = f"QKB{day.year}{self.numbers[day.year]:06d}"
        submitted = _ts(day, min(seconds + 120, 86_399))
        case["submitted_at"], case["received_on"] = submitted, day
        self._event(pk, "submit", "draft", "submitted", submitted, registered_by)
        handler = case["responsible"] or rng.choice(staff)
        received = day
        if status == "submitted":
            return
        if status == "withdrawn":
            self._close(pk, case, "withdrawn", "submitted",
                        min(self.add_workdays(day, rng.randint(0, 2)), self.today),
                        registered_by, applicant, item)
            return
        if version.is_instant:
            self._instant(pk, case, day, seconds, handler, applicant, item)
            return
        supplemented = status == "awaiting_supplement" or rng.random() < 0.12
        if supplemented:
            received = self._supplement(pk, case, day, handler, open_=status ==
                                        "awaiting_supplement")
            if status == "awaiting_supplement":
                return
        if status == "rejected":
            case["reject_ground"] = "conditions_not_met"
            case["decision_reason"] = "不符合受理条件。"
            self._close(pk, case, "rejected", "submitted",
                        min(self.add_workdays(received, rng.randint(0, 3)), self.today), handler,
                        applicant, item)
            return
        accepted_on = self.add_workdays(received, rng.choice((0, 0, 1, 1, 2)))
        if accepted_on > self.today:
            accepted_on = self.today if self.calendar.is_workday(self.today) else received
        accepted = _ts(accepted_on, rng.randint(9 * 3600, 17 * 3600))
        promised = version.promised_days
        due = self.add_workdays(accepted_on, promised)
        case.update(accepted_at=accepted, promised_days=promised, due_on=due,
                    responsible=handler, status=case["status"])
        self._event(pk, "accept", "submitted", "accepted", accepted, handler,
                    json.dumps({"due_on": due.isoformat()}))
        self._notify(pk, case, applicant, "accept", "已受理", accepted)
        if status == "special_procedure":
            started = self.add_workdays(accepted_on, 1)
            if started > self.today:
                started = accepted_on
            self.writer.add("cases_clockstop", ("special_procedure", "expert_review", started,
                                                None, "专家评审", pk))
            self._event(pk, "start_special", "accepted", "special_procedure",
                        _ts(started, 36_000), handler, '{"procedure": "expert_review"}')
            case["due_on"] = clock.due_date(
                self.calendar, accepted_on=accepted_on, limit_days=promised,
                stops=[clock.Stop(started, None)], today=self.today).date
            return
        if status == "accepted":
            case["warning"] = clock.warning_level(
                self.calendar, due_on=due, limit_days=promised, today=self.today)
            return
        # Closed after acceptance: most in time, some late, within the promise + 40 %.
        late = rng.random() < 0.08
        span = rng.randint(promised + 1, int(promised * 1.4) + 2) if late else rng.randint(
            0, max(promised, 0))
        ended_on = min(self.add_workdays(accepted_on, span), self.today)
        if status == "completed":
            case["outcome"] = "approved" if rng.random() < 0.95 else "not_approved"
        self._close(pk, case, status, "accepted", ended_on, handler, applicant, item)

    def _instant(self, pk: int, case: dict[str, Any], day: dt.date, seconds: int, handler: int,
                 applicant: int | None, item: ServiceItem) -> None:
        when = _ts(day, min(seconds + 600, 86_399))
        case.update(accepted_at=when, completed_at=when, closed_at=when, promised_days=0,
                    due_on=day, responsible=handler, outcome="approved", updated_at=when)
        self._event(pk, "instant", "submitted", "completed", when, handler,
                    '{"outcome": "approved"}')
        self._notify(pk, case, applicant, "instant", "已办结", when)

    def _supplement(self, pk: int, case: dict[str, Any], day: dt.date, handler: int,
                    open_: bool) -> dt.date:
        rng, w = self.rng, self.writer
        asked_on = min(self.add_workdays(day, 1), self.today)
        asked = _ts(asked_on, 40_000)
        items = '[{"material": null, "name": "申请表", "problem": "缺少单位负责人签字"}]'
        supplied_on = None if open_ else min(self.add_workdays(asked_on, rng.randint(1, 4)),
                                             self.today)
        supplied = _ts(supplied_on, 50_000) if supplied_on else None
        w.add("cases_supplementrequest", (1, items, "请补正材料", asked, supplied, pk, handler))
        w.add("cases_clockstop", ("supplement", "", asked_on, supplied_on, "请补正材料", pk))
        self._event(pk, "request_supplement", "submitted", "awaiting_supplement", asked,
                    handler, '{"round": 1}')
        case["supplement_round"] = 1
        if supplied_on is None or supplied is None:
            return day
        self._event(pk, "supplement", "awaiting_supplement", "submitted", supplied,
                    case["responsible"] or handler, '{"round": 1}')
        case["received_on"] = supplied_on
        return supplied_on

    def _close(self, pk: int, case: dict[str, Any], status: str, from_status: str,
               on: dt.date, actor: int | None, applicant: int | None, item: ServiceItem) -> None:
        when = _ts(on, self.rng.randint(9 * 3600, 17 * 3600 + 1800))
        case.update(status=status, closed_at=when, updated_at=when)
        if status == "completed":
            case["completed_at"] = when
        data = json.dumps({"outcome": case["outcome"]}) if status == "completed" else "{}"
        self._event(pk, {"completed": "complete", "rejected": "reject", "withdrawn": "withdraw",
                         "terminated": "terminate", "void": "void"}[status],
                    from_status, status, when, actor, data)
        self._notify(pk, case, applicant, status, "状态变更", when)

    def _notify(self, pk: int, case: dict[str, Any], applicant: int | None, action: str,
                what: str, when: str) -> None:
        if applicant is None:
            return
        read = when if self.rng.random() < 0.8 else None
        message = self.writer.add("notifications_message", (
            f"cases.{action}", f"办件 {case['number']}：{what}", "", f"/cases/{case['number']}/",
            "cases.case", pk, when, read, applicant,
        ))
        self.writer.add("notifications_delivery", (
            "in_app", "", "sent", 0, None, None, "", "", when, f"{message:032x}", "", when,
            message,
        ))


def case_count() -> int:
    return Case.objects.count()


def build(target: int) -> dict[str, Any]:
    """Add cases until the database holds `target` cases (created over five years up to today).

    Safe to call again: it only adds what is missing, continuing the numbering."""
    today = timezone.localdate()
    calendar = load_calendar(start=today.replace(year=today.year - YEARS), end=today)
    existing = case_count()
    if existing >= target:
        return {"cases": existing, "added": 0}
    pop = population(target)
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute("SELECT year, last FROM cases_casenumbersequence")
        numbers = dict(cursor.fetchall())
    writer = Writer()
    first_day = today - dt.timedelta(days=365 * YEARS)
    days = [first_day + dt.timedelta(days=i) for i in range((today - first_day).days + 1)]
    weights = [1.0 if calendar.is_workday(d) else 0.03 for d in days]
    to_add = target - existing
    recent = sum(w for d, w in zip(days, weights, strict=True)
                 if (today - d).days <= RECENT_DAYS) / sum(weights) * to_add
    # Drafts and the instant items (completed on the spot) never stay open: the backlog of the
    # other cases makes up for them, so that OPEN_SHARE of all cases are open.
    instant = sum(w for item, w in zip(pop.items, pop.weights, strict=True)
                  if item.current_version is not None and item.current_version.is_instant)
    can_stay_open = 0.98 * (1 - instant / sum(pop.weights))
    backlog_open = max(0.0, (OPEN_SHARE * to_add / can_stay_open - 0.9 * recent)
                       / (to_add - recent))
    maker = CaseMaker(pop, calendar, today, writer, backlog_open)
    maker.numbers = numbers
    per_day = _spread(to_add, weights, random.Random(SEED + existing))
    progress = Progress(to_add, "cases")
    done = 0
    pending = list(zip(days, per_day, strict=True))
    while pending:
        # One transaction per chunk: the deferred foreign-key checks are paid as it goes, and an
        # interrupted build resumes from what was committed.
        with transaction.atomic():
            while pending and len(writer.lines["cases_case"]) < FLUSH_EVERY:
                day, count = pending.pop(0)
                for _i in range(count):
                    maker.make(day)
                done += count
            writer.flush()
            _store_numbers(maker.numbers)
        progress.update(done)
    for table in TABLES:
        _restart_identity(table)
    progress.finish()
    with connection.cursor() as cursor:
        # What autovacuum would have done over five years: statistics and the visibility map.
        cursor.execute("VACUUM (ANALYZE)")
    return {"cases": existing + to_add, "added": to_add}


def _store_numbers(numbers: dict[int, int]) -> None:
    with connection.cursor() as cursor:
        for year, last in numbers.items():
            cursor.execute(
                "INSERT INTO cases_casenumbersequence (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last", [year, last])


def _spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """`total` cases over the days in proportion to `weights` (exact total)."""
    whole = sum(weights)
    counts = [int(total * w / whole) for w in weights]
    for index in rng.choices(range(len(weights)), weights, k=total - sum(counts)):
        counts[index] += 1
    return counts


RATINGS_SQL = """
INSERT INTO feedback_evaluation (case_id, item_id, organisation_id, rated_object, staff_id,
    channel, level, scores, comment, rater_id, rater_name, is_real_name, at_counter, created_at,
    is_excluded, excluded_at)
SELECT c.id, c.item_id, c.handling_org_id, 'item', NULL,
    CASE WHEN c.channel = 'online' THEN 'online' ELSE 'on_site' END,
    CASE WHEN h.r < 80 THEN 5 WHEN h.r < 92 THEN 4 WHEN h.r < 96 THEN 3 WHEN h.r < 98 THEN 2
         ELSE 1 END,
    '{}', '', c.applicant_id, '', true, c.channel <> 'online', c.completed_at + interval '1 day',
    false, NULL
FROM cases_case c
CROSS JOIN LATERAL (SELECT (c.id * 40503 % 100) AS r, (c.id * 2654435761 % 100) AS taken) h
WHERE c.status = 'completed' AND c.applicant_id IS NOT NULL AND h.taken < 60
  AND NOT EXISTS (SELECT 1 FROM feedback_evaluation e WHERE e.case_id = c.id)
"""


def add_ratings() -> int:
    """Ratings of completed cases (see the module's notes): how many were added."""
    with connection.cursor() as cursor:
        cursor.execute(RATINGS_SQL)
        added = cursor.rowcount
        if added:
            cursor.execute("ANALYZE feedback_evaluation")
    return added
