"""Factories for case tests: published items made through the catalogue services, uploaded
files with real magic bytes, and cases made through the case services."""

import io
import zipfile
from typing import Any

import factory
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qinkuaiban.cases import services
from qinkuaiban.cases.models import Case, Channel
from qinkuaiban.catalogue import services as catalogue_services
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.models import Organisation, User

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def guide(**overrides: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "name": "办公家具调配",
        "agency_name": "省机关事务管理局",
        "conditions": "在职工作人员。",
        "legal_days": 20,
        "promised_days": 5,
        "visits": 0,
        "channels": ["online", "window"],
        "complaint_phone": "0791-88009999",
        "form_fields": [
            {"name": "contact_phone", "label": "联系电话", "type": "phone", "required": True},
            {"name": "id_number", "label": "身份证号", "type": "id_number", "required": False},
        ],
    }
    content.update(overrides)
    return content


DEFAULT_MATERIALS = [
    {"name": "申请函", "necessity": "required"},
    {"name": "清单", "necessity": "required"},
    {"name": "鉴定报告", "necessity": "deferrable"},
]


class ItemFactory(factory.Factory):
    """A published service item (through the catalogue services, as the demo seeds them)."""

    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"QKB-T-{n:03d}")
    kind = "generic"
    handling_org = factory.LazyFunction(lambda: Organisation.objects.get(code="goa-service-centre"))
    materials = factory.LazyFunction(lambda: [dict(m) for m in DEFAULT_MATERIALS])
    content = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> ServiceItem:
        version = catalogue_services.create_item(
            actor=None, code=kwargs["code"], kind=kwargs["kind"], category="logistics",
            handling_org=kwargs["handling_org"], content=guide(**kwargs["content"]),
            materials=kwargs["materials"],
        )
        catalogue_services.publish_version(actor=None, version=version)
        return ServiceItem.objects.select_related("current_version", "handling_org").get(
            pk=version.item_id
        )


def make_item(**kwargs: Any) -> ServiceItem:
    """A published item (ItemFactory, typed)."""
    item = ItemFactory(**kwargs)
    assert isinstance(item, ServiceItem)
    return item


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def docx(name: str = "材料.docx", *, main_part: str = "word/document.xml") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def material_files(item: ServiceItem, *, necessity: str = "required") -> list[tuple[int, Any]]:
    """One PDF for every material of the item's current version with that necessity."""
    assert item.current_version is not None
    return [(m.pk, pdf(f"{m.name}.pdf"))
            for m in item.current_version.materials.filter(necessity=necessity)]


def submit(
    item: ServiceItem, applicant: User, *, files: bool = True, **kwargs: Any
) -> Case:
    """A case submitted online by the applicant, with every required material attached."""
    return services.submit_case(
        actor=applicant, item=item, form={"contact_phone": "13800000001"},
        files=material_files(item) if files else [], **kwargs,
    )


def register_at_window(item: ServiceItem, clerk: User, applicant: User) -> Case:
    return services.submit_case(
        actor=clerk, item=item, form={"contact_phone": "13800000001"},
        channel=Channel.WINDOW, applicant=applicant,
    )


def signed_in(user: User, language: str = "zh-hans") -> Client:
    """A test client signed in as `user`, reading pages in `language` (the switcher's cookie)."""
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
