"""The guide's item page served to anonymous visitors from the page cache: the same page for
every such visitor, each with a CSRF token of their own, and never a stale or a personal one."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from qinkuaiban.catalogue import selectors, services
from qinkuaiban.catalogue.tests.factories import make_item
from qinkuaiban.core.pagecache import CSRF_PLACEHOLDER
from qinkuaiban.identity.models import User

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def item(orgs):
    return make_item(handling_org=orgs["goa-service-centre"]).item


@pytest.fixture
def page_url(item):
    return reverse("catalogue:item", kwargs={"code": item.code})


def test_an_anonymous_visitor_is_served_from_the_cache_after_the_first_request(
    page_url, django_assert_max_num_queries
):
    first = Client().get(page_url)
    with django_assert_max_num_queries(0):  # which version is current: cached for a second
        again = Client().get(page_url)

    assert first.status_code == again.status_code == 200
    assert _without_tokens(first) == _without_tokens(again)
    assert CSRF_PLACEHOLDER not in again.content.decode()


def test_every_visitor_gets_a_working_csrf_token_of_their_own(page_url):
    Client().get(page_url)
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(page_url)
    [token] = set(TOKEN.findall(page.content.decode()))
    assert f'"X-CSRFToken": "{token}"' in page.content.decode()

    switched = visitor.post(reverse("set_language"),
                            {"language": "en", "next": page_url, "csrfmiddlewaretoken": token})

    assert switched.status_code == 302
    assert "Service guide" in visitor.get(page_url).content.decode()


def test_a_newly_published_version_shows_at_once(item):
    url = reverse("catalogue:item", kwargs={"code": item.code})
    assert Client().get(url).status_code == 200
    draft = services.start_new_version(actor=None, item=item)
    services.update_draft(actor=None, version=draft, content={"name": "停车证（新版）"})
    services.publish_version(actor=None, version=draft)

    assert "停车证（新版）" in Client().get(url).content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_a_message_waiting_gets_a_fresh_page(
    page_url, cookie
):
    Client().get(page_url)
    visitor = Client()
    visitor.cookies[cookie] = "x"

    assert _rendered(visitor, page_url)


def test_a_query_string_is_never_cached(page_url):
    assert _rendered(Client(), page_url, {"next": "<script>alert(1)</script>"})
    # The page with the query string was not stored for the next visitor either.
    assert _rendered(Client(), page_url)
    assert not _rendered(Client(), page_url)


def test_a_signed_in_person_never_gets_the_anonymous_page(page_url, lisi: User):
    Client().get(page_url)
    staff = Client()
    staff.force_login(lisi)

    body = staff.get(page_url).content.decode()

    assert "李四" in body
    assert CSRF_PLACEHOLDER not in body


def test_a_retired_item_is_gone_at_once_and_back_at_once(item, page_url):
    assert Client().get(page_url).status_code == 200
    services.retire_item(actor=None, item=item)
    assert Client().get(page_url).status_code == 404
    services.restore_item(actor=None, item=item)
    assert Client().get(page_url).status_code == 200


@pytest.mark.parametrize("code", ["QKB-NONE-9", "", "QKB\x00HY", "' OR '1'='1"])
def test_only_a_published_item_has_a_current_version_for_the_page_cache(item, code):
    item.refresh_from_db()
    assert item.current_version_id is not None
    assert selectors.current_version_id(code=item.code) == item.current_version_id
    assert selectors.current_version_id(code=code) is None


def test_an_unknown_item_is_still_a_404(db):
    assert Client().get(reverse("catalogue:item", kwargs={"code": "QKB-NONE-9"})).status_code == 404


def _rendered(client: Client, url: str, query: dict[str, str] | None = None) -> bool:
    """Whether the page was rendered from its template rather than served from the cache."""
    response = client.get(url, query or {})
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and CSRF_PLACEHOLDER not in body
    return "catalogue/item.html" in [t.name for t in response.templates]


def _without_tokens(response) -> str:
    body = response.content.decode()
    return re.sub(r'(value="|"X-CSRFToken": ")[^"]+"', r"\1TOKEN", body)


def test_a_retired_service_leaves_the_guide_at_once_and_comes_back_when_restored(
    item, page_url, wangwu
):
    assert Client().get(page_url).status_code == 200
    services.retire_item(actor=wangwu, item=item)
    assert Client().get(page_url).status_code == 404
    services.restore_item(actor=wangwu, item=item)
    assert Client().get(page_url).status_code == 200


def test_a_code_no_item_can_have_costs_no_query(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert selectors.current_version_id(code="qkb' OR '1'='1") is None
        assert selectors.current_version_id(code="QKB\x00") is None


def test_the_published_item_is_read_once_and_its_switch_is_seen_at_once(
    item, wangwu, django_assert_max_num_queries
):
    assert selectors.get_published_item(code=item.code).queued_intake is False
    with django_assert_max_num_queries(0):
        again = selectors.get_published_item(code=item.code)
    again.handling_org.name = "changed by one caller"  # each caller has a copy of its own
    assert selectors.get_published_item(code=item.code).handling_org.name != again.handling_org.name
    services.set_queued_intake(actor=wangwu, item=item, enabled=True)
    assert selectors.get_published_item(code=item.code).queued_intake is True


def test_each_caller_gets_its_own_published_version_sharing_the_unchanging_checklist(
    item, django_assert_max_num_queries
):
    first = selectors.get_published_item(code=item.code).current_version
    with django_assert_max_num_queries(0):
        item_again = selectors.get_published_item(code=item.code)
    second = item_again.current_version
    assert first is not None and second is not None and first is not second
    first.name = "changed by one caller"
    first.item = None  # type: ignore[assignment]
    assert second.name != "changed by one caller"
    assert second.item is item_again
    assert [m.pk for m in second.materials.all()] == [m.pk for m in first.materials.all()]
    assert second.field_specs is first.field_specs
