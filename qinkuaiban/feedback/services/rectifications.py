"""The rectification of a bad rating (差评整改): one function applies any step of the table in
rules.py; the per-step functions below are its typed entry points.

Source: 国办发〔2019〕51号 — 谁办理谁负责; clear and reasonable → fix at once; complex → ledger and
deadline; no legal basis → explain; real-name bad ratings called back 100 %; an appeal and review
path (申诉复核) to exclude mistaken and malicious ratings.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.core.dates import parse_iso_date
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback import notifying
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import (
    Appeal,
    Evaluation,
    Rectification,
    RectificationEvent,
)
from qinkuaiban.feedback.permissions import may_call_back, rectification_parties
from qinkuaiban.feedback.rules import (
    RECTIFICATION_STEPS,
    AppealDecision,
    AppealGround,
    DeadlineWarning,
    Plan,
    RectificationAction,
    RectificationStatus,
    SystemStep,
)
from qinkuaiban.feedback.services._common import (
    deadline,
    refuse_admin,
    required_text,
    supervision_org,
    today,
)
from qinkuaiban.identity.models import User

NOTE_LIMIT = 2000


def open_rectification(*, evaluation: Evaluation) -> Rectification:
    """A bad rating opens the loop for the handling organisation (in the rating's transaction)."""
    due = deadline(today(), days("QKB_FEEDBACK_CONTACT_DAYS"))
    rectification = Rectification.objects.create(
        evaluation=evaluation, organisation=evaluation.organisation,
        due_on=due.date, due_provisional=due.provisional,
    )
    RectificationEvent.objects.create(
        rectification=rectification, action=SystemStep.OPENED,
        to_status=rectification.status,
        data={"level": evaluation.level, "contact_due_on": due.date.isoformat()},
    )
    record(action="feedback.rectification_opened", target=rectification,
           organisation=evaluation.organisation,
           changes={"evaluation": evaluation.pk, "level": evaluation.level,
                    "due_on": due.date})
    notifying.rectification_opened(
        rectification=rectification, organisation=evaluation.organisation,
        number=evaluation.case.number or "", due=due.date.isoformat(),
    )
    return rectification


@dataclass
class _Step:
    rectification: Rectification
    actor: User
    note: str
    data: dict[str, Any]
    now: dt.datetime
    today: dt.date
    fields: set[str] = field(default_factory=set)
    event: dict[str, Any] = field(default_factory=dict)


def _set_due(step: _Step, due_on: dt.date | None, provisional: bool = False) -> None:
    rectification = step.rectification
    rectification.due_on, rectification.due_provisional = due_on, provisional
    rectification.warning = DeadlineWarning.NORMAL
    step.fields |= {"due_on", "due_provisional", "warning"}
    step.event["due_on"] = due_on.isoformat() if due_on else None


def _call_back_due(step: _Step) -> None:
    due = deadline(step.today, days("QKB_FEEDBACK_CALL_BACK_DAYS"))
    _set_due(step, due.date, due.provisional)


def _contact(step: _Step) -> None:
    r = step.rectification
    r.contacted_at, r.contact_note = step.now, step.note
    step.fields |= {"contacted_at", "contact_note"}
    due = deadline(step.today, days("QKB_FEEDBACK_VERIFY_DAYS"))
    _set_due(step, due.date, due.provisional)


def _verify(step: _Step) -> None:
    r = step.rectification
    r.verified_at, r.verification_note = step.now, step.note
    step.fields |= {"verified_at", "verification_note"}


def _as_date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return parse_iso_date(str(value).strip())
    except ValueError:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."), code="invalid_date",
                           field="fix_due_on") from None


def _rectify(step: _Step) -> None:
    r = step.rectification
    if r.status == RectificationStatus.RECTIFYING:
        # The fix planned with a deadline is done.
        r.rectified_at, r.rectification_note = step.now, step.note
        r.status = RectificationStatus.AWAITING_CALL_BACK
        step.fields |= {"rectified_at", "rectification_note", "status"}
        _call_back_due(step)
        return
    plan = str(step.data.get("plan") or Plan.AT_ONCE)
    if plan not in (Plan.AT_ONCE, Plan.BY_DEADLINE):
        raise InvalidInput(_("Choose: fixed at once, or fixed by a deadline."),
                           code="invalid_plan", field="plan")
    r.plan = plan
    step.fields.add("plan")
    step.event["plan"] = plan
    if plan == Plan.AT_ONCE:
        r.rectified_at, r.rectification_note = step.now, step.note
        r.status = RectificationStatus.AWAITING_CALL_BACK
        step.fields |= {"rectified_at", "rectification_note", "status"}
        _call_back_due(step)
        return
    ledger = required_text(str(step.data.get("ledger_entry") or ""), field="ledger_entry",
                           message=_("A fix by a deadline needs its ledger entry."),
                           limit=NOTE_LIMIT)
    latest = deadline(step.today, days("QKB_FEEDBACK_RECTIFY_DAYS"))
    fix_due_on = _as_date(step.data.get("fix_due_on")) or latest.date
    if fix_due_on < step.today or fix_due_on > latest.date:
        raise InvalidInput(
            _("The deadline must be between today and %(latest)s.")
            % {"latest": latest.date.isoformat()}, code="invalid_fix_due_on",
            field="fix_due_on",
        )
    r.ledger_entry, r.fix_due_on, r.rectification_note = ledger, fix_due_on, step.note
    r.status = RectificationStatus.RECTIFYING
    step.fields |= {"ledger_entry", "fix_due_on", "rectification_note", "status"}
    step.event.update(ledger_entry=ledger, fix_due_on=fix_due_on.isoformat())
    _set_due(step, fix_due_on, fix_due_on == latest.date and latest.provisional)


