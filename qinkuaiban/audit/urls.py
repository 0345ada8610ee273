from django.urls import path

from qinkuaiban.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("<int:sequence>/", views.entry_detail, name="entry_detail"),
    path("verify/", views.verify, name="verify"),
    path("export.csv", views.export_csv, name="export_csv"),
]
