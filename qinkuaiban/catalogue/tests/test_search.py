import pytest

from qinkuaiban.catalogue.search import search_terms, search_text_for
from qinkuaiban.catalogue.selectors import published_items
from qinkuaiban.catalogue.tests.factories import make_item


def test_search_text_is_words_then_pinyin_then_initials():
    assert search_text_for("停车证", "车位 tc") == (
        "停车证 车位 tc\ntingchezheng chewei tc\ntcz cw tc"
    )


def test_query_terms_are_lowercase_and_split_on_spaces():
    assert search_terms("  Ting  CHE ") == ["ting", "che"]


@pytest.fixture
def parking_and_housing(orgs):
    make_item(handling_org=orgs["goa-service-centre"], code="QKB-TC-001",
              name="集中办公区停车证办理", keywords="车位")
    make_item(handling_org=orgs["goa-property"], code="QKB-ZF-001", name="周转住房配租申请",
              keywords="住房")


@pytest.mark.parametrize("query", ["停车", "tingche", "tc", "TingChe", "ting che", "tcz"])
def test_parking_is_found_by_chinese_full_pinyin_and_initials(parking_and_housing, query):
    assert [item.code for item in published_items(query=query)] == ["QKB-TC-001"]


def test_search_matches_keywords_and_codes(parking_and_housing):
    assert [item.code for item in published_items(query="chewei")] == ["QKB-TC-001"]
    assert [item.code for item in published_items(query="qkb-zf")] == ["QKB-ZF-001"]


def test_search_without_match_finds_nothing(parking_and_housing):
    assert list(published_items(query="幼儿园")) == []


def test_unpublished_items_are_not_in_the_guide(orgs):
    make_item(handling_org=orgs["goa-service-centre"], code="QKB-CG-001", name="停车草稿",
              publish=False)

    assert list(published_items(query="停车")) == []
