"""Which law a case's notices and decisions rest on, by the type of its item (事项类型, catalogue
ItemType, as the case was submitted). One place decides; the notices (notices.py), deemed
acceptance and the check of a decision not to approve (services.py) ask here.

- 行政许可法 第三十二条 governs administrative licences: the one-time notice of everything to
  supplement, dated written notices of acceptance and refusal, and acceptance from the day of
  receipt when no notice follows within five working days. The platform holds every other item
  to the same practice (clock.NOTICE_DAYS) but cites no law for it: a service of the GOA's own
  rests on no statute, and the GOA publishes no such commitment in its guide.
- 行政复议法 第二十条 (sixty days to apply for administrative reconsideration) and 行政诉讼法
  第四十六条 (six months to bring an administrative lawsuit): every decision but one on a plain
  public service may be challenged so, and its notice says so (domain.md §2); an item typed
  "other" keeps them, since the platform cannot tell it is not an administrative act. A public
  service is the GOA serving the organs it supports, not an administrative act: its applicant
  may ask the agency to review the decision or call its supervision and complaint phone.
"""

import datetime as dt

from django.utils.translation import gettext as _

from qinkuaiban.catalogue.models import ItemType


def acceptance_statement(item_type: str, *, accepted: str) -> str:
    """The finding of an acceptance notice: the licensing law's "legal form" for a licence."""
    if cites_licensing_law(item_type):
        return _("The materials are complete and in the legal form. This agency accepted the "
                 "application on %(date)s.") % {"date": accepted}
    return _("The materials are complete and as required. This agency accepted the "
             "application on %(date)s.") % {"date": accepted}


def cites_licensing_law(item_type: str) -> bool:
    """Whether notices and deemed acceptance cite 行政许可法 第三十二条."""
    return item_type == ItemType.ADMINISTRATIVE_LICENCE


def has_statutory_remedies(item_type: str) -> bool:
    """Whether a decision may be challenged by reconsideration or litigation."""
    return item_type != ItemType.PUBLIC_SERVICE


def remedies_statement(item_type: str) -> str:
    """The sentence every refusal and every decision not to approve ends with."""
    if has_statutory_remedies(item_type):
        return _("If you disagree with this decision, you may apply for administrative "
                 "reconsideration within sixty days of receiving it, or bring an administrative "
                 "lawsuit before a people's court within six months of receiving it.")
    # The notice's footer gives the complaint phone; the sentence points to it.
    return _("If you disagree with this decision, you may ask this agency to review it, or "
             "call the supervision and complaint phone given on this notice.")


def remedies_required_message(item_type: str) -> str:
    """What a decision not to approve must state besides its reason."""
    if has_statutory_remedies(item_type):
        return _("A decision not to approve needs the reason and the remedies (administrative "
                 "reconsideration or litigation, with the body and the time limit).")
    return _("A decision not to approve needs the reason and the remedies (how the applicant "
             "may ask this agency to review it, and by when).")


def supplement_opening(item_type: str) -> str:
    """The opening of the one-time notice (补正告知书), before its list."""
    if cites_licensing_law(item_type):
        return _("The materials are incomplete or not in the legal form. Under Article 32 of "
                 "the Administrative Licensing Law, this agency tells you at once everything "
                 "that must be supplemented or corrected:")
    return _("The materials are incomplete or not in the required form. This agency tells you "
             "at once everything that must be supplemented or corrected:")


def deemed_acceptance_notice(item_type: str, *, accepted: str) -> str:
    """The opening of the notice of acceptance of a case accepted for want of a notice."""
    if cites_licensing_law(item_type):
        return _("No notice to supplement the materials was given within five working days of "
                 "receiving them, so under Article 32 of the Administrative Licensing Law the "
                 "application counts as accepted from %(date)s.") % {"date": accepted}
    return _("No notice to supplement the materials was given within five working days of "
             "receiving them, so the application counts as accepted from %(date)s.") % {
        "date": accepted}


def deemed_acceptance_reason(item_type: str, *, received_on: dt.date) -> str:
    """The history's reason for a case accepted for want of a notice."""
    if cites_licensing_law(item_type):
        return _("No notice was given within 5 working days of receiving the materials, so the "
                 "application counts as accepted from %(day)s (行政许可法 第三十二条).") % {
            "day": received_on.isoformat()}
    return _("No notice was given within 5 working days of receiving the materials, so the "
             "application counts as accepted from %(day)s.") % {"day": received_on.isoformat()}
