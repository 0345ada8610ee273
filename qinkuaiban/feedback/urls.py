"""The feedback pages, mounted at /feedback/ (namespace `feedback`)."""

from django.urls import path

from qinkuaiban.feedback.views import admin, public, rating, rectifications, staff, statistics

app_name = "feedback"
urlpatterns = [
    path("", public.index, name="index"),
    path("new/<slug:kind>/", public.submit, name="submit"),
    path("track/", public.track, name="track"),
    path("track/<int:pk>/", public.tracked, name="tracked"),
    path("track/<int:pk>/answer/", public.tracked_answer, name="tracked_answer"),
    path("track/<int:pk>/consent/", public.tracked_consent, name="tracked_consent"),
    path("published/", public.published, name="published"),
    path("published/<int:pk>/", public.published_detail, name="published_detail"),
    path("mine/", public.mine, name="mine"),
    path("queue/", staff.queue, name="queue"),
    path("templates/", admin.templates, name="templates"),
    path("templates/<int:pk>/", admin.templates, name="template"),
    path("routing/", admin.routing, name="routing"),
    path("routing/<int:pk>/", admin.routing, name="routing_rule"),
    path("rectifications/", rectifications.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", rectifications.rectification_detail,
         name="rectification"),
    path("rectifications/<int:pk>/<slug:action>/", rectifications.rectification_act,
         name="rectification_act"),
    path("statistics/", statistics.dashboard, name="statistics"),
    path("rate/code/<str:token>/", rating.rate_with_code, name="rate_with_code"),
    path("rate/<str:number>/", rating.rate, name="rate"),
    path("counter/", rating.counter, name="counter"),
    path("counter/<str:number>/", rating.counter_code, name="counter_code"),
    path("<str:number>/", staff.detail, name="detail"),
    path("<str:number>/reply/", staff.reply, name="reply"),
    path("<str:number>/reply/template/", staff.template_body, name="template_body"),
    path("<str:number>/extend/", staff.extend, name="extend"),
    path("<str:number>/merge/", staff.merge, name="merge"),
    path("<str:number>/adopt/", staff.adopt, name="adopt"),
    path("<str:number>/publish/", staff.publish, name="publish"),
    path("<str:number>/answer/", staff.answer, name="answer"),
    path("<str:number>/consent/", staff.consent, name="consent"),
]