def _explain(step: _Step) -> None:
    r = step.rectification
    r.plan, r.rectified_at, r.rectification_note = Plan.EXPLAINED, step.now, step.note
    step.fields |= {"plan", "rectified_at", "rectification_note"}
    _call_back_due(step)


def _call_back(step: _Step) -> None:
    r = step.rectification
    satisfied = step.data.get("satisfied")
    if not isinstance(satisfied, bool):
        # Source: 国办发〔2019〕51号 — real-name bad ratings are called back 100 %: the step is
        # recorded only once the rater was reached and said whether they are satisfied.
        raise InvalidInput(_("Record whether the rater is satisfied."),
                           code="satisfied_required", field="satisfied")
    r.called_back_at, r.call_back_note, r.rater_satisfied = step.now, step.note, satisfied
    r.closed_at = step.now
    step.fields |= {"called_back_at", "call_back_note", "rater_satisfied", "closed_at"}
    step.event["satisfied"] = satisfied
    _set_due(step, None)
    notifying.rectification_closed(rectification=r, rater=r.evaluation.rater,
                                   number=r.evaluation.case.number or "", actor=step.actor)


def _appeal(step: _Step) -> None:
    r = step.rectification
    if Appeal.objects.filter(rectification=r).exists():
        raise Conflict(_("This rating has already been appealed."), code="already_appealed")
    ground = str(step.data.get("ground") or "")
    if ground not in AppealGround.values:
        raise InvalidInput(_("Say whether the rating is mistaken or malicious."),
                           code="ground_required", field="ground")
    due = deadline(step.today, days("QKB_FEEDBACK_APPEAL_DAYS"))
    appeal = Appeal.objects.create(
        rectification=r, ground=ground, reason=step.note, filed_by=step.actor,
        filed_at=step.now, due_on=due.date, due_provisional=due.provisional,
    )
    step.event.update(ground=ground, appeal_due_on=due.date.isoformat())
    notifying.appeal_filed(rectification=r, supervision=supervision_org(),
                           number=r.evaluation.case.number or "", actor=step.actor)
    step.event["appeal"] = appeal.pk


def _decide_appeal(step: _Step) -> None:
    r = step.rectification
    appeal = Appeal.objects.select_for_update().filter(rectification=r).first()
    if appeal is None or not appeal.is_pending:
        raise Conflict(_("No appeal is waiting for a decision."), code="no_pending_appeal")
    decision = str(step.data.get("decision") or "")
    if decision not in AppealDecision.values:
        raise InvalidInput(_("Uphold or reject the appeal."), code="decision_required",
                           field="decision")
    appeal.decision, appeal.decided_by, appeal.decided_at = decision, step.actor, step.now
    appeal.decision_reason = step.note
    appeal.save(update_fields=["decision", "decided_by", "decided_at", "decision_reason"])
    step.event["decision"] = decision
    if decision == AppealDecision.UPHELD:
        # The rating stays, visibly marked: it only leaves the statistics.
        evaluation = Evaluation.objects.select_for_update().get(pk=r.evaluation_id)
        evaluation.is_excluded, evaluation.excluded_at = True, step.now
        evaluation.save(update_fields=["is_excluded", "excluded_at"])
        r.status, r.closed_at = RectificationStatus.EXCLUDED, step.now
        step.fields |= {"status", "closed_at"}
        _set_due(step, None)
    notifying.appeal_decided(rectification=r, organisation=r.organisation,
                             number=r.evaluation.case.number or "",
                             decision=str(AppealDecision(decision).label), actor=step.actor)
    notifying.rater_appeal_decided(evaluation=r.evaluation, rater=r.evaluation.rater,
                                   number=r.evaluation.case.number or "",
                                   upheld=decision == AppealDecision.UPHELD, actor=step.actor)


