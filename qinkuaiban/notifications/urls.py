from django.urls import path

from qinkuaiban.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.message_list, name="list"),
    path("<int:message_id>/", views.message_detail, name="detail"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("bell/", views.bell, name="bell"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:delivery_id>/retry/", views.retry_delivery, name="retry_delivery"),
]
