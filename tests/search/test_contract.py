"""The same queries against both backends: what public search promises.

Every test runs on the database backend (SQLite or PostgreSQL, whichever the
run uses) and on a real Elasticsearch node (skipped locally without one,
failing in CI).
"""

from __future__ import annotations

import pytest

from search import service
from search.backends.base import SearchQuery
from tests.factories.search import SearchDocumentFactory

pytestmark = pytest.mark.django_db


def _corpus():
    doc = SearchDocumentFactory.build
    return [
        doc(
            id="organisation:1",
            title="Краевое государственное бюджетное учреждение социального "
            "обслуживания «Ачинский дом-интернат для граждан пожилого возраста "
            "и инвалидов»",
            names=("Ачинский ДИ",),
            text="Красноярский край, город Ачинск, улица Кирова, 12",
            district="achinsk",
            org_kind="residential_home",
            campaign=("nok-2024",),
            score=92.5,
        ),
        doc(
            id="organisation:2",
            title="Комплексный центр социального обслуживания населения "
            "«Емельяновский»",
            names=("Емельяновский центр",),
            text="Емельяновский район, посёлок Емельяново",
            district="emelyanovo",
            org_kind="complex_centre",
            campaign=("nok-2023", "nok-2024"),
            score=85,
        ),
        doc(
            id="organisation:3",
            title="Реабилитационный центр для детей и подростков с ограниченными "
            "возможностями «Радуга»",
            text="Город Ачинск",
            district="achinsk",
            org_kind="rehabilitation_centre",
            campaign=("nok-2023",),
            score=64.3,
        ),
        doc(
            id="measure:1",
            kind="measure",
            title="Установить пандус у центрального входа",
            text="Недостаток: вход в здание не оборудован для маломобильных граждан",
            district="achinsk",
            org_kind="residential_home",
            campaign=("nok-2024",),
            status="planned",
        ),
        doc(
            id="measure:2",
            kind="measure",
            title="Оборудовать санитарную комнату для инвалидов",
            text="Недостаток: нет адаптированной санитарной комнаты",
            district="emelyanovo",
            org_kind="complex_centre",
            campaign=("nok-2024",),
            status="done",
        ),
        doc(
            id="report:1",
            kind="report",
            title="Отчёт о выполнении: оборудовать вход",
            text="Вход оборудован пандусом и поручнями, установлена кнопка вызова",
            district="emelyanovo",
            org_kind="complex_centre",
            campaign=("nok-2024",),
            status="done",
        ),
        doc(
            id="document:1",
            kind="document",
            title="Приказ об утверждении положения о независимой оценке качества",
            names=("№ 120-о",),
            text="Положение определяет порядок проведения оценки",
            doc_type="order",
        ),
        doc(
            id="page:1",
            kind="page",
            title="Как проходит оценка качества",
            text="Ежегодно общественный совет выбирает организации для оценки; "
            "порядок описан в положении",
        ),
    ]


@pytest.fixture
def db_backend(db):
    """The database backend of this run's database, emptied first."""
    from search.backends.database import DatabaseBackend

    backend = DatabaseBackend()
    backend.clear()
    return backend


@pytest.fixture(
    params=[
        "database",
        pytest.param("elasticsearch", marks=pytest.mark.elasticsearch),
    ]
)
def backend(request, db):
    """Each backend in turn."""
    return request.getfixturevalue(
        "db_backend" if request.param == "database" else "es_backend"
    )


@pytest.fixture
def corpus_backend(backend):
    """A backend holding the test corpus."""
    assert backend.index(_corpus(), refresh=True) == 8
    return backend


def ids(results) -> list[str]:
    return [hit.id for hit in results.hits]


def run(backend, text="", **kwargs):
    return backend.search(SearchQuery(text=text, **kwargs))


def counts(results, facet: str) -> dict[str, int]:
    return {bucket.value: bucket.count for bucket in results.facets[facet]}


# ----------------------------------------------------------------- morphology


def test_hyphenated_plural_finds_the_singular(corpus_backend):
    assert ids(run(corpus_backend, "домов-интернатов")) == ["organisation:1"]


