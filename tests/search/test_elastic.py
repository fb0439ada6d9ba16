"""The Elasticsearch backend on a real node with the Russian analysis plugin."""

from __future__ import annotations

import datetime as dt

import pytest

from search.backends.base import SearchQuery
from search.backends.elastic import RUSSIAN_ANALYZER, suggest_inputs
from tests.factories.search import SearchDocumentFactory

pytestmark = pytest.mark.elasticsearch


def tokens(backend, text: str, analyzer: str = RUSSIAN_ANALYZER) -> list[str]:
    response = backend.client.indices.analyze(analyzer=analyzer, text=text)
    return [token["token"] for token in response["tokens"]]


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def counts(results, facet: str) -> dict[str, int]:
    return {bucket.value: bucket.count for bucket in results.facets[facet]}


@pytest.fixture
def organisations(es_backend):
    docs = [
        SearchDocumentFactory(
            id="organisation:1",
            title="КГБУ СО «Ачинский дом-интернат для граждан пожилого возраста»",
            names=("Ачинский ДИ",),
            text="У входа установлен пандус. Работает реабилитационный кабинет.",
            district="achinsk",
            org_kind="home",
            campaign=("2024", "2025"),
            score=92.5,
            published_at=dt.date(2025, 3, 1),
            extra={"k1": 95.0},
        ),
        SearchDocumentFactory(
            id="organisation:2",
            title="КГБУ СО «Комплексный центр социального обслуживания населения «Канский»",
            text="Пандусом оборудован второй вход, есть кнопка вызова.",
            district="kansk",
            org_kind="kcson",
            campaign=("2025",),
            score=74.0,
        ),
        SearchDocumentFactory(
            kind="measure",
            id="measure:7",
            title="Установить пандус у главного входа",
            text="Мероприятие плана по итогам оценки 2025 года.",
            district="achinsk",
            status="done",
        ),
        SearchDocumentFactory(
            kind="document",
            id="document:3",
            title="Приказ о ёлке для воспитанников",
            text="Новогодняя ёлка в центре.",
            doc_type="order",
        ),
    ]
    assert es_backend.index(docs, refresh=True) == 4
    return docs


def test_plugin_analyzer_stems_inflected_hyphenated_words_alike(es_backend):
    es_backend.ensure_index()

    assert tokens(es_backend, "Домов-интернатов") == ["дом", "интернат"]
    assert tokens(es_backend, "дом-интернат") == ["дом", "интернат"]
    assert tokens(es_backend, "Ёлки для всех") == ["елк"]


def test_index_maps_text_fields_with_the_russian_analyzer(es_backend):
    name = es_backend.ensure_index()

    mapping = es_backend.client.indices.get_mapping(index=name)[name]["mappings"]
    properties = mapping["properties"]
    assert properties["title"]["analyzer"] == RUSSIAN_ANALYZER
    assert properties["text"]["analyzer"] == RUSSIAN_ANALYZER
    assert properties["district"]["type"] == "keyword"
    assert properties["suggest"]["type"] == "completion"
    assert es_backend.generations() == [name]


def test_morphology_finds_the_nominative_title(es_backend, organisations):
    results = es_backend.search(SearchQuery(text="домов-интернатов"))

    assert ids(results) == ["organisation:1"]


def test_typo_is_tolerated(es_backend, organisations):
    results = es_backend.search(SearchQuery(text="реабилитацонный"))

    assert ids(results) == ["organisation:1"]
    assert "реабилитационный" in results.hits[0].snippet


@pytest.fixture
def sent(es_backend, monkeypatch) -> list[list[dict]]:
    """The searches of every ``msearch`` the backend sends (one list per trip)."""
    trips: list[list[dict]] = []
    msearch = es_backend.client.msearch

    def recording(**kwargs):
        trips.append(kwargs["searches"])
        return msearch(**kwargs)

    monkeypatch.setattr(es_backend.client, "msearch", recording)
    return trips


def test_a_typo_asks_the_node_what_the_corrected_word_asks(
    es_backend, organisations, sent
):
    typo = es_backend.search(SearchQuery(text="реабилитацонный"))
    meant = es_backend.search(SearchQuery(text="реабилитационный"))

    # The check with the query as typed, then the query as meant: the same
    # request as the correct word's (so both share the node's request cache),
    # with the same hits, ranking and facet counts.
    assert len(sent) == 3
    assert sent[1] == sent[2][:4]  # the second also checks its (new) word
    assert typo.corrected == (("реабилитацонный", "реабилитационный"),)
    assert [(h.id, h.score) for h in typo.hits] == [(h.id, h.score) for h in meant.hits]
    assert typo.facets == meant.facets


