"""Demo data of the feedback app (called by `seed_demo` after the catalogue and the cases):
the items for praise and letters to the leadership, routing rules, shared reply templates, a
bad rating with its rectification under way, and a suggestion and a complaint answered.
Everything goes through the services; a second run creates nothing."""

from typing import Any, TextIO

from django.db import transaction

from qinkuaiban.cases.models import Case, Status
from qinkuaiban.catalogue import services as catalogue_services
from qinkuaiban.catalogue.demo_items import COMPLAINT_PHONE, HOURS, field, step
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.core.errors import Conflict
from qinkuaiban.feedback import services
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.models import Evaluation, Feedback, ReplyTemplate, RoutingRule
from qinkuaiban.feedback.rules import (
    INDICATORS,
    REPLY_DAYS_SETTING,
    FeedbackKind,
    RatingChannel,
    TargetType,
)
from qinkuaiban.identity.demo import ensure_organisations
from qinkuaiban.identity.models import User

FEEDBACK_FIELDS = [
    field("title", "标题", "text", max_length=100),
    field("content", "内容", "textarea", max_length=2000),
    field("contact_phone", "联系电话", "phone", required=False),
]

ITEMS: list[dict[str, Any]] = [
    {
        "code": "QKB-BY-001", "basic_code": "QKB-BY", "kind": FeedbackKind.PRAISE,
        "org": "goa-service-centre", "sort_order": 4,
        "content": {
            "name": "服务表扬",
            "keywords": "表扬 点赞 感谢",
            "summary": "对机关事务服务中表现突出的单位和工作人员提出表扬。",
            "conditions": "无。",
            "process_steps": [step("提交表扬", "实名或匿名提交。"),
                              step("反馈", "转达被表扬单位和人员并反馈。")],
            "legal_days": 15,
        },
    },
    {
        "code": "QKB-JZ-001", "basic_code": "QKB-JZ", "kind": FeedbackKind.LEADER_MAILBOX,
        "org": "goa-office", "sort_order": 5,
        "content": {
            "name": "局长信箱",
            "keywords": "局长信箱 领导信箱 来信",
            "summary": "向局领导反映情况、提出意见建议，局办公室登记、呈批并限时答复。",
            "conditions": "来信内容属于机关事务管理工作范围。",
            "process_steps": [step("来信", "实名或匿名来信。"),
                              step("登记呈批", "局办公室登记后呈局领导批示。"),
                              step("答复", "按批示办理并答复来信人。")],
            "legal_days": 20,
        },
    },
]

TEMPLATES = [
    (FeedbackKind.COMPLAINT, "投诉处理答复",
     "您好！您反映的问题已收悉。经调查核实，我们已对相关问题进行整改，并对有关人员进行了批评教育。"
     "感谢您对机关事务工作的监督，如仍有意见，欢迎继续反映。"),
    (FeedbackKind.SUGGESTION, "建议采纳答复",
     "您好！感谢您提出的宝贵建议。经研究，您的建议已被采纳，我们将于近期落实。欢迎继续关注和支持机关事务工作。"),
    (FeedbackKind.SUGGESTION, "建议暂不采纳答复",
     "您好！感谢您提出的建议。经研究，因受现有条件限制，暂不具备实施条件，我们已记录在案，待条件成熟时统筹考虑。"),
    (FeedbackKind.PRAISE, "表扬答谢",
     "您好！感谢您的肯定和鼓励，我们已将您的表扬转达相关同志，我们将继续努力，为您提供更好的服务。"),
]