def test_place_name_and_kind_together(corpus_backend):
    assert ids(run(corpus_backend, "дом-интернат Ачинский")) == ["organisation:1"]


def test_word_forms_match_by_stem(corpus_backend):
    found = ids(run(corpus_backend, "пандус"))
    assert sorted(found) == ["measure:1", "report:1"]


def test_yo_is_folded(corpus_backend):
    assert ids(run(corpus_backend, "поселок Емельяново")) == ["organisation:2"]


def test_every_word_must_match(corpus_backend):
    assert ids(run(corpus_backend, "пандус санитарная")) == []


def test_stop_words_only_find_nothing(corpus_backend):
    assert run(corpus_backend, "и в на").total == 0


# ------------------------------------------------------------- typos, synonyms


def test_typo_is_tolerated(corpus_backend):
    assert ids(run(corpus_backend, "реабилитацонный")) == ["organisation:3"]


def test_typo_is_reported_as_a_correction(corpus_backend):
    # "Did you mean": the indexed word nearest to what was typed.
    results = run(corpus_backend, "реабилитацонный центр")
    assert ("реабилитацонный", "реабилитационный") in results.corrected
    assert {typed for typed, _word in results.corrected} == {"реабилитацонный"}


def test_known_words_get_no_correction(corpus_backend):
    assert run(corpus_backend, "пандус").corrected == ()


def test_short_words_get_no_typo_tolerance(corpus_backend):
    # "дети" vs "детей" would be fine; "сад" must not match "сан…" words.
    assert run(corpus_backend, "сад").total == 0


def test_abbreviation_finds_the_full_name(corpus_backend):
    assert ids(run(corpus_backend, "КЦСОН")) == ["organisation:2"]


def test_full_name_finds_the_abbreviation(corpus_backend):
    assert ids(run(corpus_backend, "ди")) == ["organisation:1"]


def test_title_match_ranks_first(corpus_backend):
    assert ids(run(corpus_backend, "положение")) == ["document:1", "page:1"]


def test_pages_run_from_title_matches_into_text_matches(backend):
    doc = SearchDocumentFactory.build
    backend.index(
        [
            doc(id="organisation:11", title="Лифт и подъёмник"),
            doc(id="page:11", kind="page", title="Новый лифт"),
            doc(id="measure:11", kind="measure", title="Б: мероприятие", text="лифт"),
            doc(id="measure:12", kind="measure", title="А: мероприятие", text="лифты"),
            doc(id="document:11", kind="document", title="Приказ", text="о лифте"),
        ],
        refresh=True,
    )

    pages = [run(backend, "лифт", page=n, page_size=2) for n in (1, 2, 3)]

    assert [page.total for page in pages] == [5, 5, 5]
    found = [hit.id for page in pages for hit in page.hits]
    assert sorted(found) == sorted(
        ["organisation:11", "page:11", "measure:11", "measure:12", "document:11"]
    )
    # Title matches first, on any backend.
    assert set(found[:2]) == {"organisation:11", "page:11"}
    if backend.name == "database":
        # The database ranks title matches only; the rest browse by kind, title.
        assert found[2:] == ["measure:12", "measure:11", "document:11"]


def test_a_write_is_seen_by_the_next_identical_query(corpus_backend):
    # Cached counts and result pages must not outlive a change of the index.
    assert run(corpus_backend, "пандус").total == 2
    corpus_backend.index(
        [SearchDocumentFactory.build(id="page:9", kind="page", title="Пандус у входа")],
        refresh=True,
    )
    again = run(corpus_backend, "пандус")
    assert again.total == 3
    assert "page:9" in ids(again)
    assert counts(again, "kind")["page"] == 1

    corpus_backend.delete(["page:9"], refresh=True)

    after = run(corpus_backend, "пандус")
    assert after.total == 2
    assert "page:9" not in ids(after)


# ---------------------------------------------------------------------- facets


