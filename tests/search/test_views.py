"""The search page, the suggestions endpoint and the search API."""

from __future__ import annotations

import re

import pytest

from search import service
from tests.factories.search import SearchDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed(db):
    """A few documents in the configured (database) backend."""
    backend = service.get_backend()
    backend.clear()
    doc = SearchDocumentFactory.build
    docs = [
        doc(
            id="organisation:1",
            title="Ачинский дом-интернат для граждан пожилого возраста",
            names=("Ачинский ДИ",),
            text="Город Ачинск, улица Кирова, 12",
            url="/organisations/achinsk-di/",
            district="achinsk",
            org_kind="residential_home",
            score=91.25,
            extra={"total": "91.25", "campaign_title": "НОК 2024"},
        ),
        doc(
            id="measure:1",
            kind="measure",
            title="Установить пандус у центрального входа",
            text="Недостаток: вход не оборудован пандусом для маломобильных граждан",
            url="/organisations/achinsk-di/#org-plan",
            district="achinsk",
            status="planned",
        ),
        doc(
            id="document:1",
            kind="document",
            title="Приказ об утверждении положения о независимой оценке",
            url="/documents/1/prikaz.pdf",
            doc_type="order",
        ),
    ]
    backend.index(docs, refresh=True)
    return docs


@pytest.fixture
def many(db):
    backend = service.get_backend()
    backend.clear()
    backend.index(
        [
            SearchDocumentFactory.build(
                kind="page", title=f"Новость о доступной среде № {n:02d}", text="пандус"
            )
            for n in range(45)
        ],
        refresh=True,
    )


# ------------------------------------------------------------------------ page


def test_page_renders_the_form_without_javascript(client, indexed):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<form class="search-form" method="get" action="/search/" role="search"' in html
    )
    assert '<label class="form-label" for="search-q">Что найти</label>' in html
    assert 'name="q"' in html
    assert 'aria-live="polite"' in html
    assert "Найдено: 3" in html
    # Browsing shows every facet with counts.
    assert re.search(
        r"Организация <span class=\"search-facet__count\">\(1\)</span>", html
    )


def test_results_with_badges_snippets_and_highlight(client, indexed):
    response = client.get("/search/", {"q": "пандусы"})
    html = response.content.decode()
    assert "Найдено: 1 по запросу «пандусы»" in html
    assert "Мероприятие плана" in html
    assert '<a href="/organisations/achinsk-di/#org-plan">Установить пандус' in html
    assert "<mark>пандусом</mark>" in html
    assert "Запланировано" in html  # the measure's status in its details


def test_facet_checkboxes_filter_and_stay_checked(client, indexed):
    response = client.get("/search/", {"district": "achinsk", "kind": "measure"})
    html = response.content.decode()
    assert "Найдено: 1" in html
    assert re.search(r'name="kind" value="measure" checked', html)
    assert re.search(r'name="district" value="achinsk" checked', html)
    # The kind facet still offers the other kinds of the district.
    assert re.search(r'name="kind" value="organisation"', html)
    assert "Убрать фильтр: Раздел — Мероприятие плана" in html


