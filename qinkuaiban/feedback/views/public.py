"""Public pages: submit a complaint, suggestion, praise or letter (signed in or anonymously),
follow it with the tracking code and PIN, answer the reply, and read published answers."""

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qinkuaiban.cases import ratelimit
from qinkuaiban.cases.models import Case
from qinkuaiban.cases.permissions import is_staff
from qinkuaiban.core.errors import DomainError, NotFound, RateLimited
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.forms import AnswerForm, ConsentForm, SubmitForm, TrackForm
from qinkuaiban.feedback.models import Feedback
from qinkuaiban.feedback.rules import KIND_ACTIONS, FeedbackKind, FeedbackStatus, TargetType
from qinkuaiban.feedback.views._common import (
    actor_of,
    client_address,
    form_error,
    remember_tracked,
    signed_in,
    tracked_ids,
)

# Lazy: translated when a page shows them, in that request's language.
KIND_INTROS: dict[str, Any] = {
    FeedbackKind.COMPLAINT: gettext_lazy("Tell us where our service fell short. Every "
                                         "complaint is answered within the time limit."),
    FeedbackKind.SUGGESTION: gettext_lazy("Tell us how to do better. Every suggestion is "
                                          "studied and answered; adopted ones are published."),
    FeedbackKind.PRAISE: gettext_lazy("Tell us who served you well."),
    FeedbackKind.LEADER_MAILBOX: gettext_lazy("Write to the leadership of the administration."),
}
# The idempotency keys of web forms share the service hall's namespace ("web:" + form token).
KEY_PREFIX = "web:"


def new_token() -> str:
    return secrets.token_urlsafe(24)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The entry to supervision and suggestions: the four kinds, tracking, publications."""
    actor = signed_in(request)
    kinds = [(value, label, KIND_INTROS[value], KIND_ACTIONS[value])
             for value, label in FeedbackKind.choices]
    return render(request, "feedback/index.html", {
        "kinds": kinds, "is_staff": actor is not None and is_staff(actor),
        "may_see_statistics": actor is not None and selectors.may_see_dashboard(actor),
        "published": selectors.published_feedback()[:5],
    })


def _target(form: SubmitForm) -> services.Target:
    data = form.cleaned_data
    kind = data["target_type"]
    case = None
    if kind == TargetType.CASE:
        case = Case.objects.filter(number=data["case_number"].strip().upper()).select_related(
            "handling_org").first()
        if case is None:
            raise NotFound(_("No case has this number."), code="case_not_found")
    return services.Target(
        type=kind, case=case, item=data["item"] if kind == TargetType.ITEM else None,
        organisation=data["organisation"] if kind == TargetType.ORGANISATION else None,
        text=data.get("respondent", "").strip(),
    )


def _submit_page(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    return render(request, "feedback/submit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, kind: str) -> HttpResponse:
    """Submit one kind; an anonymous submitter is shown the tracking code and PIN once. The
    page's one-time token is the idempotency key: posting the same page again (a reload of the
    receipt) files nothing new."""
    if kind not in FeedbackKind.values:
        raise Http404
    actor = signed_in(request)
    data = None
    if request.POST:
        data = request.POST.copy()
        data["form_token"] = data.get("form_token", "")[:64] or new_token()
    form = SubmitForm(data, signed_in=actor is not None, initial={"form_token": new_token()})
    context: dict[str, Any] = {"form": form, "kind": kind, "kind_label": FeedbackKind(kind).label,
                               "intro": KIND_INTROS[kind]}
    if request.method != "POST" or not form.is_valid():
        return _submit_page(request, context, 422 if form.is_bound else 200)
    anonymous = actor is None or bool(form.cleaned_data.get("anonymous"))
    try:
        # The same per-address limit as the public API: a form open to anyone invites floods.
        ratelimit.hit(key=f"feedback-submit:{client_address(request)}")
        receipt = services.submit_feedback(
            kind=kind, title=form.cleaned_data["title"], content=form.cleaned_data["content"],
            actor=actor, anonymous=anonymous, contact=form.cleaned_data["contact"],
            target=_target(form), consent_to_publish=form.cleaned_data["consent_to_publish"],
            idempotency_key=KEY_PREFIX + form.cleaned_data["form_token"],
        )
    except DomainError as exc:
        if exc.code == "already_submitted":
            # The PIN was shown once and is not kept in clear: it cannot be shown again. A
            # blank form with a new token lets the visitor file something else on purpose.
            context["form"] = SubmitForm(signed_in=actor is not None,
                                         initial={"form_token": new_token()})
            context["already_received"] = True
            context["earlier"] = selectors.tracked_submission_by_key(
                idempotency_key=KEY_PREFIX + form.cleaned_data["form_token"],
                tracked=tracked_ids(request))
            return _submit_page(request, context, exc.http_status)
        if exc.code == "case_not_found":
            form.add_error("case_number", exc.message)
        else:
            form_error(form, exc)
        return _submit_page(request, context, exc.http_status)
    if receipt.pin is None:
        if receipt.replayed:
            messages.info(request, _("This submission %(number)s was already received; "
                                     "nothing new was filed.")
                          % {"number": receipt.feedback.number})
        else:
            messages.success(request, _("Thank you. Your submission %(number)s was received.")
                             % {"number": receipt.feedback.number})
        return redirect("feedback:detail", number=receipt.feedback.number)
    remember_tracked(request, receipt.feedback.pk)
    # Shown once, never stored in clear: the page itself is the only copy of the PIN.
    return render(request, "feedback/receipt.html", {"receipt": receipt}, status=201)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Anyone holding a tracking code and its PIN opens that one submission."""
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit(key=f"feedback-track:{client_address(request)}")
            feedback = selectors.get_feedback_by_tracking(
                tracking_code=form.cleaned_data["tracking_code"], pin=form.cleaned_data["pin"])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = exc.http_status
        except NotFound as exc:
            form.add_error(None, exc.message)
            status = 404
        else:
            remember_tracked(request, feedback.pk)
            return redirect("feedback:tracked", pk=feedback.pk)
    return render(request, "feedback/track.html", {"form": form}, status=status)