def _items(stdout: TextIO) -> None:
    orgs = ensure_organisations()
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    goa = orgs["goa"]
    for spec in ITEMS:
        if spec["code"] in existing:
            continue
        content = {
            "agency_name": goa.name, "agency_credit_code": goa.credit_code or "",
            "item_type": "public_service",
            "service_objects": ["natural_person", "legal_person", "other_organisation"],
            "channels": ["online", "window", "post"], "visits": 0, "hours": HOURS,
            "consultation_phone": "0791-88001102", "complaint_phone": COMPLAINT_PHONE,
            "result_name": "答复", "result_delivery": "平台推送或电话反馈",
            "form_fields": FEEDBACK_FIELDS, **spec["content"],
        }
        # The guide promises the reply limit the configuration enforces (conf.py), never a
        # number of its own.
        promised = days(REPLY_DAYS_SETTING[spec["kind"]])
        content["promised_days"] = promised
        content["legal_days"] = max(content["legal_days"], promised)
        version = catalogue_services.create_item(
            actor=None, code=spec["code"], kind=spec["kind"], category="enquiry",
            handling_org=orgs[spec["org"]], basic_code=spec["basic_code"],
            sort_order=spec["sort_order"], content=content,
        )
        catalogue_services.publish_version(actor=None, version=version)
        stdout.write(f"feedback: service item {spec['code']} created\n")


def _rules(supervisor: User) -> None:
    if RoutingRule.objects.exists():
        return
    orgs = ensure_organisations()
    for target_type in (TargetType.CASE, TargetType.ITEM, TargetType.ORGANISATION):
        # 谁办理谁负责: a complaint about a case, a service or a division goes to that division.
        services.save_routing_rule(actor=supervisor, kind=FeedbackKind.COMPLAINT,
                                   target_type=target_type, target_org=None, handling_org=None,
                                   note="谁办理谁负责")
    for kind in (FeedbackKind.COMPLAINT, FeedbackKind.SUGGESTION, FeedbackKind.PRAISE):
        services.save_routing_rule(actor=supervisor, kind=kind, target_type=TargetType.NONE,
                                   target_org=None, handling_org=orgs["goa-service-centre"],
                                   note="未指明对象的由机关服务中心首问办理")


def _templates(supervisor: User) -> None:
    if ReplyTemplate.objects.exists():
        return
    for kind, title, body in TEMPLATES:
        services.save_reply_template(actor=supervisor, organisation=None, kind=kind, title=title,
                                     body=body)


def _rating(zhangsan: User) -> None:
    case = Case.objects.filter(applicant=zhangsan, idempotency_key="demo-completed",
                               status=Status.COMPLETED).first()
    if case is None or Evaluation.objects.filter(case=case).exists():
        return
    channel = RatingChannel.ONLINE
    services.rate_case(case=case, actor=zhangsan, level=2,
                       scores={name: 3 for name in INDICATORS[channel]},
                       comment="会议室投影仪不能使用，现场等了半小时才有人处理。")


def _feedback(zhangsan: User, lisi: User, wangwu: User) -> None:
    suggestion = services.submit_feedback(
        kind=FeedbackKind.SUGGESTION, title="建议食堂增加晚餐供应", actor=zhangsan,
        anonymous=False, content="加班人员较多，建议机关食堂工作日增加晚餐供应。",
        consent_to_publish=True, idempotency_key="demo-suggestion",
    ).feedback
    if suggestion.status == "open":
        services.reply_to_feedback(feedback=suggestion, actor=lisi,
                                   text="感谢您的建议。自下月起，机关食堂工作日增设晚餐（17:30—19:00）。")
        services.adopt_suggestion(feedback=suggestion, actor=wangwu,
                                  note="工作日增设晚餐供应。")
    if not Feedback.objects.filter(kind=FeedbackKind.COMPLAINT).exists():
        try:
            services.submit_feedback(
                kind=FeedbackKind.COMPLAINT, title="停车场道闸经常故障", actor=None,
                anonymous=True, content="一号楼停车场道闸本周三次无法抬杆，影响通行。",
                idempotency_key="demo-complaint",
            )
        except Conflict:
            return


@transaction.atomic
def seed_demo_data(*, stdout: TextIO) -> None:
    """Create the feedback demo data where missing."""
    _items(stdout)
    users = {u.username: u for u in User.objects.filter(
        username__in=["zhangsan", "lisi", "wangwu", "zhouba"])}
    if len(users) < 4:
        stdout.write("feedback: demo cast missing, no demo feedback created\n")
        return
    _rules(users["zhouba"])
    _templates(users["zhouba"])
    _rating(users["zhangsan"])
    _feedback(users["zhangsan"], users["lisi"], users["wangwu"])
    stdout.write("feedback: demo data ready\n")
