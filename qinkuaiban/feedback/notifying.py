"""Who hears about ratings, rectifications and feedback, and what they read. Messages are written
to the notifications outbox inside the change's transaction; SMS leaves after commit."""

from collections.abc import Iterable

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext as _

from qinkuaiban.cases.models import Case
from qinkuaiban.cases.notifying import staff_of
from qinkuaiban.cases.permissions import ancestor_ids
from qinkuaiban.identity.models import Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.notifications.models import Channel
from qinkuaiban.notifications.services import notify


def _send(*, recipients: Iterable[User], kind: str, title: str, body: str, url: str,
          target: Model, sms: bool = False, actor: User | None = None) -> None:
    people = [user for user in recipients if actor is None or user.pk != actor.pk]
    channels = (Channel.IN_APP, Channel.SMS) if sms else (Channel.IN_APP,)
    notify(recipients=people, kind=kind, title=title, body=body, url=url, channels=channels,
           target=target)


def heads_of(organisation: Organisation) -> list[User]:
    return staff_of([organisation], [Role.DIVISION_HEAD])


def workers_of(organisation: Organisation) -> list[User]:
    return staff_of([organisation], [Role.HANDLER, Role.WINDOW_CLERK, Role.DIVISION_HEAD])


def leaders_above(organisation: Organisation) -> list[User]:
    return staff_of(Organisation.objects.filter(pk__in=ancestor_ids(organisation)), [Role.LEADER])


def supervisors(supervision: Organisation | None) -> list[User]:
    return staff_of([supervision], [Role.SUPERVISOR]) if supervision is not None else []


def rating_invited(*, case: Case) -> None:
    """Online cases: the applicant is asked in the message centre and by SMS (with the link)."""
    if case.applicant is None:
        return
    _send(recipients=[case.applicant], kind="feedback.rating_invited",
          title=_("Please rate the service: %(item)s") % {"item": case.version.name},
          body=_("Case %(number)s is completed. How satisfied are you? Your rating helps us "
                 "improve.") % {"number": case.number or ""},
          url=reverse("feedback:rate", kwargs={"number": case.number}), target=case, sms=True)


def rectification_opened(*, rectification: Model, organisation: Organisation, number: str,
                         due: str) -> None:
    _send(recipients=workers_of(organisation), kind="feedback.rectification_opened",
          title=_("Bad rating on case %(number)s: rectification opened") % {"number": number},
          body=_("Contact the rater by %(due)s, verify, rectify or explain, then call back.")
          % {"due": due},
          url=reverse("feedback:rectification", kwargs={"pk": rectification.pk}),
          target=rectification)


def rectification_warning(*, rectification: Model, organisation: Organisation, title: str,
                          body: str) -> None:
    _send(recipients=workers_of(organisation), kind="feedback.rectification_warning",
          title=title, body=body,
          url=reverse("feedback:rectification", kwargs={"pk": rectification.pk}),
          target=rectification)


def appeal_filed(*, rectification: Model, supervision: Organisation | None, number: str,
                 actor: User | None) -> None:
    _send(recipients=supervisors(supervision), kind="feedback.appeal_filed",
          title=_("Appeal against a rating of case %(number)s") % {"number": number},
          body=_("The handling organisation holds the rating mistaken or malicious. Please "
                 "decide, with reasons."),
          url=reverse("feedback:rectification", kwargs={"pk": rectification.pk}),
          target=rectification, actor=actor)


def appeal_decided(*, rectification: Model, organisation: Organisation, number: str,
                   decision: str, actor: User | None) -> None:
    _send(recipients=heads_of(organisation), kind="feedback.appeal_decided",
          title=_("Appeal on case %(number)s decided") % {"number": number}, body=decision,
          url=reverse("feedback:rectification", kwargs={"pk": rectification.pk}),
          target=rectification, actor=actor)


def feedback_replied(*, feedback: Model, case: Case, actor: User | None) -> None:
    """The submitter with an account hears of the reply (anonymous ones look it up)."""
    if case.applicant is None:
        return
    _send(recipients=[case.applicant], kind="feedback.replied",
          title=_("Reply to your submission %(number)s") % {"number": case.number or ""},
          body=_("Please read the reply and tell us whether you are satisfied."),
          url=reverse("feedback:detail", kwargs={"number": case.number}), target=feedback,
          sms=True, actor=actor)


def feedback_needs_reply(*, feedback: Model, case: Case, recipients: list[User], title: str,
                         body: str) -> None:
    _send(recipients=recipients, kind="feedback.needs_reply", title=title, body=body,
          url=reverse("feedback:detail", kwargs={"number": case.number}), target=feedback)


def appeal_warning(*, rectification: Model, supervision: Organisation | None, title: str,
                   body: str) -> None:
    _send(recipients=supervisors(supervision), kind="feedback.appeal_warning", title=title,
          body=body, url=reverse("feedback:rectification", kwargs={"pk": rectification.pk}),
          target=rectification)


def _rating_page(number: str) -> str:
    return reverse("feedback:rate", kwargs={"number": number})


def rectification_closed(*, rectification: Model, rater: User | None, number: str,
                         actor: User | None) -> None:
    """The rater with an account hears that the rectification of their rating is closed."""
    if rater is None or not number:
        return
    _send(recipients=[rater], kind="feedback.rectification_closed",
          title=_("Your rating of case %(number)s: rectification closed") % {"number": number},
          body=_("The office has dealt with your dissatisfied rating and recorded the call-back "
                 "with you. Thank you for helping us improve."),
          url=_rating_page(number), target=rectification, actor=actor)


def rater_appeal_decided(*, evaluation: Model, rater: User | None, number: str, upheld: bool,
                         actor: User | None) -> None:
    """The rater with an account hears how the appeal against their rating was decided."""
    if rater is None or not number:
        return
    if upheld:
        body = _("The supervising division found on appeal that the rating was mistaken or "
                 "malicious; it no longer counts in the statistics.")
    else:
        body = _("The supervising division rejected the appeal against your rating: your "
                 "rating stands and the rectification goes on.")
    _send(recipients=[rater], kind="feedback.rating_appeal_decided",
          title=_("Appeal against your rating of case %(number)s decided")
          % {"number": number}, body=body, url=_rating_page(number), target=evaluation,
          actor=actor)
