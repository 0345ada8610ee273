"""Forms of the case pages. They check the shape of the input only; every rule (who may act,
in which status, the one-time notice, the legal ceiling of an extension, …) is the service's.

Each workflow action has one `ActionForm` subclass in `ACTION_FORMS`: it renders the inputs the
action needs and calls the action's service function with the cleaned values.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from qinkuaiban.cases import held, legal, notifying, services
from qinkuaiban.cases.kinds import ENQUIRY, ExtraAction
from qinkuaiban.cases.models import (
    Case,
    Channel,
    Outcome,
    RejectGround,
    SpecialProcedure,
    SupplementRequest,
)
from qinkuaiban.cases.workflow import Action
from qinkuaiban.catalogue.models import Material, Necessity, ServiceItem
from qinkuaiban.core.errors import InvalidInput, NotPermitted
from qinkuaiban.core.widgets import DateInput
from qinkuaiban.identity.models import Organisation, OrganisationKind, User

REASON_ROWS = 3


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (e.g. both sides of a card for one material)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


NECESSITY_HELP: dict[str, Any] = {
    Necessity.REQUIRED: gettext_lazy("Required: the application cannot be submitted without it."),
    Necessity.DEFERRABLE: gettext_lazy(
        "Deferrable (容缺): may follow after acceptance if you do not have it yet."
    ),
    Necessity.OPTIONAL: gettext_lazy("Optional."),
}


class MaterialsForm(forms.Form):
    """One file input per material of the checklist, plus one for anything else. Files held
    from an earlier attempt (`held.py`) and still ticked join their material's list, so they
    are checked and attached exactly as files chosen anew."""

    def __init__(self, data: Any = None, files: Any = None, *, materials: Sequence[Material],
                 returned: held.Returned | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "materials")
        super().__init__(data, files, **kwargs)
        self.materials = list(materials)
        for material in self.materials:
            self.fields[f"m{material.pk}"] = MultipleFileField(
                label=material.name, help_text=NECESSITY_HELP.get(material.necessity, "")
            )
        self.fields["other"] = MultipleFileField(
            label=gettext_lazy("Other files"),
            help_text=gettext_lazy("Anything else that supports the application."),
        )
        self.returned = returned or held.Returned()
        # Set once the files were saved with a draft: nothing is left to hold.
        self.attached = False
        # Each upload that came from a held file, by identity: kept as it is after an error.
        self._held_uploads: dict[int, held.HeldFile] = {}
        # What the page lists under each input after an error (`hold_chosen`).
        self.held: dict[str, list[held.HeldFile]] = {}
        if self.returned.kept:
            self.files = self.files.copy()
            for found, upload in self.returned.kept:
                self.files.appendlist(self.add_prefix(self._field_name(found.material_id)),
                                      upload)
                self._held_uploads[id(upload)] = found

    @staticmethod
    def _field_name(material_id: int | None) -> str:
        return "other" if material_id is None else f"m{material_id}"

    def _inputs(self) -> list[tuple[int | None, str]]:
        """(material id or None, input name) of every input, in checklist order."""
        return [(m.pk, self._field_name(m.pk)) for m in self.materials] + [(None, "other")]

    def rows(self) -> list[tuple[Material | None, forms.BoundField]]:
        """Each material with its input, in checklist order, then the input for other files."""
        found: list[tuple[Material | None, forms.BoundField]] = [
            (material, self[f"m{material.pk}"]) for material in self.materials
        ]
        found.append((None, self["other"]))
        return found

    def rows_with_held(self) -> list[tuple[Material | None, forms.BoundField,
                                           list[held.HeldFile]]]:
        """`rows`, each with the files held for it."""
        return [(material, field, self.held.get(field.name, []))
                for material, field in self.rows()]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.returned.lost:
            raise forms.ValidationError(
                ngettext("A file you chose earlier has expired and must be chosen again.",
                         "%(count)s files you chose earlier have expired and must be chosen "
                         "again.", self.returned.lost) % {"count": self.returned.lost},
                code="held_file_expired",
            )
        return cleaned

    def files_chosen(self) -> list[services.MaterialFile]:
        """(material id or None, file) for every chosen file."""
        return [(material_id, f) for material_id, name in self._inputs()
                for f in self.cleaned_data.get(name, [])]

    def hold_chosen(self, *, actor: User) -> None:
        """After an error: keep every chosen file the upload checks accept for the next
        attempt (a held one stays under its token: its file and its expiry are those of the
        first attempt); a refused one is not kept, and its message shows under its input
        unless the service's error or the input's own check already says why."""
        if self.attached:
            return
        said = {str(message) for message in self.non_field_errors()}
        refused_by_input = set(self.errors)
        for material_id, name in self._inputs():
            for upload in self.files.getlist(self.add_prefix(name)):
                found = self._held_uploads.get(id(upload))
                if found is None:
                    try:
                        found = held.hold(upload, actor=actor, material_id=material_id)
                    except InvalidInput as exc:
                        # An empty file, say, is already refused by its input's own check.
                        if exc.message not in said and name not in refused_by_input:
                            self.add_error(name, exc.message)
                        continue
                self.held.setdefault(name, []).append(found)


class ApplyForm(forms.Form):
    """The hidden one-time token of an application form and which button was pressed."""

    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    intent = forms.ChoiceField(
        choices=[("draft", "draft"), ("submit", "submit")], widget=forms.HiddenInput
    )


class QueueFilterForm(forms.Form):
    """Filters of the work queue; invalid values are ignored rather than refused."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    warning = forms.ChoiceField(label=gettext_lazy("Warning"), required=False)
    item = forms.ChoiceField(label=gettext_lazy("Service"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, *args: Any, statuses: Sequence[tuple[str, Any]],
                 warnings: Sequence[tuple[str, Any]], items: Sequence[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("All"))
        self.fields["status"].choices = [everything, *statuses]  # type: ignore[attr-defined]
        self.fields["warning"].choices = [everything, *warnings]  # type: ignore[attr-defined]
        self.fields["item"].choices = [everything, *items]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"status": "", "warning": "", "item_code": "", "overdue": False}
        data = self.cleaned_data
        return {"status": data["status"], "warning": data["warning"],
                "item_code": data["item"], "overdue": data["overdue"]}


class EnquiryForm(forms.Form):
    """Who asked and how (首问负责); the question itself is the enquiry item's own form."""

    item = forms.ChoiceField(label=gettext_lazy("Kind of enquiry"))
    channel = forms.ChoiceField(
        label=gettext_lazy("How the question came in"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.WINDOW, Channel.WINDOW.label),
                 (Channel.ON_SITE, Channel.ON_SITE.label)],
    )
    submitter_name = forms.CharField(label=gettext_lazy("Name of the caller or visitor"),
                                     max_length=60)
    submitter_contact = forms.CharField(
        label=gettext_lazy("Contact"), max_length=120, required=False,
        help_text=gettext_lazy("A phone number or another way to give the answer."),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, items: Sequence[ServiceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {item.code: item for item in items}
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            (item.code, item.current_version.name if item.current_version else item.code)
            for item in items
        ]

    def chosen_item(self) -> ServiceItem | None:
        code = self.data.get(self.add_prefix("item")) or self.initial.get("item")
        return self.items.get(str(code)) if code else next(iter(self.items.values()), None)


class RegisterCaseForm(forms.Form):
    """The window registers a case for someone (首问负责): the service, the applicant's account
    or, without one, their name and contact, and how the application came in. The application
    itself is the item's own declared form."""

    NO_ACCOUNT = "none"

    item = forms.ChoiceField(label=gettext_lazy("Service"))
    # An account's primary key from the search results, or NO_ACCOUNT.
    applicant = forms.CharField(
        max_length=20,
        error_messages={"required": gettext_lazy(
            "Choose the applicant's account from the search results, or “No account”.")},
    )
    submitter_name = forms.CharField(label=gettext_lazy("Name (without an account)"),
                                     max_length=60, required=False)
    submitter_contact = forms.CharField(
        label=gettext_lazy("Contact (without an account)"), max_length=120, required=False,
        help_text=gettext_lazy("A phone number or another way to reach them about the case."),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("How the application came in"), widget=forms.RadioSelect,
        choices=[(Channel.WINDOW, Channel.WINDOW.label), (Channel.PHONE, Channel.PHONE.label),
                 (Channel.ON_SITE, Channel.ON_SITE.label)],
    )
    form_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, items: Sequence[ServiceItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {item.code: item for item in items}
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a service")),
            *[(item.code, item.current_version.name if item.current_version else item.code)
              for item in items],
        ]

    def chosen_item(self) -> ServiceItem | None:
        """The item picked (posted or asked for), if it is one the actor may register."""
        code = self.data.get(self.add_prefix("item")) if self.is_bound else self.initial.get(
            "item")
        return self.items.get(str(code)) if code else None

    def chosen_applicant_id(self) -> int | None:
        """The account picked (posted or asked for), before validation."""
        value = str((self.data if self.is_bound else self.initial).get("applicant") or "")
        return int(value) if value.isdigit() else None

    def clean_applicant(self) -> str:
        value: str = self.cleaned_data["applicant"].strip()
        if value != self.NO_ACCOUNT and not value.isdigit():
            raise forms.ValidationError(
                _("Choose the applicant's account from the search results, or “No account”."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("applicant") == self.NO_ACCOUNT:
            for name in ("submitter_name", "submitter_contact"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Needed when the person has no account."))
        return data

    def applicant_id(self) -> int | None:
        """The chosen account, or None for someone registered by name."""
        value = self.cleaned_data["applicant"]
        return None if value == self.NO_ACCOUNT else int(value)


class ProgressForm(forms.Form):
    reference = forms.CharField(
        label=gettext_lazy("Case number or tracking code"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Verification code or PIN"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class VerifyForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Case number"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Notice verification code"), max_length=16,
        help_text=gettext_lazy("Printed at the foot of the notice, beside the QR code. It is "
                               "not the verification code given when applying."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


# --- workflow actions ------------------------------------------------------------------------


def _reason(*, required: bool, label: Any = None, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label or (pgettext_lazy("case action", "Reason") if required
                        else pgettext_lazy("case action", "Note")),
        required=required, max_length=2000, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": REASON_ROWS}),
    )


class ActionForm(forms.Form):
    """The inputs of one workflow action on one case; `perform` calls the service.

    `done_message` is what the actor reads once the action is taken (past tense, never built
    from the button's label). An action that cannot be undone names its consequence in
    `confirmation`, in the actor's own words ("I have checked …; completing … cannot be
    undone."): the form then has a required checkbox with that text, so no single click
    takes it, with or without JavaScript. The confirmation belongs to these pages only: the API
    takes the same actions at once, its client being responsible for asking its user first.

    A confirmation that promises the applicant a notice has a twin, `confirmation_unnotified`,
    read instead when the platform tells the applicant nothing (a case registered by name only
    has no account to tell): the same predicate as the notification decides, so the box and what
    happens cannot disagree."""

    action: ClassVar[str]
    done_message: ClassVar[Any] = gettext_lazy("The case was updated.")
    confirmation: ClassVar[Any] = None
    confirmation_unnotified: ClassVar[Any] = None
    # Actions that change nothing but the status need no more than a button.
    is_simple: ClassVar[bool] = False
    multipart: ClassVar[bool] = False
    danger: ClassVar[bool] = False

    def __init__(self, *args: Any, case: Case, actor: User, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.case, self.actor = case, actor
        confirmation = self.consequence()
        if confirmation is not None:
            self.fields["confirmed"] = forms.BooleanField(
                label=confirmation, required=True,
                error_messages={"required": gettext_lazy("Tick the box to confirm.")},
            )

    def consequence(self) -> Any:
        """The text of the confirmation box (None: the action asks for none)."""
        if self.confirmation_unnotified is not None and not notifying.tells_applicant(
                self.case, self.action):
            return self.confirmation_unnotified
        return self.confirmation

    @property
    def label(self) -> str:
        return str(Action(self.action).label)

    @property
    def done(self) -> str:
        """The confirmation shown once the action is taken."""
        return str(self.done_message)

    def perform(self) -> Case:
        """Take the action; forms whose action needs more than a reason override this."""
        return services.transition_case(
            case=self.case, action=self.action, actor=self.actor,
            reason=self.cleaned_data.get("reason", ""),
        )


class AcceptForm(ActionForm):
    action = Action.ACCEPT
    done_message = gettext_lazy("The case was accepted; the promised time limit is running.")
    confirmation = gettext_lazy(
        "I have checked that the materials are complete and in the required form. Accepting "
        "starts the promised time limit and cannot be undone.")
    reason = _reason(required=False)

    def perform(self) -> Case:
        return services.accept(case=self.case, actor=self.actor,
                               reason=self.cleaned_data["reason"])


class RequestSupplementForm(ActionForm):
    """补正: a checkbox and a problem for every material of the checklist, plus one free entry."""

    action = Action.REQUEST_SUPPLEMENT
    done_message = gettext_lazy("The one-time notice of the missing materials was sent.")
    reason = _reason(
        required=True, label=gettext_lazy("Note to the applicant"),
        help_text=gettext_lazy("Printed on the one-time notice (补正告知书)."),
    )
    other_name = forms.CharField(label=gettext_lazy("Other material"), max_length=200,
                                 required=False)
    # Its own label: the boxes of the checklist's materials read "What is missing or wrong".
    other_problem = forms.CharField(
        label=gettext_lazy("What is missing or wrong with the other material"), max_length=500,
        required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.materials = list(self.case.version.materials.all())
        for material in self.materials:
            self.fields[f"pick_{material.pk}"] = forms.BooleanField(
                label=material.name, required=False
            )
            self.fields[f"problem_{material.pk}"] = forms.CharField(
                label=gettext_lazy("What is missing or wrong"), max_length=500, required=False,
            )

    def rows(self) -> list[tuple[Material, forms.BoundField, forms.BoundField]]:
        return [(m, self[f"pick_{m.pk}"], self[f"problem_{m.pk}"]) for m in self.materials]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        entries: list[dict[str, Any]] = []
        for material in self.materials:
            problem = (data.get(f"problem_{material.pk}") or "").strip()
            if data.get(f"pick_{material.pk}"):
                if not problem:
                    self.add_error(f"problem_{material.pk}",
                                   _("Say what is missing or wrong with this material."))
                entries.append({"material": material.pk, "problem": problem})
        other_name = (data.get("other_name") or "").strip()
        other_problem = (data.get("other_problem") or "").strip()
        if other_name or other_problem:
            if not (other_name and other_problem):
                self.add_error("other_problem", _("Name the material and say what is wrong."))
            entries.append({"material": None, "name": other_name, "problem": other_problem})
        if not entries and not self.errors:
            raise forms.ValidationError(_("Tick at least one material."))
        data["entries"] = entries
        return data

    def perform(self) -> Case:
        return services.request_supplement(
            case=self.case, actor=self.actor, materials=self.cleaned_data["entries"],
            reason=self.cleaned_data["reason"],
        )


class SupplementForm(ActionForm):
    """The applicant uploads what the notice asked for and hands it in."""

    action = Action.SUPPLEMENT
    done_message = gettext_lazy("The supplementary materials were handed in.")
    multipart = True
    reason = _reason(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requested = self.requested_materials()
        for entry in self.requested:
            self.fields[f"file_{entry['key']}"] = MultipleFileField(
                label=entry["name"], help_text=entry["problem"]
            )

    def requested_materials(self) -> list[dict[str, Any]]:
        request = (
            SupplementRequest.objects.filter(case=self.case, supplied_at__isnull=True)
            .order_by("-round").first()
        )
        items = request.items if request is not None else []
        return [{"key": entry.get("material") or f"x{index}", "material": entry.get("material"),
                 "name": entry.get("name", ""), "problem": entry.get("problem", "")}
                for index, entry in enumerate(items)]

    def files_chosen(self) -> list[services.MaterialFile]:
        return [(entry["material"], file) for entry in self.requested
                for file in self.cleaned_data.get(f"file_{entry['key']}", [])]

    def perform(self) -> Case:
        for material_id, file in self.files_chosen():
            services.add_attachment(case=self.case, actor=self.actor, file=file,
                                    material_id=material_id)
        return services.supplement(case=self.case, actor=self.actor,
                                   reason=self.cleaned_data["reason"])


class SupplyDeferredForm(SupplementForm):
    action = Action.SUPPLY_DEFERRED
    done_message = gettext_lazy("The deferred materials were handed in.")

    def requested_materials(self) -> list[dict[str, Any]]:
        return [{"key": entry.get("material"), "material": entry.get("material"),
                 "name": entry.get("name", ""), "problem": ""}
                for entry in self.case.deferred_materials]


class AcceptDeferredForm(ActionForm):
    """容缺受理: which deferrable materials follow, and by when."""

    action = Action.ACCEPT_DEFERRED
    done_message = gettext_lazy("The case was accepted with materials to follow.")
    confirmation = gettext_lazy(
        "I have checked that the materials are complete apart from those ticked above to "
        "follow; accepting starts the promised time limit and cannot be undone, and if they do "
        "not follow by the date set above, the case is terminated.")
    missing = forms.MultipleChoiceField(
        label=gettext_lazy("Materials that may follow"), widget=forms.CheckboxSelectMultiple
    )
    due_on = forms.DateField(label=gettext_lazy("To be supplied by"),
                             widget=DateInput())
    reason = _reason(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["missing"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), m.name) for m in self.case.version.materials.all()
            if m.necessity == Necessity.DEFERRABLE
        ]

    def perform(self) -> Case:
        data = self.cleaned_data
        return services.accept_deferred(
            case=self.case, actor=self.actor, missing=[int(v) for v in data["missing"]],
            due_on=data["due_on"], reason=data["reason"],
        )


class RejectForm(ActionForm):
    action = Action.REJECT
    done_message = gettext_lazy("The decision not to accept was issued.")
    confirmation = gettext_lazy(
        "I have checked the statutory ground and the reason given above; not accepting sends "
        "the applicant the decision not to accept, closes the case and cannot be undone.")
    confirmation_unnotified = gettext_lazy(
        "I have checked the statutory ground and the reason given above; not accepting closes "
        "the case, sends no notice as the applicant has no platform account (hand or send them "
        "the decision not to accept) and cannot be undone.")
    danger = True
    # Starts empty: a ground is a decision, never a default.
    ground = forms.ChoiceField(
        label=gettext_lazy("Statutory ground"),
        choices=[("", gettext_lazy("Choose the statutory ground for not accepting")),
                 *RejectGround.choices],
        error_messages={"required": gettext_lazy(
            "Choose the statutory ground for not accepting.")},
    )
    competent_agency = forms.CharField(
        label=gettext_lazy("Competent agency"), max_length=120, required=False,
        help_text=gettext_lazy("Required when the matter is not within this agency's remit."),
    )
    reason = _reason(required=True)
    remedies = forms.CharField(
        label=gettext_lazy("Remedies (optional addition)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The notice states the remedies the item's type gives (legal.py); staff add the body.
        self.fields["remedies"].help_text = (
            gettext_lazy("The notice states the right to administrative reconsideration and "
                         "litigation; add the reconsideration body and the court here.")
            if legal.has_statutory_remedies(self.case.version.item_type) else
            gettext_lazy("The notice names the supervision and complaint phone; add here how "
                         "to ask this agency for a review."))

    def perform(self) -> Case:
        data = self.cleaned_data
        return services.reject(
            case=self.case, actor=self.actor, ground=data["ground"], reason=data["reason"],
            competent_agency=data["competent_agency"], remedies=data["remedies"],
        )


class StartSpecialForm(ActionForm):
    action = Action.START_SPECIAL
    done_message = gettext_lazy("The special procedure started; the time limit is paused.")
    procedure = forms.ChoiceField(label=gettext_lazy("Special procedure"),
                                  choices=SpecialProcedure.choices)
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.start_special(case=self.case, actor=self.actor,
                                      procedure=self.cleaned_data["procedure"],
                                      reason=self.cleaned_data["reason"])


class EndSpecialForm(ActionForm):
    action = Action.END_SPECIAL
    done_message = gettext_lazy("The special procedure ended; the time limit runs again.")
    is_simple = True
    reason = _reason(required=False)

    def perform(self) -> Case:
        return services.end_special(case=self.case, actor=self.actor,
                                    reason=self.cleaned_data["reason"])


class ExtendForm(ActionForm):
    action = Action.EXTEND
    done_message = gettext_lazy("The time limit was extended.")
    days = forms.IntegerField(label=gettext_lazy("Extension (working days)"), min_value=1,
                              max_value=365)
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.extend(case=self.case, actor=self.actor, days=self.cleaned_data["days"],
                               reason=self.cleaned_data["reason"])


class CompleteForm(ActionForm):
    action = Action.COMPLETE
    done_message = gettext_lazy("The case was completed.")
    confirmation = gettext_lazy(
        "I have checked the outcome chosen above; completing closes the case, sends the "
        "applicant the notice of completion and cannot be undone.")
    confirmation_unnotified = gettext_lazy(
        "I have checked the outcome chosen above; completing closes the case, sends no notice "
        "as the applicant has no platform account (hand or send them the notice of completion) "
        "and cannot be undone.")
    outcome = forms.ChoiceField(label=pgettext_lazy("case", "Outcome"), choices=Outcome.choices,
                                initial=Outcome.APPROVED, widget=forms.RadioSelect)
    reason = _reason(
        required=False, label=gettext_lazy("Reason for the decision"),
        help_text=gettext_lazy("Required when the application is not approved."),
    )
    remedies = forms.CharField(
        label=gettext_lazy("Remedies"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Which remedies a decision not to approve states depends on the item's type (legal.py).
        self.fields["remedies"].help_text = (
            gettext_lazy("Required when not approved: administrative reconsideration or "
                         "litigation, with the reconsideration body, the court and the time "
                         "limits.")
            if legal.has_statutory_remedies(self.case.version.item_type) else
            gettext_lazy("Required when not approved: how to ask this agency for a review, "
                         "and by when."))

    def perform(self) -> Case:
        data = self.cleaned_data
        return services.complete(case=self.case, actor=self.actor, outcome=data["outcome"],
                                 reason=data["reason"], remedies=data["remedies"])


class AnswerEnquiryForm(ActionForm):
    """An enquiry is completed by answering it."""

    action = Action.COMPLETE
    done_message = gettext_lazy("The enquiry was answered.")
    reason = forms.CharField(label=gettext_lazy("Answer"), max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    @property
    def label(self) -> str:
        return _("Answer the enquiry")

    def perform(self) -> Case:
        return services.complete(case=self.case, actor=self.actor, outcome=Outcome.APPROVED,
                                 reason=self.cleaned_data["reason"])


class InstantForm(CompleteForm):
    action = Action.INSTANT
    done_message = gettext_lazy("The case was handled and completed at once.")
    confirmation = gettext_lazy(
        "I have checked the materials and the outcome chosen above; handling at once accepts "
        "and completes the case in one step, sends the applicant the notice of completion and "
        "cannot be undone.")
    confirmation_unnotified = gettext_lazy(
        "I have checked the materials and the outcome chosen above; handling at once accepts "
        "and completes the case in one step, sends no notice as the applicant has no platform "
        "account (hand or send them the notice of completion) and cannot be undone.")

    def perform(self) -> Case:
        data = self.cleaned_data
        return services.handle_instantly(case=self.case, actor=self.actor,
                                         outcome=data["outcome"], reason=data["reason"],
                                         remedies=data["remedies"])


class WithdrawForm(ActionForm):
    action = Action.WITHDRAW
    done_message = gettext_lazy("The application was withdrawn.")
    confirmation = gettext_lazy(
        "I understand that withdrawing ends this application for good and cannot be undone; "
        "to apply again, I must submit a new one.")
    danger = True
    reason = _reason(required=False)

    def perform(self) -> Case:
        return services.withdraw(case=self.case, actor=self.actor,
                                 reason=self.cleaned_data["reason"])


class VoidForm(ActionForm):
    action = Action.VOID
    done_message = gettext_lazy("The case was voided.")
    confirmation = gettext_lazy(
        "I have checked that this case was registered in error; voiding closes it, tells the "
        "applicant and cannot be undone.")
    confirmation_unnotified = gettext_lazy(
        "I have checked that this case was registered in error; voiding closes it, sends no "
        "notice as the applicant has no platform account, and cannot be undone.")
    danger = True
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.void(case=self.case, actor=self.actor, reason=self.cleaned_data["reason"])


class TerminateForm(ActionForm):
    action = Action.TERMINATE
    done_message = gettext_lazy("The handling of the case was terminated.")
    confirmation = gettext_lazy(
        "I have checked the reason given above; terminating ends the handling of the case, "
        "tells the applicant and cannot be undone.")
    confirmation_unnotified = gettext_lazy(
        "I have checked the reason given above; terminating ends the handling of the case, "
        "sends no notice as the applicant has no platform account, and cannot be undone.")
    danger = True
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.terminate(case=self.case, actor=self.actor,
                                  reason=self.cleaned_data["reason"])


def transfer_targets(case: Case) -> list[Organisation]:
    """Organisations a case may be handed to: active GOA divisions and organs, not its own."""
    return list(
        Organisation.objects.filter(
            is_active=True,
            kind__in=[OrganisationKind.GOA, OrganisationKind.DIVISION, OrganisationKind.ORGAN,
                      OrganisationKind.INSTITUTION],
        ).exclude(pk=case.handling_org_id).select_related("parent").order_by("sort_order", "name")
    )


class TransferForm(ActionForm):
    action = Action.TRANSFER
    done_message = gettext_lazy(
        "The case was transferred; you stay responsible until it is taken over.")
    to_org = forms.ChoiceField(label=gettext_lazy("Transfer to"))
    reason = _reason(required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = {str(org.pk): org for org in transfer_targets(self.case)}
        self.fields["to_org"].choices = [  # type: ignore[attr-defined]
            ("", "---------"),
            *[(pk, f"{org.parent.display_name} · {org.name}" if org.parent else org.name)
              for pk, org in self.targets.items()],
        ]

    def perform(self) -> Case:
        return services.transfer(case=self.case, actor=self.actor,
                                 to_org=self.targets[self.cleaned_data["to_org"]],
                                 reason=self.cleaned_data["reason"])


class AcceptTransferForm(ActionForm):
    action = Action.ACCEPT_TRANSFER
    done_message = gettext_lazy("The transfer was taken over; the case is yours now.")
    is_simple = True
    reason = _reason(required=False)

    def perform(self) -> Case:
        return services.accept_transfer(case=self.case, actor=self.actor,
                                        reason=self.cleaned_data["reason"])


class RefuseTransferForm(ActionForm):
    action = Action.REFUSE_TRANSFER
    done_message = gettext_lazy("The transfer was refused.")
    danger = True
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.refuse_transfer(case=self.case, actor=self.actor,
                                        reason=self.cleaned_data["reason"])


class RecordVisitForm(ActionForm):
    action = Action.RECORD_VISIT
    done_message = gettext_lazy("The on-site visit was recorded.")
    visited_on = forms.DateField(label=gettext_lazy("Date of the visit"),
                                 widget=DateInput())
    purpose = forms.CharField(label=gettext_lazy("Why the applicant came"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()

    def perform(self) -> Case:
        return services.record_visit(case=self.case, actor=self.actor,
                                     purpose=self.cleaned_data["purpose"],
                                     visited_on=self.cleaned_data["visited_on"])


class ProposeDoorVisitForm(ActionForm):
    action = Action.PROPOSE_DOOR_VISIT
    done_message = gettext_lazy("The door-to-door visit was proposed.")
    slot_start = forms.DateTimeField(
        label=gettext_lazy("Visit starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    slot_end = forms.DateTimeField(
        label=gettext_lazy("Visit ends at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    address = forms.CharField(label=pgettext_lazy("door-to-door visit", "Address"),
                              max_length=200)

    def perform(self) -> Case:
        data = self.cleaned_data
        return services.propose_door_visit(case=self.case, actor=self.actor,
                                           slot_start=data["slot_start"],
                                           slot_end=data["slot_end"], address=data["address"])


class ConfirmDoorVisitForm(ActionForm):
    action = Action.CONFIRM_DOOR_VISIT
    done_message = gettext_lazy("The door-to-door visit was confirmed.")
    is_simple = True

    def perform(self) -> Case:
        return services.confirm_door_visit(case=self.case, actor=self.actor)


class RecordDoorVisitForm(ActionForm):
    action = Action.RECORD_DOOR_VISIT
    done_message = gettext_lazy("The door-to-door visit was recorded.")
    notes = forms.CharField(label=gettext_lazy("What was done"), required=False,
                            max_length=2000, widget=forms.Textarea(attrs={"rows": REASON_ROWS}))

    def perform(self) -> Case:
        return services.record_door_visit(case=self.case, actor=self.actor,
                                          notes=self.cleaned_data["notes"])


class CancelDoorVisitForm(ActionForm):
    action = Action.CANCEL_DOOR_VISIT
    done_message = gettext_lazy("The door-to-door visit was cancelled.")
    danger = True
    reason = _reason(required=True)

    def perform(self) -> Case:
        return services.cancel_door_visit(case=self.case, actor=self.actor,
                                          reason=self.cleaned_data["reason"])


class UploadForm(forms.Form):
    """One more file for an open case (staff scanning paper, or the applicant)."""

    file = forms.FileField(label=gettext_lazy("File"))
    material = forms.ChoiceField(label=gettext_lazy("Material"), required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = [  # type: ignore[attr-defined]
            ("", _("Other file")),
            *[(str(m.pk), m.name) for m in case.version.materials.all()],
        ]

    def material_id(self) -> int | None:
        value = self.cleaned_data.get("material")
        return int(value) if value else None


ACTION_FORMS: dict[str, type[ActionForm]] = {
    form.action: form
    for form in (
        RequestSupplementForm, SupplementForm, SupplyDeferredForm, AcceptForm,
        AcceptDeferredForm, RejectForm, StartSpecialForm, EndSpecialForm, ExtendForm,
        CompleteForm, InstantForm, WithdrawForm, VoidForm, TerminateForm, TransferForm,
        AcceptTransferForm, RefuseTransferForm, RecordVisitForm, ProposeDoorVisitForm,
        ConfirmDoorVisitForm, RecordDoorVisitForm, CancelDoorVisitForm,
    )
}


def action_form_class(case: Case, action: str) -> type[ActionForm] | None:
    """The form of a workflow action for this case (an enquiry is completed by an answer)."""
    if action == Action.COMPLETE and case.kind == ENQUIRY.slug:
        return AnswerEnquiryForm
    return ACTION_FORMS.get(action)


class ExtraActionForm(ActionForm):
    """A domain action a case kind adds beside the table (kinds.ExtraAction)."""

    action = "extra"
    reason = _reason(required=False)

    def __init__(self, *args: Any, extra: ExtraAction, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", extra.slug)
        # Set first: the form's fields (its confirmation box) depend on it.
        self.extra = extra
        super().__init__(*args, **kwargs)

    def consequence(self) -> Any:
        return self.extra.confirmation

    @property
    def label(self) -> str:
        return str(self.extra.label)

    @property
    def done(self) -> str:
        return str(self.extra.done_message or self.done_message)

    def perform(self) -> Case:
        if not self.extra.is_available(self.case, self.actor):
            raise NotPermitted(_("You may not take this action on this case."),
                               code="action_not_permitted")
        return self.extra.perform(case=self.case, actor=self.actor,
                                  reason=self.cleaned_data["reason"], data={})
