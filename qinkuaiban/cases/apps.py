from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "qinkuaiban.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from qinkuaiban.cases import receivers
        from qinkuaiban.cases.kinds import register_builtin_kinds

        register_builtin_kinds()
        receivers.connect()
