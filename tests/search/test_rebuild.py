"""Zero-downtime rebuilds of the Elasticsearch index (alias swap)."""

from __future__ import annotations

import pytest

from search.backends.base import SearchQuery
from search.backends.elastic import ElasticsearchBackend
from tests.factories.search import SearchDocumentFactory

pytestmark = pytest.mark.elasticsearch


class LoadFailedError(RuntimeError):
    pass


def titles(backend, text: str = "") -> list[str]:
    return sorted(hit.title for hit in backend.search(SearchQuery(text=text)).hits)


@pytest.fixture
def old_generation(es_backend):
    es_backend.index(
        [
            SearchDocumentFactory(id="organisation:1", title="Старый дом-интернат"),
            SearchDocumentFactory(id="organisation:2", title="Старый центр"),
        ],
        refresh=True,
    )
    (name,) = es_backend.generations()
    return name


def test_rebuild_replaces_everything_and_drops_the_old_index(
    es_backend, old_generation
):
    count = es_backend.rebuild(
        SearchDocumentFactory(id=f"page:{n}", kind="page", title=f"Новая страница {n}")
        for n in range(1, 4)
    )

    assert count == 3
    (current,) = es_backend.generations()
    assert current != old_generation
    assert not es_backend.client.indices.exists(index=old_generation)
    assert titles(es_backend) == [
        "Новая страница 1",
        "Новая страница 2",
        "Новая страница 3",
    ]
    assert titles(es_backend, "старый") == []


def test_searches_are_served_from_the_old_index_during_a_rebuild(
    es_backend, old_generation
):
    # A second backend on the same alias plays the public site while the
    # rebuild streams documents.
    reader = ElasticsearchBackend(
        client=es_backend.client, index_prefix=es_backend.index_prefix
    )
    seen_during_load: list[tuple[list[str], list[str]]] = []

    def documents():
        for n in range(1, 2501):
            if n in (1, 1200, 2500):
                seen_during_load.append(
                    (reader.generations(), titles(reader, "старый"))
                )
            yield SearchDocumentFactory(
                id=f"measure:{n}", kind="measure", title=f"Новое мероприятие {n}"
            )

    assert es_backend.rebuild(documents()) == 2500

    # While loading, the alias pointed at the old index only, which answered.
    assert (
        seen_during_load
        == [([old_generation], ["Старый дом-интернат", "Старый центр"])] * 3
    )
    # Right after the swap the new generation answers, complete.
    (current,) = reader.generations()
    assert current != old_generation
    assert reader.search(SearchQuery(text="мероприятие")).total == 2500
    assert reader.search(SearchQuery(text="старый")).total == 0


def test_changes_made_while_a_rebuild_loads_survive_the_swap(
    es_backend, old_generation
):
    # The site (another backend on the same alias) indexes and deletes while
    # the rebuild streams 2,500 documents in chunks of 1,000.
    site = ElasticsearchBackend(
        client=es_backend.client, index_prefix=es_backend.index_prefix
    )
    seen_during_load: list[list[str]] = []

    def documents():
        for n in range(1, 2501):
            if n == 1200:
                # measure:10 was sent already, measure:1100 waits in the
                # current chunk, measure:2000 is not read yet.
                site.index(
                    [
                        SearchDocumentFactory(
                            id="measure:10", kind="measure", title="Исправленное 10"
                        ),
                        SearchDocumentFactory(
                            id="measure:2400", kind="measure", title="Исправленное 2400"
                        ),
                        SearchDocumentFactory(
                            id="page:1", kind="page", title="Добавленная страница"
                        ),
                    ],
                    refresh=True,
                )
                site.delete(
                    ["measure:5", "measure:1100", "measure:2000", "organisation:1"],
                    refresh=True,
                )
                seen_during_load.append(titles(site, "добавленная"))
                seen_during_load.append(titles(site, "старый"))
            yield SearchDocumentFactory(
                id=f"measure:{n}", kind="measure", title=f"Новое мероприятие {n}"
            )

    assert es_backend.rebuild(documents()) == 2500

    # Meanwhile the serving (old) index took the changes as usual.
    assert seen_during_load == [["Добавленная страница"], ["Старый центр"]]
    # After the swap: live writes kept, live deletions not brought back, no
    # tombstones left.
    assert es_backend.building() == []
    # 2,500 streamed, three deleted, two retitled.
    assert es_backend.search(SearchQuery(text="мероприятие")).total == 2500 - 3 - 2
    assert titles(es_backend, "исправленное") == [
        "Исправленное 10",
        "Исправленное 2400",
    ]
    assert titles(es_backend, "добавленная") == ["Добавленная страница"]
    assert es_backend.search(SearchQuery()).total == 2500 - 3 + 1
    for deleted in ("measure:5", "measure:1100", "measure:2000", "organisation:1"):
        assert not es_backend.client.exists(index=es_backend.alias, id=deleted)
    tombstones = es_backend.client.count(
        index=es_backend.alias, query={"term": {"tombstone": True}}
    )["count"]
    assert tombstones == 0


