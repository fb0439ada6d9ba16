"""API wiring: Wagtail API v2 for pages, DRF routes under /api/v1/."""

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views import defaults
from wagtail.api.v2.router import WagtailAPIRouter
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

wagtail_api_router = WagtailAPIRouter("wagtailapi")
wagtail_api_router.register_endpoint("pages", PagesAPIViewSet)
wagtail_api_router.register_endpoint("images", ImagesAPIViewSet)
wagtail_api_router.register_endpoint("documents", DocumentsAPIViewSet)


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
