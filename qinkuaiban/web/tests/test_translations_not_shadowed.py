"""Every app's own Chinese wording is the one the user sees.

Django looks a msgid up in the catalogues of INSTALLED_APPS in order (earlier apps win), so two
apps translating the same msgid differently means one of them silently shows the other's
wording. Read the compiled catalogues (stdlib gettext, no extra dependency) and check each entry
through Django's own lookup.
"""

import gettext
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from django.apps import apps
from django.utils import translation

LANGUAGE = "zh-hans"
CONTEXT_SEPARATOR = "\x04"


class Entry(NamedTuple):
    app: str
    context: str | None
    msgid: str
    msgstr: str
    is_plural: bool


def _catalogue_files() -> Iterator[tuple[str, Path]]:
    locale = translation.to_locale(LANGUAGE)
    for config in apps.get_app_configs():
        if not config.name.startswith("qinkuaiban."):
            continue
        po = Path(config.path) / "locale" / locale / "LC_MESSAGES" / "django.po"
        if po.exists():
            yield config.label, po


def _own_entries() -> Iterator[Entry]:
    for app, po in _catalogue_files():
        with po.with_suffix(".mo").open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)
        # msgfmt leaves out untranslated and fuzzy entries: what remains is what the app shows.
        for key, msgstr in vars(catalogue)["_catalog"].items():
            plural_index = None
            if isinstance(key, tuple):
                key, plural_index = key
                # Form 0 is the one for n=1 (Chinese has no other).
                if plural_index != 0:
                    continue
            if not key:
                continue  # the header
            context, _, msgid = key.rpartition(CONTEXT_SEPARATOR)
            yield Entry(app, context or None, msgid, msgstr, plural_index is not None)


def _shown(entry: Entry) -> str:
    if entry.is_plural:
        if entry.context:
            return translation.npgettext(entry.context, entry.msgid, entry.msgid, 1)
        return translation.ngettext(entry.msgid, entry.msgid, 1)
    if entry.context:
        return translation.pgettext(entry.context, entry.msgid)
    return translation.gettext(entry.msgid)


def test_every_apps_catalogue_is_compiled() -> None:
    missing = [str(po) for _, po in _catalogue_files() if not po.with_suffix(".mo").exists()]

    assert missing == [], "run scripts/compile_messages.py"


def test_every_apps_own_translation_is_the_one_the_user_sees() -> None:
    with translation.override(LANGUAGE):
        entries = list(_own_entries())
        shadowed = [
            f"{entry.app}: {entry.context + ' | ' if entry.context else ''}{entry.msgid!r} "
            f"should read {entry.msgstr!r} but reads {shown!r}"
            for entry in entries
            if (shown := _shown(entry)) != entry.msgstr
        ]

    assert len(entries) > 1000
    assert shadowed == [], (
        "Same meaning: give every app the same msgstr. Different meaning: add a message "
        "context (pgettext) in the app that means something specific.\n" + "\n".join(shadowed)
    )


def test_the_wordings_users_reported_read_as_their_apps_chose() -> None:
    with translation.override(LANGUAGE):
        assert translation.gettext("Filter") == "筛选"
        assert translation.gettext("Page not found") == "页面不存在"
        assert translation.pgettext("feedback", "History") == "办理记录"
        assert translation.pgettext("transfer status", "Pending") == "待接收"
        assert translation.gettext("Pending") == "待发送"
