"""Routing rules (kept by the supervising division) and reply templates (kept by division heads
for their division; shared ones by the supervising division)."""

from django.db import transaction
from django.utils.translation import gettext as _

from qinkuaiban.audit.services import record
from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback.models import ReplyTemplate, RoutingRule
from qinkuaiban.feedback.permissions import is_head_of, is_supervisor
from qinkuaiban.feedback.rules import FeedbackKind, TargetType
from qinkuaiban.feedback.services._common import refuse_admin, required_text
from qinkuaiban.identity.models import Organisation, User


@transaction.atomic
def save_routing_rule(
    *,
    actor: User,
    kind: str,
    target_type: str,
    target_org: Organisation | None,
    handling_org: Organisation | None,
    is_active: bool = True,
    note: str = "",
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Create or change a routing rule (supervising division only)."""
    refuse_admin(actor)
    if not is_supervisor(actor):
        raise NotPermitted(_("Only the supervising division keeps the routing rules."),
                           code="not_supervisor")
    if kind not in FeedbackKind.values:
        raise InvalidInput(_("Choose a kind."), code="invalid_kind", field="kind")
    if target_type not in TargetType.values:
        raise InvalidInput(_("Choose what it is about."), code="invalid_target",
                           field="target_type")
    if target_type == TargetType.NONE and (handling_org is None or target_org is not None):
        raise InvalidInput(_("A rule about nothing in particular names who handles it."),
                           code="handling_org_required", field="handling_org")
    clash = RoutingRule.objects.filter(kind=kind, target_type=target_type, target_org=target_org,
                                       is_active=True)
    if rule is not None:
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        clash = clash.exclude(pk=rule.pk)
    if is_active and clash.exists():
        raise Conflict(_("An active rule for this kind and target already exists."),
                       code="duplicate_rule")
    before = {} if rule is None else {
        "kind": rule.kind, "target_type": rule.target_type, "target_org": rule.target_org_id,
        "handling_org": rule.handling_org_id, "is_active": rule.is_active,
    }
    rule = rule or RoutingRule()
    rule.kind, rule.target_type, rule.target_org = kind, target_type, target_org
    rule.handling_org, rule.is_active = handling_org, is_active
    rule.note, rule.updated_by = note.strip()[:200], actor
    rule.save()
    record(action="feedback.routing_rule_saved", actor=actor, target=rule,
           changes={"before": before, "kind": kind, "target_type": target_type,
                    "target_org": getattr(target_org, "code", None),
                    "handling_org": getattr(handling_org, "code", None), "is_active": is_active})
    return rule


def may_keep_templates(actor: User, organisation: Organisation | None) -> bool:
    """Heads keep their division's templates; the supervising division the shared ones."""
    if organisation is None:
        return is_supervisor(actor)
    return is_head_of(actor, organisation)


@transaction.atomic
def save_reply_template(
    *,
    actor: User,
    organisation: Organisation | None,
    kind: str,
    title: str,
    body: str,
    is_active: bool = True,
    template: ReplyTemplate | None = None,
) -> ReplyTemplate:
    """Create or change a reply template."""
    refuse_admin(actor)
    if template is not None:
        template = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
        if not may_keep_templates(actor, template.organisation):
            raise NotPermitted(_("You may not change this template."), code="not_permitted")
    if not may_keep_templates(actor, organisation):
        raise NotPermitted(_("You may not keep templates for this organisation."),
                           code="not_permitted")
    if kind and kind not in FeedbackKind.values:
        raise InvalidInput(_("Choose a kind."), code="invalid_kind", field="kind")
    template = template or ReplyTemplate()
    template.organisation, template.kind = organisation, kind
    template.title = required_text(title, field="title", message=_("Give a title."), limit=100)
    template.body = required_text(body, field="body", message=_("Write the text."), limit=5000)
    template.is_active, template.updated_by = is_active, actor
    template.save()
    record(action="feedback.reply_template_saved", actor=actor, target=template,
           organisation=organisation,
           changes={"title": template.title, "kind": kind, "is_active": is_active})
    return template
