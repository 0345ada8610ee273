"""What every page's layout needs: the platform's name, the footer contacts and the menu."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from qinkuaiban.identity.selectors import memberships_for
from qinkuaiban.web.navigation import links_for


def _memberships(user: object) -> list[str]:
    return [
        f"{m.get_role_display()} · {m.organisation.display_name}"
        for m in memberships_for(user)  # type: ignore[arg-type]
    ]


def platform(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {
        "platform_name": settings.QKB_PLATFORM_NAME,
        "org_name": settings.QKB_ORG_NAME,
        # 监督投诉电话 must be published (domain.md §1); 12345 is the government service hotline.
        "supervision_phone": getattr(settings, "QKB_SUPERVISION_PHONE", "12345"),
        # Lazy: a page that never shows the menu (a JSON error, a fragment) costs nothing.
        "nav_links": SimpleLazyObject(lambda: links_for(
            user, current_path=request.path,
            current_view=getattr(request.resolver_match, "view_name", "") or "")),
        "user_memberships": SimpleLazyObject(lambda: _memberships(user)),
    }
