"""Security headers: Content-Security-Policy, X-Frame-Options, Permissions-Policy.

Public pages get a strict policy (only the site's own files, no inline
script or style, no framing); the Wagtail and Django admins a relaxed one;
the embeddable widget and badge may be framed anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.models import Page

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_no_inline_code(response, path: str) -> None:
    """No inline script, style element, style attribute or event handler."""
    html = BeautifulSoup(response.content.decode(), "html.parser")
    assert not html.find_all("style"), path
    for script in html.find_all("script"):
        data_block = script.get("type") in {"application/ld+json", "application/json"}
        assert script.get("src") or data_block, (path, str(script)[:200])
    for tag in html.find_all(True):
        assert "style" not in tag.attrs, (path, str(tag)[:200])
        handlers = [name for name in tag.attrs if name.startswith("on")]
        assert not handlers, (path, str(tag)[:200])


def assert_strict(response, path: str) -> None:
    directives = policy(response)
    assert directives["default-src"] == ["'self'"], path
    assert directives["script-src"] == ["'self'"], path
    assert directives["style-src"] == ["'self'"], path
    assert directives["object-src"] == ["'none'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    assert "unsafe" not in response["Content-Security-Policy"], path
    assert response["X-Frame-Options"] == "DENY", path


def public_paths(region) -> list[str]:
    pages = [page.url for page in Page.objects.live().filter(depth__gt=1).specific()]
    organisation = region.organisations[0]
    return [
        *pages,
        reverse("publications:widget-embed", kwargs={"slug": organisation.slug}),
        "/search/?q=центр",
        "/accessibility/",
        "/no-such-page/",
    ]


def test_public_pages_have_a_strict_policy_and_no_inline_code(
    published_region, client
) -> None:
    paths = public_paths(published_region)
    assert len(paths) > 8
    for path in paths:
        response = client.get(path)
        assert response.status_code in {200, 404}, path
        assert_strict(response, path)
        if response["Content-Type"].startswith("text/html"):
            assert_no_inline_code(response, path)


def test_every_response_has_a_permissions_policy(client) -> None:
    for path in ("/healthz/", "/api/v1/", "/no-such-page/"):
        header = client.get(path)["Permissions-Policy"]
        features = dict(item.split("=") for item in header.split(", "))
        assert features["camera"] == features["geolocation"] == "()", path
        assert features["microphone"] == features["payment"] == "()", path


def test_api_documentation_runs_without_inline_code(client) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert_strict(page, "/api/docs/")
    assert_no_inline_code(page, "/api/docs/")
    html = BeautifulSoup(page.content.decode(), "html.parser")
    own = [s["src"] for s in html.find_all("script") if "script" in s["src"]]
    assert own == ["/api/docs/?script="], own
    script = client.get(own[0])
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_admin_gets_the_relaxed_policy(client, django_user_model) -> None:
    user = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    directives = policy(response)
    assert "'unsafe-inline'" in directives["script-src"]
    assert "'unsafe-inline'" in directives["style-src"]
    # Wagtail previews pages in a frame of the admin itself.
    assert directives["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    # Nothing the policy would block: no avatar from Gravatar.
    assert b"gravatar.com" not in response.content
    login = client.get("/django-admin/login/")
    assert "'unsafe-inline'" in policy(login)["script-src"]


def test_widget_and_badges_may_be_framed_anywhere(published_region, client) -> None:
    organisation = published_region.organisations[2]
    slug = {"slug": organisation.slug}
    widget = client.get(reverse("publications:widget", kwargs=slug))
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    directives = policy(widget)
    assert directives["frame-ancestors"] == ["*"]
    assert directives["default-src"] == ["'none'"]
    assert "unsafe" not in widget["Content-Security-Policy"]
    # Its one style element is allowed by hash; nothing else is inline.
    html = BeautifulSoup(widget.content.decode(), "html.parser")
    (style,) = html.find_all("style")
    digest = base64.b64encode(hashlib.sha256(style.string.encode()).digest())
    assert directives["style-src"] == [f"'sha256-{digest.decode()}'"]
    assert not html.find_all("script")
    assert not [tag for tag in html.find_all(True) if "style" in tag.attrs]
    # The bars are SVG shapes, not styled elements.
    assert html.select("svg.bar rect")

    for name in ("widget-badge-svg", "widget-badge-png"):
        badge = client.get(reverse(f"publications:{name}", kwargs=slug))
        assert badge.status_code == 200, name
        assert "X-Frame-Options" not in badge, name
        assert policy(badge)["frame-ancestors"] == ["*"], name


#: Templates rendered under /admin/ (relaxed policy) or sent as e-mail, the
#: widget, whose one style element its own policy allows by hash, and the
#: documents WeasyPrint lays out as PDF (never sent to a browser; only their
#: error page is, so it stays checked).
RELAXED_TEMPLATES = re.compile(
    r"/templates/evaluation/(admin|notes|tracker)/|_email\.html$"
    r"|/publications/widget/widget\.html$"
    r"|/publications/documents/(?!error\.html$)"
)


def test_public_templates_hold_no_inline_script_or_style() -> None:
    folders = [
        ROOT / "evaluation/templates",
        ROOT / "publications/templates",
        ROOT / "cms_blocks/templates",
        ROOT / "search/templates",
        ROOT / "site/portal_site/templates",
    ]
    templates = [
        path
        for folder in folders
        for path in folder.rglob("*.html")
        if not RELAXED_TEMPLATES.search(path.as_posix())
    ]
    assert len(templates) > 30
    inline = re.compile(
        r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)"
        r"(?![^>]*type=\"application/(?:ld\+)?json\")",
        flags=re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(ROOT)}:{match.group(0)}"
        for path in templates
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found
