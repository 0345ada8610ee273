"""Seed a demo installation: the demo cast of people, then every app's demo data.

Idempotent: running it again creates nothing that already exists.

The password of every demo account is QKB_DEMO_PASSWORD when set; otherwise one is generated on
the first run (meeting the password policy) and kept in `var/demo_password`, so later runs and
the people trying the demo keep using it.

Hook for other apps: after the cast exists, every installed app (in INSTALLED_APPS order) whose
module `<app>.demo` defines

    def seed_demo_data(*, stdout: OutputWrapper) -> None

is called with this command's stdout. The function must be idempotent (look before creating)
and use the app's own services, so demo data goes through the same rules and audit trail as
real data. The identity app's demo data is the cast itself.
"""

import importlib
import secrets
from pathlib import Path
from types import ModuleType
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qinkuaiban.identity.demo import ADMIN_USERNAMES, CAST, ensure_demo_cast
from qinkuaiban.identity.models import User
from qinkuaiban.identity.passwords import character_classes
from qinkuaiban.identity.selectors import memberships_for

PASSWORD_FILE = "demo_password"
# Letters and digits that cannot be mistaken for one another when read off a screen.
_LOWER = "abcdefghjkmnpqrstuvwxyz"
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "23456789"
_SYMBOLS = "-_!@#%"


def generate_password(length: int = 14) -> str:
    """A random password with every character class, valid under the password policy."""
    alphabet = _LOWER + _UPPER + _DIGITS + _SYMBOLS
    while True:
        chars = [secrets.choice(group) for group in (_LOWER, _UPPER, _DIGITS, _SYMBOLS)]
        chars += [secrets.choice(alphabet) for _ in range(length - len(chars))]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        if character_classes(password) == 4 and _is_valid(password):
            return password


def _is_valid(password: str) -> bool:
    try:
        validate_password(password)
    except ValidationError:
        return False
    return True


def demo_password() -> tuple[str, bool]:
    """The demo password and whether it was generated (now or on an earlier run)."""
    if settings.QKB_DEMO_PASSWORD:
        return settings.QKB_DEMO_PASSWORD, False
    path = Path(settings.VAR_DIR) / PASSWORD_FILE
    if not path.exists():
        path.write_text(generate_password() + "\n")
        path.chmod(0o600)
    return path.read_text().strip(), True


def demo_module(app_name: str) -> ModuleType | None:
    """The app's `demo` module, or None when the app has none."""
    module_name = f"{app_name}.demo"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing demo module is expected; a broken import inside it must surface.
        if exc.name == module_name:
            return None
        raise


class Command(BaseCommand):
    help = "Create the demo cast and every app's demo data (idempotent); print the logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/",
            help="Address of the platform to print at the end.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password, generated = demo_password()

        self.stdout.write(_("Creating the demo organisations and people…"))
        existing = set(User.objects.filter(username__in=[p.username for p in CAST])
                       .values_list("username", flat=True))
        users = ensure_demo_cast(password=password)
        created = len(users) - len(existing)
        self.stdout.write(self.style.SUCCESS(
            "  " + _("%(created)s created, %(existing)s already there.")
            % {"created": created, "existing": len(existing)}
        ))

        for config in apps.get_app_configs():
            if config.name == "qinkuaiban.identity":
                continue
            module = demo_module(config.name)
            seeder = getattr(module, "seed_demo_data", None) if module else None
            if not callable(seeder):
                continue
            self.stdout.write(_("Seeding demo data: %(app)s…") % {"app": config.verbose_name})
            seeder(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS("  " + _("done.")))

        self._print_logins(users, password, generated, options["url"])

    def _print_logins(self, users: dict[str, User], password: str, generated: bool,
                      url: str) -> None:
        rows = [(pgettext("demo logins", "Username"), pgettext("demo logins", "Name"),
                 pgettext("demo logins", "Role"), pgettext("demo logins", "Organisation"))]
        for person in CAST:
            user = users[person.username]
            memberships = memberships_for(user)
            rows.append((
                user.username,
                user.real_name,
                "、".join(str(m.get_role_display()) for m in memberships),
                "、".join(sorted({m.organisation.display_name for m in memberships})),
            ))
        widths = [max(_display_width(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(_("Demo accounts")))
        for index, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)))
            if index == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))
        self.stdout.write("")
        if generated:
            source = _("generated once and kept in %(path)s") % {
                "path": Path(settings.VAR_DIR) / PASSWORD_FILE}
        else:
            source = _("from QKB_DEMO_PASSWORD")
        self.stdout.write(
            _("Password for every account: %(password)s (%(source)s)")
            % {"password": password, "source": source}
        )
        stale = [u.username for u in users.values() if not u.check_password(password)]
        if stale:
            self.stdout.write(self.style.WARNING(
                _("These accounts already had another password, which was kept: %(names)s")
                % {"names": ", ".join(stale)}
            ))
        self.stdout.write(
            _("Administrators (%(names)s) set up two-factor authentication (TOTP) at their "
              "first sign-in: have an authenticator app ready.")
            % {"names": ", ".join(ADMIN_USERNAMES)}
        )
        self.stdout.write(self.style.SUCCESS(_("Open %(url)s") % {"url": url}))


def _display_width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))
