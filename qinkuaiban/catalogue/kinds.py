"""The names of the kinds a service may name (ServiceItem.kind: the kind of case that handles
its applications), for the guide's management pages.

The catalogue sits below the cases app and never imports it: registering a case kind with the
cases app (cases.kinds.register) registers its name here, so the new-service form offers exactly
the kinds some installed app handles. The kinds the demo guide already names whose apps
(allocation, facilities) are not installed yet are known by name, for display only: a service
of such a kind takes no application until its app is installed.
"""

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

_registered: dict[str, str | Promise] = {}

PENDING_KIND_LABELS: dict[str, Promise] = {
    "childcare": pgettext_lazy("case kind", "Childcare place"),
    "parking": pgettext_lazy("case kind", "Parking permit"),
    "housing": pgettext_lazy("case kind", "Turnover housing"),
    "repair": pgettext_lazy("case kind", "Office repair"),
}


def register_kind_label(slug: str, label: str | Promise) -> None:
    """Called by the cases app for every kind an app registers."""
    _registered[slug] = label


def unregister_kind_label(slug: str) -> None:
    _registered.pop(slug, None)


def kind_choices() -> list[tuple[str, str]]:
    """The kinds a new service may name: those an installed app handles, by their names."""
    return [(slug, str(label)) for slug, label in _registered.items()]


def kind_label(slug: str) -> str:
    """The name of a kind, registered or pending; an unknown slug reads as itself."""
    label = _registered.get(slug) or PENDING_KIND_LABELS.get(slug)
    return str(label) if label is not None else slug