def test_browsing_counts_every_facet(corpus_backend):
    results = run(corpus_backend)
    assert results.total == 8
    assert counts(results, "kind") == {
        "organisation": 3,
        "measure": 2,
        "report": 1,
        "document": 1,
        "page": 1,
    }
    assert counts(results, "district") == {"achinsk": 3, "emelyanovo": 3}
    assert counts(results, "campaign") == {"nok-2024": 5, "nok-2023": 2}
    assert counts(results, "score_band") == {"90-100": 1, "80-90": 1, "0-70": 1}
    assert counts(results, "status") == {"done": 2, "planned": 1}
    assert counts(results, "doc_type") == {"order": 1}


def test_browsing_orders_by_kind_then_title(corpus_backend):
    found = ids(run(corpus_backend))
    assert found == [
        "organisation:2",
        "organisation:1",
        "organisation:3",
        "measure:2",
        "measure:1",
        "report:1",
        "document:1",
        "page:1",
    ]


def test_a_facet_ignores_its_own_filter(corpus_backend):
    results = run(corpus_backend, filters={"district": ("achinsk",)})
    assert results.total == 3
    assert counts(results, "district") == {"achinsk": 3, "emelyanovo": 3}
    assert counts(results, "org_kind") == {
        "residential_home": 2,
        "rehabilitation_centre": 1,
    }
    selected = [b.value for b in results.facets["district"] if b.selected]
    assert selected == ["achinsk"]


def test_filters_combine_with_the_query(corpus_backend):
    results = run(corpus_backend, "центр", filters={"district": ("emelyanovo",)})
    assert ids(results) == ["organisation:2"]
    assert counts(results, "district") == {"emelyanovo": 1, "achinsk": 1}
    assert counts(results, "kind") == {"organisation": 1}


def test_combined_filters_and_kinds(corpus_backend):
    results = run(
        corpus_backend,
        filters={"campaign": ("nok-2024",), "status": ("done",)},
        kinds=("measure", "report"),
    )
    assert sorted(ids(results)) == ["measure:2", "report:1"]
    assert counts(results, "kind") == {"measure": 1, "report": 1}
    assert counts(results, "status") == {"done": 2, "planned": 1}


def test_values_inside_a_facet_are_ored(corpus_backend):
    results = run(
        corpus_backend,
        filters={"org_kind": ("complex_centre", "rehabilitation_centre")},
    )
    assert results.total == 4


def test_a_selected_value_without_matches_stays_visible(corpus_backend):
    results = run(corpus_backend, "пандус", filters={"doc_type": ("order",)})
    assert results.total == 0
    assert [(b.value, b.count, b.selected) for b in results.facets["doc_type"]] == [
        ("order", 0, True)
    ]


# ---------------------------------------------------------- pages and removal


def test_pagination(corpus_backend):
    first = run(corpus_backend, page=1, page_size=3)
    second = run(corpus_backend, page=2, page_size=3)
    last = run(corpus_backend, page=3, page_size=3)
    beyond = run(corpus_backend, page=4, page_size=3)
    assert (first.total, first.num_pages) == (8, 3)
    assert len(first.hits) == len(second.hits) == 3
    assert len(last.hits) == 2
    assert not set(ids(first)) & set(ids(second))
    assert (beyond.hits, beyond.total) == ((), 8)


def test_deletion_removes_from_the_index(corpus_backend):
    assert corpus_backend.delete(["measure:1", "missing:1"], refresh=True) == 1
    assert ids(run(corpus_backend, "пандус")) == ["report:1"]
    assert run(corpus_backend).total == 7


def test_reindexing_replaces_a_document(corpus_backend):
    changed = SearchDocumentFactory.build(
        id="page:1", kind="page", title="Новости общественного совета"
    )
    corpus_backend.index([changed], refresh=True)
    assert ids(run(corpus_backend, "новости")) == ["page:1"]
    assert run(corpus_backend, "проходит").total == 0
    assert run(corpus_backend).total == 8


def test_rebuild_replaces_everything(corpus_backend):
    only = SearchDocumentFactory.build(id="page:9", kind="page", title="Контакты")
    assert corpus_backend.rebuild([only]) == 1
    assert ids(run(corpus_backend)) == ["page:9"]


