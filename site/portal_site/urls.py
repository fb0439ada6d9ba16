from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from evaluation import files

from . import seo
from .api import api_root, api_v1_urlpatterns, wagtail_api_router


def healthz(request: HttpRequest) -> HttpResponse:
    """A cheap liveness probe for container health checks."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots-txt"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("favicon.ico", seo.favicon, name="favicon"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("files/<path:name>", files.serve, name="private-file"),
    path("api/", api_root, name="api-root"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # Its script is a separate file (?script), not inline: see the CSP.
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("api/v1/", include((api_v1_urlpatterns, "evaluation-api"))),
    path("api/v2/", wagtail_api_router.urls),
    path("accessibility/", include("portal_site.accessibility")),
    path("search/", include("search.urls")),
    path("", include("publications.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "portal_site.api.page_not_found"
handler500 = "portal_site.api.server_error"
