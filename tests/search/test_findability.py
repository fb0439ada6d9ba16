"""Findability on the demo region: every hit links somewhere, lowercase Cyrillic works.

The demo indexes organisations before it creates the directory page, so a URL
that depended on that order would be empty here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from search import service
from search.backends.base import MAX_PAGE_SIZE
from search.backends.database import BaseDatabaseBackend
from search.documents import KINDS
from tests.factories.search import forget_search_index

# Real commits, so each change is indexed when it is made, in the demo's order.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo():
    # A transactional test before this one may have emptied every table,
    # the initial Wagtail data included; the demo needs a default site.
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    from publications.models import HomePage

    forget_search_index()
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Все коллекции")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Все сайты", slug="root")
        )
        home = root.add_child(
            instance=HomePage(title="Портал качества социальных услуг", slug="home")
        )
        Site.objects.filter(is_default_site=True).delete()
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    call_command("load_demo_data", "--organisations", "12", "--responses", "120")
    assert isinstance(service.get_backend(), BaseDatabaseBackend)
    yield
    forget_search_index()  # the flush after this test would leave it behind too


def test_every_hit_of_every_kind_has_a_working_link_everywhere(demo, client) -> None:
    kinds_found = set()
    for kind in KINDS:
        query = service.build_query("", kinds=[kind], page_size=MAX_PAGE_SIZE)
        results = service.search(query)
        for hit in results.hits:
            assert hit.url, f"{hit.kind} {hit.id} {hit.title!r} has no URL"
        if results.hits:
            kinds_found.add(kind)
            url = results.hits[-1].url
            response = client.get(url.split("#")[0], follow=True)
            assert response.status_code == 200, (kind, url)
    assert {"organisation", "measure", "report", "decision", "page"} <= kinds_found

    # The search page, the API and the suggestions give the same links.
    data = client.get("/api/v1/search/", {"q": "кцсон ачинский"}).json()
    hits = data["results"]
    assert hits, data
    assert all(hit["url"] for hit in hits), [h for h in hits if not h["url"]]
    page = client.get("/search/", {"q": "кцсон ачинский"}).content.decode()
    assert urlsplit(hits[0]["url"]).path in page
    for address in ("/search/suggest/", "/api/v1/search/suggest/"):
        entries = client.get(address, {"q": "кцсон"}).json()["suggestions"]
        assert entries, address
        for entry in entries:
            assert entry["url"], (address, entry)
            path = urlsplit(entry["url"]).path
            assert client.get(path).status_code == 200, (address, entry)
