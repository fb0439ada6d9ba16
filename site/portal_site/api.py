"""API wiring: Wagtail API v2 for pages, DRF routes under /api/v1/."""

import re

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from evaluation.api import urls as evaluation_api
from publications.api import DocumentViewSet
from search import api as search_api

# API v1: evaluation's resources plus the documents of publications and search.
evaluation_api.router.register("documents", DocumentViewSet, basename="document")
api_v1_urlpatterns = [
    *evaluation_api.base_urlpatterns,
    *search_api.urlpatterns,
    *evaluation_api.router.urls,
]

#: Wagtail API v2 words its 400 answers in English: Russian by pattern.
WAGTAIL_API_ERRORS = [
    (r"limit must be a positive integer", "limit: нужно целое положительное число."),
    (r"offset must be a positive integer", "offset: нужно целое положительное число."),
    (r"limit cannot be higher than (\d+)", r"limit: не больше \1."),
    (r"child_of must be a positive integer", "child_of: нужен номер страницы."),
    (r"ancestor_of must be a positive integer", "ancestor_of: нужен номер страницы."),
    (r"descendant_of must be a positive integer", "descendant_of: нужен номер страницы."),
    (r"(parent|descendant|ancestor|translation_of) page doesn't exist", "Страница не найдена."),
    (r"type doesn't exist", "Такого типа страниц нет."),
    (r"search is disabled", "Поиск в этом API выключен."),
    (r"cannot order by '(.*)' \(unknown field\)", r"Нельзя упорядочить по полю «\1»."),
    (r"random ordering with offset is not supported", "Случайный порядок несовместим с offset."),
    (r"query parameter is not an operation or a recognised field: (.*)", r"Неизвестные параметры запроса: \1."),
    (r"unknown fields: (.*)", r"Неизвестные поля: \1."),
    (r"'(.*)' does not support nested fields", r"Поле «\1» не имеет вложенных полей."),
    (r"field filter error\. '(.*)' is not a valid value for (\w+).*", r"Недопустимое значение «\1» для поля \2."),
]  # fmt: skip


def wagtail_api_message(message: str) -> str:
    """A Wagtail API v2 error message in Russian (a generic one if unknown)."""
    for pattern, russian in WAGTAIL_API_ERRORS:
        match = re.fullmatch(pattern, message)
        if match:
            return match.expand(russian)
    return "Некорректные параметры запроса."


class RussianErrorsMixin:
    """Wagtail API v2 endpoints answering 400 and 404 in Russian.

    Other errors (throttling, 405, 406) go through DRF's exception handler,
    which is the API v1 one.
    """

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            return Response(
                {"message": "Запись не найдена."}, status=status.HTTP_404_NOT_FOUND
            )
        if isinstance(exc, BadRequestError):
            return Response(
                {"message": wagtail_api_message(str(exc))},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return super().handle_exception(exc)  # type: ignore[misc]


class PortalPagesAPIViewSet(RussianErrorsMixin, PagesAPIViewSet):
    pass


class PortalImagesAPIViewSet(RussianErrorsMixin, ImagesAPIViewSet):
    pass


class PortalDocumentsAPIViewSet(RussianErrorsMixin, DocumentsAPIViewSet):
    pass


wagtail_api_router = WagtailAPIRouter("wagtailapi")
wagtail_api_router.register_endpoint("pages", PortalPagesAPIViewSet)
wagtail_api_router.register_endpoint("images", PortalImagesAPIViewSet)
wagtail_api_router.register_endpoint("documents", PortalDocumentsAPIViewSet)


def api_root(request: HttpRequest) -> JsonResponse:
    """List the APIs the portal offers, so a client can discover them."""
    base = request.build_absolute_uri("/")[:-1]
    return JsonResponse(
        {
            "name": "Портал качества социальных услуг: API",
            "apis": {
                "v1": {
                    "description": "Данные оценки качества: организации, кампании, результаты, калькулятор",
                    "url": base + "/api/v1/",
                },
                "v2": {
                    "description": "Wagtail API v2: страницы, изображения, документы",
                    "url": base + reverse("wagtailapi:pages:listing"),
                },
                "schema": {
                    "description": "Схема OpenAPI 3",
                    "url": base + reverse("api-schema"),
                },
                "docs": {
                    "description": "Документация API (Swagger UI)",
                    "url": base + reverse("api-docs"),
                },
            },
        },
        json_dumps_params={"ensure_ascii": False},
    )


def public_api_only(endpoints, **kwargs):
    """drf-spectacular hook: document /api/v1/ only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def _api_error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None):
    """JSON under /api/ (the API's error shape), the site's 404 page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(404, "not_found", "Адрес API не найден.")
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest):
    """JSON under /api/, the site's 500 page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(500, "server_error", "Внутренняя ошибка сервера.")
    return defaults.server_error(request)