def test_empty_state_gives_hints(client, indexed):
    response = client.get("/search/", {"q": "абракадабра"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ничего не найдено по запросу «абракадабра»" in html
    assert "проверить написание слов" in html
    assert 'class="search-hits"' not in html


def test_pagination_keeps_the_query(client, many):
    response = client.get("/search/", {"q": "пандус", "page": 2})
    html = response.content.decode()
    assert "Найдено: 45" in html
    assert "Страница 2 из 3" in html
    assert 'href="?q=%D0%BF%D0%B0%D0%BD%D0%B4%D1%83%D1%81&amp;page=3"' in html
    assert html.count('class="search-hit"') == 20


def test_a_page_past_the_end_shows_the_last_page(client, many):
    html = client.get("/search/", {"q": "пандус", "page": 99}).content.decode()
    assert "Страница 3 из 3" in html
    assert html.count('class="search-hit"') == 5


def test_typo_correction_is_shown(client, indexed):
    html = client.get("/search/", {"q": "интернот"}).content.decode()
    assert "Найдено: 1" in html
    assert "Учтены похожие слова" in html


def test_suggest_json(client, indexed):
    response = client.get("/search/suggest/", {"q": "ачинск"})
    assert response.status_code == 200
    assert response.json() == {
        "query": "ачинск",
        "suggestions": [
            {
                "text": "Ачинский дом-интернат для граждан пожилого возраста",
                "kind": "organisation",
                "kind_label": "Организация",
                "url": "/organisations/achinsk-di/",
            }
        ],
    }
    assert client.get("/search/suggest/", {"q": "а"}).json()["suggestions"] == []


# ------------------------------------------------------------------------- API


def test_api_search_shape(client, indexed):
    response = client.get("/api/v1/search/", {"q": "дом-интернат"})
    assert response.status_code == 200
    data = response.json()
    assert (data["query"], data["total"], data["page"], data["num_pages"]) == (
        "дом-интернат",
        1,
        1,
        1,
    )
    hit = data["results"][0]
    assert hit["id"] == "organisation:1"
    assert hit["kind_label"] == "Организация"
    assert hit["url"] == "http://testserver/organisations/achinsk-di/"
    assert hit["score_band"] == "90-100"
    assert hit["total_score"] == 91.25
    assert data["facets"]["score_band"] == {
        "label": "Итоговый балл",
        "values": [
            {
                "value": "90-100",
                "label": "от 90 до 100 баллов",
                "count": 1,
                "selected": False,
            }
        ],
    }
    assert set(data["facets"]) == {
        "kind",
        "district",
        "org_kind",
        "campaign",
        "score_band",
        "status",
        "doc_type",
    }


def test_api_filters_and_pages(client, many):
    data = client.get(
        "/api/v1/search/", {"kind": "page", "page": 3, "page_size": 20}
    ).json()
    assert (data["total"], len(data["results"]), data["next"]) == (45, 5, None)
    assert (
        data["previous"]
        == "http://testserver/api/v1/search/?kind=page&page=2&page_size=20"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"kind": "x"}, "kind"),
    ],
)
def test_api_errors_use_the_api_shape(client, indexed, params, field):
    response = client.get("/api/v1/search/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["message"]) == (400, "Запрос содержит ошибки.")
    assert field in error["fields"]


def test_api_suggest(client, indexed):
    data = client.get("/api/v1/search/suggest/", {"q": "прик"}).json()
    assert [s["text"] for s in data["suggestions"]] == [
        "Приказ об утверждении положения о независимой оценке"
    ]
    missing = client.get("/api/v1/search/suggest/")
    assert missing.status_code == 400
    assert "q" in missing.json()["error"]["fields"]


def test_api_is_documented(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/search/" in schema["paths"]
    assert "/api/v1/search/suggest/" in schema["paths"]
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert operation["summary"] == "Поиск"
    assert {p["name"] for p in operation["parameters"]} >= {"q", "district", "page"}


# ------------------------------------------------------------ header search box


def test_every_page_has_the_header_search_form(client, db):
    html = client.get("/accessibility/").content.decode()
    form = re.search(r'<form class="site-search".*?</form>', html, re.S)
    assert form
    form_html = form.group()
    assert 'method="get" action="/search/" role="search"' in form_html
    assert 'aria-label="Поиск по сайту"' in form_html
    assert (
        '<label class="visually-hidden" for="site-search-q">Поиск по сайту</label>'
        in form_html
    )
    assert 'id="site-search-q"' in form_html and 'name="q"' in form_html
    # A plain form: no script on every page (autocomplete is the search page's).
    assert "data-suggest-url" not in form_html
    assert '<button class="button site-search__button" type="submit">' in form_html


def test_the_search_page_shows_only_its_own_search_form(client, indexed):
    html = client.get("/search/", {"q": "пандус"}).content.decode()
    assert 'class="site-search"' not in html
    assert html.count('role="search"') == 1
