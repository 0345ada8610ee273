from django.contrib import admin
from django.urls import include, path

from qinkuaiban.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("qinkuaiban.identity.urls")),
    path("audit/", include("qinkuaiban.audit.urls")),
    path("calendar/", include("qinkuaiban.workdays.urls")),
    path("messages/", include("qinkuaiban.notifications.urls")),
    path("guide/", include("qinkuaiban.catalogue.urls")),
    path("cases/", include("qinkuaiban.cases.urls")),
    path("feedback/", include("qinkuaiban.feedback.urls")),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("qinkuaiban.web.urls")),
]

# A database that is away is a 503 wherever it surfaces, also in middleware (docs/operations.md).
handler500 = "qinkuaiban.core.views.server_error"
