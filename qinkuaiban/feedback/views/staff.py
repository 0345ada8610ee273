"""The feedback queue and one feedback's page: the submitter answers the reply there; staff
reply (from a template), extend, merge duplicates, adopt and publish. Transfers are the case's
(首问负责), on the case page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from qinkuaiban.core.errors import DomainError, NotFound
from qinkuaiban.feedback import selectors, services
from qinkuaiban.feedback.forms import (
    AdoptForm,
    AnswerForm,
    ConsentForm,
    ExtendForm,
    MergeForm,
    PublishForm,
    ReplyForm,
)
from qinkuaiban.feedback.models import Feedback, FeedbackReply
from qinkuaiban.feedback.permissions import is_head_of, is_staff_of, is_supervisor, may_reply
from qinkuaiban.feedback.rules import (
    ROUND_FOR_STATUS,
    FeedbackKind,
    FeedbackStatus,
    action_label,
    may_publish,
    redact,
)
from qinkuaiban.feedback.views._common import actor_of, form_error, staff_of
from qinkuaiban.feedback.views.public import submitter_context
from qinkuaiban.identity.models import User


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Submissions waiting for a reply in the actor's organisations, soonest due first."""
    actor = staff_of(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in FeedbackKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in FeedbackStatus.values else ""
    found = selectors.feedback_queue(actor=actor, kind=kind, status=status)
    page = Paginator(found, 25).get_page(request.GET.get("page"))
    return render(request, "feedback/queue.html", {
        "page_obj": page, "kinds": FeedbackKind.choices, "statuses": FeedbackStatus.choices,
        "kind": kind, "status": status,
    })


def _feedback(actor: User, number: str) -> Feedback:
    try:
        return selectors.get_feedback_for_actor(actor=actor, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _published_initial(feedback: Feedback) -> dict[str, str]:
    last = FeedbackReply.objects.filter(feedback=feedback).order_by("-round").first()
    return {"title": redact(feedback.title), "text": redact(feedback.content),
            "reply": redact(last.text if last else "")}


def detail_context(feedback: Feedback, actor: User, **bound: Any) -> dict[str, Any]:
    """The page of one feedback for the actor: the submitter's part, and staff forms."""
    organisation = feedback.case.handling_org
    context = submitter_context(feedback, answer=bound.get("answer"),
                                consent=bound.get("consent"))
    is_submitter = feedback.case.applicant_id == actor.pk
    if not is_submitter:
        context["answer_form"] = None
        context["consent_form"] = None
    round_ = ROUND_FOR_STATUS.get(feedback.status)
    staff = is_staff_of(actor, organisation) or is_supervisor(actor)
    forms: dict[str, Any] = {}
    if round_ is not None and may_reply(actor, organisation, round_):
        forms["reply"] = bound.get("reply") or ReplyForm(
            templates=selectors.templates_for(feedback=feedback))
    if (feedback.status == FeedbackStatus.OPEN and not feedback.extension_days
            and is_head_of(actor, organisation)):
        forms["extend"] = bound.get("extend") or ExtendForm()
    if feedback.status == FeedbackStatus.OPEN and is_staff_of(actor, organisation):
        candidates = list(selectors.merge_candidates(feedback=feedback))
        if candidates:
            forms["merge"] = bound.get("merge") or MergeForm(candidates=candidates)
    if (feedback.kind == FeedbackKind.SUGGESTION and not feedback.is_adopted
            and feedback.status != FeedbackStatus.MERGED and is_head_of(actor, organisation)):
        forms["adopt"] = bound.get("adopt") or AdoptForm()
    replies = context["replies"]
    if (may_publish(kind=feedback.kind, is_adopted=feedback.is_adopted, has_reply=bool(replies),
                    consent=feedback.consent_to_publish)
            and (is_head_of(actor, organisation) or is_supervisor(actor))):
        forms["publish"] = bound.get("publish") or PublishForm(initial=_published_initial(feedback))
    target_case = feedback.target_case
    context.update(
        is_submitter=is_submitter, is_staff_view=staff, forms=forms,
        may_open_case=selectors.may_open_case(actor=actor, case=feedback.case),
        may_open_target_case=target_case is not None and selectors.may_open_case(
            actor=actor, case=target_case),
        events=[(event, action_label(event.action))
                for event in selectors.feedback_events(feedback=feedback)] if staff else [],
        duplicates=list(feedback.duplicates.select_related("case")) if staff else [],
    )
    return context


@login_required
@require_safe
def detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_of(request)
    feedback = _feedback(actor, number)
    return render(request, "feedback/detail.html", detail_context(feedback, actor))


def _act(request: HttpRequest, number: str, name: str, form_class: Any,
         perform: Any, done: str, **form_kwargs: Any) -> HttpResponse:
    actor = actor_of(request)
    feedback = _feedback(actor, number)
    kwargs = {key: value(feedback) if callable(value) else value
              for key, value in form_kwargs.items()}
    form = form_class(request.POST, **kwargs)
    status = 422
    if form.is_valid():
        try:
            perform(feedback, actor, form)
        except DomainError as exc:
            form_error(form, exc)
            status = exc.http_status
        else:
            messages.success(request, done)
            return redirect("feedback:detail", number=number)
    feedback = _feedback(actor, number)
    return render(request, "feedback/detail.html", detail_context(feedback, actor, **{name: form}),
                  status=status)


@login_required
@require_POST
def reply(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: ReplyForm) -> None:
        services.reply_to_feedback(feedback=feedback, actor=actor,
                                   text=form.cleaned_data["text"],
                                   template=form.cleaned_data["template"])

    return _act(request, number, "reply", ReplyForm, perform, _("The reply was sent."),
                templates=lambda f: selectors.templates_for(feedback=f))


@login_required
@require_POST
def extend(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: ExtendForm) -> None:
        services.extend_reply(feedback=feedback, actor=actor, days_=form.cleaned_data["days"],
                              reason=form.cleaned_data["reason"])

    return _act(request, number, "extend", ExtendForm, perform,
                _("The deadline was extended."))


@login_required
@require_POST
def merge(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: MergeForm) -> None:
        duplicate = selectors.merge_candidates(feedback=feedback).get(
            pk=int(form.cleaned_data["duplicate"]))
        services.merge_feedback(primary=feedback, duplicate=duplicate, actor=actor)

    return _act(request, number, "merge", MergeForm, perform,
                _("The duplicate was merged; its submitter will get this reply."),
                candidates=lambda f: list(selectors.merge_candidates(feedback=f)))


@login_required
@require_POST
def adopt(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: AdoptForm) -> None:
        services.adopt_suggestion(feedback=feedback, actor=actor, note=form.cleaned_data["note"])

    return _act(request, number, "adopt", AdoptForm, perform, _("The suggestion was adopted."))


@login_required
@require_POST
def publish(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: PublishForm) -> None:
        services.publish_feedback(feedback=feedback, actor=actor,
                                  title=form.cleaned_data["title"],
                                  text=form.cleaned_data["text"],
                                  reply=form.cleaned_data["reply"])

    return _act(request, number, "publish", PublishForm, perform, _("Published."))


@login_required
@require_POST
def answer(request: HttpRequest, number: str) -> HttpResponse:
    """The signed-in submitter's verdict on the reply."""
    def perform(feedback: Feedback, actor: User, form: AnswerForm) -> None:
        services.answer_reply(feedback=feedback, actor=actor,
                              satisfied=form.cleaned_data["satisfied"] == "yes",
                              comment=form.cleaned_data["comment"])

    return _act(request, number, "answer", AnswerForm, perform, _("Thank you for your answer."))


@login_required
@require_POST
def consent(request: HttpRequest, number: str) -> HttpResponse:
    def perform(feedback: Feedback, actor: User, form: ConsentForm) -> None:
        services.set_publication_consent(feedback=feedback, actor=actor,
                                         consent=form.cleaned_data["consent"] == "yes")

    return _act(request, number, "consent", ConsentForm, perform, _("Your choice was saved."))


@login_required
@require_safe
def template_body(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the reply box filled with the chosen template's text."""
    actor = staff_of(request)
    feedback = _feedback(actor, number)
    raw = request.GET.get("template", "")
    template = None
    if raw.isdigit():
        template = selectors.templates_for(feedback=feedback).filter(pk=int(raw)).first()
    if raw and template is None:
        raise Http404
    form = ReplyForm(initial={"text": template.body if template else ""},
                     templates=selectors.templates_for(feedback=feedback))
    return render(request, "feedback/detail.html#reply_text", {"field": form["text"]})