def test_a_repeated_typo_takes_one_round_trip(es_backend, organisations, sent):
    first = es_backend.search(SearchQuery(text="реабилитацонный"))
    sent.clear()
    again = es_backend.search(SearchQuery(text="реабилитацонный", page=1))

    # The word is remembered as unknown with its corrections: no check, and
    # the typed word stays an alternative (a document may bring it meanwhile).
    assert len(sent) == 1
    assert "реабилитацонный" in str(sent[0][1]["query"])
    assert again.corrected == first.corrected
    assert ids(again) == ids(first) == ["organisation:1"]


def test_a_remembered_unknown_word_still_finds_a_new_document(
    es_backend, organisations
):
    assert es_backend.search(SearchQuery(text="реабилитацонный")).corrected
    es_backend.index(
        [
            SearchDocumentFactory(
                id="page:9",
                title="Слово «реабилитацонный» в старом приказе",
                text="Опечатка в документе.",
            )
        ],
        refresh=True,
    )

    results = es_backend.search(SearchQuery(text="реабилитацонный"))

    assert set(ids(results)) == {"organisation:1", "page:9"}


def test_short_words_get_no_typo_tolerance(es_backend, organisations):
    # "дим" is three letters: no fuzzy match to "дом".
    assert es_backend.search(SearchQuery(text="дим")).total == 0


def test_abbreviation_synonym_matches_the_full_name(es_backend, organisations):
    results = es_backend.search(SearchQuery(text="КЦСОН"))

    assert ids(results) == ["organisation:2"]


def test_every_term_must_match(es_backend, organisations):
    assert ids(es_backend.search(SearchQuery(text="пандус канский"))) == [
        "organisation:2"
    ]


def test_yo_and_ye_match_each_other(es_backend, organisations):
    assert ids(es_backend.search(SearchQuery(text="елка"))) == ["document:3"]


def test_phrase_in_title_ranks_first(es_backend, organisations):
    results = es_backend.search(SearchQuery(text="установить пандус"))

    assert ids(results)[0] == "measure:7"


def test_facet_counts_ignore_their_own_filter(es_backend, organisations):
    results = es_backend.search(
        SearchQuery(text="пандус", filters={"district": ("achinsk",)})
    )

    assert sorted(ids(results)) == ["measure:7", "organisation:1"]
    assert results.total == 2
    # District counts come from all three "пандус" documents.
    assert counts(results, "district") == {"achinsk": 2, "kansk": 1}
    # Other facets respect the district filter.
    assert counts(results, "kind") == {"measure": 1, "organisation": 1}
    assert counts(results, "org_kind") == {"home": 1}
    selected = [b.value for b in results.facets["district"] if b.selected]
    assert selected == ["achinsk"]


def filter_aggregations(body: dict) -> dict[str, list[str]]:
    """Filter aggregation name -> the facets counted under it."""
    return {
        name: sorted(agg.get("aggs", {}))
        for name, agg in body["aggs"].items()
        if "filter" in agg
    }


def test_facets_with_the_same_filters_share_one_filter_aggregation(
    es_backend, organisations, sent
):
    results = es_backend.search(
        SearchQuery(
            text="пандус",
            filters={"district": ("achinsk",), "org_kind": ("home",)},
            kinds=("organisation", "measure"),
        )
    )

    facets_body = sent[-1][3]
    # Three active filters: the four other facets and the total under all
    # three, each filtered facet under the other two (4 filters, not 8).
    assert filter_aggregations(facets_body) == {
        "all": ["campaign", "doc_type", "score_band", "status"],
        "g0": ["kind"],
        "g1": ["district"],
        "g2": ["org_kind"],
    }
    # The text is a filter: nothing in the facet search is scored.
    assert "must" not in facets_body["query"]["bool"]
    assert results.total == 1
    # The selected kind without matches is kept with zero.
    assert counts(results, "kind") == {"organisation": 1, "measure": 0}
    assert counts(results, "district") == {"achinsk": 1}
    assert counts(results, "org_kind") == {"home": 1}
    assert counts(results, "campaign") == {"2024": 1, "2025": 1}


