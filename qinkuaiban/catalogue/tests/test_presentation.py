"""How the guide states a version's facts in words (in Chinese, whatever an earlier test left
active)."""

from django.utils import translation

from qinkuaiban.catalogue.models import ServiceItemVersion
from qinkuaiban.catalogue.presentation import fees_text


def test_a_fee_and_its_basis_ending_in_full_stops_read_as_one_sentence() -> None:
    version = ServiceItemVersion(is_charged=True,
                                 fee_standard="按实际里程计费，由单位公用经费列支。",
                                 fee_basis="省直机关公务用车管理办法。")

    with translation.override("zh-hans"):
        assert fees_text(version) == ("按实际里程计费，由单位公用经费列支；"
                                      "收费依据：省直机关公务用车管理办法")


def test_a_free_service_says_so() -> None:
    with translation.override("zh-hans"):
        assert fees_text(ServiceItemVersion(is_charged=False)) == "不收费"
    with translation.override("en"):
        assert fees_text(ServiceItemVersion(is_charged=False)) == "Free of charge"
