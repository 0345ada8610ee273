"""Cases (办件): the universal unit of work, its append-only history, clock stops, supplement
notices, attachments, transfers, visits and the per-year number counter."""


from django.conf import settings
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinkuaiban.cases.workflow import Action, Status
from qinkuaiban.core.append_only import AppendOnlyError, HistoryStep
from qinkuaiban.core.models import TimeStampedModel

__all__ = [  # noqa: RUF022 — grouped by meaning, not alphabet
    "Action", "Status", "Channel", "Outcome", "WarningLevel", "WARNING_ORDER", "RejectGround",
    "ClockStopKind", "SpecialProcedure", "TransferStatus", "DoorVisitStatus", "AppendOnlyError",
    "Case", "CaseEvent", "ClockStop", "SupplementRequest", "Attachment", "Transfer",
    "DoorToDoorVisit", "Visit", "CaseNumberSequence", "LookupThrottle", "IntakeStatus",
    "Intake", "QUEUE_ORDER",
]


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At the service window")
    PHONE = "phone", _("By phone")
    ON_SITE = "on_site", _("On site")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    NOT_APPROVED = "not_approved", _("Not approved")


class WarningLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    YELLOW = "yellow", _("Yellow warning")
    RED = "red", _("Red warning (overdue)")


# Ordered by severity, so "the highest level already notified" compares with an index.
WARNING_ORDER: tuple[str, ...] = (WarningLevel.NORMAL, WarningLevel.YELLOW, WarningLevel.RED)


class RejectGround(models.TextChoices):
    """Statutory grounds for 不予受理. Source: 行政许可法 第三十二条."""

    NOT_REQUIRED = "not_required", _("The matter needs no application under the law")
    NOT_OUR_REMIT = "not_our_remit", _("The matter is not within this agency's remit")
    CONDITIONS_NOT_MET = "conditions_not_met", _("The conditions for acceptance are not met")


class ClockStopKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Supplementary materials (补正)")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")


class SpecialProcedure(models.TextChoices):
    """Procedures not counted in the limit. Source: 行政许可法 第四十五条."""

    HEARING = "hearing", _("Hearing")
    TESTING = "testing", _("Testing or inspection")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    ON_SITE_INSPECTION = "on_site_inspection", _("On-site inspection")


class TransferStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("transfer status", "Pending")
    ACCEPTED = "accepted", _("Taken over")
    REFUSED = "refused", _("Refused")
    CANCELLED = "cancelled", _("Cancelled (case closed)")


class DoorVisitStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# One case is read with only the relations every use of it needs: each further join costs
# PostgreSQL more to plan (10 tables: about 5 ms) than the one-row query that fetches a
# relation when a page does use it.
ONE_RELATED = ("item", "version", "handling_org")

# The handler queue's order: cases waiting for acceptance (no due date yet) first, oldest
# submission first, then the accepted ones soonest due. `due_on IS NOT NULL` rather than a
# NULLS FIRST ordering: SQLite refuses NULLS FIRST in an index, and with no parameter in it the
# expression matches the index's even in a prepared statement's generic plan.
QUEUE_ORDER = (
    ExpressionWrapper(Q(due_on__isnull=False), output_field=BooleanField()).asc(),
    F("due_on").asc(), F("submitted_at").asc(), F("id").asc(),
)


