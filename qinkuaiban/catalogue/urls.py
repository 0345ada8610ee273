from django.urls import path, register_converter

from qinkuaiban.catalogue import views


class ItemCodeConverter:
    """Implementation codes: capital letters, digits and hyphens (models.validate_item_code)."""

    regex = "[A-Z0-9][A-Z0-9-]{1,38}[A-Z0-9]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ItemCodeConverter, "itemcode")

app_name = "catalogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("booklet.pdf", views.booklet, name="booklet"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create_item, name="create"),
    path("manage/<itemcode:code>/new-version/", views.start_version, name="start_version"),
    path("manage/<itemcode:code>/v<int:number>/", views.edit_draft, name="edit"),
    path("manage/<itemcode:code>/v<int:number>/publish/", views.publish, name="publish"),
    path("manage/<itemcode:code>/v<int:number>/discard/", views.discard, name="discard"),
    path("manage/<itemcode:code>/retire/", views.retire, name="retire"),
    path("manage/<itemcode:code>/restore/", views.restore, name="restore"),
    path("manage/<itemcode:code>/intake/", views.queued_intake, name="queued_intake"),
    path("<itemcode:code>/", views.item_detail, name="item"),
    path("<itemcode:code>/v<int:number>/", views.version_detail, name="version"),
    path(
        "<itemcode:code>/v<int:number>/materials/<int:material_id>/<str:which>/",
        views.material_file, name="material_file",
    ),
]
