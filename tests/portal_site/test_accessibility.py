"""Version for the visually impaired, the site chrome and its shared partials."""

from __future__ import annotations

from dataclasses import fields

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from wagtail.models import Page, Site

from portal_site.accessibility import COOKIE_NAME, SETTINGS, A11ySettings
from portal_site.context_processors import SiteNav

pytestmark = pytest.mark.django_db

URL = "/accessibility/"
FULL_COOKIE = "font:l.scheme:wb.spacing:wide.lines:wide.images:off"


def soup(response_or_html) -> BeautifulSoup:
    html = getattr(response_or_html, "content", response_or_html)
    if isinstance(html, bytes):
        html = html.decode()
    return BeautifulSoup(html, "html.parser")


@pytest.fixture
def home() -> Page:
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def sections(home: Page) -> dict[str, Page]:
    """Children of the home page: in the menu, hidden from it, and a draft."""
    ratings = home.add_child(
        instance=Page(title="Рейтинги", slug="reitingi", show_in_menus=True)
    )
    hidden = home.add_child(
        instance=Page(title="Служебная", slug="sluzhebnaya", show_in_menus=False)
    )
    draft = home.add_child(
        instance=Page(
            title="Черновик", slug="chernovik", show_in_menus=True, live=False
        )
    )
    year = ratings.add_child(instance=Page(title="Итоги 2024 года", slug="2024"))
    return {"ratings": ratings, "hidden": hidden, "draft": draft, "year": year}


def render_page(path: str, **context) -> BeautifulSoup:
    """Render base.html for a request to ``path``, as a page view would."""
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return soup(render_to_string("base.html", context, request=request))


# The settings form ------------------------------------------------------------


def test_form_renders_fieldsets_legends_and_labelled_radios(client: Client) -> None:
    response = client.get(URL, {"next": "/reitingi/?page=2"})

    assert response.status_code == 200
    page = soup(response)
    form = page.find("form", class_="a11y-form")
    assert form["method"] == "post" and form["action"] == URL
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("input", attrs={"name": "next"})["value"] == "/reitingi/?page=2"
    legends = [
        legend.get_text(strip=True) for legend in form.select("fieldset > legend")
    ]
    assert legends == [
        "Размер шрифта",
        "Цветовая схема",
        "Межбуквенный интервал",
        "Межстрочный интервал",
        "Изображения",
    ]
    for radio in form.find_all("input", type="radio"):
        label = form.find("label", attrs={"for": radio["id"]})
        assert label is not None and label.get_text(strip=True), radio
    labels = {label.get_text(strip=True) for label in form.find_all("label")}
    assert {"Очень крупный", "Белым по чёрному", "Тёмно-синим по голубому"} <= labels
    checked = {r["name"]: r["value"] for r in form.find_all("input", checked=True)}
    assert checked == {
        "font": "normal",
        "scheme": "normal",
        "spacing": "normal",
        "lines": "normal",
        "images": "on",
    }
    assert form.find("button", attrs={"name": "reset"}).get_text() == "Обычная версия"


def test_form_checks_the_visitors_current_settings(client: Client) -> None:
    client.cookies[COOKIE_NAME] = "font:xl.scheme:blue.images:off"

    form = soup(client.get(URL)).find("form", class_="a11y-form")

    checked = {r["name"]: r["value"] for r in form.find_all("input", checked=True)}
    assert checked["font"] == "xl"
    assert checked["scheme"] == "blue"
    assert checked["images"] == "off"
    assert checked["spacing"] == "normal"


def test_form_drops_an_external_next(client: Client) -> None:
    form = soup(client.get(URL, {"next": "https://evil.example/"})).find(
        "form", class_="a11y-form"
    )
    assert form.find("input", attrs={"name": "next"})["value"] == "/"


# Saving and resetting ------------------------------------------------------------


def test_post_saves_one_cookie_and_redirects_with_303(client: Client) -> None:
    response = client.post(
        URL,
        {
            "font": "l",
            "scheme": "wb",
            "spacing": "wide",
            "lines": "wide",
            "images": "off",
            "next": "/reitingi/?district=x",
        },
    )

    assert response.status_code == 303
    assert response["Location"] == "/reitingi/?district=x"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == FULL_COOKIE
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"
    assert cookie["httponly"] is True


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "javascript:alert(1)", ""],
)
def test_post_never_redirects_off_site(client: Client, next_url: str) -> None:
    response = client.post(URL, {"font": "xl", "next": next_url})

    assert response.status_code == 303
    assert response["Location"] == "/"
    assert response.cookies[COOKIE_NAME].value.startswith("font:xl.")


def test_panel_post_changes_one_setting_and_keeps_the_others(client: Client) -> None:
    client.cookies[COOKIE_NAME] = FULL_COOKIE

    response = client.post(URL, {"scheme": "blue", "next": "/"})

    assert response.cookies[COOKIE_NAME].value == (
        "font:l.scheme:blue.spacing:wide.lines:wide.images:off"
    )


