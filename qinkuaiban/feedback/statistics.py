"""The published figures of 好差评 and of complaints and suggestions, as formulas on counts. Pure:
the selectors count, this module divides, so the definitions can be read and tested on their own.

Source: domain.md §4 — 好评率, 差评数, 差评整改率, 回访率, 差评回访满意度, 主动评价率.
A rate is shown only once its denominator reaches the minimum sample; below it the
page says 样本不足.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """numerator / denominator, or no value when the sample is too small (or empty)."""

    numerator: int
    denominator: int
    minimum: int

    @property
    def is_sufficient(self) -> bool:
        return self.denominator > 0 and self.denominator >= self.minimum

    @property
    def value(self) -> float | None:
        """The rate between 0 and 1; None below the minimum sample."""
        if not self.is_sufficient:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> str | None:
        """The rate as a percentage with one decimal, e.g. "96.3"; None below the sample."""
        value = self.value
        return None if value is None else f"{100 * value:.1f}"


@dataclass(frozen=True)
class RatingCounts:
    """Counts of one item, organisation or month. Excluded ratings (an upheld appeal) are in
    `excluded` only; every other count leaves them out."""

    ratings: int = 0
    good: int = 0
    bad: int = 0
    rectified: int = 0
    called_back: int = 0
    satisfied_after_call_back: int = 0
    completed_cases: int = 0
    rated_cases: int = 0
    excluded: int = 0

    def __add__(self, other: "RatingCounts") -> "RatingCounts":
        return RatingCounts(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


def _values(counts: RatingCounts) -> tuple[int, ...]:
    return (counts.ratings, counts.good, counts.bad, counts.rectified, counts.called_back,
            counts.satisfied_after_call_back, counts.completed_cases, counts.rated_cases,
            counts.excluded)


@dataclass(frozen=True)
class RatingFigures:
    counts: RatingCounts
    good_rate: Rate
    rectification_rate: Rate
    call_back_rate: Rate
    call_back_satisfaction: Rate
    active_rate: Rate

    @property
    def bad(self) -> int:
        return self.counts.bad

    @property
    def ratings(self) -> int:
        return self.counts.ratings


def rating_figures(counts: RatingCounts, *, minimum: int) -> RatingFigures:
    """好评率 = levels 4–5 / counted ratings; 差评整改率 = rectified / bad; 回访率 = called back /
    bad; 差评回访满意度 = satisfied / called back; 主动评价率 = rated cases / completed cases."""
    return RatingFigures(
        counts=counts,
        good_rate=Rate(counts.good, counts.ratings, minimum),
        rectification_rate=Rate(counts.rectified, counts.bad, minimum),
        call_back_rate=Rate(counts.called_back, counts.bad, minimum),
        call_back_satisfaction=Rate(counts.satisfied_after_call_back, counts.called_back,
                                    minimum),
        active_rate=Rate(counts.rated_cases, counts.completed_cases, minimum),
    )


@dataclass(frozen=True)
class FeedbackCounts:
    """Counts of complaints, suggestions, praise and letters of one kind and organisation."""

    submitted: int = 0
    replied: int = 0
    replied_on_time: int = 0
    answers: int = 0
    satisfied: int = 0
    suggestions: int = 0
    adopted: int = 0


@dataclass(frozen=True)
class FeedbackFigures:
    counts: FeedbackCounts
    on_time_rate: Rate
    satisfaction_rate: Rate
    adoption_rate: Rate


def feedback_figures(counts: FeedbackCounts, *, minimum: int) -> FeedbackFigures:
    """On-time reply rate = first replies within the deadline / first replies; satisfaction =
    satisfied answers / answers; adoption rate = adopted suggestions / suggestions."""
    return FeedbackFigures(
        counts=counts,
        on_time_rate=Rate(counts.replied_on_time, counts.replied, minimum),
        satisfaction_rate=Rate(counts.satisfied, counts.answers, minimum),
        adoption_rate=Rate(counts.adopted, counts.suggestions, minimum),
    )
