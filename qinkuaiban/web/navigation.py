"""The navigation registry: every page a role can reach from the menu, in menu order.

An entry whose URL name does not resolve (its app is not installed or not written yet) is left
out, so the menu works while the platform grows and lights up as apps land.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qinkuaiban.identity.roles import STAFF_ROLES, Role
from qinkuaiban.identity.selectors import roles_of


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    # Who may use the page: anyone at all (`anonymous_ok`), any signed-in user (no roles), or
    # a signed-in user holding at least one of `roles`.
    roles: frozenset[str] = frozenset()
    anonymous_ok: bool = False
    description: str | Promise = ""
    # Pages (view names) that belong to this entry although their URL lies elsewhere.
    also_current: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    description: str
    is_current: bool


WORKBENCH_ROLES = frozenset(STAFF_ROLES)

REGISTRY: tuple[NavEntry, ...] = (
    NavEntry(_("Service guide"), "catalogue:home", anonymous_ok=True,
             description=_("Every service: conditions, materials, time limits and visits.")),
    NavEntry(_("Track a case"), "cases:progress", anonymous_ok=True,
             description=_("Follow a case with its number and verification code, no sign-in "
                           "needed.")),
    NavEntry(_("My cases"), "cases:mine", roles=frozenset({Role.APPLICANT}),
             description=_("Follow what you applied for and rate the service."),
             also_current=frozenset({"feedback:rate"})),
    NavEntry(_("Workbench"), "cases:queue", roles=WORKBENCH_ROLES,
             description=_("Cases waiting for you, with their deadlines.")),
    NavEntry(_("Register a case"), "cases:register",
             roles=frozenset({Role.WINDOW_CLERK, Role.HANDLER}),
             description=_("Register a walk-in or phone applicant's case and scan their paper "
                           "materials.")),
    NavEntry(_("Register an enquiry"), "cases:new_enquiry", roles=WORKBENCH_ROLES,
             description=_("Log a caller's or visitor's question and stay responsible for it.")),
    NavEntry(_("Supervision and suggestions"), "feedback:index", anonymous_ok=True,
             description=_("Complain, suggest, praise or write to the leadership, and follow "
                           "the answer.")),
    NavEntry(_("My submissions"), "feedback:mine", roles=frozenset({Role.APPLICANT}),
             description=_("Your complaints and suggestions, their replies and your verdict."),
             also_current=frozenset({"feedback:detail"})),
    NavEntry(_("Feedback queue"), "feedback:queue", roles=WORKBENCH_ROLES,
             description=_("Complaints and suggestions waiting for your reply."),
             also_current=frozenset({"feedback:detail"})),
    NavEntry(_("Rectifications"), "feedback:rectifications", roles=WORKBENCH_ROLES,
             description=_("Bad ratings to contact, rectify and call back; appeals to decide.")),
    NavEntry(_("Edit the service guide"), "catalogue:manage",
             roles=frozenset({Role.DIVISION_HEAD, Role.LEADER}),
             description=_("Write, publish and retire your divisions' service guides.")),
    NavEntry(_("Rating statistics"), "feedback:statistics",
             roles=frozenset({Role.DIVISION_HEAD, Role.LEADER, Role.SUPERVISOR}),
             description=_("Good-rating, rectification and call-back rates by organisation and "
                           "service.")),
    NavEntry(_("Key tasks"), "supervision:home",
             roles=frozenset({Role.SUPERVISOR, Role.LEADER, Role.DIVISION_HEAD}),
             description=_("Key tasks on the battle map until they are closed out.")),
    NavEntry(_("Energy reports"), "energy:home", roles=frozenset({Role.ENERGY_OFFICER}),
             description=_("Report and compare energy and water use.")),
    NavEntry(_("Repairs"), "facilities:home", roles=frozenset({Role.MAINTENANCE_WORKER}),
             description=_("Repair work orders assigned to you.")),
    NavEntry(_("Messages"), "notifications:list",
             description=_("Notices about your cases and tasks.")),
    NavEntry(_("Accounts"), "identity:users", roles=frozenset({Role.SYSTEM_ADMIN}),
             description=_("Users, organisations and roles.")),
    NavEntry(_("Working-day calendar"), "workdays:home",
             roles=frozenset({*STAFF_ROLES, Role.SYSTEM_ADMIN}),
             description=_("Public holidays and make-up working days that drive every deadline.")),
    NavEntry(_("Security"), "identity:security", roles=frozenset({Role.SECURITY_ADMIN}),
             description=_("Lockouts, sessions, two-factor and password policy.")),
    NavEntry(_("Audit log"), "audit:entry_list", roles=frozenset({Role.AUDIT_ADMIN}),
             description=_("Read, filter, export and verify the audit trail.")),
)


def resolve(url_name: str) -> str | None:
    """The URL of `url_name`, or None while no app provides it."""
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def may_use(entry: NavEntry, user: object) -> bool:
    """Whether `user` (possibly anonymous) may use the page behind `entry`."""
    if entry.anonymous_ok:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if not entry.roles:
        return True
    return bool(entry.roles & roles_of(user))  # type: ignore[arg-type]


def _current(entries: list[tuple[NavEntry, str]], path: str, view_name: str
             ) -> NavEntry | None:
    """The one entry a page belongs to: the first naming its view, else the one whose URL is
    the longest prefix of its path (/feedback/rectifications/ before /feedback/)."""
    for entry, _url in entries:
        if view_name and view_name in entry.also_current:
            return entry
    under = [(len(url), index) for index, (_entry, url) in enumerate(entries)
             if path and url != "/" and path.startswith(url)]
    return entries[max(under)[1]][0] if under else None


def links_for(user: object, *, current_path: str = "", current_view: str = "",
              registry: tuple[NavEntry, ...] = REGISTRY) -> list[NavLink]:
    """The menu for `user`: entries they may use whose page exists, in registry order; at most
    one of them is the current page's."""
    entries = []
    for entry in registry:
        if not may_use(entry, user):
            continue
        url = resolve(entry.url_name)
        if url is not None:
            entries.append((entry, url))
    current = _current(entries, current_path, current_view)
    return [NavLink(label=str(entry.label), url=url, description=str(entry.description),
                    is_current=entry is current) for entry, url in entries]
