"""The demo seed: feedback items, rules, templates, a rectification under way, answered
feedback; a second run creates nothing."""

import io

from qinkuaiban.cases.demo import seed_demo_data as seed_cases
from qinkuaiban.catalogue.demo import seed_demo_data as seed_catalogue
from qinkuaiban.feedback.demo import seed_demo_data
from qinkuaiban.feedback.models import Evaluation, Feedback, Rectification, RoutingRule


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
