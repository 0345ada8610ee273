"""The demo seed: feedback items, rules, templates, a rectification under way, answered
feedback; a second run creates nothing."""

import io

from qinkuaiban.cases.demo import seed_demo_data as seed_cases
from qinkuaiban.catalogue.demo import seed_demo_data as seed_catalogue
from qinkuaiban.catalogue.models import ItemStatus, ServiceItem
from qinkuaiban.feedback.conf import days
from qinkuaiban.feedback.demo import seed_demo_data
from qinkuaiban.feedback.models import Evaluation, Feedback, Rectification, RoutingRule
from qinkuaiban.feedback.rules import REPLY_DAYS_SETTING, FeedbackKind


def test_the_demo_seeds_once(cast):
    out = io.StringIO()
    seed_catalogue(stdout=out)
    seed_cases(stdout=out)
    seed_demo_data(stdout=out)
    counts = (Evaluation.objects.count(), Rectification.objects.count(),
              Feedback.objects.count(), RoutingRule.objects.count())
    assert counts[0] == 1 and counts[1] == 1 and counts[2] == 2 and counts[3] > 0
    seed_demo_data(stdout=out)
    assert counts == (Evaluation.objects.count(), Rectification.objects.count(),
                      Feedback.objects.count(), RoutingRule.objects.count())
    assert Feedback.objects.get(kind="suggestion").is_adopted


def test_the_demo_guide_promises_the_configured_reply_limits(cast):
    out = io.StringIO()
    seed_catalogue(stdout=out)
    seed_demo_data(stdout=out)
    for kind in FeedbackKind.values:
        item = ServiceItem.objects.select_related("current_version").get(
            kind=kind, status=ItemStatus.PUBLISHED)
        assert item.current_version is not None
        assert item.current_version.promised_days == days(REPLY_DAYS_SETTING[kind]), kind
        # 压缩办结时限: what is promised stays shorter than the legal limit.
        assert item.current_version.promised_days < item.current_version.legal_days, kind


def test_the_demo_items_of_this_app_follow_a_changed_configuration(cast, settings):
    settings.QKB_FEEDBACK_PRAISE_REPLY_DAYS = 20
    out = io.StringIO()
    seed_catalogue(stdout=out)
    seed_demo_data(stdout=out)
    version = ServiceItem.objects.get(kind=FeedbackKind.PRAISE).current_version
    assert version is not None and version.promised_days == 20 and version.legal_days >= 20
