from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "qinkuaiban.identity"
    label = "identity"
    verbose_name = _("Identity")

    def ready(self) -> None:
        from qinkuaiban.identity import signals  # noqa: F401  (login/logout audit receivers)
