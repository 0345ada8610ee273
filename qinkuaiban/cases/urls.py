"""The case pages, mounted at /cases/ (namespace `cases`)."""

from django.urls import path, register_converter

from qinkuaiban.cases.views import apply, detail, documents, enquiry, lists, public, register


class CaseNumberConverter:
    """Case numbers: QKB, the year and a six-digit sequence."""

    regex = "QKB[0-9]{10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CaseNumberConverter, "casenumber")

app_name = "cases"
urlpatterns = [
    path("", lists.index, name="index"),
    path("mine/", lists.mine, name="mine"),
    path("queue/", lists.queue, name="queue"),
    path("apply/<str:code>/", apply.apply, name="apply"),
    path("drafts/<int:pk>/", apply.draft, name="draft"),
    path("received/<str:receipt>/", apply.received, name="received"),
    path("received/<str:receipt>/retry/", apply.retry_received, name="retry_received"),
    path("drafts/<int:pk>/attachments/<int:attachment_id>/", apply.draft_attachment,
         name="draft_attachment"),
    path("enquiries/new/", enquiry.new_enquiry, name="new_enquiry"),
    path("register/", register.register, name="register"),
    path("progress/", public.progress, name="progress"),
    path("verify/", public.verify, name="verify"),
    path("<casenumber:number>/", detail.detail, name="detail"),
    path("<casenumber:number>/submitted/", apply.submitted, name="submitted"),
    path("<casenumber:number>/actions/<slug:action>/", detail.act, name="act"),
    path("<casenumber:number>/attachments/", detail.upload, name="upload"),
    path("<casenumber:number>/attachments/<int:attachment_id>/", detail.attachment,
         name="attachment"),
    path("<casenumber:number>/notices/<slug:kind>.pdf", documents.notice, name="notice"),
]
