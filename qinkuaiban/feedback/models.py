"""好差评 (ratings, their rectification, call-back and appeal) and complaints, suggestions, praise
and letters to the leadership (each a case of a feedback kind), with their replies, routing
rules and reply templates."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinkuaiban.core.append_only import HistoryStep
from qinkuaiban.core.models import TimeStampedModel
from qinkuaiban.feedback.rules import (
    AppealDecision,
    AppealGround,
    DeadlineWarning,
    FeedbackKind,
    FeedbackStatus,
    Level,
    Plan,
    RatedObject,
    RatingChannel,
    RectificationStatus,
    ReplyRound,
    TargetType,
)


class RatingInvitation(models.Model):
    """The invitation to rate a completed case, open until `expires_on` (inclusive). A silent
    applicant leaves no rating: the invitation just expires."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
        related_name="rating_invitation",
    )
    channel = models.CharField(_("indicator set"), max_length=10, choices=RatingChannel.choices)
    invited_at = models.DateTimeField(_("invited at"))
    expires_on = models.DateField(_("open until"))
    expires_provisional = models.BooleanField(default=False)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating invitation")
        verbose_name_plural = _("rating invitations")

    def __str__(self) -> str:
        return f"{self.case} → {self.expires_on}"


class Evaluation(models.Model):
    """One rating (好差评) of one case and one rated object. Never changed once given, except
    that an upheld appeal excludes it from the statistics (it stays, marked excluded)."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="evaluations"
    )
    item = models.ForeignKey(
        "catalogue.ServiceItem", verbose_name=_("service item"), on_delete=models.PROTECT,
        related_name="evaluations",
    )
    organisation = models.ForeignKey(
        "identity.Organisation", verbose_name=_("handling organisation"),
        on_delete=models.PROTECT, related_name="evaluations",
    )
    rated_object = models.CharField(
        _("rated"), max_length=10, choices=RatedObject.choices, default=RatedObject.ITEM
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member rated"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evaluations_received",
    )
    channel = models.CharField(_("indicator set"), max_length=10, choices=RatingChannel.choices)
    level = models.PositiveSmallIntegerField(_("overall satisfaction"), choices=Level.choices)
    scores = models.JSONField(_("indicator scores"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rater"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="evaluations_given",
    )
    rater_name = models.CharField(_("rater's name"), max_length=60, blank=True)
    is_real_name = models.BooleanField(_("real-name rating"), default=True)
    at_counter = models.BooleanField(_("given at the counter"), default=False)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True, db_index=True)
    is_excluded = models.BooleanField(_("excluded from the statistics"), default=False)
    excluded_at = models.DateTimeField(_("excluded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["item", "created_at"], name="feedback_eval_item_idx"),
            models.Index(fields=["organisation", "created_at"], name="feedback_eval_org_idx"),
        ]
        constraints = [
            # Source: 国办发〔2019〕51号 "一事一评": one rating per case and rated object.
            models.UniqueConstraint(fields=["case", "rated_object"],
                                    name="feedback_one_rating_per_object"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="feedback_level_1_to_5"),
            models.CheckConstraint(
                condition=Q(rated_object=RatedObject.ITEM, staff__isnull=True)
                | Q(rated_object=RatedObject.STAFF, staff__isnull=False),
                name="feedback_staff_rating_names_staff",
            ),
            models.CheckConstraint(
                condition=Q(is_excluded=False, excluded_at__isnull=True)
                | Q(is_excluded=True, excluded_at__isnull=False),
                name="feedback_excluded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_rated_object_display()} {self.level}"

    @property
    def is_bad(self) -> bool:
        from qinkuaiban.feedback.rules import BAD_LEVELS

        return self.level in BAD_LEVELS


class Rectification(TimeStampedModel):
    """The loop a bad rating opens for the handling organisation: contact, verify, rectify
    (at once / by a deadline with a ledger entry) or explain, then call back."""

    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("rating"), on_delete=models.PROTECT,
        related_name="rectification",
    )
    organisation = models.ForeignKey(
        "identity.Organisation", verbose_name=_("handling organisation"),
        on_delete=models.PROTECT, related_name="rectifications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RectificationStatus.choices,
        default=RectificationStatus.AWAITING_CONTACT, db_index=True,
    )
    due_on = models.DateField(_("current step due on"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    warning = models.CharField(_("warning"), max_length=8, choices=DeadlineWarning.choices,
                               default=DeadlineWarning.NORMAL)
    # "<status>:<level>" of the last warning sent, so the sweep sends each one once.
    warning_notified = models.CharField(max_length=40, blank=True, editable=False)

    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    contact_note = models.TextField(_("contact"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)
    plan = models.CharField(_("rectification"), max_length=12, choices=Plan.choices, blank=True)
    ledger_entry = models.TextField(_("ledger entry"), blank=True)
    fix_due_on = models.DateField(_("to be fixed by"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("rectified or explained at"), null=True, blank=True)
    rectification_note = models.TextField(_("what was done"), blank=True)
    called_back_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    call_back_note = models.TextField(_("call-back"), blank=True)
    rater_satisfied = models.BooleanField(_("rater satisfied"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # 限期整改 keeps a ledger entry and a deadline.
            models.CheckConstraint(
                condition=~Q(plan=Plan.BY_DEADLINE)
                | (~Q(ledger_entry="") & Q(fix_due_on__isnull=False)),
                name="feedback_deadline_plan_has_ledger",
            ),
            models.CheckConstraint(
                condition=~Q(status=RectificationStatus.CLOSED)
                | Q(called_back_at__isnull=False, closed_at__isnull=False),
                name="feedback_closed_was_called_back",
            ),
        ]

    def __str__(self) -> str:
        return _("Rectification %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        from qinkuaiban.feedback.rules import RECTIFICATION_OPEN

        return self.status in RECTIFICATION_OPEN


class RectificationEvent(HistoryStep):
    """One step of a rectification. Append-only."""

    rectification = models.ForeignKey(
        Rectification, verbose_name=_("rectification"), on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from status"), max_length=20, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(HistoryStep.Meta):
        verbose_name = _("rectification step")
        verbose_name_plural = _("rectification steps")

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.action}"


class Appeal(models.Model):
    """申诉: the handling organisation holds a rating mistaken or malicious; the supervising
    division decides, with reasons. One per rating."""

    rectification = models.OneToOneField(
        Rectification, verbose_name=_("rectification"), on_delete=models.PROTECT,
        related_name="appeal",
    )
    ground = models.CharField(_("ground"), max_length=10, choices=AppealGround.choices)
    reason = models.TextField(_("reasons"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    due_on = models.DateField(_("to be decided by"))
    due_provisional = models.BooleanField(default=False)
    warning_notified = models.CharField(max_length=40, blank=True, editable=False)
    decision = models.CharField(_("decision"), max_length=10, choices=AppealDecision.choices,
                                blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reasons for the decision"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (~Q(decision="") & Q(decided_at__isnull=False) & ~Q(decision_reason="")),
                name="feedback_decision_with_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rectification_id} {self.ground}"

    @property
    def is_pending(self) -> bool:
        return not self.decision


class RoutingRule(TimeStampedModel):
    """Where a kind of feedback about a kind of target goes. The most specific active rule
    wins: kind + target type + the target's organisation, then kind + target type, then the
    kind alone; without a rule the service item's handling organisation receives it."""

    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    target_type = models.CharField(_("about"), max_length=15, choices=TargetType.choices,
                                   default=TargetType.NONE)
    target_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("when it concerns"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: whichever organisation the target belongs to."),
    )
    handling_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("handled by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: the organisation the target belongs to (谁办理谁负责)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last changed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["kind", "target_type", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(target_type=TargetType.NONE) | Q(handling_org__isnull=False),
                name="feedback_rule_without_target_names_handler",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.target_type}"


