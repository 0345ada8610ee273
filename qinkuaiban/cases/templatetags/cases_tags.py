"""Template helpers of the case pages, and the published-commitment box for the guide's item
page: `{% load cases_tags %}{% commitment_stats item %}`."""

from typing import Any

from django import template
from django.urls import reverse

from qinkuaiban.cases import audience
from qinkuaiban.cases.commitments import commitment_stats as stats_of
from qinkuaiban.cases.models import Status, WarningLevel

register = template.Library()

STATUS_BADGES: dict[str, str] = {
    Status.DRAFT: "badge-grey",
    Status.SUBMITTED: "badge-blue",
    Status.AWAITING_SUPPLEMENT: "badge-yellow",
    Status.ACCEPTED: "badge-blue",
    Status.SPECIAL_PROCEDURE: "badge-yellow",
    Status.COMPLETED: "badge-green",
    Status.REJECTED: "badge-red",
    Status.WITHDRAWN: "badge-grey",
    Status.TERMINATED: "badge-red",
    Status.VOID: "badge-grey",
}
WARNING_BADGES: dict[str, str] = {
    WarningLevel.NORMAL: "badge-green",
    WarningLevel.YELLOW: "badge-yellow",
    WarningLevel.RED: "badge-red",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge colour of a case status."""
    return STATUS_BADGES.get(status, "badge-grey")


@register.filter
def warning_badge(level: str) -> str:
    """The badge colour of a deadline warning level."""
    return WARNING_BADGES.get(level, "badge-grey")


@register.filter
def warning_label(level: str, for_staff: bool = False) -> str:
    """The name of a deadline warning level: `{{ case.warning|warning_label:is_staff_view }}`
    (the applicant reads 即将到期 where staff read 黄色预警)."""
    return audience.warning_label(level, for_staff=bool(for_staff))


@register.inclusion_tag("cases/_commitment_stats.html")
def commitment_stats(item: Any) -> dict[str, Any]:
    """承诺践诺: the share of the item's cases completed within the promise, last 12 months."""
    return {"stats": stats_of(item), "item": item}


@register.inclusion_tag("cases/_apply_button.html")
def apply_button(item: Any) -> dict[str, Any]:
    """"在线办理" for an item whose guide offers online handling and whose kind an installed
    case kind handles; otherwise where and how to apply instead (the window, the phone)."""
    from qinkuaiban.cases.kinds import registered_kinds, takes_online_applications

    version = item.current_version
    kind = registered_kinds().get(item.kind)
    url = ""
    if kind is not None and version is not None and takes_online_applications(
            item.kind, version.channels):
        # A kind may take applications on its own page (meta "apply_url_name", given the slug).
        url_name = kind.meta.get("apply_url_name")
        url = (reverse(url_name, kwargs={"kind": item.kind}) if url_name
               else reverse("cases:apply", kwargs={"code": item.code}))
    return {"url": url, "phone": version.consultation_phone if version is not None else "",
            "place": version.place if version is not None else ""}


@register.filter
def queued_intake_applies(item: Any) -> bool:
    """Whether the queued-intake switch means anything for the item (catalogue management)."""
    from qinkuaiban.cases.intake import intake_applies

    return intake_applies(item)
