"""The shared pagination component of tables and listings."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.core.paginator import Paginator
from django.template.loader import render_to_string

COMPONENT = "cms_blocks/components/pagination.html"


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_pagination_partial_is_accessible() -> None:
    page_obj = Paginator(list(range(50)), 10).page(2)

    html = render_to_string(
        COMPONENT,
        {"page_obj": page_obj, "query_prefix": "district=x&sort=total&"},
    )

    nav = soup(html).find("nav")
    assert nav["aria-label"] == "Страницы"
    assert "Страница 2 из 5" in nav.get_text()
    previous = nav.find("a", rel="prev")
    assert previous["href"] == "?district=x&sort=total&page=1"
    assert "Предыдущая" in previous.get_text()
    following = nav.find("a", rel="next")
    assert following["href"] == "?district=x&sort=total&page=3"
    assert "Следующая" in following.get_text()
    current = nav.find_all("a", attrs={"aria-current": "page"})
    assert [a.get_text(strip=True) for a in current] == ["Страница2"]
    assert len(nav.find_all("a")) == 2 + 5


def test_pagination_ends_and_single_page() -> None:
    paginator = Paginator(list(range(50)), 10)
    first = soup(render_to_string(COMPONENT, {"page_obj": paginator.page(1)}))
    assert first.find("a", rel="prev") is None
    assert first.find("a", rel="next")["href"] == "?page=2"
    last = soup(render_to_string(COMPONENT, {"page_obj": paginator.page(5)}))
    assert last.find("a", rel="next") is None
    assert "Страница 5 из 5" in last.get_text()
    single = render_to_string(COMPONENT, {"page_obj": Paginator([1, 2], 10).page(1)})
    assert single.strip() == ""


def test_pagination_elides_long_ranges_around_the_current_page() -> None:
    paginator = Paginator(list(range(400)), 10)
    page_obj = paginator.page(20)

    html = render_to_string(
        COMPONENT,
        {"page_obj": page_obj, "query_prefix": ""},
    )

    nav = soup(html).find("nav")
    assert "Страница 20 из 40" in nav.get_text()
    numbers = [a.get_text(strip=True) for a in nav.find_all("a") if not a.get("rel")]
    assert numbers[0] == "Страница1" and numbers[-1] == "Страница40"
    assert "Страница20" in numbers and "Страница10" not in numbers
    assert nav.find("a", attrs={"aria-current": "page"})["href"] == "?page=20"
    assert len(nav.find_all(class_="pagination__gap")) == 2
