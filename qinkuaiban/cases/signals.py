"""Signals of the cases app, for apps that react to every case whatever its kind.

`case_completed` is sent with `case=`, `actor=` (None for the system) and `outcome=` when a case
is completed (办结, including 马上就办), inside the transaction of the completion, after the
kind's own on_complete hook: a receiver's writes commit or roll back with the case.
"""

from django.dispatch import Signal

case_completed = Signal()