def test_posted_values_outside_the_choices_are_ignored(client: Client) -> None:
    client.cookies[COOKIE_NAME] = "font:l"

    response = client.post(URL, {"font": "huge", "scheme": "<b>", "images": "off"})

    assert response.cookies[COOKIE_NAME].value == (
        "font:l.scheme:normal.spacing:normal.lines:normal.images:off"
    )


def test_reset_clears_the_cookie(client: Client) -> None:
    client.cookies[COOKIE_NAME] = FULL_COOKIE

    response = client.post(URL, {"reset": "1", "font": "xl", "next": "/reitingi/"})

    assert response.status_code == 303
    assert response["Location"] == "/reitingi/"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie.value == ""
    assert cookie["max-age"] == 0
    assert cookie["path"] == "/"


def test_post_without_a_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)

    refused = client.post(URL, {"font": "xl"})
    assert refused.status_code == 403
    assert COOKIE_NAME not in refused.cookies

    client.get(URL)
    token = client.cookies["csrftoken"].value
    accepted = client.post(URL, {"font": "xl", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 303
    assert accepted.cookies[COOKIE_NAME].value.startswith("font:xl.")


# Reading the cookie -----------------------------------------------------------------


def test_settings_fields_follow_the_table_of_settings() -> None:
    names = [field.name for field in fields(A11ySettings)]
    assert names == ["enabled", *(setting.name for setting in SETTINGS)]
    defaults = A11ySettings()
    assert [getattr(defaults, s.name) for s in SETTINGS] == [
        s.default for s in SETTINGS
    ]


def test_cookie_round_trips() -> None:
    settings = A11ySettings.from_cookie(FULL_COOKIE)
    assert settings == A11ySettings(
        enabled=True, font="l", scheme="wb", spacing="wide", lines="wide", images="off"
    )
    assert settings.to_cookie() == FULL_COOKIE
    assert settings.css_classes == (
        "a11y a11y-font-l a11y-scheme-wb a11y-spacing-wide a11y-lines-wide "
        "a11y-images-off"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("font:huge.scheme:wb", {"font": "normal", "scheme": "wb"}),
        ("font:l.font:<script>", {"font": "l"}),
        ("evil:1.images:off.scheme", {"images": "off", "scheme": "normal"}),
        ("garbage", {}),
        ("font:xl." + "x" * 300, {"font": "normal"}),
    ],
)
def test_tampered_cookie_values_fall_back_to_defaults(raw: str, expected: dict) -> None:
    settings = A11ySettings.from_cookie(raw)
    assert settings == A11ySettings(enabled=True, **expected)


def test_no_cookie_means_the_mode_is_off() -> None:
    settings = A11ySettings.from_cookie(None)
    assert settings.enabled is False
    assert settings.css_classes == ""


# The mode on real pages ---------------------------------------------------------------


def test_home_page_gets_body_classes_and_panel_with_the_cookie(client: Client) -> None:
    client.cookies[COOKIE_NAME] = FULL_COOKIE

    response = client.get("/")

    assert response.status_code == 200
    page = soup(response)
    body_classes = page.body["class"]
    assert body_classes == [
        "page-home",
        "a11y",
        "a11y-font-l",
        "a11y-scheme-wb",
        "a11y-spacing-wide",
        "a11y-lines-wide",
        "a11y-images-off",
    ]
    assert "a11y-font-l" in page.html["class"]  # rem units follow the root
    panel = page.find("section", class_="a11y-panel")
    assert panel is not None
    assert page.body.find(["section", "header", "main"]) is panel  # first region
    form = panel.find("form")
    assert form["method"] == "post" and form["action"] == URL
    assert form.find("input", attrs={"name": "next"})["value"] == "/"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert response.context["A11Y"].font == "l"
    assert response.context["A11Y_CLASSES"] == " ".join(body_classes[1:])


def test_panel_buttons_are_named_and_pressed_by_state(client: Client) -> None:
    client.cookies[COOKIE_NAME] = FULL_COOKIE

    panel = soup(client.get("/")).find("section", class_="a11y-panel")

    def button(name: str, value: str):
        return panel.find("button", attrs={"name": name, "value": value})

    assert button("font", "l")["aria-pressed"] == "true"
    assert button("font", "normal")["aria-pressed"] == "false"
    assert button("font", "xl")["aria-pressed"] == "false"
    assert button("scheme", "wb")["aria-pressed"] == "true"
    assert button("scheme", "bw")["aria-pressed"] == "false"
    assert button("images", "off")["aria-pressed"] == "true"
    assert button("images", "on")["aria-pressed"] == "false"
    assert button("font", "xl").get_text(" ", strip=True).startswith("А++")
    assert "очень крупный размер шрифта" in button("font", "xl").get_text()
    assert button("scheme", "bw").get_text(strip=True) == "Чёрным по белому"
    assert button("images", "off").get_text(" ", strip=True).startswith("выкл")
    assert panel.find("button", attrs={"name": "reset"}).get_text() == "Обычная версия"
    for button_tag in panel.find_all("button"):
        assert button_tag["type"] == "submit"
        assert button_tag.get_text(strip=True)


def test_pressed_state_follows_another_cookie(client: Client) -> None:
    client.cookies[COOKIE_NAME] = "font:xl.scheme:blue"

    panel = soup(client.get("/")).find("section", class_="a11y-panel")

    pressed = {
        (b["name"], b["value"])
        for b in panel.find_all("button", attrs={"aria-pressed": "true"})
    }
    assert pressed == {("font", "xl"), ("scheme", "blue"), ("images", "on")}


def test_home_page_without_the_cookie_has_no_mode(client: Client) -> None:
    response = client.get("/")

    page = soup(response)
    assert page.body["class"] == ["page-home"]
    assert not page.html.get("class")
    assert page.find(class_="a11y-panel") is None
    assert "a11y-" not in response.content.decode().split("<body", 1)[1].split(">")[0]
    link = page.find("header").find("a", string="Версия для слабовидящих")
    assert link["href"] == "/accessibility/?next=/"


def test_tampered_cookie_never_reaches_the_markup(client: Client) -> None:
    client.cookies[COOKIE_NAME] = 'font:"><script>x</script>'

    response = client.get("/")

    page = soup(response)
    assert page.body["class"] == ["page-home", "a11y"]
    assert page.find("script") is None


# Chrome: landmarks, menu, breadcrumbs, pagination -------------------------------------


def test_skip_link_landmarks_and_footer(client: Client) -> None:
    page = soup(client.get("/"))

    skip = page.body.find("a")
    assert skip["class"] == ["skip-link"] and skip["href"] == "#main"
    main = page.find("main")
    assert main["id"] == "main" and main["tabindex"] == "-1"
    header = page.find("header")
    assert header["role"] == "banner"
    nav = header.find("nav")
    assert nav["aria-label"] == "Основное меню"
    assert page.find("meta", attrs={"name": "color-scheme"})["content"] == "light"
    footer = page.find("footer")
    assert "Данные доступны по лицензии CC BY 4.0" in footer.get_text(" ", strip=True)
    assert footer.find("a", string="Версия для слабовидящих")["href"].startswith(URL)


def test_site_nav_lists_live_menu_children_after_home(
    client: Client, sections, django_assert_max_num_queries
) -> None:
    response = client.get("/")

    nav = response.context["SITE_NAV"]
    assert list(nav) == [("Главная", "/"), ("Рейтинги", "/reitingi/")]
    links = soup(response).find("nav", attrs={"aria-label": "Основное меню"})
    assert [a.get_text() for a in links.find_all("a")] == [
        "Главная",
        "Рейтинги",
        "Открытые данные",
    ]
    assert links.find("a", string="Главная")["aria-current"] == "page"
    assert not links.find("a", string="Рейтинги").get("aria-current")

    # The page above warmed Wagtail's cache of site root paths, as any earlier
    # request does: then the menu costs the site lookup and the children.
    request = RequestFactory().get("/")
    with django_assert_max_num_queries(2):
        assert len(list(SiteNav(request))) == 2


def test_site_nav_tolerates_no_request_and_no_site(home: Page) -> None:
    assert list(SiteNav(None)) == [("Главная", "/")]
    assert SiteNav(None).current_url is None
    Site.objects.all().delete()
    assert list(SiteNav(RequestFactory().get("/"))) == [("Главная", "/")]


def test_nav_marks_the_current_section(sections) -> None:
    at_section = render_page("/reitingi/")
    link = at_section.find("nav", attrs={"aria-label": "Основное меню"}).find(
        "a", string="Рейтинги"
    )
    assert link["aria-current"] == "page"

    below = render_page("/reitingi/2024/")
    menu = below.find("nav", attrs={"aria-label": "Основное меню"})
    assert menu.find("a", string="Рейтинги")["aria-current"] == "true"
    assert not menu.find("a", string="Главная").get("aria-current")

    elsewhere = render_page("/accessibility/")
    menu = elsewhere.find("nav", attrs={"aria-label": "Основное меню"})
    assert menu.find_all(attrs={"aria-current": True}) == []


def test_breadcrumbs_lead_from_home_to_the_page(sections) -> None:
    page = render_page("/reitingi/2024/", page=sections["year"])

    crumbs = page.find("nav", attrs={"aria-label": "Навигация по разделу"})
    assert crumbs is not None
    items = crumbs.find("ol").find_all("li")
    assert [li.get_text(strip=True) for li in items] == [
        "Главная",
        "Рейтинги",
        "Итоги 2024 года",
    ]
    assert [li.a["href"] for li in items] == ["/", "/reitingi/", "/reitingi/2024/"]
    assert items[-1].a["aria-current"] == "page"
    assert not items[0].a.get("aria-current")
    # Breadcrumbs come before the main content.
    assert crumbs.find_next("main") is not None


def test_home_page_has_no_breadcrumbs(client: Client) -> None:
    page = soup(client.get("/"))
    assert page.find("nav", attrs={"aria-label": "Навигация по разделу"}) is None