class Case(TimeStampedModel):
    """One request for one service item (办件)."""

    number = models.CharField(
        _("case number"), max_length=15, unique=True, null=True, blank=True,
        help_text=_("QKB, the year and a six-digit sequence; issued on submission."),
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
        related_name="cases",
    )
    version = models.ForeignKey(
        "catalogue.ServiceItemVersion", verbose_name=_("guide version"),
        on_delete=models.PROTECT, related_name="cases",
    )
    kind = models.SlugField(_("kind"), max_length=40, db_index=True)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="cases",
    )
    applicant_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("applicant organisation"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="applied_cases",
    )
    submitter_name = models.CharField(_("submitter name"), max_length=60, blank=True)
    submitter_contact = models.CharField(_("submitter contact"), max_length=120, blank=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=16, unique=True, null=True, blank=True
    )
    pin_hash = models.CharField(max_length=128, blank=True, editable=False)
    verification_code = models.CharField(_("verification code"), max_length=8)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("The person who created the case: the applicant, or staff on their behalf."),
    )

    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)

    handling_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("handling organisation"),
        on_delete=models.PROTECT, related_name="handled_cases",
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible staff member"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="responsible_cases",
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    outcome = models.CharField(
        pgettext_lazy("case", "outcome"), max_length=12, choices=Outcome.choices, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    reject_ground = models.CharField(
        _("ground for not accepting"), max_length=20, choices=RejectGround.choices, blank=True
    )
    competent_agency = models.CharField(_("competent agency"), max_length=120, blank=True)
    remedies = models.TextField(_("remedies"), blank=True)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(
        _("materials received on"), null=True, blank=True,
        help_text=_("The day the (last) materials were received; the 5-day notice runs from it."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    is_deemed_accepted = models.BooleanField(_("deemed accepted"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"), null=True, blank=True,
        help_text=_("When the case ended in any way (completed, not accepted, withdrawn, …)."),
    )

    promised_days = models.PositiveSmallIntegerField(
        _("promised limit (working days)"), null=True, blank=True
    )
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    due_on = models.DateField(_("due on"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    deferred_materials = models.JSONField(
        _("deferred materials"), default=list, blank=True,
        help_text=_("Materials accepted as deferred (容缺): [{material, name}]."),
    )
    deferred_due_on = models.DateField(_("deferred materials due on"), null=True, blank=True)

    warning = models.CharField(
        _("warning"), max_length=8, choices=WarningLevel.choices, default=WarningLevel.NORMAL,
        db_index=True,
    )
    warning_notified = models.CharField(
        _("highest warning notified"), max_length=8, choices=WarningLevel.choices,
        default=WarningLevel.NORMAL,
    )
    visits = models.PositiveSmallIntegerField(_("on-site visits"), default=0)
    transfer_count = models.PositiveSmallIntegerField(_("transfers"), default=0)
    supplement_round = models.PositiveSmallIntegerField(_("supplement rounds"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, blank=True)

    # Set on the returned object when submit_case answered a repeated idempotency key.
    replayed: bool = False

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["handling_org", "status", "due_on"], name="cases_queue_idx"),
            models.Index(fields=["applicant", "-created_at"], name="cases_applicant_idx"),
            # The handler queue: one organisation's open cases in QUEUE_ORDER, read in index
            # order (a page costs the same with 100 or 100,000 open cases); the status tabs,
            # the deadline alert (by status and warning) and the kinds worked elsewhere are
            # counted and filtered from the included columns.
            models.Index(
                F("handling_org"), *(order.expression for order in QUEUE_ORDER),
                include=["status", "kind", "warning"], name="cases_open_queue_idx",
                condition=Q(status__in=[Status.SUBMITTED, Status.AWAITING_SUPPLEMENT,
                                        Status.ACCEPTED, Status.SPECIAL_PROCEDURE]),
            ),
            # Open cases a staff member is responsible for outside their organisations (the
            # queue's "elsewhere" lookup), answered from the index alone.
            models.Index(fields=["responsible", "status", "handling_org"], include=["id"],
                         name="cases_responsible_status_idx"),
            # Published commitments: an item's cases completed in a period, with the due date
            # for the on-time share, read from the index alone.
            models.Index(fields=["item", "completed_at"], include=["due_on"],
                         name="cases_item_completed_idx",
                         condition=Q(status=Status.COMPLETED)),
            # Monthly statistics count completed cases by local completion day
            # (`completed_at__date`), per organisation and item: the same expression, indexed.
            models.Index(TruncDate("completed_at"), F("handling_org"), F("item"),
                         name="cases_completed_day_idx", condition=Q(status=Status.COMPLETED)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__startswith="QKB"),
                name="cases_number_format",
            ),
            # A number is issued exactly when the case is submitted; a draft has none.
            models.CheckConstraint(
                condition=Q(number__isnull=True, submitted_at__isnull=True)
                | Q(number__isnull=False, submitted_at__isnull=False),
                name="cases_number_with_submission",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DRAFT) | Q(number__isnull=True),
                name="cases_draft_has_no_number",
            ),
            # An outcome exists exactly when the case is completed.
            models.CheckConstraint(
                condition=(Q(status=Status.COMPLETED) & ~Q(outcome=""))
                | (~Q(status=Status.COMPLETED) & Q(outcome="")),
                name="cases_outcome_only_when_completed",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.ACCEPTED, Status.SPECIAL_PROCEDURE])
                | Q(accepted_at__isnull=False, due_on__isnull=False),
                name="cases_accepted_has_clock",
            ),
            models.CheckConstraint(
                condition=Q(applicant__isnull=False) | ~Q(submitter_name=""),
                name="cases_has_applicant_or_submitter",
            ),
            models.CheckConstraint(
                condition=Q(tracking_code__isnull=True) | ~Q(pin_hash=""),
                name="cases_tracking_code_has_pin",
            ),
            models.UniqueConstraint(
                fields=["registered_by", "idempotency_key"],
                condition=~Q(idempotency_key="") & Q(registered_by__isnull=False),
                name="cases_idempotency_per_submitter",
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key="") & Q(registered_by__isnull=True),
                name="cases_idempotency_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(status=Status.COMPLETED),
                name="cases_completed_at_only_when_completed",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(status__in=[
                    Status.COMPLETED, Status.REJECTED, Status.WITHDRAWN, Status.TERMINATED,
                    Status.VOID,
                ]),
                name="cases_closed_at_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        from qinkuaiban.cases.workflow import OPEN_STATUSES

        return self.status in OPEN_STATUSES

    @property
    def is_anonymous(self) -> bool:
        return self.applicant_id is None

    @property
    def applicant_display(self) -> str:
        if self.applicant_id is not None:
            return str(self.applicant)
        return self.submitter_name

    @property
    def limit_days(self) -> int:
        """The promised limit plus any extension, in working days."""
        return (self.promised_days or 0) + self.extension_days


class CaseEvent(HistoryStep):
    """One step in a case's history. Append-only: refused here and by database triggers."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta(HistoryStep.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case} {self.action}"

    @property
    def action_label(self) -> str:
        """The translated name of the action (events such as deemed acceptance included)."""
        from qinkuaiban.cases.events import event_label

        return event_label(self.action)


class ClockStop(models.Model):
    """A period in which the promised limit does not run (补正, 特别程序)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="clock_stops"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ClockStopKind.choices)
    procedure = models.CharField(
        _("special procedure"), max_length=20, choices=SpecialProcedure.choices, blank=True
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("clock stop")
        verbose_name_plural = _("clock stops")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cases_clock_stop_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind=ClockStopKind.SUPPLEMENT, procedure="")
                | (Q(kind=ClockStopKind.SPECIAL_PROCEDURE) & ~Q(procedure="")),
                name="cases_clock_stop_procedure_for_special",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True),
                name="cases_one_open_clock_stop",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()} {self.started_on}"


