"""A citizen's journey in Chromium, checked with axe-core on every page type.

Home → the directory → search → the organisation card ("как посчитано") →
the version for the visually impaired (kept between pages) → comparison of two
organisations → the campaign results page. Screenshots are saved as test
artefacts (``var/test-artefacts/…``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from wagtail.models import Collection

from evaluation import selectors
from tests.browser import format_violations, run_axe, save_screenshot
from tests.factories.region import build_region
from tests.portal_site.test_browser_a11y import home_site

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_region(home_site):
    # Transactional tests before this one empty every table, including the
    # root collection the migrations create; documents need it.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return build_region(organisations=8, responses=160)


def check_axe(page, axe_script, artefacts_dir, name: str) -> None:
    violations = run_axe(page, axe_script)
    save_screenshot(page, artefacts_dir, name)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def test_citizen_finds_rates_and_compares_organisations(
    site_region, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    region = site_region
    page = browser_page
    target, other = region.organisations[0], region.organisations[1]

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("figure.chart svg[role=img]").first).to_be_visible()
    check_axe(page, axe_script, artefacts_dir, "1-home")

    menu = page.get_by_role("navigation", name="Основное меню")
    menu.get_by_role("link", name="Организации").click()
    page.get_by_label("Название или адрес").fill(target.short_name)
    page.get_by_role("search", name="Поиск организаций").get_by_role(
        "button", name="Найти"
    ).click()
    page.get_by_role("link", name=target.short_name, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(target.short_name)
    result = selectors.published_results(region.latest).get(organisation=target)
    expect(page.locator(".cards .score").first).to_have_text(
        f"{result.total}".replace(".", ",")
    )
    first_indicator = page.locator(".indicator-list details").first
    first_indicator.locator("summary").click()
    expect(first_indicator.get_by_text("Формула:")).to_be_visible()
    check_axe(page, axe_script, artefacts_dir, "2-card")

    page.get_by_role("banner").get_by_role(
        "link", name="Версия для слабовидящих"
    ).click()
    page.get_by_label("Очень крупный").check()
    page.get_by_label("Белым по чёрному").check()
    page.get_by_role("button", name="Применить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(target.short_name)
    body_class = page.locator("body").get_attribute("class") or ""
    assert "a11y-font-xl" in body_class and "a11y-scheme-wb" in body_class
    check_axe(page, axe_script, artefacts_dir, "3-card-visually-impaired")

    page.get_by_role("link", name="Сравнить с другими").click()
    page.get_by_label("Добавить организацию: название").fill(other.short_name)
    page.get_by_role("button", name="Показать").click()
    page.get_by_role("link", name=f"Добавить к сравнению: {other.short_name}").click()
    headers = page.locator("table.data-table--compare thead th a:not(.muted)")
    expect(headers).to_have_text([target.short_name, other.short_name])
    # The mode is remembered between pages.
    assert "a11y-font-xl" in (page.locator("body").get_attribute("class") or "")
    check_axe(page, axe_script, artefacts_dir, "4-compare")

    page.get_by_role("button", name="Обычная версия").click()
    menu = page.get_by_role("navigation", name="Основное меню")
    menu.get_by_role("link", name="Независимая оценка качества").click()
    page.get_by_role("link", name=region.results_page.title).click()
    expect(page.locator("section.block--rating tbody tr")).to_have_count(
        len(region.organisations)
    )
    assert "a11y" not in (page.locator("body").get_attribute("class") or "").split()
    check_axe(page, axe_script, artefacts_dir, "5-results")
