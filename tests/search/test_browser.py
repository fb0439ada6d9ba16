"""The search page and the header search box in Chromium, checked with axe-core.

A citizen searches from the site header, ticks facets, meets an empty result
and browses without a query; every state must pass axe's WCAG 2.1 A/AA rules.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from search import service
from tests.browser import format_violations, run_axe, save_screenshot
from tests.factories.search import SearchDocumentFactory
from tests.portal_site.test_browser_a11y import home_site

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed(home_site):
    """Documents of several kinds and districts in the configured backend."""
    backend = service.get_backend()
    backend.clear()
    doc = SearchDocumentFactory.build
    backend.index(
        [
            doc(
                id="organisation:1",
                title="Ачинский дом-интернат для граждан пожилого возраста",
                text="Город Ачинск, улица Кирова, 12; у входа установлен пандус",
                url="/organisations/achinsk-di/",
                district="achinsk",
                org_kind="residential_home",
            ),
            doc(
                id="measure:1",
                kind="measure",
                title="Установить пандус у центрального входа",
                text="Вход не оборудован пандусом для маломобильных граждан",
                url="/organisations/achinsk-di/#org-plan",
                district="achinsk",
                status="planned",
            ),
            doc(
                id="measure:2",
                kind="measure",
                title="Пандус и поручни у запасного выхода",
                text="Запасной выход без пандуса",
                url="/organisations/kansk/#org-plan",
                district="kansk",
                status="done",
            ),
            doc(
                id="page:1",
                kind="page",
                title="Как проходит оценка качества",
                text="Общественный совет выбирает организации для оценки",
                url="/about/",
            ),
        ],
        refresh=True,
    )
    yield backend
    # The FTS tables of SQLite are not models: a transactional test's flush
    # would leave their rows behind.
    backend.clear()


def check_axe(page, axe_script, artefacts_dir, name: str) -> None:
    violations = run_axe(page, axe_script)
    save_screenshot(page, artefacts_dir, name)
    assert violations == [], f"{name}:\n{format_violations(violations)}"


def test_search_from_the_header_then_refine_with_facets(
    indexed, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")

    # The header box: a search landmark with a (visually hidden) label.
    header_search = page.get_by_role("search", name="Поиск по сайту")
    box = header_search.get_by_role("searchbox", name="Поиск по сайту")
    box.fill("пандус")
    box.press("Enter")

    page.wait_for_url(re.compile(r"/search/\?q=%D0%BF"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Поиск по порталу")
    expect(page.locator(".search-results__count")).to_have_text(
        "Найдено: 3 по запросу «пандус»"
    )
    expect(page.locator(".search-hit")).to_have_count(3)
    # The search page's own form replaces the header box (one search landmark).
    expect(page.get_by_role("search")).to_have_count(1)
    # (With its suggestion list the page's box is a combobox.)
    expect(page.get_by_role("combobox", name="Что найти")).to_have_value("пандус")
    check_axe(page, axe_script, artefacts_dir, "1-results")

    # Tick a district and a kind, apply: the filters combine with the text.
    page.get_by_role("group", name="Район").locator(
        'input[type="checkbox"][value="achinsk"]'
    ).check()
    page.get_by_role("group", name="Раздел").get_by_role(
        "checkbox", name=re.compile("^Мероприятие плана")
    ).check()
    page.get_by_role("button", name="Применить").click()

    page.wait_for_url(re.compile(r"district=achinsk"))
    expect(page.locator(".search-results__count")).to_have_text(
        "Найдено: 1 по запросу «пандус»"
    )
    expect(page.locator(".search-hit__title")).to_have_text(
        ["Установить пандус у центрального входа"]
    )
    expect(page.get_by_role("list", name="Выбранные фильтры")).to_be_visible()
    expect(
        page.get_by_role("group", name="Район").get_by_role("checkbox", checked=True)
    ).to_have_count(1)
    check_axe(page, axe_script, artefacts_dir, "2-facets")


def test_empty_result_and_browsing_without_a_query(
    indexed, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/search/?q=%D0%B1%D0%B0%D1%81%D1%81%D0%B5%D0%B9%D0%BD")
    expect(page.locator(".search-results__count")).to_have_text(
        "Ничего не найдено по запросу «бассейн»"
    )
    expect(page.locator(".search-hit")).to_have_count(0)
    expect(page.get_by_role("link", name="все материалы портала")).to_be_visible()
    check_axe(page, axe_script, artefacts_dir, "3-empty")

    page.get_by_role("link", name="все материалы портала").click()
    page.wait_for_url(re.compile(r"/search/$"))
    expect(page.locator(".search-results__count")).to_have_text("Найдено: 4")
    expect(page.locator(".search-hit")).to_have_count(4)
    expect(page.get_by_role("group", name="Раздел")).to_be_visible()
    check_axe(page, axe_script, artefacts_dir, "4-browse")
