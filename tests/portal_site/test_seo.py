"""robots.txt, sitemap.xml, the favicon and the error pages."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_robots_txt_keeps_crawlers_out_of_the_admin(client) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_the_live_pages(published_region, client) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    paths = [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", NS)]
    assert "/" in paths and "/organizacii/" in paths
    cards = {f"/organizacii/{o.slug}/" for o in published_region.organisations}
    assert cards <= set(paths)
    assert len(paths) == len(set(paths)) > 5
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_favicon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("portal_site/favicon.svg")


def test_the_404_page_offers_search(published_region, client) -> None:
    response = client.get("/net-takoi-stranicy/")
    assert response.status_code == 404
    html = BeautifulSoup(response.content, "html.parser")
    assert html.h1.get_text() == "Страница не найдена"
    forms = html.select('form[role=search][action="/search/"]')
    assert len(forms) >= 2  # the header's and the page's own
    labels = [form["aria-label"] for form in forms]
    assert len(labels) == len(set(labels))


def test_the_500_page_is_styled_and_offers_search() -> None:
    from django.template import loader

    html = BeautifulSoup(loader.get_template("500.html").render(), "html.parser")
    assert html.h1.get_text() == "Ошибка сервера"
    assert html.select_one('link[rel=stylesheet][href$="site.css"]')
    assert html.select_one('form[role=search][action="/search/"] input[name=q]')
