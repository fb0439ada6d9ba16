"""What crawlers and browsers ask of every site: robots.txt, sitemap.xml, favicon."""

from __future__ import annotations

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from wagtail.contrib.sitemaps import Sitemap

#: Areas that are not for search engines: the admin, the API, private files.
DISALLOWED = ("/admin/", "/django-admin/", "/api/", "/files/", "/search/")


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Allow the public site, keep crawlers out of the admin and the API."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def sitemap(request: HttpRequest) -> HttpResponse:
    """Every live public page of the site (Wagtail's own page sitemap)."""
    return sitemap_view(
        request,
        sitemaps={"pages": Sitemap(request)},
        template_name="portal_site/sitemap.xml",
        content_type="application/xml",
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send the SVG icon."""
    return redirect(static("portal_site/favicon.svg"), permanent=True)
