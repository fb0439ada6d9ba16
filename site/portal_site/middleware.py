"""Site-wide request guards."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

NUL = "\x00"


class RejectNullBytesMiddleware:
    """Answer 400 to a path or query parameter containing a NUL character.

    PostgreSQL cannot store or compare strings with NUL, so such a value would
    otherwise reach the database as an error (a 500) instead of "not found".
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path or any(
            NUL in key or any(NUL in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = "Недопустимый символ (NUL) в адресе или параметрах запроса."
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"status": 400, "code": "invalid", "message": message}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(
                message, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
