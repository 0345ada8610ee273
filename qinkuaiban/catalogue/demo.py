"""Seed the demo catalogue (called by `seed_demo`): every item of demo_items.py, created and
published through the services, skipping codes that already exist."""

from typing import Any, TextIO

from django.db import transaction
from django.utils.translation import gettext as _

from qinkuaiban.catalogue import services
from qinkuaiban.catalogue.demo_items import ITEMS
from qinkuaiban.catalogue.models import ServiceItem
from qinkuaiban.identity.demo import ensure_organisations


@transaction.atomic
def seed_demo_data(*, stdout: TextIO) -> None:
    """Create and publish the demo service items where missing (idempotent)."""
    orgs = ensure_organisations()
    goa = orgs["goa"]
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    created = 0
    for spec in ITEMS:
        if spec["code"] in existing:
            continue
        content: dict[str, Any] = {
            "agency_name": goa.name, "agency_credit_code": goa.credit_code or "", **spec["content"]
        }
        version = services.create_item(
            actor=None, code=spec["code"], kind=spec["kind"], category=spec["category"],
            handling_org=orgs[spec["org"]], basic_code=spec["basic_code"],
            sort_order=spec["sort_order"], content=content, materials=spec["materials"],
        )
        services.publish_version(actor=None, version=version)
        created += 1
    stdout.write(
        _("  %(created)s service items created, %(existing)s already there.")
        % {"created": created, "existing": len(existing)}
    )
