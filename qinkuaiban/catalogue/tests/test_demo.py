import io

from qinkuaiban.catalogue.demo import seed_demo_data
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem, ServiceItemVersion


def test_demo_seeding_publishes_at_least_fifteen_items_and_is_idempotent(db):
    seed_demo_data(stdout=io.StringIO())
    first = ServiceItem.objects.count()
    seed_demo_data(stdout=io.StringIO())

    assert first >= 15
    assert ServiceItem.objects.count() == first
    assert ServiceItemVersion.objects.count() == first
    assert not ServiceItem.objects.exclude(status=ItemStatus.PUBLISHED).exists()


def test_demo_items_promise_less_than_the_law_allows(db):
    seed_demo_data(stdout=io.StringIO())

    for version in ServiceItemVersion.objects.all():
        assert version.promised_days < version.legal_days, version.name
        assert version.complaint_phone


def test_demo_covers_the_case_kinds_other_apps_plug_in(db):
    seed_demo_data(stdout=io.StringIO())

    kinds = set(ServiceItem.objects.values_list("kind", flat=True))
    assert {"generic", "enquiry", "childcare", "parking", "housing", "repair", "complaint",
            "suggestion"} <= kinds
    assert ServiceItemVersion.objects.filter(is_instant=True, promised_days=0).exists()
