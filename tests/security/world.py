"""The objects the access matrix and the injection tests need, built once per module through
the apps' own services and demo seeders, so every object is as real as production makes it.

Two organisations face each other everywhere: 张三 (organ A) applies for a meeting room handled
by the GOA service centre, where 李四 and 王五 work; 赵六 (organ B) asks the assets division for
furniture, which nobody of the service centre may see.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.cases import intake
from qinkuaiban.cases import services as case_services
from qinkuaiban.cases.models import Case
from qinkuaiban.catalogue import services as catalogue_services
from qinkuaiban.catalogue.demo import seed_demo_data as seed_catalogue
from qinkuaiban.catalogue.models import Material, ServiceItem, ServiceItemVersion
from qinkuaiban.identity import services as identity_services
from qinkuaiban.identity.demo import ADMIN_USERNAMES, ensure_demo_cast
from qinkuaiban.identity.models import Membership, Organisation, User
from qinkuaiban.identity.roles import Role
from qinkuaiban.identity.tokens import issue_token
from qinkuaiban.notifications import services as notification_services
from qinkuaiban.notifications.models import Delivery, Message

PASSWORD = "Qkb-Test-2026!"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Every identity the matrix asks about, in the order the rows list them.
ROLES: tuple[str, ...] = (
    "anonymous", "zhangsan", "zhaoliu", "lisi", "wangwu", "sunqi", "zhouba",
    "sysadmin", "secadmin", "auditor",
)
MEETING = "QKB-HY-001"  # handled by the GOA service centre
FURNITURE = "QKB-ZC-002"  # handled by the assets division


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def meeting_form(**overrides: Any) -> dict[str, Any]:
    """A valid application for a meeting room; text fields can be overridden."""
    form: dict[str, Any] = {
        "meeting_date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "time_slot": "上午", "attendees": 20, "topic": "季度工作推进会",
        "needs": "投影、茶水", "contact_name": "张三", "contact_phone": "13800000001",
        "organisation_name": "省发改委规划处",
    }
    form.update(overrides)
    return form


def furniture_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "furniture": "办公桌 2 张", "delivery_place": "省教育厅 3 号楼 201 室",
        "contact_name": "赵六", "contact_phone": "13800000002",
        "organisation_name": "省教育厅基础教育处",
    }
    form.update(overrides)
    return form


@dataclass
class World:
    """Everything the rows' URLs are filled from (`values`) and the people behind them."""

    users: dict[str, User]
    tokens: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    case_a: Case | None = None
    case_b: Case | None = None


def _admin_devices(users: dict[str, User]) -> None:
    for name in ADMIN_USERNAMES:
        TOTPDevice.objects.get_or_create(user=users[name], name="test authenticator",
                                         defaults={"confirmed": True})


def _assets_handler(orgs: dict[str, Organisation]) -> User:
    """A handler of the assets division (not in the cast) who accepts 赵六's case."""
    user = identity_services.create_user(
        actor=None, username="qianjiu", real_name="钱九", password=PASSWORD,
        mobile="13800000010", validate_password=False,
    )
    identity_services.grant_role(actor=None, user=user, organisation=orgs["goa-assets"],
                                 role=Role.HANDLER)
    return user


def _draft_with_blank_form(item: ServiceItem) -> ServiceItemVersion:
    """A new draft version of `item` whose one material has a blank form to download."""
    draft = catalogue_services.start_new_version(actor=None, item=item)
    return catalogue_services.update_draft(
        actor=None, version=draft, content={"change_note": "增加空白表格"},
        materials=[{"name": "会议室使用申请表", "necessity": "required",
                    "blank_form": ContentFile(b"%PDF-1.4\n%%EOF\n", name="blank.pdf")}],
    )


def _completed(actor: User, item: ServiceItem, form: dict[str, Any], handler: User,
               key: str) -> Case:
    case = case_services.submit_case(actor=actor, item=item, form=form, idempotency_key=key)
    case = case_services.accept(case=case, actor=handler)
    return case_services.complete(case=case, actor=handler, outcome="approved")


def _feedback_world(users: dict[str, User], handlers: dict[str, User],
                    case_a: Case, case_b: Case, items: dict[str, ServiceItem]) -> dict[str, Any]:
    """Complaints about 张三's and 赵六's cases, a bad rating of each with its rectification, a
    case still to rate, a published suggestion, a reply template and a routing rule."""
    from qinkuaiban.feedback import services as feedback_services
    from qinkuaiban.feedback.demo import seed_demo_data as seed_feedback
    from qinkuaiban.feedback.models import Rectification, ReplyTemplate, RoutingRule
    from qinkuaiban.feedback.rules import INDICATORS, RatingChannel, TargetType

    seed_feedback(stdout=io.StringIO())
    zhangsan, zhaoliu = users["zhangsan"], users["zhaoliu"]

    def complaint(actor: User, case: Case) -> Any:
        return feedback_services.submit_feedback(
            kind="complaint", title="办理拖延", content="迟迟没有回复。", actor=actor,
            anonymous=False, target=feedback_services.Target(type=TargetType.CASE, case=case),
        ).feedback

    def rated_badly(actor: User, case: Case) -> Rectification:
        evaluation = feedback_services.rate_case(
            case=case, actor=actor, level=1, comment="很不满意",
            scores=dict.fromkeys(INDICATORS[RatingChannel.ONLINE], 1))
        return Rectification.objects.get(evaluation=evaluation)

    meeting, furniture = items[MEETING], items[FURNITURE]
    rated_a = _completed(zhangsan, meeting, meeting_form(), handlers["a"], "matrix-rated-a")
    rated_b = _completed(zhaoliu, furniture, furniture_form(), handlers["b"], "matrix-rated-b")
    to_rate = _completed(zhangsan, meeting, meeting_form(), handlers["a"], "matrix-to-rate")
    suggestion = feedback_services.submit_feedback(
        kind="suggestion", title="建议增加会议室", content="会议室经常约满。", actor=zhangsan,
        anonymous=False, consent_to_publish=True).feedback
    feedback_services.reply_to_feedback(feedback=suggestion, actor=handlers["a"],
                                        text="感谢建议，正在研究。")
    feedback_services.adopt_suggestion(feedback=suggestion, actor=users["wangwu"],
                                       note="增设两间会议室。")
    feedback_services.publish_feedback(feedback=suggestion, actor=users["wangwu"],
                                       title="建议增加会议室", text="会议室经常约满。",
                                       reply="感谢建议，正在研究。")
    return {
        "fb_a": complaint(zhangsan, case_a).number, "fb_b": complaint(zhaoliu, case_b).number,
        "rect_a": rated_badly(zhangsan, rated_a).pk, "rect_b": rated_badly(zhaoliu, rated_b).pk,
        "to_rate": to_rate.number, "published": suggestion.pk,
        "template": ReplyTemplate.objects.order_by("pk").values_list("pk", flat=True).first(),
        "rule": RoutingRule.objects.order_by("pk").values_list("pk", flat=True).first(),
    }


