"""The public site at a phone's and a desktop's size, in Chromium.

At 390×844 and 1366×900, on the home page, a results page, a card, the
comparison of four organisations, the questionnaire and search: the page's
<h1> is in the first screen (on the questionnaire, its first question too),
the page never scrolls sideways, chart text is at least 12 px on the phone,
and axe-core finds no serious or critical issue, in the normal mode and in
the version for the visually impaired (black on white and white on black, at
large sizes), where chart text takes the scheme's colour and grows.
"""

from __future__ import annotations

import pytest
from wagtail.models import Collection

from tests.browser import format_violations, run_axe, save_screenshot
from tests.factories.region import build_region
from tests.portal_site.test_browser_a11y import home_site

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
MIN_CHART_TEXT_PX = 12

# Rendered font size of every drawn chart text: its computed size in SVG user
# units times the scale the viewBox applies on screen.
CHART_TEXT_SIZES = """
() => [...document.querySelectorAll('svg.chart__svg text')]
  .filter((text) => text.getClientRects().length > 0)
  .map((text) => ({
    text: text.textContent,
    size: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
    fill: getComputedStyle(text).fill,
  }))
"""
LAYOUT = """
() => ({
  h1: document.querySelector('h1').getBoundingClientRect().bottom,
  question: document.querySelector('.question legend')
    ?.getBoundingClientRect().bottom ?? null,
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  innerHeight: window.innerHeight,
  // Tables that scroll inside their region, by their caption.
  scrollingTables: [...document.querySelectorAll('.table-scroll')]
    .filter((region) => region.scrollWidth > region.clientWidth + 1)
    .map((region) => region.querySelector('caption')?.textContent
      ?? region.getAttribute('aria-label')),
})
"""


@pytest.fixture
def pages(home_site) -> dict[str, str]:
    """The six page kinds of the acceptance, by a short name."""
    from search import service

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Все коллекции")
    region = build_region(organisations=8, responses=160)
    service.rebuild()
    directory = region.directory.specific
    card = region.organisations[0]
    four = [organisation.slug for organisation in region.organisations[:4]]
    return {
        "home": "/",
        "results": region.results_page.url,
        "card": f"{directory.url}{card.slug}/",
        "compare": directory.compare_url(four),
        "questionnaire": f"/q/{card.code}/",
        "search": "/search/?q=" + card.short_name.split()[0].lower(),
    }


def open_page(page, live_server, path: str) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.status == 200, path


def check_axe(page, axe_script, artefacts_dir, name: str) -> list[str]:
    violations = run_axe(page, axe_script)
    save_screenshot(page, artefacts_dir, name)
    return [f"{name}:\n{format_violations(violations)}"] if violations else []


def set_mode(page, live_server, value: str | None) -> None:
    """Turn the version for the visually impaired on (cookie value) or off."""
    context = page.context
    context.clear_cookies()
    if value:
        context.add_cookies(
            [{"name": "qp_a11y", "value": value, "url": live_server.url}]
        )


def test_pages_fit_a_phone(
    pages, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    chart_texts = 0
    for name, path in pages.items():
        open_page(page, live_server, path)
        layout = page.evaluate(LAYOUT)
        if layout["h1"] > PHONE["height"]:
            problems.append(f"{name}: <h1> ends at {layout['h1']:.0f} px")
        if name == "questionnaire" and not (
            layout["question"] and layout["question"] <= PHONE["height"]
        ):
            problems.append(f"{name}: first question ends at {layout['question']}")
        if layout["scrollWidth"] > layout["innerWidth"]:
            problems.append(f"{name}: page is {layout['scrollWidth']} px wide")
        for item in page.evaluate(CHART_TEXT_SIZES):
            chart_texts += 1
            if item["size"] < MIN_CHART_TEXT_PX:
                problems.append(f"{name}: «{item['text']}» {item['size']:.1f} px")
        # The menu is one closed «Меню» button until opened.
        menu = page.get_by_role("navigation", name="Основное меню")
        assert not menu.get_by_role("link", name="Открытые данные").is_visible()
        problems += check_axe(page, axe_script, artefacts_dir, f"phone-{name}")
    assert problems == [], "\n".join(problems)
    # Home, results and card draw charts: the size check saw their labels.
    assert chart_texts > 30

    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Основное меню")
    menu.get_by_text("Меню", exact=True).click()
    menu.get_by_role("link", name="Открытые данные").click()
    assert page.url.endswith("/api/v1/datasets/catalogue/")


def test_pages_fit_a_desktop(
    pages, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    page.set_viewport_size(DESKTOP)
    problems: list[str] = []
    for name, path in pages.items():
        open_page(page, live_server, path)
        layout = page.evaluate(LAYOUT)
        if layout["h1"] > DESKTOP["height"]:
            problems.append(f"{name}: <h1> ends at {layout['h1']:.0f} px")
        if layout["scrollWidth"] > layout["innerWidth"]:
            problems.append(f"{name}: page is {layout['scrollWidth']} px wide")
        # The comparison of four and the plan table (on the results page) fit.
        if layout["scrollingTables"]:
            problems.append(f"{name}: tables scroll: {layout['scrollingTables']}")
        # The whole menu is one row of links, without a «Меню» button.
        menu = page.get_by_role("navigation", name="Основное меню")
        assert menu.get_by_role("link", name="Открытые данные").is_visible()
        assert not menu.get_by_text("Меню", exact=True).is_visible()
        problems += check_axe(page, axe_script, artefacts_dir, f"desktop-{name}")
    assert problems == [], "\n".join(problems)


# Two schemes at two large sizes: (cookie value, the scheme's text colour).
MODES = [
    ("font:l.scheme:bw", "rgb(0, 0, 0)"),
    ("font:xl.scheme:wb", "rgb(255, 255, 255)"),
]


def test_visually_impaired_mode_colours_and_enlarges_charts(
    pages, browser_page, live_server, axe_script, artefacts_dir
) -> None:
    page = browser_page
    page.set_viewport_size(DESKTOP)
    open_page(page, live_server, pages["card"])
    normal = page.evaluate(CHART_TEXT_SIZES)
    assert len(normal) > 10

    problems: list[str] = []
    for mode, fill in MODES:
        set_mode(page, live_server, mode)
        for name, path in pages.items():
            open_page(page, live_server, path)
            body = page.locator("body").get_attribute("class").split()
            wanted = {"a11y-" + part.replace(":", "-") for part in mode.split(".")}
            assert wanted <= set(body), body
            problems += check_axe(page, axe_script, artefacts_dir, f"{mode}-{name}")

        open_page(page, live_server, pages["card"])
        enlarged = page.evaluate(CHART_TEXT_SIZES)
        assert len(enlarged) == len(normal)
        # Every label, legend, value and axis figure is drawn in the scheme's
        # text colour, and larger than in the normal mode.
        assert {item["fill"] for item in enlarged} == {fill}, mode
        grown = [
            big["size"] / usual["size"]
            for big, usual in zip(enlarged, normal, strict=True)
        ]
        assert min(grown) >= 1.5, (mode, grown)
    assert problems == [], "\n".join(problems)