class SupplementRequest(models.Model):
    """The one-time notice (一次性告知): every missing or deficient material, named at once.

    `items` is [{"material": id or null, "name": ..., "problem": ...}]."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supplement_requests"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    items = models.JSONField(_("materials named"), default=list)
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    supplied_at = models.DateTimeField(_("supplied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        ordering = ["case", "round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="cases_supplement_round"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(supplied_at__isnull=True),
                name="cases_one_open_supplement_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.round}"

    @property
    def material_ids(self) -> set[int]:
        return {entry["material"] for entry in self.items if entry.get("material")}


class Attachment(models.Model):
    """An uploaded file of a case, stored under a random name (never the client's)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments"
    )
    material = models.ForeignKey(
        "catalogue.Material", verbose_name=_("material"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    file = models.FileField(_("file"), max_length=200)
    original_name = models.CharField(_("original name"), max_length=200)
    content_type = models.CharField(pgettext_lazy("attachment", "content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    round = models.PositiveSmallIntegerField(
        _("round"), default=0, help_text=_("0 on submission, n for the n-th supplement.")
    )
    # When the applicant handed the file in: the time of receipt for a queued application
    # registered later, so not auto_now_add (which would overwrite it with the registration).
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "round", "id"]

    def __str__(self) -> str:
        return self.original_name


class Transfer(models.Model):
    """A hand-over to another organisation (首问负责): the sender stays responsible until the
    receiver takes it over, which it must do by `due_on` (QKB_CASE_TRANSFER_DAYS working days)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="transfers"
    )
    from_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("from"), on_delete=models.PROTECT,
        related_name="+",
    )
    to_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("to"), on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    due_on = models.DateField(_("to be taken over by"))
    due_provisional = models.BooleanField(default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices,
        default=TransferStatus.PENDING, db_index=True,
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    response_reason = models.TextField(_("reason for the response"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["case", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status=TransferStatus.PENDING),
                name="cases_one_pending_transfer",
            ),
            models.CheckConstraint(
                condition=~Q(from_org=F("to_org")), name="cases_transfer_to_another_org"
            ),
            models.CheckConstraint(
                condition=Q(status=TransferStatus.PENDING) | Q(responded_at__isnull=False),
                name="cases_transfer_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_org}"


class DoorToDoorVisit(models.Model):
    """A visit by staff to the applicant (上门服务)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="door_visits"
    )
    slot_start = models.DateTimeField(_("from"))
    slot_end = models.DateTimeField(_("until"))
    address = models.CharField(_("address"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=DoorVisitStatus.choices,
        default=DoorVisitStatus.PROPOSED,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("door-to-door visit")
        verbose_name_plural = _("door-to-door visits")
        ordering = ["slot_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_end__gt=F("slot_start")), name="cases_door_visit_slot_order"
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=[DoorVisitStatus.PROPOSED, DoorVisitStatus.CONFIRMED]),
                name="cases_one_open_door_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.slot_start:%Y-%m-%d %H:%M}"


class Visit(models.Model):
    """A visit the applicant had to make in person (counts against 只跑一次)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="visit_records"
    )
    visited_on = models.DateField(_("date"))
    purpose = models.CharField(_("purpose"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["visited_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.visited_on}"


class CaseNumberSequence(models.Model):
    """The last case number issued in a year; its row is locked while a number is issued."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [
            models.CheckConstraint(condition=Q(last__lte=999999), name="cases_sequence_six_digits")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class LookupThrottle(models.Model):
    """Attempts of one address at the public progress lookup in the current minute."""

    key = models.CharField(max_length=80, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"



class IntakeStatus(models.TextChoices):
    QUEUED = "queued", _("Received, being registered")
    REGISTERED = "registered", _("Registered as a case")
    FAILED = "failed", _("Registration failed")


class Intake(models.Model):
    """An application received through the queued intake (peak days): checked in full and
    stored with its files at once, then registered as a case by the intake worker, in the order
    received, with the time of receipt as its submission time."""

    # Every index is paid by every receipt on the peak morning: only the ones a read uses
    # (the receipt, the applicant's list, the worker's queue, the key), no pattern index for
    # the receipt and none for the service (nothing looks received applications up by it).
    receipt = models.CharField(_("receipt"), max_length=16)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT,
        related_name="intakes", db_index=False,  # cases_intake_applicant_idx leads with it
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
        related_name="+", db_index=False,
    )
    version = models.ForeignKey(
        "catalogue.ServiceItemVersion", verbose_name=_("guide version"),
        on_delete=models.PROTECT, related_name="+", db_index=False,
    )
    # The form as a case stores it (ID numbers encrypted), and the files already written:
    # [{"material": id or null, "file": storage name, "original_name", "content_type",
    #   "size", "sha256"}].
    form_data = models.JSONField(_("form data"), default=dict)
    files = models.JSONField(_("files"), default=list)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, blank=True)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(
        _("status"), max_length=12, choices=IntakeStatus.choices, default=IntakeStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    # After a failed attempt: not taken again before this time.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    case = models.OneToOneField(
        Case, verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="intake",
    )
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)

    # Set on the returned object when receive_application answered a repeated key.
    replayed: bool = False

    class Meta:
        verbose_name = _("received application")
        verbose_name_plural = _("received applications")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["receipt"], name="cases_intake_receipt_unique"),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"], condition=~Q(idempotency_key=""),
                name="cases_intake_idempotency",
            ),
        ]
        indexes = [
            # The worker's next batch, in the order received; registered rows leave the index.
            models.Index(fields=["id"], condition=Q(status="queued"),
                         name="cases_intake_queue_idx"),
            models.Index(fields=["applicant", "-id"], name="cases_intake_applicant_idx"),
        ]

    def __str__(self) -> str:
        return self.receipt
