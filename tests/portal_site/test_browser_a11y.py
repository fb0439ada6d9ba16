"""Accessibility in Chromium: axe-core's WCAG 2.1 A/AA rules on the public site."""

from __future__ import annotations

import pytest
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from publications.models import HomePage
from tests.browser import format_violations, run_axe, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_TITLE = "Независимая оценка качества социальных услуг"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def home_site() -> Site:
    """The default site with the portal's home page as its root.

    The data migration creates it, but a transactional test before this one
    empties every table, so it is rebuilt when missing.
    """
    from tests.factories.search import forget_search_index

    forget_search_index()  # the flush left the SQLite search tables behind
    # Documents and images default to the root collection, which goes too.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Все коллекции")
    site = Site.objects.filter(is_default_site=True).first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root")
    )
    home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home"))
    Site.objects.filter(is_default_site=True).delete()
    return Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=home,
        is_default_site=True,
        site_name="Портал качества социальных услуг",
    )


def test_home_page_has_no_serious_axe_violations(
    home_site, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "ru"
    assert "Независимая оценка качества" in page.content()

    violations = run_axe(page, axe_script)

    screenshot = save_screenshot(page, artefacts_dir, "home")
    assert screenshot == artefacts_dir / "home.png"
    assert screenshot.read_bytes()[:8] == PNG_SIGNATURE
    assert violations == [], format_violations(violations)


def test_not_found_page_has_no_serious_axe_violations(
    home_site, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    response = page.goto(f"{live_server.url}/net-takoi-stranicy/")
    assert response is not None and response.status == 404
    assert "Страница не найдена" in page.content()

    violations = run_axe(page, axe_script)

    save_screenshot(page, artefacts_dir, "not-found")
    assert violations == [], format_violations(violations)


def test_axe_reports_a_missing_alt_text_and_an_unlabelled_field(
    browser_page, axe_script
) -> None:
    page = browser_page
    page.set_content(
        '<html lang="ru"><head><title>Проверка</title></head>'
        '<body><main><img src="x.png"><input type="text"></main></body></html>'
    )

    violations = run_axe(page, axe_script)

    impacts = {violation["id"]: violation["impact"] for violation in violations}
    assert {"image-alt", "label"} <= impacts.keys(), format_violations(violations)
    assert {impacts["image-alt"], impacts["label"]} <= {"serious", "critical"}
    message = format_violations(violations)
    assert "image-alt [critical]" in message
    assert '<img src="x.png">' in message


def test_run_axe_keeps_only_the_requested_impacts(browser_page, axe_script) -> None:
    page = browser_page
    page.set_content(
        '<html lang="ru"><head><title>Проверка</title></head>'
        '<body><main><img src="x.png"></main></body></html>'
    )

    assert [v["id"] for v in run_axe(page, axe_script)] == ["image-alt"]
    assert run_axe(page, axe_script, impacts=("minor",)) == []
    # The second call reused the injected script instead of adding another.
    assert page.locator("script").count() == 1