def test_failed_rebuild_leaves_the_old_index_serving(es_backend, old_generation):
    def documents():
        yield SearchDocumentFactory(id="page:1", kind="page", title="Новая страница")
        raise LoadFailedError("источник данных недоступен")

    before = set(es_backend.client.indices.get(index=f"{es_backend.alias}-*").body)

    with pytest.raises(LoadFailedError):
        es_backend.rebuild(documents())

    assert es_backend.generations() == [old_generation]
    assert titles(es_backend) == ["Старый дом-интернат", "Старый центр"]
    # The half-built generation was removed.
    after = set(es_backend.client.indices.get(index=f"{es_backend.alias}-*").body)
    assert after == before == {old_generation}


def test_first_rebuild_creates_the_alias(es_backend):
    assert es_backend.generations() == []

    assert es_backend.rebuild([SearchDocumentFactory(title="Единственная")]) == 1

    assert len(es_backend.generations()) == 1
    assert titles(es_backend) == ["Единственная"]


def test_rebuilt_generation_accepts_live_updates(es_backend, old_generation):
    es_backend.rebuild([SearchDocumentFactory(id="organisation:1", title="Первая")])

    es_backend.index(
        [SearchDocumentFactory(id="organisation:5", title="Добавлена позже")],
        refresh=True,
    )

    assert titles(es_backend) == ["Добавлена позже", "Первая"]
    # Refreshes were switched back on after the bulk load.
    (current,) = es_backend.generations()
    settings = es_backend.client.indices.get_settings(index=current)
    assert settings[current]["settings"]["index"]["refresh_interval"] == "1s"


# --------------------------------------------------------------- rebuild_index command


@pytest.fixture
def es_settings(settings, es_backend, elasticsearch_url):
    """Point the configured search at the test node and the fixture's prefix."""
    settings.QP_SEARCH = {
        **settings.QP_SEARCH,
        "ELASTICSEARCH_URL": elasticsearch_url,
        "INDEX_PREFIX": es_backend.index_prefix,
    }
    return settings


@pytest.fixture
def region(db):
    from tests.factories.region import build_region

    return build_region(organisations=4, responses=80)


def run(*args: str) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_command_dry_run_counts_without_writing(es_settings, es_backend, region):
    from search import service

    expected = sum(1 for _doc in service.all_documents())

    output = run("rebuild_index", "--dry-run")

    assert f"Всего документов: {expected} (пробный запуск)" in output
    assert "Организация: 4" in output
    assert es_backend.generations() == []


def test_command_rebuilds_the_configured_index_twice(es_settings, es_backend, region):
    from search import service

    expected = sum(1 for _doc in service.all_documents())

    first = run("rebuild_index", "--progress", "5")
    (generation,) = es_backend.generations()
    second = run("rebuild_index")

    assert expected > 4
    assert f"Индекс перестроен: {expected} документов" in first
    assert f"загружено {expected - expected % 5}…" in first
    assert f"Индекс перестроен: {expected} документов" in second
    (current,) = es_backend.generations()
    assert current != generation
    assert not es_backend.client.indices.exists(index=generation)
    assert es_backend.search(SearchQuery()).total == expected
    organisation = region.organisations[0]
    found = es_backend.search(SearchQuery(text=organisation.short_name))
    assert f"organisation:{organisation.pk}" in [hit.id for hit in found.hits]
