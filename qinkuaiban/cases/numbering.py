"""Case numbers: `QKB` + year + a six-digit sequence, issued from one counter row per year.

Guarantee: numbers are unique and, among committed cases, gap-free per year. The number is
taken inside the submitting transaction from the year's counter row, locked with
SELECT … FOR UPDATE until that transaction ends; a transaction that rolls back rolls its
increment back too, so no committed number is ever skipped, and concurrent submitters queue on
the row instead of reading the same value (never max()+1). The price is that submissions of one
year are serialised on that row from the number until commit, so the number is issued as late
as practical in the transaction.
"""

import datetime as dt

from django.db import IntegrityError, transaction

from qinkuaiban.cases.models import CaseNumberSequence

PREFIX = "QKB"
MAX_SEQUENCE = 999_999
CREATE_ATTEMPTS = 3


def format_number(year: int, sequence: int) -> str:
    return f"{PREFIX}{year:04d}{sequence:06d}"


def _locked_counter(year: int) -> CaseNumberSequence:
    for _attempt in range(CREATE_ATTEMPTS):
        counter = CaseNumberSequence.objects.select_for_update().filter(year=year).first()
        if counter is not None:
            return counter
        try:
            # The first number of a year: two transactions may both try to create the row; the
            # savepoint lets the loser carry on and lock the winner's row instead.
            with transaction.atomic():
                return CaseNumberSequence.objects.create(year=year, last=0)
        except IntegrityError:
            continue
    raise RuntimeError(f"Could not create the case number counter for {year}")


def issue_number(*, on: dt.date) -> str:
    """The next number of the year of `on`; call inside the submitting transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Case numbers are issued inside the submitting transaction")
    counter = _locked_counter(on.year)
    if counter.last >= MAX_SEQUENCE:
        raise RuntimeError(f"The case numbers of {on.year} are exhausted")
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(on.year, counter.last)
