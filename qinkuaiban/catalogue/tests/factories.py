"""Factories for catalogue tests: a published item with one version and its materials."""

from typing import Any

from qinkuaiban.catalogue import services
from qinkuaiban.catalogue.models import ServiceItem, ServiceItemVersion
from qinkuaiban.identity.models import Organisation


def guide_content(**overrides: Any) -> dict[str, Any]:
    """Complete, valid content for a version; override what a test is about."""
    content: dict[str, Any] = {
        "name": "测试服务事项",
        "keywords": "测试",
        "agency_name": "省机关事务管理局",
        "conditions": "在职工作人员。",
        "legal_days": 10,
        "promised_days": 5,
        "visits": 0,
        "channels": ["online"],
        "complaint_phone": "0791-88009999",
        "process_steps": [{"name": "申请", "description": "网上申请"}],
        "faq": [{"question": "问？", "answer": "答。"}],
        "form_fields": [
            {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
        ],
    }
    content.update(overrides)
    return content


def make_item(
    *, handling_org: Organisation, code: str = "QKB-CS-001", kind: str = "generic",
    category: str = "logistics", publish: bool = True, materials: list | None = None,
    **content: Any,
) -> ServiceItemVersion:
    """An item created (and by default published) through the services, as the demo does."""
    version = services.create_item(
        actor=None, code=code, kind=kind, category=category, handling_org=handling_org,
        content=guide_content(**content),
        materials=materials if materials is not None else [
            {"name": "居民身份证", "necessity": "required"},
            {"name": "预防接种证", "necessity": "deferrable"},
        ],
    )
    if publish:
        version = services.publish_version(actor=None, version=version)
    return version


def item(code: str) -> ServiceItem:
    return ServiceItem.objects.select_related("current_version").get(code=code)
