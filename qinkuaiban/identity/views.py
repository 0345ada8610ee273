from django.http import HttpRequest, HttpResponse


def lockout_response(request: HttpRequest, credentials: dict | None = None, *args: object,
                     **kwargs: object) -> HttpResponse:
    return HttpResponse(status=429)
