"""The published figures on known data: the formulas, the minimum sample, the exclusions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qinkuaiban.feedback.statistics import (
    FeedbackCounts,
    Rate,
    RatingCounts,
    feedback_figures,
    rating_figures,
)


def test_the_rating_figures_on_known_counts():
    counts = RatingCounts(ratings=20, good=15, bad=4, rectified=3, called_back=4,
                          satisfied_after_call_back=2, completed_cases=40, rated_cases=18)
    figures = rating_figures(counts, minimum=5)
    assert figures.good_rate.percent == "75.0"
    assert figures.bad == 4
    # 差评整改率, 回访率 and 差评回访满意度 have 4 bad ratings: below the sample of 5.
    assert figures.rectification_rate.value is None
    assert figures.call_back_rate.value is None
    assert figures.active_rate.percent == "45.0"
    small = rating_figures(counts, minimum=4)
    assert small.rectification_rate.percent == "75.0"
    assert small.call_back_rate.percent == "100.0"
    assert small.call_back_satisfaction.percent == "50.0"


def test_a_rate_below_the_minimum_sample_has_no_value():
    assert Rate(4, 4, 5).value is None and not Rate(4, 4, 5).is_sufficient
    assert Rate(5, 5, 5).value == 1.0
    assert Rate(0, 0, 0).value is None


def test_the_feedback_figures_on_known_counts():
    figures = feedback_figures(FeedbackCounts(submitted=12, replied=10, replied_on_time=9,
                                              answers=8, satisfied=6, suggestions=6, adopted=3),
                               minimum=5)
    assert figures.on_time_rate.percent == "90.0"
    assert figures.satisfaction_rate.percent == "75.0"
    assert figures.adoption_rate.percent == "50.0"


def test_counts_add_up():
    assert RatingCounts(ratings=1, bad=1) + RatingCounts(ratings=2, completed_cases=3) == \
        RatingCounts(ratings=3, bad=1, completed_cases=3)


@given(numerator=st.integers(min_value=0, max_value=1000),
       extra=st.integers(min_value=0, max_value=1000), minimum=st.integers(min_value=0,
                                                                             max_value=50))
def test_a_sufficient_rate_lies_between_0_and_1(numerator, extra, minimum):
    rate = Rate(numerator, numerator + extra, minimum)
    if rate.is_sufficient:
        assert rate.value is not None and 0 <= rate.value <= 1
    else:
        assert rate.value is None


@pytest.mark.parametrize("minimum", [1, 5])
def test_the_item_figures_from_the_database(minimum, settings, item, zhangsan, lisi, wangwu):
    from qinkuaiban.feedback import services
    from qinkuaiban.feedback.selectors import public_item_figures
    from qinkuaiban.feedback.tests.factories import completed_case, rate

    settings.QKB_FEEDBACK_MIN_SAMPLE = minimum
    levels = [5, 4, 3, 1]
    for level in levels:
        rate(completed_case(item, zhangsan, lisi), zhangsan, level)
    completed_case(item, zhangsan, lisi)
    bad = item.evaluations.get(level=1).rectification
    for step in ("contact", "verify", "rectify"):
        bad = services.act_on_rectification(rectification=bad, action=step, actor=lisi,
                                             note="处理")
    services.call_back(rectification=bad, actor=wangwu, note="满意", satisfied=True)
    figures, _since, _until = public_item_figures(item=item)
    assert (figures.ratings, figures.bad) == (4, 1)
    if minimum == 1:
        assert figures.good_rate.percent == "50.0"
        assert figures.rectification_rate.percent == "100.0"
        assert figures.call_back_satisfaction.percent == "100.0"
        assert figures.active_rate.percent == "80.0"
    else:
        assert figures.good_rate.value is None and figures.active_rate.percent == "80.0"
