"""Audit entries are only ever written through `record()`, so the factory goes through it too."""

from typing import Any

import factory

from qinkuaiban.audit.models import AuditEntry, Outcome
from qinkuaiban.audit.services import record


class AuditEntryFactory(factory.django.DjangoModelFactory[AuditEntry]):
    class Meta:
        model = AuditEntry

    action = factory.Sequence(lambda n: f"test.event_{n}_recorded")
    actor = None
    outcome = Outcome.SUCCESS
    changes = factory.Dict({})

    @classmethod
    def _create(cls, model_class: type[AuditEntry], *args: Any, **kwargs: Any) -> AuditEntry:
        return record(**kwargs)
