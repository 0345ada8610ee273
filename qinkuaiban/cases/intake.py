"""The queued intake (申请接收): on a peak day a service's applications are received at once and
registered as cases a moment later, in the order received.

`receive_application` checks everything `submit_case` checks for an applicant's own online
application — the service is open, the form is complete and valid, every file is what it
claims, the required materials are there — writes the files and one row, and answers with a
receipt. `register_intake` (the intake worker, `manage.py process_intakes`) turns the row into
a case through the same workflow as a direct submission: number, history, audit entry and
notifications, with the time of receipt as the submission time, so the clock and the
published figures count from the moment the applicant pressed the button.

An application received is never refused later: nothing the worker does depends on the
applicant's input. Should registration fail all the same (a bug, a database fault), the row
stays queued and is tried again later and later; after MAX_ATTEMPTS it is marked failed,
audited, and the applicant and the handling division are told; their staff put it back in the
queue once the cause is fixed (docs/adr/0006-queued-intake.md)."""

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connections,
    router,
    transaction,
)
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.cases import notifying
from qinkuaiban.cases.codes import RECEIPT_LENGTH, random_code
from qinkuaiban.cases.events import DATED, SystemEvent, append_event
from qinkuaiban.cases.kinds import registered_kinds, takes_online_applications
from qinkuaiban.cases.models import Case, Channel, Intake, IntakeStatus
from qinkuaiban.cases.permissions import may_handle_intake
from qinkuaiban.cases.services import (
    MaterialFile,
    _check_submitter,
    _kind_of,
    _protect,
    _transition,
    _validate_form,
    _version_material,
    attach_stored,
    materials_missing_error,
    new_case,
    required_not_supplied,
    stored_file,
)
from qinkuaiban.cases.uploads import delete_stored, inspect_upload
from qinkuaiban.cases.workflow import Action, Status
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.core import rows
from qinkuaiban.core.errors import Conflict, DomainError, NotPermitted
from qinkuaiban.identity.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 10


def uses_queued_intake(item: ServiceItem, *, submit: bool = True) -> bool:
    """Whether an applicant's own application for the item, submitted in one go, is queued."""
    return submit and item.queued_intake and intake_applies(item)


def intake_applies(item: ServiceItem) -> bool:
    """Whether the switch means anything for the item: it takes online applications on the
    platform's own form (not feedback and other kinds with pages of their own)."""
    kind = registered_kinds().get(item.kind)
    version = item.current_version
    return (kind is not None and not kind.meta.get("apply_url_name") and version is not None
            and takes_online_applications(item.kind, version.channels))


def receive_application(
    *, actor: User, item: ServiceItem, form: Mapping[str, Any],
    files: Iterable[MaterialFile] = (), idempotency_key: str = "",
) -> Intake:
    """Receive an applicant's complete application for a queued service: checked in full, its
    files written, one row; the same non-empty key answers with the first receipt (with
    `replayed` set)."""
    key = idempotency_key.strip()[:80]
    try:
        return _receive(actor=actor, item=item, form=form, files=files, key=key)
    except (DomainError, IntegrityError):
        # Not looked up first: on the peak morning nearly every request is new. A repeated
        # request answers with the first receipt, even when the same input would be refused
        # now (the service closed meanwhile); the same key racing in from a second request
        # loses on the unique constraint (its files are deleted with the rollback).
        again = _replay(actor=actor, key=key) if key else None
        if again is None:
            raise
        return again


def _receive(*, actor: User, item: ServiceItem, form: Mapping[str, Any],
             files: Iterable[MaterialFile], key: str) -> Intake:
    if item.status != ItemStatus.PUBLISHED or item.current_version_id is None:
        raise Conflict(_("This service is not open for applications."), code="item_not_published")
    kind = _kind_of(item)
    _check_submitter(actor=actor, item=item, kind=kind, channel=Channel.ONLINE, applicant=None)
    version = item.current_version
    specs, clean = _validate_form(kind, version, form, partial=False)
    form_files = [(None, clean[spec.name]) for spec in specs
                  if spec.type == "file" and spec.name in clean]
    checked = [(_version_material(version, material_id), file, inspect_upload(file))
               for material_id, file in [*files, *form_files]]
    missing = required_not_supplied(
        version, {material.pk for material, _file, _info in checked if material is not None})
    if missing:
        raise materials_missing_error(missing)
    return _store(actor=actor, item=item, form_data=_protect(specs, clean), checked=checked,
                  key=key)


def _replay(*, actor: User, key: str) -> Intake | None:
    found = (Intake.objects.select_related("item", "version", "case")
             .filter(applicant=actor, idempotency_key=key).first())
    if found is not None:
        found.replayed = True
    return found


