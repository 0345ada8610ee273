"""Public REST endpoints of the service guide, mounted at /api/v1/services.

The guide is public (政务公开), so no sign-in is needed. Unknown codes answer 404
`{"code": "service_not_found", "detail": ...}` through the API root's DomainError handler.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from qinkuaiban.catalogue import selectors
from qinkuaiban.catalogue.forms_spec import FieldSpec, today_here
from qinkuaiban.catalogue.models import ServiceItem, ServiceItemVersion
from qinkuaiban.core.pagination import BoundedPageNumberPagination
from qinkuaiban.core.schemas import ErrorOut

router = Router(tags=["services"])


class MaterialOut(Schema):
    name: str
    necessity: str
    original_or_copy: str
    medium: str
    copies: int
    source: str
    notes: str


class FormFieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    choices: list[str] = []
    help: str = ""
    # Date fields: the earliest and latest date accepted today, and the date field this one
    # may not precede (the end of a start/end pair).
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    not_before_field: str = ""


class ServiceSummaryOut(Schema):
    code: str
    name: str
    kind: str
    category: str
    handling_org: str
    legal_days: int
    promised_days: int
    visits: int
    instant: bool
    door_to_door: bool
    version: int


class ServiceOut(ServiceSummaryOut):
    item_type: str
    conditions: str
    materials: list[MaterialOut]
    form: list[FormFieldOut]
    process_steps: list[dict[str, Any]]
    channels: list[str]
    has_appointment: bool
    is_charged: bool
    fee_standard: str
    place: str
    hours: str
    consultation_phone: str
    complaint_phone: str
    published_at: dt.datetime | None


def _summary(item: ServiceItem, version: ServiceItemVersion) -> dict[str, Any]:
    return {
        "code": item.code, "name": version.name, "kind": item.kind, "category": item.category,
        "handling_org": item.handling_org.name, "legal_days": version.legal_days,
        "promised_days": version.promised_days, "visits": version.visits,
        "instant": version.is_instant, "door_to_door": version.door_to_door,
        "version": version.number,
    }


def _form_field(spec: FieldSpec, today: dt.date) -> dict[str, Any]:
    min_date, max_date = spec.date_limits(today)
    return {"name": spec.name, "label": spec.label, "type": spec.type,
            "required": spec.required, "choices": [value for value, _ in spec.choices],
            "help": spec.help, "min_date": min_date, "max_date": max_date,
            "not_before_field": spec.not_before_field}


@router.get("", response={200: list[ServiceSummaryOut], 422: ErrorOut}, auth=None)
@paginate(BoundedPageNumberPagination, page_size=50)
def list_services(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """Published services, matching `q` in Chinese, full pinyin or pinyin initials."""
    return [
        _summary(item, item.current_version)
        for item in selectors.published_items(query=q[:60])
        if item.current_version is not None
    ]


@router.get("/{code}", response={200: ServiceOut, 404: ErrorOut}, auth=None)
def get_service(request: HttpRequest, code: str) -> dict[str, Any]:
    """The current guide of one service: limits, visits, materials and the application form."""
    item = selectors.get_published_item(code=code)
    version = item.current_version
    assert version is not None
    today = today_here()
    return {
        **_summary(item, version),
        "item_type": version.item_type,
        "conditions": version.conditions,
        "materials": [
            {"name": m.name, "necessity": m.necessity, "original_or_copy": m.original_or_copy,
             "medium": m.medium, "copies": m.copies, "source": m.source, "notes": m.notes}
            for m in version.materials.all()
        ],
        "form": [_form_field(spec, today) for spec in version.field_specs],
        "process_steps": version.process_steps,
        "channels": version.channels,
        "has_appointment": version.has_appointment,
        "is_charged": version.is_charged,
        "fee_standard": version.fee_standard,
        "place": version.place,
        "hours": version.hours,
        "consultation_phone": version.consultation_phone,
        "complaint_phone": version.complaint_phone,
        "published_at": version.published_at,
    }
