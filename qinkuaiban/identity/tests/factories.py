"""Factories for identity tests: accounts built by the real service, so every rule applies."""

from typing import Any

import factory

from qinkuaiban.identity import services
from qinkuaiban.identity.models import User

FACTORY_PASSWORD = "Factory-Pass-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"person{n}")
    real_name = factory.Sequence(lambda n: f"测试人员{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.create_user(
            actor=None, username=kwargs["username"], real_name=kwargs["real_name"],
            mobile=kwargs["mobile"], password=kwargs.get("password", FACTORY_PASSWORD),
            id_number=kwargs.get("id_number", ""), validate_password=False,
        )


def make_user(**kwargs: Any) -> User:
    """A typed shortcut for UserFactory()."""
    user: User = UserFactory.create(**kwargs)
    return user