def build_world() -> World:
    """Create the cast, the demo catalogue and one of every object a URL names."""
    users = ensure_demo_cast(password=PASSWORD)
    _admin_devices(users)
    seed_catalogue(stdout=io.StringIO())
    orgs = {org.code: org for org in Organisation.objects.all()}
    items = {item.code: item for item in ServiceItem.objects.select_related(
        "current_version", "handling_org")}
    meeting, furniture = items[MEETING], items[FURNITURE]
    zhangsan, zhaoliu, lisi = users["zhangsan"], users["zhaoliu"], users["lisi"]

    case_a = case_services.submit_case(actor=zhangsan, item=meeting, form=meeting_form(),
                                       files=[(None, pdf())], idempotency_key="matrix-a")
    case_a = case_services.accept(case=case_a, actor=lisi)
    case_b = case_services.submit_case(actor=zhaoliu, item=furniture, form=furniture_form(),
                                       files=[(None, pdf())], idempotency_key="matrix-b")
    qianjiu = _assets_handler(orgs)
    case_b = case_services.accept(case=case_b, actor=qianjiu)
    draft_a = case_services.create_draft(actor=zhangsan, item=meeting, form=meeting_form(),
                                         files=[(None, pdf())])
    draft_b = case_services.create_draft(actor=zhaoliu, item=furniture, form=furniture_form(),
                                         files=[(None, pdf())])
    intake_a = intake.receive_application(actor=zhangsan, item=meeting, form=meeting_form(),
                                          files=[(None, pdf())], idempotency_key="matrix-a")
    intake_b = intake.receive_application(actor=zhaoliu, item=furniture,
                                          form=furniture_form(), files=[(None, pdf())],
                                          idempotency_key="matrix-b")

    (message_a,) = notification_services.notify(recipients=[zhangsan], kind="security.test",
                                                title="测试消息", body="给张三的消息")
    (message_b,) = notification_services.notify(recipients=[zhaoliu], kind="security.test",
                                                title="测试消息", body="给赵六的消息",
                                                channels=("in_app", "email"))
    delivery = Delivery.objects.filter(message=message_b).exclude(channel="in_app").get()

    draft_version = _draft_with_blank_form(meeting)
    draft_material = Material.objects.filter(version=draft_version).get()
    other_draft = catalogue_services.start_new_version(actor=None, item=furniture)

    tokens = {name: issue_token(user=user, name="matrix")[0] for name, user in users.items()}
    _raw, token_a = issue_token(user=zhangsan, name="revoke me")
    _raw, token_b = issue_token(user=zhaoliu, name="revoke me")

    first_attachment = {case.pk: case.attachments.order_by("pk").first() for case in
                        (case_a, case_b, draft_a, draft_b)}
    values = {
        "case_a": case_a.number, "case_b": case_b.number,
        "code_a": case_a.verification_code,
        "att_a": first_attachment[case_a.pk].pk,  # type: ignore[union-attr]
        "att_b": first_attachment[case_b.pk].pk,  # type: ignore[union-attr]
        "draft_a": draft_a.pk, "draft_b": draft_b.pk,
        "intake_a": intake_a.receipt, "intake_b": intake_b.receipt,
        "draft_att_a": first_attachment[draft_a.pk].pk,  # type: ignore[union-attr]
        "draft_att_b": first_attachment[draft_b.pk].pk,  # type: ignore[union-attr]
        "message_a": message_a.pk, "message_b": message_b.pk, "delivery": delivery.pk,
        "audit_seq": AuditEntry.objects.order_by("-sequence").values_list(
            "sequence", flat=True).first(),
        "user_a": zhangsan.pk, "user_admin": users["sysadmin"].pk,
        "membership_a": Membership.objects.filter(user=zhangsan).values_list(
            "pk", flat=True).first(),
        "token_a": token_a.pk, "token_b": token_b.pk,
        "item_own": MEETING, "item_other": FURNITURE,
        "meeting_date": meeting_form()["meeting_date"],
        "draft_v_own": draft_version.number, "draft_v_other": other_draft.number,
        "material_own": draft_material.pk,
        "year": timezone.localdate().year,
        **_feedback_world(users, {"a": lisi, "b": qianjiu}, case_a, case_b, items),
    }
    assert Message.objects.filter(pk__in=[message_a.pk, message_b.pk]).count() == 2
    return World(users=users, tokens=tokens, values=values, case_a=case_a, case_b=case_b)
