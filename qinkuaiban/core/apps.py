from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qinkuaiban.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qinkuaiban.core import log_filters

        # Whatever LOGGING a deployment configures, a refused request stays one line.
        log_filters.install()
