from django.urls import path

from qinkuaiban.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    # No trailing slash: load balancers probe exactly /healthz (also SECURE_REDIRECT_EXEMPT).
    path("healthz", views.healthz, name="healthz"),
]
