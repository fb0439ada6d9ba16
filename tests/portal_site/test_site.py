"""The site answers with Russian pages, the admin and the API root."""

import pytest
from django.test import Client
from wagtail.models import Site

from publications.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_is_the_default_site_root() -> None:
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)


def test_home_page_renders_russian_with_accessible_chrome(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Независимая оценка качества" in html
    assert 'href="#main"' in html  # skip link
    assert "Демонстрационные данные" not in html  # QP_DEMO is off in tests


def test_demo_label_is_shown_on_public_pages_in_demo_mode(
    client: Client, settings
) -> None:
    settings.QP_DEMO = True
    html = client.get("/").content.decode()
    assert "Демонстрационные данные" in html


def test_admin_login_page_is_served(client: Client) -> None:
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Войти" in response.content.decode() or "Вход" in response.content.decode()


def test_api_root_lists_the_apis(client: Client) -> None:
    response = client.get("/api/")
    assert response.status_code == 200
    data = response.json()
    assert set(data["apis"]) == {"v1", "v2", "schema", "docs"}
    assert data["apis"]["v2"]["url"].endswith("/api/v2/pages/")


def test_wagtail_api_v2_lists_the_home_page(client: Client) -> None:
    response = client.get("/api/v2/pages/")
    assert response.status_code == 200
    types = {item["meta"]["type"] for item in response.json()["items"]}
    assert "qp_publications.HomePage" in types


def test_health_check(client: Client) -> None:
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_unknown_page_gives_russian_404(client: Client) -> None:
    response = client.get("/net-takoi-stranicy/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_nul_characters_are_refused_before_the_database(client: Client) -> None:
    api = client.get("/api/v1/organisations/", {"q": "a\x00b"})
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "invalid"
    path = client.get("/api/v1/organisations/a%00b/")
    assert path.status_code == 400
    page = client.get("/", {"x": "\x00"})
    assert page.status_code == 400


def test_the_ministry_is_named_from_its_settings_and_empty_lines_are_omitted(
    client,
) -> None:
    from wagtail.models import Site

    from publications.models import MinistrySettings

    empty = client.get("/").content.decode()
    assert "будут указаны здесь" not in empty
    assert "site-footer__contacts" not in empty  # nothing filled in: no section

    settings = MinistrySettings.for_site(Site.objects.get(is_default_site=True))
    settings.full_name = "Министерство социальной политики Н-ской области"
    settings.short_name = "Минсоцполитики области"
    settings.phone = "+7 (000) 111-22-33"
    settings.save()
    page = client.get("/").content.decode()
    assert "Минсоцполитики области" in page  # the header
    assert "Министерство социальной политики Н-ской области" in page  # the footer
    assert 'href="tel:+70001112233"' in page
    assert "Электронная почта" not in page and "Приём граждан" not in page
    assert "site-header__emblem" not in page

    from wagtail_factories import ImageFactory

    settings.emblem = ImageFactory(title="Герб")
    settings.save()
    page = client.get("/").content.decode()
    assert 'class="site-header__emblem"' in page and 'alt=""' in page
