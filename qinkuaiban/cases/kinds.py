"""Case kinds: how a domain app plugs its behaviour into the case.

A domain app registers one `CaseKind` per item kind slug in its `AppConfig.ready`:

    from qinkuaiban.cases.kinds import CaseKind, register
    register(CaseKind(slug="parking", label=_("Parking permit"), on_complete=issue_permit))

The cases app calls the hooks inside the transaction of the action, so the domain's writes
commit or roll back with the case. It never imports a domain app.

A kind whose open cases are worked in its app's own to-do list (the feedback app's 投诉建议待办)
says so with `meta={"queue_url_name": "app:queue"}`: the general queue (办件队列) leaves them out.

An app that must hear of every completed case, whatever its kind (the rating invitation of
好差评), connects to `qinkuaiban.cases.signals.case_completed`: `get_kind` hands out each kind
with its `on_complete` followed by that signal, so it is sent in the same transaction.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qinkuaiban.catalogue.kinds import register_kind_label, unregister_kind_label

if TYPE_CHECKING:
    from qinkuaiban.cases.models import Case
    from qinkuaiban.catalogue.models import ServiceItemVersion
    from qinkuaiban.identity.models import User

# (version, clean form data) -> {field name: [messages]}; empty when the data is acceptable.
FormValidator = Callable[["ServiceItemVersion", Mapping[str, Any]], Mapping[str, list[str]]]
CaseHook = Callable[..., None]


@dataclass(frozen=True)
class ExtraAction:
    """A domain action offered on a case beside the workflow table (e.g. "draw lots")."""

    slug: str
    label: str | Promise
    # (case, actor) -> whether the actor may take it now.
    is_available: Callable[["Case", "User"], bool]
    # Called as perform(case=..., actor=..., reason=..., data=...); returns the case.
    perform: Callable[..., "Case"]
    # What the actor reads once it is taken, in the past tense ("Lots were drawn.").
    done_message: str | Promise = ""
    # An action that cannot be undone names its consequence in the actor's own words ("I have
    # checked …; drawing … cannot be undone."): the form asks to tick a box with this text
    # before taking it (as the workflow's irreversible actions do).
    confirmation: str | Promise | None = None


@dataclass(frozen=True)
class CaseKind:
    """Behaviour of one kind of case. Hooks are called with keyword arguments:
    `validate_form(version, data)`, `on_submit(case=, actor=)`, `on_accept(case=, actor=)`,
    `on_complete(case=, actor=, outcome=)`."""

    slug: str
    label: str | Promise
    validate_form: FormValidator | None = None
    on_submit: CaseHook | None = None
    on_accept: CaseHook | None = None
    on_complete: CaseHook | None = None
    extra_actions: tuple[ExtraAction, ...] = ()
    # Any staff member (not only the handling organisation's window) may register the case on
    # behalf of a caller or visitor, and stays responsible for it (首问负责).
    registered_by_any_staff: bool = False
    # Accepted as soon as it is submitted (nothing to check before work starts).
    accepted_on_submit: bool = False
    meta: Mapping[str, Any] = field(default_factory=dict)


class UnknownCaseKind(LookupError):
    """No app registered the kind an item names: the app is missing from INSTALLED_APPS."""

    def __init__(self, slug: str) -> None:
        known = ", ".join(sorted(_registry)) or "none"
        super().__init__(
            f"No case kind {slug!r} is registered (registered: {known}). The app providing it "
            "must call qinkuaiban.cases.kinds.register() in its AppConfig.ready()."
        )
        self.slug = slug


_registry: dict[str, CaseKind] = {}
# The registered kinds as handed out: on_complete followed by the case_completed signal.
_signalling: dict[str, CaseKind] = {}


def register(kind: CaseKind) -> CaseKind:
    """Register a kind (and its name with the catalogue, which offers it to new services);
    registering a different kind under a taken slug is an error."""
    existing = _registry.get(kind.slug)
    if existing is not None and existing is not kind:
        raise ValueError(f"The case kind {kind.slug!r} is already registered")
    _registry[kind.slug] = kind
    _signalling.pop(kind.slug, None)
    register_kind_label(kind.slug, kind.label)
    return kind


def unregister(slug: str) -> None:
    """Remove a kind (for tests that register a throw-away kind)."""
    _registry.pop(slug, None)
    _signalling.pop(slug, None)
    unregister_kind_label(slug)


def _completion_hook(own: CaseHook | None) -> CaseHook:
    def on_complete(*, case: "Case", actor: "User | None", outcome: str) -> None:
        from qinkuaiban.cases.signals import case_completed

        if own is not None:
            own(case=case, actor=actor, outcome=outcome)
        case_completed.send(sender=type(case), case=case, actor=actor, outcome=outcome)

    return on_complete


def get_kind(slug: str) -> CaseKind:
    """The registered kind (its on_complete also sends `case_completed`); UnknownCaseKind
    when no app registered it."""
    found = _signalling.get(slug)
    if found is not None:
        return found
    try:
        kind = _registry[slug]
    except KeyError:
        raise UnknownCaseKind(slug) from None
    found = replace(kind, on_complete=_completion_hook(kind.on_complete))
    _signalling[slug] = found
    return found


def registered_kinds() -> dict[str, CaseKind]:
    return dict(_registry)


def takes_online_applications(kind_slug: str, channels: Any) -> bool:
    """Whether a service takes applications online: its guide offers the online channel and an
    installed case kind handles it (a kind whose module is not installed yet takes nothing)."""
    return "online" in (channels or []) and kind_slug in _registry


def kinds_with_own_queue() -> list[str]:
    """Slugs of the kinds worked in their app's own to-do list, not in the general queue."""
    return sorted(slug for slug, kind in _registry.items() if kind.meta.get("queue_url_name"))


GENERIC = CaseKind(slug="generic", label=_("General service"))
# 咨询: any staff member logs a caller's or visitor's question; the first receiver answers it or
# transfers it and stays responsible until the receiving organisation takes it over.
ENQUIRY = CaseKind(
    slug="enquiry", label=_("Enquiry"), registered_by_any_staff=True, accepted_on_submit=True
)


def register_builtin_kinds() -> None:
    """Called by the cases app's own AppConfig.ready."""
    register(GENERIC)
    register(ENQUIRY)
