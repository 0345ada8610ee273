"""The service catalogue: items (服务事项), their immutable published versions (the 办事指南 a
case is submitted under) and each version's materials. Elements follow domain.md §1
(national 实施清单 practice, GB/T 39554.1-2020 for codes)."""

import re
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from qinkuaiban.catalogue.documents import (
    check_choice_list,
    validate_faq,
    validate_legal_basis,
    validate_process_steps,
    validate_special_steps,
    validate_text_list,
)
from qinkuaiban.catalogue.forms_spec import FieldSpec, parse_fields, validate_declaration
from qinkuaiban.core.models import TimeStampedModel
from qinkuaiban.core.validators import validate_credit_code

ITEM_CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]$"
ITEM_CODE = re.compile(ITEM_CODE_PATTERN)
validate_item_code = RegexValidator(
    ITEM_CODE_PATTERN,
    _("Use capital letters, digits and hyphens, e.g. QKB-TY-001."),
    code="invalid_item_code",
)


class ImmutableVersionError(Exception):
    """Raised on any attempt to change a published version or its materials."""


class Category(models.TextChoices):
    OFFICE_SPACE = "office_space", _("Office space and repairs")
    LOGISTICS = "logistics", _("Daily logistics")
    TRANSPORT = "transport", _("Vehicles and parking")
    HOUSING = "housing", _("Housing")
    CHILDCARE = "childcare", _("Childcare")
    ASSETS = "assets", _("State-owned assets")
    ENQUIRY = "enquiry", _("Consultation and supervision")
    OTHER = "other", _("Other services")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ItemType(models.TextChoices):
    ADMINISTRATIVE_LICENCE = "administrative_licence", _("Administrative licence")
    ADMINISTRATIVE_CONFIRMATION = "administrative_confirmation", _("Administrative confirmation")
    ADMINISTRATIVE_PAYMENT = "administrative_payment", _("Administrative payment")
    PUBLIC_SERVICE = "public_service", _("Public service")
    OTHER = "other", _("Other")


class ServiceObject(models.TextChoices):
    NATURAL_PERSON = "natural_person", _("Natural person")
    LEGAL_PERSON = "legal_person", _("Legal person")
    OTHER_ORGANISATION = "other_organisation", _("Other organisation")


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    WINDOW = "window", _("At the service window")
    POST = "post", _("By post")
    DOOR_TO_DOOR = "door_to_door", _("Door-to-door")


