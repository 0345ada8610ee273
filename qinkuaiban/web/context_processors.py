from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, object]:
    return {"platform_name": settings.QKB_PLATFORM_NAME}
