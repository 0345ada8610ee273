import pytest

from qinkuaiban.audit.models import AuditEntry
from qinkuaiban.catalogue import services
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem, ServiceItemVersion
from qinkuaiban.catalogue.tests.factories import guide_content, make_item
from qinkuaiban.core.errors import Conflict, NotPermitted


def test_publishing_a_new_version_keeps_the_old_one_intact(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"], legal_days=10, promised_days=5)
    item = first.item

    draft = services.start_new_version(actor=wangwu, item=item)
    services.update_draft(
        actor=wangwu, version=draft, content={"name": "新名称", "promised_days": 3},
        materials=[{"name": "只剩一份材料", "necessity": "optional"}],
    )
    services.publish_version(actor=wangwu, version=draft)

    item.refresh_from_db()
    old = ServiceItemVersion.objects.get(pk=first.pk)
    assert item.current_version_id == draft.pk
    assert (old.name, old.promised_days, old.is_published) == ("测试服务事项", 5, True)
    assert [m.name for m in old.materials.all()] == ["居民身份证", "预防接种证"]
    assert [m.name for m in draft.materials.all()] == ["只剩一份材料"]
    assert draft.number == 2


def test_new_draft_copies_the_current_guide_and_its_materials(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"], faq=[
        {"question": "多久？", "answer": "五天。"}])

    draft = services.start_new_version(actor=wangwu, item=first.item)

    assert not draft.is_published
    assert draft.faq == first.faq
    assert draft.form_fields == first.form_fields
    assert [(m.name, m.necessity) for m in draft.materials.all()] == [
        ("居民身份证", "required"), ("预防接种证", "deferrable")]


def test_only_one_draft_at_a_time(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"])
    services.start_new_version(actor=wangwu, item=first.item)

    with pytest.raises(Conflict) as caught:
        services.start_new_version(actor=wangwu, item=first.item)
    assert caught.value.code == "draft_exists"


def test_published_version_cannot_be_edited_through_the_service(orgs, wangwu):
    published = make_item(handling_org=orgs["goa-service-centre"])

    with pytest.raises(Conflict):
        services.update_draft(actor=wangwu, version=published, content={"name": "改"})


def test_publishing_is_audited_with_the_limits(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"])
    draft = services.start_new_version(actor=wangwu, item=first.item)

    services.publish_version(actor=wangwu, version=draft)

    entry = AuditEntry.objects.filter(action="catalogue.version_published", actor=wangwu).get()
    assert entry.changes["number"] == 2
    assert entry.changes["previous_number"] == 1
    assert entry.organisation_id == orgs["goa-service-centre"].pk


def test_discarding_a_draft_leaves_the_published_guide(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"])
    draft = services.start_new_version(actor=wangwu, item=first.item)

    services.discard_draft(actor=wangwu, version=draft)

    assert list(first.item.versions.values_list("number", flat=True)) == [1]


def test_the_only_version_of_a_new_item_cannot_be_discarded(orgs, wangwu):
    draft = make_item(handling_org=orgs["goa-service-centre"], publish=False)

    with pytest.raises(Conflict):
        services.discard_draft(actor=wangwu, version=draft)


def test_retired_item_leaves_the_guide_but_keeps_its_versions(orgs, wangwu):
    first = make_item(handling_org=orgs["goa-service-centre"])

    services.retire_item(actor=wangwu, item=first.item)

    item = ServiceItem.objects.get(pk=first.item_id)
    assert item.status == ItemStatus.RETIRED
    assert ServiceItemVersion.objects.filter(pk=first.pk).exists()


def test_duplicate_code_is_a_conflict(orgs):
    make_item(handling_org=orgs["goa-service-centre"], code="QKB-CS-009")

    with pytest.raises(Conflict):
        services.create_item(actor=None, code="qkb-cs-009", kind="generic", category="other",
                             handling_org=orgs["goa-service-centre"], content=guide_content())


# Who may edit the catalogue of the service centre: its head and the leaders above it only.
@pytest.mark.parametrize(
    ("person", "allowed"),
    [
        ("wangwu", True),  # division head of the service centre
        ("sunqi", True),  # leader of the GOA
        ("lisi", False),  # handler and window clerk of the same division
        ("zhouba", False),  # supervisor
        ("zhangsan", False),  # applicant
        ("zhaoliu", False),  # applicant of another organ
        ("sysadmin", False),  # 三员分立: administrators have no business rights
        ("secadmin", False),
        ("auditor", False),
    ],
)
def test_editing_permissions_matrix(cast, orgs, person, allowed):
    first = make_item(handling_org=orgs["goa-service-centre"])
    actor = cast[person]

    if allowed:
        draft = services.start_new_version(actor=actor, item=first.item)
        services.publish_version(actor=actor, version=draft)
    else:
        with pytest.raises(NotPermitted):
            services.start_new_version(actor=actor, item=first.item)


def test_division_head_cannot_edit_another_divisions_items(orgs, wangwu):
    property_item = make_item(handling_org=orgs["goa-property"], code="QKB-FC-001")

    with pytest.raises(NotPermitted):
        services.start_new_version(actor=wangwu, item=property_item.item)
    with pytest.raises(NotPermitted):
        services.create_item(actor=wangwu, code="QKB-FC-002", kind="generic",
                             category="office_space", handling_org=orgs["goa-property"],
                             content=guide_content())
