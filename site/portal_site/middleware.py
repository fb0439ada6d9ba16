"""Site-wide request guards and security headers."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
)

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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with a relaxed policy under the admin paths.

    Public pages get ``CONTENT_SECURITY_POLICY``; paths starting with one of
    ``QP_CSP_RELAXED_PATHS`` (the Wagtail and Django admins, which still need
    inline scripts and styles) get ``QP_CSP_RELAXED_DIRECTIVES``. A view that
    sets its own header (the embeddable widget) or uses django-csp's
    decorators keeps its policy.
    """

    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        relaxed = tuple(getattr(settings, "QP_CSP_RELAXED_PATHS", ()))
        if (
            not report_only
            and parts.config is None
            and relaxed
            and request.path_info.startswith(relaxed)
        ):
            parts.config = dict(settings.QP_CSP_RELAXED_DIRECTIVES)
        return parts


class PermissionsPolicyMiddleware:
    """Add the ``Permissions-Policy`` header of ``QP_PERMISSIONS_POLICY``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}={allow}"
            for feature, allow in settings.QP_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