class OriginalOrCopy(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ORIGINAL_AND_COPY = "original_and_copy", _("Original and copy")


class Medium(models.TextChoices):
    PAPER = "paper", _("Paper")
    ELECTRONIC = "electronic", _("Electronic")
    PAPER_OR_ELECTRONIC = "paper_or_electronic", _("Paper or electronic")


class Necessity(models.TextChoices):
    """必要 / 容缺 / 非必要: a deferrable material may follow after acceptance (容缺受理)."""

    REQUIRED = "required", _("Required")
    DEFERRABLE = "deferrable", _("Deferrable")
    OPTIONAL = "optional", _("Optional")


def validate_service_objects(value: Any) -> None:
    check_choice_list(value, ServiceObject.values)


def validate_channels(value: Any) -> None:
    check_choice_list(value, Channel.values)


class ServiceItem(TimeStampedModel):
    """A service of the GOA: its stable identity (code, kind, handling division) and a pointer
    to the version currently published in the guide."""

    code = models.CharField(
        _("implementation code"), max_length=40, unique=True, validators=[validate_item_code],
        help_text=_("实施编码, used in addresses and the API, e.g. QKB-TY-001."),
    )
    basic_code = models.CharField(_("basic code"), max_length=40, blank=True)
    kind = models.SlugField(
        pgettext_lazy("service item", "kind"), max_length=40, db_index=True,
        help_text=_("The case kind that handles this service, e.g. generic, parking."),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    handling_org = models.ForeignKey(
        "identity.Organisation", verbose_name=_("handling division"), on_delete=models.PROTECT,
        related_name="service_items",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT,
        db_index=True,
    )
    current_version = models.ForeignKey(
        "ServiceItemVersion", verbose_name=_("current version"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    # An operating switch, not part of the guide: on the morning an allocation window opens,
    # applications are received at once and registered as cases by the intake worker.
    queued_intake = models.BooleanField(
        _("queued intake"), default=False,
        help_text=_("Applications submitted in one go are received at once with a receipt and "
                    "registered as cases within seconds (for peak days)."),
    )

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["category", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.PUBLISHED) | Q(current_version__isnull=False),
                name="catalogue_published_item_has_version",
            ),
        ]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version is not None else ""
        return f"{self.code} {name}".strip()


class ServiceItemVersion(TimeStampedModel):
    """One edition of an item's guide. A draft is edited freely; once published it never
    changes (cases keep a foreign key to the version they were submitted under)."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("service item"), on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version number"))
    change_note = models.CharField(_("change note"), max_length=200, blank=True)

    # Identity
    name = models.CharField(pgettext_lazy("service item", "name"), max_length=120)
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True,
        help_text=_("Other words people search with, separated by spaces."),
    )
    item_type = models.CharField(
        _("item type"), max_length=32, choices=ItemType.choices, default=ItemType.PUBLIC_SERVICE
    )
    summary = models.TextField(_("summary"), blank=True)

    # Legal: [{"law": ..., "article": ..., "text": ...}]
    legal_basis = models.JSONField(
        _("legal basis"), default=list, blank=True, validators=[validate_legal_basis]
    )
    implementation_basis = models.TextField(_("implementation basis"), blank=True)

    # Agency
    agency_name = models.CharField(_("implementing agency"), max_length=120)
    agency_credit_code = models.CharField(
        _("agency credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    co_handling_orgs = models.JSONField(
        _("co-handling organisations"), default=list, blank=True, validators=[validate_text_list]
    )

    # Applicant
    service_objects = models.JSONField(
        _("service objects"), default=list, blank=True, validators=[validate_service_objects]
    )
    conditions = models.TextField(_("conditions for acceptance"))
    quantity_limits = models.TextField(_("quantity limits"), blank=True)

    # Process: [{"name": ..., "description": ...}] and
    # special steps [{"name": ..., "limit_days": int, "counts_toward_limit": bool}]
    process_steps = models.JSONField(
        _("process steps"), default=list, blank=True, validators=[validate_process_steps]
    )
    special_steps = models.JSONField(
        _("special steps"), default=list, blank=True, validators=[validate_special_steps]
    )

    # Time, in working days (行政许可法 第八十二条).
    legal_days = models.PositiveSmallIntegerField(_("legal time limit (working days)"))
    promised_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    is_instant = models.BooleanField(
        _("handled at once"), default=False,
        help_text=_("即办件: completed on the spot (马上就办); the promised limit is 0."),
    )

    # Fees
    is_charged = models.BooleanField(_("charged"), default=False)
    fee_basis = models.TextField(_("fee basis"), blank=True)
    fee_standard = models.TextField(_("fee standard"), blank=True)

    # Channels
    channels = models.JSONField(
        _("channels"), default=list, blank=True, validators=[validate_channels]
    )
    visits = models.PositiveSmallIntegerField(
        _("visits needed"), default=0,
        help_text=_("Times the applicant must come in person: 0 = no visit, 1 = one visit."),
    )
    has_appointment = models.BooleanField(_("appointment available"), default=False)
    place = models.CharField(_("place"), max_length=200, blank=True)
    hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("supervision and complaint phone"), max_length=40)

    # Result
    result_name = models.CharField(_("result"), max_length=120, blank=True)
    result_delivery = models.CharField(_("result delivery"), max_length=200, blank=True)
    result_sample = models.FileField(
        _("result sample"), upload_to="catalogue/samples/", blank=True
    )

    # Other: [{"question": ..., "answer": ...}]
    faq = models.JSONField(
        _("frequently asked questions"), default=list, blank=True, validators=[validate_faq]
    )

    # The application form, declared field by field (see forms_spec.py).
    form_fields = models.JSONField(
        _("form fields"), default=list, blank=True, validators=[validate_declaration]
    )

    # Chinese text plus pinyin in full and initials, computed on save (search.py).
    search_text = models.TextField(editable=False, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("service item version")
        verbose_name_plural = _("service item versions")
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalogue_version_number"),
            # One draft at a time per item, so two editors never fork the guide.
            models.UniqueConstraint(
                fields=["item"], condition=Q(published_at__isnull=True),
                name="catalogue_one_draft_per_item",
            ),
            # Source: domain.md §1 — the promised limit never exceeds the legal one.
            models.CheckConstraint(
                condition=Q(promised_days__lte=F("legal_days")),
                name="catalogue_promised_within_legal",
            ),
            # 即办件 are completed at once; 承诺件 promise at least one working day.
            models.CheckConstraint(
                condition=Q(is_instant=True, promised_days=0)
                | Q(is_instant=False, promised_days__gte=1),
                name="catalogue_instant_means_zero_days",
            ),
            models.CheckConstraint(
                condition=~Q(complaint_phone=""), name="catalogue_complaint_phone_required"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="catalogue_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    def clean(self) -> None:
        """The time rules of the constraints, as errors a form can show next to the fields."""
        errors: dict[str, Any] = {}
        if self.legal_days is not None and self.promised_days is not None:
            if self.promised_days > self.legal_days:
                errors["promised_days"] = ValidationError(
                    ngettext("The promised limit of %(promised)s may not exceed the legal limit "
                             "of %(legal)s working day.",
                             "The promised limit of %(promised)s may not exceed the legal limit "
                             "of %(legal)s working days.", self.legal_days),
                    code="promised_exceeds_legal",
                    params={"promised": self.promised_days, "legal": self.legal_days},
                )
            elif self.is_instant and self.promised_days != 0:
                errors["promised_days"] = ValidationError(
                    _("An item handled at once promises 0 working days."),
                    code="instant_promises_zero",
                )
            elif not self.is_instant and self.promised_days == 0:
                errors["promised_days"] = ValidationError(
                    _("Promise at least 1 working day, or mark the item as handled at once."),
                    code="promise_needs_days",
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @cached_property
    def field_specs(self) -> tuple[FieldSpec, ...]:
        """The declared form fields, checked and parsed once per instance (a published
        version's travel with it in the process's cache, shared by every request: so a tuple
        of frozen specs, catalogue.selectors). For published versions: a draft edited after
        this was read would keep the old fields."""
        return tuple(parse_fields(self.form_fields))

    @property
    def door_to_door(self) -> bool:
        """Staff come to the applicant (上门服务)."""
        return Channel.DOOR_TO_DOOR in (self.channels or [])

    @property
    def compression_days(self) -> int:
        return self.legal_days - self.promised_days

    @property
    def compression_percent(self) -> int:
        """How much shorter the promise is than the law, in whole percent (压缩办结时限)."""
        if not self.legal_days:
            return 0
        return round(100 * self.compression_days / self.legal_days)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Checked against the stored row, so a stale copy of a published version cannot slip by.
        if not self._state.adding and type(self).objects.filter(
            pk=self.pk, published_at__isnull=False
        ).exists():
            raise ImmutableVersionError("A published version cannot be changed")
        from qinkuaiban.catalogue.search import search_text_for

        self.search_text = search_text_for(self.name, self.keywords)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_published or type(self).objects.filter(
            pk=self.pk, published_at__isnull=False
        ).exists():
            raise ImmutableVersionError("A published version cannot be deleted")
        return super().delete(*args, **kwargs)


class Material(models.Model):
    """One material an applicant hands in for a version of an item, in guide order."""

    version = models.ForeignKey(
        ServiceItemVersion, verbose_name=_("version"), on_delete=models.CASCADE,
        related_name="materials",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=200)
    original_or_copy = models.CharField(
        _("original or copy"), max_length=20, choices=OriginalOrCopy.choices,
        default=OriginalOrCopy.ORIGINAL,
    )
    medium = models.CharField(
        _("paper or electronic"), max_length=20, choices=Medium.choices,
        default=Medium.PAPER_OR_ELECTRONIC,
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    necessity = models.CharField(
        _("necessity"), max_length=12, choices=Necessity.choices, default=Necessity.REQUIRED
    )
    source = models.CharField(pgettext_lazy("material", "source"), max_length=200, blank=True)
    notes = models.TextField(_("notes for filling in"), blank=True)
    blank_form = models.FileField(_("blank form"), upload_to="catalogue/forms/", blank=True)
    sample = models.FileField(_("filled-in sample"), upload_to="catalogue/samples/", blank=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(copies__gte=1), name="catalogue_material_copies"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._check_mutable()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._check_mutable()
        return super().delete(*args, **kwargs)

    def _check_mutable(self) -> None:
        if ServiceItemVersion.objects.filter(
            pk=self.version_id, published_at__isnull=False
        ).exists():
            raise ImmutableVersionError("Materials of a published version cannot be changed")
