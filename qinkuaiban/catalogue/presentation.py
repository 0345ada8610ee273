"""How a version reads as a guide: badges, key facts and sections, shared by the web pages
and the PDF booklet so both always say the same thing."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qinkuaiban.catalogue.models import (
    Channel,
    ItemType,
    Material,
    ServiceItemVersion,
    ServiceObject,
)


@dataclass(frozen=True)
class Badge:
    label: str
    css: str


def badges(version: ServiceItemVersion) -> list[Badge]:
    """The reform promises the item keeps: 一次不跑 / 只跑一次, 马上就办, 上门服务."""
    found = []
    if version.visits == 0:
        found.append(Badge(_("No visit needed"), "badge-green"))
    elif version.visits == 1:
        found.append(Badge(_("One visit at most"), "badge-blue"))
    if version.is_instant:
        found.append(Badge(_("Handled at once"), "badge-red"))
    if version.door_to_door:
        found.append(Badge(_("Door-to-door service"), "badge-yellow"))
    return found


def visits_text(version: ServiceItemVersion) -> str:
    if version.visits == 0:
        return _("0 — no visit needed")
    if version.visits == 1:
        return _("1 — one visit at most")
    return ngettext("%(count)s visit", "%(count)s visits", version.visits) % {
        "count": version.visits}


def days_text(days: int) -> str:
    return ngettext("%(count)s working day", "%(count)s working days", days) % {"count": days}


def limits_text(version: ServiceItemVersion) -> str:
    """Legal against promised limit and the compression, e.g. 法定20个工作日，承诺10个工作日。"""
    if version.is_instant:
        return _("Legal limit %(legal)s; handled at once (completed on the spot).") % {
            "legal": days_text(version.legal_days)}
    if not version.compression_days:
        # Promised as long as the law allows: nothing to claim as shorter.
        return _("Legal limit %(legal)s; promised %(promised)s.") % {
            "legal": days_text(version.legal_days), "promised": days_text(version.promised_days)}
    return _("Legal limit %(legal)s; promised %(promised)s (%(days)s shorter, "
             "%(percent)s%%).") % {
        "legal": days_text(version.legal_days), "promised": days_text(version.promised_days),
        "days": days_text(version.compression_days), "percent": version.compression_percent}


def fees_text(version: ServiceItemVersion) -> str:
    if not version.is_charged:
        return _("Free of charge")
    # Editors end their sentences with a full stop: joined, "列支。；" would read twice.
    parts = [(version.fee_standard or _("Charged")).rstrip("。.；; ")]
    if version.fee_basis:
        parts.append(_("Basis: %(basis)s") % {"basis": version.fee_basis.rstrip("。.；; ")})
    return "；".join(parts)


def _labels(values: list[str], choices: Any) -> str:
    names = dict(choices.choices)
    return "、".join(str(names.get(value, value)) for value in values)


def material_form(material: Material) -> str:
    return _("%(kind)s, %(medium)s, %(copies)s") % {
        "kind": material.get_original_or_copy_display(),
        "medium": material.get_medium_display(),
        "copies": ngettext("%(count)s copy", "%(count)s copies", material.copies)
        % {"count": material.copies},
    }


def material_notes(material: Material) -> str:
    return "；".join(part for part in (material.source, material.notes) if part)


@dataclass
class Guide:
    """Everything a guide page or booklet section shows for one version."""

    version: ServiceItemVersion
    facts: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    special_steps: list[dict[str, Any]] = field(default_factory=list)
    special_step_lines: list[str] = field(default_factory=list)
    legal_basis_lines: list[str] = field(default_factory=list)
    faq: list[dict[str, Any]] = field(default_factory=list)
    badges: list[Badge] = field(default_factory=list)


def guide_for(version: ServiceItemVersion) -> Guide:
    """The guide of a version (materials should be prefetched by the caller's selector)."""
    item = version.item
    agency = version.agency_name
    if version.agency_credit_code:
        agency = _("%(name)s (unified social credit code %(code)s)") % {
            "name": agency, "code": version.agency_credit_code}
    facts: list[tuple[str, str]] = [
        (_("Implementation code"), item.code),
        (_("Basic code"), item.basic_code),
        (_("Item type"), str(dict(ItemType.choices).get(version.item_type, version.item_type))),
        (_("Implementing agency"), agency),
        (_("Handling division"), item.handling_org.name),
        (_("Co-handling organisations"), "、".join(version.co_handling_orgs)),
        (_("Service objects"), _labels(version.service_objects, ServiceObject)),
        (_("Time limits"), limits_text(version)),
        (_("Visits to the office"), visits_text(version)),
        (_("Channels"), _labels(version.channels, Channel)),
        (_("Appointment"), _("Available") if version.has_appointment else _("Not needed")),
        (_("Fees"), fees_text(version)),
        (_("Place"), version.place),
        (_("Office hours"), version.hours),
        (_("Consultation phone"), version.consultation_phone),
        (_("Supervision and complaint phone"), version.complaint_phone),
        (_("Result"), "；".join(p for p in (version.result_name, version.result_delivery) if p)),
        (_("Version"), _("Version %(number)s, published %(date)s") % {
            "number": version.number,
            "date": date_format(version.published_at, "DATE_FORMAT")
            if version.published_at else _("not yet")}),
    ]
    texts = [
        (_("About this service"), version.summary),
        (_("Conditions for acceptance"), version.conditions),
        (_("Quantity limits"), version.quantity_limits),
        (_("Implementation basis"), version.implementation_basis),
    ]
    special_lines = [
        _("%(name)s: %(days)s, %(counted)s") % {
            "name": step.get("name", ""), "days": days_text(int(step.get("limit_days", 0))),
            "counted": _("counted in the time limit") if step.get("counts_toward_limit")
            else _("not counted in the time limit")}
        for step in version.special_steps
    ]
    basis_lines = [
        " ".join(part for part in (entry.get("law", ""), entry.get("article", ""),
                                   entry.get("text", "")) if part)
        for entry in version.legal_basis
    ]
    return Guide(
        version=version,
        facts=[(label, value) for label, value in facts if value],
        texts=[(title, text) for title, text in texts if text and text.strip()],
        materials=list(version.materials.all()),
        steps=list(version.process_steps),
        special_steps=list(version.special_steps),
        special_step_lines=special_lines,
        legal_basis_lines=basis_lines,
        faq=list(version.faq),
        badges=badges(version),
    )