class ReplyTemplate(TimeStampedModel):
    """A reply text staff start from; shared (no organisation) or an organisation's own."""

    organisation = models.ForeignKey(
        "identity.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="reply_templates",
        help_text=_("Empty: offered to every organisation."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices, blank=True,
                            help_text=_("Empty: offered for every kind."))
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("last changed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Feedback(TimeStampedModel):
    """A complaint, suggestion, praise or letter to the leadership: the feedback side of a case
    of a feedback kind (number, tracking code, clock, transfers and history are the case's)."""

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="feedback"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices,
                            db_index=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    contact = models.CharField(_("contact"), max_length=120, blank=True)

    target_type = models.CharField(_("about"), max_length=15, choices=TargetType.choices,
                                   default=TargetType.NONE)
    target_case = models.ForeignKey(
        "cases.Case", verbose_name=_("case concerned"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="feedback_about",
    )
    target_item = models.ForeignKey(
        "catalogue.ServiceItem", verbose_name=_("service concerned"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="feedback_about",
    )
    target_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("organisation concerned"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="feedback_about",
    )
    target_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member concerned"), null=True,
        blank=True, on_delete=models.PROTECT, related_name="feedback_about",
    )
    target_text = models.CharField(_("named by the submitter"), max_length=100, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=FeedbackStatus.choices,
                              default=FeedbackStatus.OPEN, db_index=True)
    first_due_on = models.DateField(_("first reply due on"))
    due_on = models.DateField(_("current step due on"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    warning = models.CharField(_("warning"), max_length=8, choices=DeadlineWarning.choices,
                               default=DeadlineWarning.NORMAL)
    warning_notified = models.CharField(max_length=40, blank=True, editable=False)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)

    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="duplicates",
    )
    is_adopted = models.BooleanField(_("adopted"), default=False)
    adoption_note = models.TextField(_("what changes"), blank=True)
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)

    consent_to_publish = models.BooleanField(_("consent to publication"), default=False)
    published_at = models.DateTimeField(
        pgettext_lazy("feedback", "published at"), null=True, blank=True, db_index=True
    )
    public_title = models.CharField(_("published title"), max_length=200, blank=True)
    public_text = models.TextField(_("published text"), blank=True)
    public_reply = models.TextField(_("published reply"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A merged submission waits for the reply to the one it was merged into.
            models.CheckConstraint(
                condition=~Q(status=FeedbackStatus.MERGED) | Q(merged_into__isnull=False),
                name="feedback_merged_names_primary",
            ),
            models.CheckConstraint(
                condition=Q(is_adopted=False) | Q(kind=FeedbackKind.SUGGESTION),
                name="feedback_only_suggestions_adopted",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(consent_to_publish=True),
                name="feedback_published_with_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number or ''} {self.title}".strip()

    @property
    def number(self) -> str:
        return self.case.number or ""


class FeedbackReply(models.Model):
    """One answer to a feedback (round 1, the division head's second, a leader's third) and the
    submitter's verdict on it."""

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback"), on_delete=models.PROTECT, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(_("round"), choices=ReplyRound.choices)
    text = models.TextField(_("reply"))
    template = models.ForeignKey(
        ReplyTemplate, verbose_name=_("template"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("replied at"), auto_now_add=True)
    due_on = models.DateField(_("was due on"), null=True, blank=True)
    is_on_time = models.BooleanField(_("on time"), default=True)
    satisfied = models.BooleanField(_("submitter satisfied"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer_comment = models.TextField(_("submitter's comment"), blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["feedback", "round"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "round"],
                                    name="feedback_one_reply_a_round"),
            models.CheckConstraint(
                condition=Q(satisfied__isnull=True) | Q(answered_at__isnull=False),
                name="feedback_answer_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id} #{self.round}"


class FeedbackEvent(HistoryStep):
    """One step in a feedback's own history (routing, replies, verdicts, merging, adoption,
    publication). Append-only; submission, acceptance and transfers are in the case history."""

    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from status"), max_length=10, blank=True)
    to_status = models.CharField(_("to status"), max_length=10, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta(HistoryStep.Meta):
        verbose_name = _("feedback step")
        verbose_name_plural = _("feedback steps")

    def __str__(self) -> str:
        return f"{self.feedback_id} {self.action}"