def _store(*, actor: User, item: ServiceItem, form_data: dict[str, Any],
           checked: list[tuple[Any, Any, Any]], key: str) -> Intake:
    """The files, then the row: one INSERT, a transaction of its own (no BEGIN and COMMIT to
    pay on the peak morning). A row that is not written takes its files with it; inside an
    outer transaction they also go if that one rolls back (uploads.delete_on_rollback)."""
    files: list[dict[str, Any]] = []
    try:
        for material, file, info in checked:
            files.append(stored_file(material, file, info))
        intake = Intake(receipt=random_code(RECEIPT_LENGTH), applicant=actor, item=item,
                        version=item.current_version, form_data=form_data, files=files,
                        idempotency_key=key, received_at=timezone.now())
        _insert(intake)
    except BaseException as exc:
        # A lost connection may have lost only the answer to a committed row: its files stay
        # (prune_orphan_uploads removes them later if no row refers to them). Anything else —
        # a key already used, a refused value, an error before the INSERT — wrote no row.
        if not isinstance(exc, (OperationalError, InterfaceError)):
            for entry in files:
                delete_stored(entry["file"])
        raise
    return intake


# The receipt's one row, on every application of the peak morning: a statement built once
# (Intake has no signal receivers and no database defaults; core/rows.py).
_INTAKE_INSERT = rows.Insert(Intake)


def _insert(intake: Intake) -> None:
    alias = router.db_for_write(Intake)
    if connections[alias].in_atomic_block:
        # In a caller's transaction: a savepoint, so a key already used leaves it usable.
        with transaction.atomic(using=alias):
            _INTAKE_INSERT.save(intake)
    else:
        _INTAKE_INSERT.save(intake)


# --- the worker ------------------------------------------------------------------------------


def queued_ids(*, limit: int) -> list[int]:
    """The next applications to register, oldest first (a failed attempt waits its turn)."""
    return list(Intake.objects.filter(_due(), status=IntakeStatus.QUEUED).order_by("id")
                .values_list("id", flat=True)[:limit])


def _due() -> Q:
    """Not waiting out a failed attempt."""
    return Q(retry_at__isnull=True) | Q(retry_at__lte=timezone.now())


def register_intake(*, pk: int) -> Intake | None:
    """Register one received application as a case, in its own transaction; None when another
    worker holds it, it is done already, or it failed (then recorded)."""
    try:
        return _register(pk)
    except (OperationalError, InterfaceError) as exc:
        if not connections[router.db_for_write(Intake)].is_usable():
            # The database is away: not the application's fault, and not an attempt.
            raise
        logger.exception("registering received application %s failed", pk)
        _record_failure(pk, exc)
        return None
    except Exception as exc:
        logger.exception("registering received application %s failed", pk)
        _record_failure(pk, exc)
        return None


@transaction.atomic
def _register(pk: int) -> Intake | None:
    intake = (
        Intake.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("applicant", "item__handling_org", "version")
        .filter(pk=pk, status=IntakeStatus.QUEUED).first()
    )
    if intake is None:
        return None
    case, new = _case_for(intake)
    intake.status = IntakeStatus.REGISTERED
    intake.case = case
    intake.registered_at = timezone.now()
    intake.save(update_fields=["status", "case", "registered_at"])
    if new:
        notifying.intake_registered(case=case, receipt=intake.receipt)
    return intake


def _case_for(intake: Intake) -> tuple[Case, bool]:
    """The case of a received application, and whether it is new: the submitted case its key
    already made (a direct submission before the switch), or a new one."""
    applicant, item = intake.applicant, intake.item
    key = intake.idempotency_key
    if key:
        existing = Case.objects.filter(registered_by=applicant, idempotency_key=key).first()
        if existing is not None and existing.number:
            return existing, False
        if existing is not None:
            # A draft saved earlier under the same form token: it stays a draft, and the
            # application registers as a case of its own (the key is the draft's).
            key = ""
    case = new_case(item=item, version=intake.version, applicant=applicant,
                    registered_by=applicant, channel=Channel.ONLINE,
                    form_data=intake.form_data, idempotency_key=key)
    case.save()
    for entry in intake.files:
        # Handed in with the application: dated at its receipt, not at its registration.
        attach_stored(case=case, entry=entry, actor=applicant, round_=0,
                      at=intake.received_at)
    append_event(case=case, action=SystemEvent.CREATED, actor=applicant, to_status=Status.DRAFT,
                 data={"channel": Channel.ONLINE, "receipt": intake.receipt,
                       "received_at": intake.received_at.isoformat(),
                       DATED: intake.received_at.isoformat()})
    return _transition(
        case=case, action=Action.SUBMIT, actor=applicant, reason="", data={}, transfer=None,
        audit={"item": item.code, "channel": Channel.ONLINE, "receipt": intake.receipt,
               "received_at": intake.received_at.isoformat()},
        form_checked=True, at=intake.received_at,
    ), True