def test_facets_without_filters_are_plain_counts_and_the_total_is_the_hit_count(
    es_backend, organisations, sent
):
    results = es_backend.search(SearchQuery(text="пандус"))

    facets_body = sent[-1][3]
    assert filter_aggregations(facets_body) == {}
    assert sorted(facets_body["aggs"]) == sorted(
        ["kind", "district", "org_kind", "campaign", "score_band", "status", "doc_type"]
    )
    assert facets_body["track_total_hits"] is True
    assert results.total == 3
    assert counts(results, "district") == {"achinsk": 2, "kansk": 1}
    assert counts(results, "kind") == {"measure": 1, "organisation": 2}


def test_selected_value_without_matches_is_kept_with_zero(es_backend, organisations):
    results = es_backend.search(
        SearchQuery(text="пандус", filters={"doc_type": ("order",)})
    )

    assert results.total == 0
    assert [(b.value, b.count, b.selected) for b in results.facets["doc_type"]] == [
        ("order", 0, True)
    ]
    assert set(results.facets) == {
        "kind",
        "district",
        "org_kind",
        "campaign",
        "score_band",
        "status",
        "doc_type",
    }


def test_multi_valued_campaign_facet_and_kind_filter(es_backend, organisations):
    results = es_backend.search(SearchQuery(kinds=("organisation",)))

    assert results.total == 2
    assert counts(results, "campaign") == {"2025": 2, "2024": 1}
    assert counts(results, "score_band") == {"90-100": 1, "70-80": 1}
    assert counts(results, "kind") == {
        "organisation": 2,
        "measure": 1,
        "document": 1,
    }


def test_empty_query_browses_by_kind_then_title(es_backend, organisations):
    results = es_backend.search(SearchQuery())

    assert ids(results) == [
        "organisation:1",
        "organisation:2",
        "measure:7",
        "document:3",
    ]
    assert [hit.score for hit in results.hits] == [0.0] * 4


def test_pagination_and_page_past_the_end(es_backend, organisations):
    second = es_backend.search(SearchQuery(page=2, page_size=3))
    past = es_backend.search(SearchQuery(page=9, page_size=3))

    assert ids(second) == ["document:3"]
    assert second.total == 4
    assert second.num_pages == 2
    assert past.hits == ()
    assert past.total == 4


def test_stored_document_round_trips(es_backend, organisations):
    hit = es_backend.search(SearchQuery(text="ачинский")).hits[0]

    assert hit.document == organisations[0]
    assert hit.url == "/organisation/1/"


def test_suggest_matches_any_word_of_title_or_names(es_backend, organisations):
    by_title_word = es_backend.suggest("канск")
    by_hyphen_part = es_backend.suggest("интер")
    by_name = es_backend.suggest("ачинский д")

    assert [s.id for s in by_title_word] == ["organisation:2"]
    assert [s.id for s in by_hyphen_part] == ["organisation:1"]
    assert by_name[0].text == organisations[0].title
    assert es_backend.suggest("   ") == []


def test_suggest_inputs_start_at_every_word():
    doc = SearchDocumentFactory(title="Ачинский дом-интернат", names=("ДИ",))

    assert suggest_inputs(doc) == [
        "Ачинский дом-интернат",
        "дом-интернат",
        "интернат",
        "ДИ",
    ]


def test_delete_removes_and_ignores_missing_ids(es_backend, organisations):
    assert es_backend.delete(["measure:7", "measure:999"], refresh=True) == 1

    assert "measure:7" not in ids(es_backend.search(SearchQuery(text="пандус")))
    assert es_backend.search(SearchQuery()).total == 3


def test_reindexing_a_document_replaces_it(es_backend, organisations):
    changed = SearchDocumentFactory(
        kind="measure", id="measure:7", title="Оборудовать подъёмник", status="planned"
    )

    es_backend.index([changed], refresh=True)

    assert es_backend.search(SearchQuery(text="главного")).total == 0
    assert ids(es_backend.search(SearchQuery(text="подъемник"))) == ["measure:7"]
    assert es_backend.search(SearchQuery()).total == 4


def test_search_without_an_index_is_empty(es_backend):
    results = es_backend.search(
        SearchQuery(text="пандус", filters={"district": ("achinsk",)})
    )

    assert results.total == 0
    assert [b.value for b in results.facets["district"]] == ["achinsk"]
    assert es_backend.suggest("пан") == []
    assert es_backend.delete(["organisation:1"]) == 0


def test_only_unknown_words_get_typo_tolerance(es_backend, organisations):
    unknown = es_backend.unknown_words(["пандус", "реабилитацонный", "вход", "дим"])

    # "дим" is too short for typos; the others are in the index.
    assert unknown == {"реабилитацонный"}