def _tracked(request: HttpRequest, pk: int) -> Feedback:
    if pk not in tracked_ids(request):
        raise Http404
    try:
        return selectors.get_feedback_by_pk(pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def submitter_context(feedback: Feedback, *, answer: AnswerForm | None = None,
                      consent: ConsentForm | None = None) -> dict[str, Any]:
    """What the submitter sees: their text, the replies, and the forms open to them."""
    return {
        "feedback": feedback, "case": feedback.case,
        "replies": list(selectors.feedback_replies(feedback=feedback)),
        "answer_form": answer or (AnswerForm() if feedback.status == FeedbackStatus.REPLIED
                                  else None),
        "consent_form": consent or ConsentForm(
            initial={"consent": "yes" if feedback.consent_to_publish else "no"}),
    }


@never_cache
@require_safe
def tracked(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _tracked(request, pk)
    return render(request, "feedback/tracked.html", submitter_context(feedback))


@never_cache
@require_POST
def tracked_answer(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _tracked(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_reply(feedback=feedback, satisfied=form.cleaned_data["satisfied"]
                                  == "yes", comment=form.cleaned_data["comment"], with_pin=True)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Thank you for your answer."))
            return redirect("feedback:tracked", pk=pk)
    return render(request, "feedback/tracked.html", submitter_context(feedback, answer=form),
                  status=422)


@never_cache
@require_POST
def tracked_consent(request: HttpRequest, pk: int) -> HttpResponse:
    feedback = _tracked(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.set_publication_consent(feedback=feedback,
                                         consent=form.cleaned_data["consent"] == "yes",
                                         with_pin=True)
        messages.success(request, _("Your choice was saved."))
        return redirect("feedback:tracked", pk=pk)
    return render(request, "feedback/tracked.html", submitter_context(feedback, consent=form),
                  status=422)


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own submissions, newest first."""
    actor = actor_of(request)
    own = selectors.feedback_for_actor(actor=actor).filter(case__applicant=actor).order_by(
        "-created_at", "-pk")
    page = Paginator(own, 20).get_page(request.GET.get("page"))
    return render(request, "feedback/mine.html", {"page_obj": page})


@require_safe
def published(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_feedback(), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/published.html", {"page_obj": page})


@require_safe
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        feedback = selectors.get_published_feedback(pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "feedback/published_detail.html", {"feedback": feedback})