@transaction.atomic
def _record_failure(pk: int, exc: Exception) -> None:
    intake = (Intake.objects.select_for_update(of=("self",)).select_related("item__handling_org")
              .filter(pk=pk, status=IntakeStatus.QUEUED).first())
    if intake is None:
        return
    intake.attempts += 1
    intake.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    # Tried again after 10 s, 20 s, 40 s, 80 s: a passing fault (storage, a lock) heals.
    intake.retry_at = timezone.now() + dt.timedelta(seconds=RETRY_BASE_SECONDS
                                                   * 2 ** (intake.attempts - 1))
    fields = ["attempts", "last_error", "retry_at"]
    if intake.attempts >= MAX_ATTEMPTS:
        intake.status = IntakeStatus.FAILED
        fields.append("status")
        record(action="cases.intake_failed", actor=None, target=intake,
               organisation=intake.item.handling_org,
               changes={"receipt": intake.receipt, "attempts": intake.attempts,
                        "error": intake.last_error})
        notifying.intake_failed(intake=intake)
    intake.save(update_fields=fields)


def process_queued(*, batch: int = 50) -> int:
    """Register the applications waiting now (at most `batch`); the number registered."""
    return sum(1 for pk in queued_ids(limit=batch) if register_intake(pk=pk) is not None)


class Pacing:
    """Registering yields to receiving. On the peak morning every core is busy receiving;
    registering at the same time (its database work runs at full priority even though the
    worker is niced) slows receiving down. So while applications arrive at
    `QKB_INTAKE_BUSY_PER_SECOND` a second or more, the worker waits — unless the oldest
    waiting one has waited `QKB_INTAKE_MAX_DEFER_SECONDS`: then it registers whatever the rate,
    so no applicant waits much longer than that for the case number."""

    def __init__(self, *, busy_per_second: float | None = None,
                 max_defer: dt.timedelta | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.busy_per_second = (settings.QKB_INTAKE_BUSY_PER_SECOND if busy_per_second is None
                                else busy_per_second)
        self.max_defer = (dt.timedelta(seconds=settings.QKB_INTAKE_MAX_DEFER_SECONDS)
                          if max_defer is None else max_defer)
        self.clock = clock
        self._seen: tuple[float, int] | None = None

    def arrivals_per_second(self) -> float:
        """Applications received per second since the last look (0 at the first): from the
        newest row's id, one index lookup."""
        newest = Intake.objects.order_by("-id").values_list("id", flat=True).first() or 0
        now, seen = self.clock(), self._seen
        self._seen = (now, newest)
        if seen is None or now <= seen[0]:
            return 0.0
        return max(0, newest - seen[1]) / (now - seen[0])

    def should_wait(self) -> bool:
        """Whether to leave the queue alone for now (never with a busy rate of 0: pacing off)."""
        if self.busy_per_second <= 0 or self.arrivals_per_second() < self.busy_per_second:
            return False
        oldest = (Intake.objects.filter(_due(), status=IntakeStatus.QUEUED).order_by("id")
                  .values_list("received_at", flat=True).first())
        return oldest is not None and timezone.now() - oldest < self.max_defer


@transaction.atomic
def retry_intake(*, actor: User, intake: Intake) -> Intake:
    """Staff of the handling division put a failed application back in the queue (the cause
    fixed); the worker registers it, still dated when received."""
    intake = (Intake.objects.select_for_update(of=("self",)).select_related("item__handling_org")
              .get(pk=intake.pk))
    if not may_handle_intake(actor, intake):
        raise NotPermitted(_("Only the staff of the handling division may register it again."),
                           code="not_window_staff")
    if intake.status != IntakeStatus.FAILED:
        raise Conflict(_("Only an application whose registration failed can be tried again."),
                       code="intake_not_failed")
    intake.status = IntakeStatus.QUEUED
    intake.attempts = 0
    intake.retry_at = None
    intake.save(update_fields=["status", "attempts", "retry_at"])
    record(action="cases.intake_retried", actor=actor, target=intake,
           organisation=intake.item.handling_org,
           changes={"receipt": intake.receipt, "last_error": intake.last_error})
    return intake
