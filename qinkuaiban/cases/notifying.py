"""Who hears about a case change, and what they read. Messages are written to the
notifications outbox inside the case's transaction (so they exist exactly when the change
committed); e-mail and SMS leave after commit."""

from collections.abc import Iterable

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.cases.events import event_label
from qinkuaiban.cases.models import Case, Intake, SupplementRequest
from qinkuaiban.cases.permissions import REGISTERING_ROLES
from qinkuaiban.cases.workflow import Action
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.notifications.models import Channel
from qinkuaiban.notifications.services import notify

# Actions the applicant is told about; the others go to the staff handling the case.
APPLICANT_ACTIONS: frozenset[str] = frozenset({
    Action.REQUEST_SUPPLEMENT, Action.ACCEPT, Action.ACCEPT_DEFERRED, Action.REJECT,
    Action.START_SPECIAL, Action.END_SPECIAL, Action.EXTEND, Action.COMPLETE, Action.INSTANT,
    Action.VOID, Action.TERMINATE, Action.PROPOSE_DOOR_VISIT, Action.CANCEL_DOOR_VISIT,
    Action.ACCEPT_TRANSFER, "deemed_accepted",
})
STAFF_ACTIONS: frozenset[str] = frozenset({
    Action.SUBMIT, Action.SUPPLEMENT, Action.SUPPLY_DEFERRED, Action.WITHDRAW,
    Action.CONFIRM_DOOR_VISIT, Action.CANCEL_DOOR_VISIT, Action.REFUSE_TRANSFER,
    "deemed_accepted", Action.TERMINATE,
})
# Decisions the applicant also gets by SMS: they start or end something they must act on.
SMS_ACTIONS: frozenset[str] = frozenset({
    Action.REQUEST_SUPPLEMENT, Action.REJECT, Action.COMPLETE, Action.INSTANT,
    Action.TERMINATE, Action.PROPOSE_DOOR_VISIT,
})


def case_url(case: Case) -> str:
    """The case's page, when the pages are installed."""
    if not case.number:
        return ""
    try:
        return reverse("cases:detail", kwargs={"number": case.number})
    except NoReverseMatch:
        return ""


