from django.urls import path

from qinkuaiban.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.year_view, name="home"),
    path("<int:year>/", views.year_view, name="year"),
    path("correct/", views.correct_day_view, name="correct"),
    path("import/", views.import_year_view, name="import"),
]