def test_suggest_completes_the_last_word(corpus_backend):
    suggestions = corpus_backend.suggest("реабилит", 5)
    assert [s.id for s in suggestions] == ["organisation:3"]
    assert suggestions[0].text.startswith("Реабилитационный центр")
    assert corpus_backend.suggest("санитарн", 5)[0].id == "measure:2"


def test_health(corpus_backend):
    status = corpus_backend.health()
    assert status.ok
    assert status.documents == 8


# --------------------------------------------------------- published data only


@pytest.fixture
def plan(db):
    """A draft plan of an active organisation with one measure and one report."""
    import datetime as dt

    from evaluation.enums import CampaignKind, PlanStatus
    from evaluation.models import (
        Campaign,
        District,
        ImprovementPlan,
        Measure,
        MeasureReport,
        Organisation,
    )

    district = District.objects.create(name="Ачинский район", slug="achinsk")
    organisation = Organisation.objects.create(
        name="Ачинский дом-интернат",
        short_name="Ачинский ДИ",
        slug="achinsk-di",
        code="ACH-DI",
        kind="residential_home",
        district=district,
    )
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK,
        title="НОК 2024",
        slug="nok-2024",
        year=2024,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    plan = ImprovementPlan.objects.create(
        organisation=organisation, campaign=campaign, year=2025, status=PlanStatus.DRAFT
    )
    measure = Measure.objects.create(
        plan=plan,
        criterion="K3",
        indicator_code="3.1",
        deficiency="Нет пандуса у входа",
        action="Установить пандус",
        planned_date=dt.date(2025, 6, 1),
        responsible_name="Иванов И. И.",
        responsible_position="директор",
    )
    MeasureReport.objects.create(
        measure=measure, done="Пандус установлен", actual_date=dt.date(2025, 5, 20)
    )
    return plan


def test_unpublished_plans_are_never_found(backend, plan):
    service.index_objects([plan, plan.organisation], refresh=True, backend=backend)
    assert ids(run(backend, "пандус")) == []
    assert ids(run(backend, "дом-интернат")) == [f"organisation:{plan.organisation.pk}"]


def test_approving_and_withdrawing_a_plan(backend, plan):
    from evaluation.enums import PlanStatus

    plan.status = PlanStatus.APPROVED
    plan.save()
    service.index_objects([plan], refresh=True, backend=backend)
    assert {hit.kind for hit in run(backend, "пандус").hits} == {"measure", "report"}
    plan.status = PlanStatus.RETURNED
    plan.save()
    service.index_objects([plan], refresh=True, backend=backend)
    assert run(backend, "пандус").total == 0


def test_inactive_and_deleted_organisations_disappear(backend, plan):
    organisation = plan.organisation
    service.index_objects([organisation], refresh=True, backend=backend)
    assert run(backend, "дом-интернат").total == 1
    organisation.is_active = False
    organisation.save()
    service.index_objects([organisation], refresh=True, backend=backend)
    assert run(backend, "дом-интернат").total == 0
    service.index_objects([organisation], refresh=True, backend=backend)
    organisation.is_active = True
    organisation.save()
    service.index_objects([organisation], refresh=True, backend=backend)
    assert run(backend, "дом-интернат").total == 1
    assert service.remove([organisation], refresh=True, backend=backend) == 1
    assert run(backend, "дом-интернат").total == 0


def test_unpublished_decisions_are_never_found(backend, plan):
    import datetime as dt

    from evaluation.models import CouncilDecision

    decision = CouncilDecision.objects.create(
        number="7",
        decided_on=dt.date(2025, 3, 1),
        title="О перечне организаций для оценки",
        text="Включить в перечень организации социального обслуживания",
        campaign=plan.campaign,
    )
    service.index_objects([decision], refresh=True, backend=backend)
    assert run(backend, "перечень").total == 0
    decision.is_published = True
    decision.save()
    service.index_objects([decision], refresh=True, backend=backend)
    hit = run(backend, "перечень").hits[0]
    assert (hit.id, hit.kind) == (f"decision:{decision.pk}", "decision")
    decision.is_published = False
    decision.save()
    service.index_objects([decision], refresh=True, backend=backend)
    assert run(backend, "перечень").total == 0