APPLY: dict[str, Callable[[_Step], None]] = {
    RectificationAction.CONTACT: _contact,
    RectificationAction.VERIFY: _verify,
    RectificationAction.RECTIFY: _rectify,
    RectificationAction.EXPLAIN: _explain,
    RectificationAction.CALL_BACK: _call_back,
    RectificationAction.APPEAL: _appeal,
    RectificationAction.DECIDE_APPEAL: _decide_appeal,
}
AUDIT_NAMES: dict[str, str] = {
    RectificationAction.CONTACT: "feedback.rater_contacted",
    RectificationAction.VERIFY: "feedback.rating_verified",
    RectificationAction.RECTIFY: "feedback.rating_rectified",
    RectificationAction.EXPLAIN: "feedback.rating_explained",
    RectificationAction.CALL_BACK: "feedback.rater_called_back",
    RectificationAction.APPEAL: "feedback.rating_appealed",
    RectificationAction.DECIDE_APPEAL: "feedback.appeal_decided",
}


@transaction.atomic
def act_on_rectification(
    *, rectification: Rectification, action: str, actor: User, note: str = "", **data: Any
) -> Rectification:
    """Take one step of the rectification table. NotPermitted for a party that may never take
    it, Conflict when the status does not allow it now, InvalidInput for wrong data."""
    step_row = RECTIFICATION_STEPS.get(action)
    if step_row is None:
        raise InvalidInput(_("Unknown action."), code="unknown_action", field="action")
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("organisation", "evaluation__case", "evaluation__rater")
        .get(pk=rectification.pk)
    )
    refuse_admin(actor)
    if not rectification_parties(actor, rectification.organisation) & step_row.parties:
        raise NotPermitted(_("You may not take this step."), code="action_not_permitted")
    if rectification.status not in step_row.sources:
        raise Conflict(
            _("\"%(action)s\" is not possible while the rectification is: %(status)s.")
            % {"action": RectificationAction(action).label,
               "status": rectification.get_status_display()},
            code="invalid_transition",
        )
    if action == RectificationAction.CALL_BACK and not may_call_back(actor,
                                                                     rectification.evaluation):
        # Source: 国办发〔2019〕51号 — the call-back checks the rectification with the rater, so
        # the person rated badly cannot be the one who records that the rater is satisfied.
        raise NotPermitted(
            _("The call-back must be recorded by someone other than the staff member the "
              "rating is about: your division head or another colleague."),
            code="call_back_by_rated_staff",
        )
    note = required_text(note, field="note", message=_("Write down what was done or found."),
                         limit=NOTE_LIMIT)
    now = timezone.now()
    from_status = rectification.status
    step = _Step(rectification=rectification, actor=actor, note=note, data=dict(data), now=now,
                 today=timezone.localdate(now))
    APPLY[action](step)
    if step_row.target is not None and rectification.status != step_row.target:
        rectification.status = step_row.target
        step.fields.add("status")
    if step.fields:
        rectification.save(update_fields=sorted(step.fields | {"updated_at"}))
    RectificationEvent.objects.create(
        rectification=rectification, action=action, from_status=from_status,
        to_status=rectification.status, actor=actor, note=note, data=step.event,
    )
    record(action=AUDIT_NAMES[action], actor=actor, target=rectification,
           organisation=rectification.organisation,
           changes={"from": from_status, "to": rectification.status, **step.event})
    return rectification


def contact_rater(*, rectification: Rectification, actor: User, note: str) -> Rectification:
    return act_on_rectification(rectification=rectification, action=RectificationAction.CONTACT,
                                actor=actor, note=note)


def verify_rating(*, rectification: Rectification, actor: User, note: str) -> Rectification:
    return act_on_rectification(rectification=rectification, action=RectificationAction.VERIFY,
                                actor=actor, note=note)


def rectify(
    *, rectification: Rectification, actor: User, note: str, plan: str = Plan.AT_ONCE,
    ledger_entry: str = "", fix_due_on: dt.date | None = None,
) -> Rectification:
    """能改即改 (plan at_once), 限期整改 (by_deadline, with a ledger entry), or, while
    rectifying, record that the planned fix is done."""
    return act_on_rectification(rectification=rectification, action=RectificationAction.RECTIFY,
                                actor=actor, note=note, plan=plan, ledger_entry=ledger_entry,
                                fix_due_on=fix_due_on)


def explain(*, rectification: Rectification, actor: User, note: str) -> Rectification:
    """解释说明: nothing can change (no legal basis); the rater is told why."""
    return act_on_rectification(rectification=rectification, action=RectificationAction.EXPLAIN,
                                actor=actor, note=note)


def call_back(
    *, rectification: Rectification, actor: User, note: str, satisfied: bool
) -> Rectification:
    return act_on_rectification(rectification=rectification,
                                action=RectificationAction.CALL_BACK, actor=actor, note=note,
                                satisfied=satisfied)


def appeal_rating(
    *, rectification: Rectification, actor: User, ground: str, reason: str
) -> Rectification:
    return act_on_rectification(rectification=rectification, action=RectificationAction.APPEAL,
                                actor=actor, note=reason, ground=ground)


def decide_appeal(
    *, rectification: Rectification, actor: User, decision: str, reason: str
) -> Rectification:
    return act_on_rectification(rectification=rectification,
                                action=RectificationAction.DECIDE_APPEAL, actor=actor,
                                note=reason, decision=decision)
