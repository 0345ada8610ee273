"""Routing rules kept by the supervising division, reply templates by division heads."""

import pytest
from django.urls import reverse

from qinkuaiban.core.errors import Conflict, InvalidInput, NotPermitted
from qinkuaiban.feedback import services
from qinkuaiban.feedback.models import ReplyTemplate, RoutingRule
from qinkuaiban.feedback.rules import FeedbackKind, TargetType
from qinkuaiban.web.tests.helpers import sign_in


def test_only_the_supervising_division_keeps_routing_rules(cast, zhouba, wangwu, orgs):
    with pytest.raises(NotPermitted):
        services.save_routing_rule(actor=wangwu, kind="complaint", target_type="none",
                                   target_org=None, handling_org=orgs["goa-office"])
    rule = services.save_routing_rule(actor=zhouba, kind="complaint", target_type="none",
                                      target_org=None, handling_org=orgs["goa-office"])
    with pytest.raises(Conflict):
        services.save_routing_rule(actor=zhouba, kind="complaint", target_type="none",
                                   target_org=None, handling_org=orgs["goa-property"])
    with pytest.raises(InvalidInput):
        services.save_routing_rule(actor=zhouba, kind="praise", target_type="none",
                                   target_org=None, handling_org=None)
    rule = services.save_routing_rule(actor=zhouba, rule=rule, kind="complaint",
                                      target_type="none", target_org=None,
                                      handling_org=orgs["goa-property"])
    assert RoutingRule.objects.get().handling_org == orgs["goa-property"]


def test_the_routing_page_is_editable_by_supervisors_and_read_only_for_staff(client, cast, zhouba,
                                                                             lisi, zhangsan,
                                                                             orgs):
    sign_in(client, zhouba)
    response = client.post(reverse("feedback:routing"), {
        "kind": FeedbackKind.COMPLAINT, "target_type": TargetType.ORGANISATION,
        "is_active": "on", "note": "谁办理谁负责"})
    assert response.status_code == 302 and RoutingRule.objects.count() == 1
    sign_in(client, lisi)
    assert client.get(reverse("feedback:routing")).status_code == 200
    assert client.post(reverse("feedback:routing"), {"kind": "praise"}).status_code == 403
    sign_in(client, zhangsan)
    assert client.get(reverse("feedback:routing")).status_code == 403


def test_heads_keep_their_divisions_templates(cast, wangwu, lisi, zhouba, orgs):
    centre = orgs["goa-service-centre"]
    template = services.save_reply_template(actor=wangwu, organisation=centre, kind="complaint",
                                            title="致歉", body="您好，已整改。")
    with pytest.raises(NotPermitted):
        services.save_reply_template(actor=lisi, organisation=centre, kind="", title="x",
                                     body="y")
    with pytest.raises(NotPermitted):
        services.save_reply_template(actor=wangwu, organisation=None, kind="", title="共享",
                                     body="y")
    shared = services.save_reply_template(actor=zhouba, organisation=None, kind="", title="共享",
                                          body="感谢")
    with pytest.raises(NotPermitted):
        services.save_reply_template(actor=wangwu, template=shared, organisation=centre,
                                     kind="", title="改", body="改")
    assert ReplyTemplate.objects.filter(pk=template.pk, organisation=centre).exists()


def test_the_templates_page_creates_a_template(client, cast, wangwu, orgs):
    sign_in(client, wangwu)
    response = client.post(reverse("feedback:templates"), {
        "organisation": orgs["goa-service-centre"].pk, "kind": "", "title": "通用答复",
        "body": "您好，您的意见已收悉。", "is_active": "on"})
    assert response.status_code == 302
    assert ReplyTemplate.objects.get().title == "通用答复"