def staff_of(organisations: Iterable[Organisation], roles: Iterable[str]) -> list[User]:
    """Active users holding one of the roles in one of the organisations."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__in=list(organisations),
            memberships__role__in=list(roles),
        ).distinct()
    )


def handlers_of(case: Case) -> list[User]:
    """The responsible staff member, or else the handlers of the handling organisation."""
    if case.responsible_id is not None:
        return [case.responsible] if case.responsible else []
    return staff_of([case.handling_org], [Role.HANDLER, Role.WINDOW_CLERK])


def _send(
    *, recipients: Iterable[User], actor: User | None, case: Case, kind: str, title: str,
    body: str, sms: bool = False,
) -> None:
    people = [user for user in recipients if actor is None or user.pk != actor.pk]
    channels = (Channel.IN_APP, Channel.SMS) if sms else (Channel.IN_APP,)
    notify(recipients=people, kind=kind, title=title, body=body, url=case_url(case),
           channels=channels, target=case)


def tells_applicant(case: Case, action: str) -> bool:
    """Whether the applicant hears of this action: only an account can be told, and a case
    registered by name only (at the window, by phone, anonymously) has none."""
    return action in APPLICANT_ACTIONS and case.applicant_id is not None


def supplement_list(case: Case) -> str:
    """The one-time notice's materials, one line each ("1. name: problem"), under a heading;
    empty when the case has no 补正 request for its current round."""
    request = SupplementRequest.objects.filter(case=case, round=case.supplement_round).first()
    if request is None or not request.items:
        return ""
    lines = [_("%(index)s. %(material)s: %(problem)s") % {
        "index": index, "material": entry.get("name", ""), "problem": entry.get("problem", ""),
    } for index, entry in enumerate(request.items, start=1)]
    return "\n".join([_("Materials to supply or correct:"), *lines])


def case_changed(*, case: Case, action: str, actor: User | None, reason: str = "") -> None:
    """Tell the applicant and/or the handlers that an action was taken on the case."""
    title = _("Case %(number)s: %(action)s") % {
        "number": case.number or "", "action": event_label(action),
    }
    body = _("%(item)s — now: %(status)s.") % {
        "item": case.version.name, "status": case.get_status_display(),
    }
    if reason:
        body = _("%(body)s Reason: %(reason)s") % {"body": body, "reason": reason}
    if action == Action.REQUEST_SUPPLEMENT and (listed := supplement_list(case)):
        # 一次性告知: the applicant reads what to bring without opening the PDF notice.
        body = "\n".join([body, listed])
    if tells_applicant(case, action):
        _send(recipients=[case.applicant] if case.applicant else [], actor=actor, case=case,
              kind=f"cases.{action}", title=title, body=body, sms=action in SMS_ACTIONS)
    if action in STAFF_ACTIONS:
        _send(recipients=handlers_of(case), actor=actor, case=case, kind=f"cases.{action}",
              title=title, body=body)


def transfer_requested(*, case: Case, to_org: Organisation, actor: User | None,
                       days: int) -> None:
    title = _("Case %(number)s transferred to you") % {"number": case.number or ""}
    body = ngettext("%(item)s: please take it over within %(days)s working day.",
                    "%(item)s: please take it over within %(days)s working days.", days) % {
        "item": case.version.name, "days": days,
    }
    _send(recipients=staff_of([to_org], [Role.HANDLER, Role.WINDOW_CLERK, Role.DIVISION_HEAD]),
          actor=actor, case=case, kind="cases.transfer", title=title, body=body)


def transfer_answered(*, case: Case, requested_by: User | None, actor: User | None,
                      accepted: bool) -> None:
    action = Action.ACCEPT_TRANSFER if accepted else Action.REFUSE_TRANSFER
    title = _("Case %(number)s: %(action)s") % {
        "number": case.number or "", "action": event_label(action),
    }
    body = _("%(item)s — by %(organisation)s.") % {
        "item": case.version.name, "organisation": case.handling_org.display_name,
    }
    recipients = [requested_by] if requested_by is not None else []
    _send(recipients=recipients, actor=actor, case=case, kind=f"cases.{action}", title=title,
          body=body)


def escalated(*, case: Case, supervision: Organisation | None, reason: str) -> None:
    """The supervising division and the handling division's head hear of a stuck transfer."""
    title = _("Case %(number)s escalated") % {"number": case.number or ""}
    recipients = staff_of([case.handling_org], [Role.DIVISION_HEAD])
    if supervision is not None:
        recipients += staff_of([supervision], [Role.SUPERVISOR, Role.DIVISION_HEAD])
    _send(recipients=recipients, actor=None, case=case, kind="cases.escalated", title=title,
          body=reason)


def warning_raised(*, case: Case, level: str) -> None:
    """A new warning level, once: to the handlers and the head of the handling division."""
    title = _("Case %(number)s: %(level)s") % {
        "number": case.number or "", "level": case.get_warning_display(),
    }
    body = _("%(item)s is due on %(due)s.") % {
        "item": case.version.name, "due": case.due_on.isoformat() if case.due_on else "",
    }
    recipients = handlers_of(case) + staff_of([case.handling_org], [Role.DIVISION_HEAD])
    _send(recipients=recipients, actor=None, case=case, kind=f"cases.warning_{level}",
          title=title, body=body)



def intake_registered(*, case: Case, receipt: str) -> None:
    """The applicant of a queued application learns its case number."""
    title = _("Your application is registered as case %(number)s") % {"number": case.number}
    body = _("%(item)s — receipt %(receipt)s, received %(received)s.") % {
        "item": case.version.name, "receipt": receipt,
        "received": timezone.localtime(case.submitted_at).strftime("%Y-%m-%d %H:%M")
        if case.submitted_at else "",
    }
    _send(recipients=[case.applicant] if case.applicant else [], actor=None, case=case,
          kind="cases.intake_registered", title=title, body=body)


def intake_failed(*, intake: Intake) -> None:
    """A received application could not be registered: the applicant and the handling
    division hear of it, so that staff register it by hand (the receipt proves the time)."""
    title = _("Application %(receipt)s could not be registered") % {"receipt": intake.receipt}
    body = _("%(item)s, received %(received)s: the handling division will register it and "
             "contact you.") % {
        "item": intake.version.name,
        "received": timezone.localtime(intake.received_at).strftime("%Y-%m-%d %H:%M"),
    }
    # The window staff open the receipt and put it back in the queue once the cause is fixed.
    recipients = [intake.applicant, *staff_of([intake.item.handling_org], REGISTERING_ROLES)]
    try:
        url = reverse("cases:received", kwargs={"receipt": intake.receipt})
    except NoReverseMatch:
        url = ""
    notify(recipients=recipients, kind="cases.intake_failed", title=title, body=body, url=url,
           target=intake)
