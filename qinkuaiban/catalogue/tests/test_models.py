import pytest
from django.db import IntegrityError, transaction

from qinkuaiban.catalogue.models import ImmutableVersionError, Material, ServiceItemVersion
from qinkuaiban.catalogue.services import update_draft
from qinkuaiban.catalogue.tests.factories import make_item
from qinkuaiban.core.errors import InvalidInput


def test_database_refuses_a_promise_longer_than_the_legal_limit(orgs):
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.filter(pk=draft.pk).update(promised_days=30, legal_days=20)


def test_database_refuses_an_instant_item_that_promises_days(orgs):
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceItemVersion.objects.filter(pk=draft.pk).update(is_instant=True, promised_days=3)


def test_service_explains_a_promise_longer_than_the_legal_limit(orgs):
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)

    with pytest.raises(InvalidInput) as caught:
        update_draft(actor=None, version=draft, content={"legal_days": 10, "promised_days": 15})

    assert caught.value.field == "promised_days"
    assert "15" in caught.value.message and "10" in caught.value.message


def test_instant_item_promises_zero_days_and_a_promised_item_at_least_one(orgs):
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)

    with pytest.raises(InvalidInput):
        update_draft(actor=None, version=draft, content={"is_instant": True, "promised_days": 2})
    with pytest.raises(InvalidInput):
        update_draft(actor=None, version=draft, content={"is_instant": False, "promised_days": 0})
    instant = update_draft(actor=None, version=draft,
                           content={"is_instant": True, "promised_days": 0})
    assert instant.is_instant and instant.compression_percent == 100


def test_a_published_version_cannot_be_saved_or_deleted(orgs):
    published = make_item(handling_org=orgs["goa-service-centre"])
    stale = ServiceItemVersion.objects.get(pk=published.pk)
    stale.name = "改过的名称"

    with pytest.raises(ImmutableVersionError):
        stale.save()
    with pytest.raises(ImmutableVersionError):
        stale.delete()
    assert ServiceItemVersion.objects.get(pk=published.pk).name == "测试服务事项"


def test_materials_of_a_published_version_cannot_change(orgs):
    published = make_item(handling_org=orgs["goa-service-centre"])
    material = published.materials.get(name="居民身份证")
    material.name = "别的材料"

    with pytest.raises(ImmutableVersionError):
        material.save()
    with pytest.raises(ImmutableVersionError):
        Material(version=published, name="新增材料").save()


def test_compression_is_reported_in_days_and_percent(orgs):
    version = make_item(handling_org=orgs["goa-service-centre"], legal_days=20, promised_days=5)

    assert version.compression_days == 15
    assert version.compression_percent == 75


def test_search_text_holds_chinese_full_pinyin_and_initials(orgs):
    version = make_item(handling_org=orgs["goa-service-centre"], name="集中办公区停车证办理",
                        keywords="车位")

    assert "停车" in version.search_text
    assert "tingche" in version.search_text
    assert "jzbgqtczbl" in version.search_text
    assert "cw" in version.search_text.splitlines()[2]
