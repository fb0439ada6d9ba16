"""Indexing throughput and query latency of public search with 100,000 documents.

Target (issue 7): with 100,000 indexed documents, query p95 under 30 ms on
Elasticsearch and under 100 ms on the database backend, on this machine.

Corpus: ``documents`` seeded, generated Russian documents of every kind
(organisations, plan measures, reports, council decisions, documents, pages)
with facet values, names and body text drawn from a fixed vocabulary of the
domain (kinds of institutions, places of the region, deficiencies, measures).
The same corpus goes into every backend.

Subject, per backend: ``backend.rebuild(corpus)`` (documents per second), then
a fixed mix of queries through the backend's ``search``/``suggest``, each kind
``repeat`` times with different words (after ``WARMUP`` untimed queries): one
word, two words, a phrase, a typo, an abbreviation synonym, a word with two
facet filters, empty-query browsing at a random page, and autocomplete.
Median and p95 per kind and p95 over the whole mix are reported.

Baseline (same backend, same run): fetching one stored document by id (an ORM
primary-key lookup on the database, ``GET <index>/_doc/<id>`` on
Elasticsearch): the floor of a round trip. Query medians are given as ratios
to it. For indexing, the baseline is building the corpus in memory
(generation and ``to_dict``), whose rate is the ceiling.

Backends: the database backend on a temporary SQLite file; on PostgreSQL too
when ``--database-url`` names an (empty, migratable) PostgreSQL database;
Elasticsearch on ``--elasticsearch-url`` or on a node started with
``scripts/services.py`` (with the Russian analysis plugin). Each backend is
measured in its own spawned process that sets Django up on its database;
Django is imported only there, as ``bench/run.py`` imports this module before
any settings exist.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

BUDGET_MS = {"elasticsearch": 30.0, "database": 100.0}
BACKENDS = ("sqlite", "postgresql", "elasticsearch")
WARMUP = 5
SEED = 20261123
SETTINGS = "portal_site.settings.test"

# ------------------------------------------------------------------ vocabulary

PLACES = (
    ("achinsk", "Ачинский", "Ачинск"),
    ("kansk", "Канский", "Канск"),
    ("minusinsk", "Минусинский", "Минусинск"),
    ("lesosibirsk", "Лесосибирский", "Лесосибирск"),
    ("norilsk", "Норильский", "Норильск"),
    ("sharypovo", "Шарыповский", "Шарыпово"),
    ("yeniseysk", "Енисейский", "Енисейск"),
    ("divnogorsk", "Дивногорский", "Дивногорск"),
    ("bogotol", "Боготольский", "Боготол"),
    ("nazarovo", "Назаровский", "Назарово"),
    ("borodino", "Бородинский", "Бородино"),
    ("zelenogorsk", "Зеленогорский", "Зеленогорск"),
    ("zheleznogorsk", "Железногорский", "Железногорск"),
    ("sosnovoborsk", "Сосновоборский", "Сосновоборск"),
    ("uyar", "Уярский", "Уяр"),
    ("ilansky", "Иланский", "Иланский"),
    ("emelyanovo", "Емельяновский", "Емельяново"),
    ("berezovka", "Берёзовский", "Берёзовка"),
    ("kodinsk", "Кежемский", "Кодинск"),
    ("tura", "Эвенкийский", "Тура"),
    ("kuragino", "Курагинский", "Курагино"),
    ("abakan", "Абанский", "Абан"),
    ("balakhta", "Балахтинский", "Балахта"),
    ("motygino", "Мотыгинский", "Мотыгино"),
)
ORG_KINDS = (
    ("residential_home", "дом-интернат для граждан пожилого возраста и инвалидов"),
    ("psychoneurological", "психоневрологический интернат"),
    ("complex_centre", "комплексный центр социального обслуживания населения"),
    ("children_rehab", "социально-реабилитационный центр для несовершеннолетних"),
    (
        "rehab_centre",
        "реабилитационный центр для детей и подростков с ограниченными возможностями",
    ),
    ("social_protection", "управление социальной защиты населения"),
)
VERBS = (
    "Установить",
    "Оборудовать",
    "Обеспечить",
    "Разместить",
    "Организовать",
    "Провести",
    "Обновить",
    "Приобрести",
    "Заменить",
    "Отремонтировать",
)
OBJECTS = (
    "пандус у центрального входа",
    "кнопку вызова персонала",
    "тактильную плитку",
    "поручни в коридорах",
    "санитарную комнату для инвалидов",
    "информационный стенд",
    "версию сайта для слабовидящих",
    "обучение персонала этике общения",
    "зону отдыха для получателей услуг",
    "парковку для автомобилей инвалидов",
    "опрос получателей социальных услуг",
    "электронную очередь",
    "подъёмник для колясок",
    "противоскользящее покрытие",
    "навигацию по зданию",
    "видеонаблюдение на территории",
    "сменные кресла-коляски",
    "вывеску шрифтом Брайля",
    "освещение прилегающей территории",
    "питьевой режим в жилых комнатах",
)
DEFICIENCIES = (
    "вход в здание не оборудован для маломобильных граждан",
    "на сайте нет сведений о порядке подачи жалобы",
    "получатели услуг недовольны вежливостью персонала",
    "нет дублирования звуковой информации зрительной",
    "санитарно-гигиенические помещения не адаптированы",
    "стенды не содержат перечня социальных услуг",
    "отсутствует выделенная стоянка для автотранспорта инвалидов",
    "время ожидания услуги превышает установленный срок",
    "не обеспечено сопровождение инвалидов по зрению",
    "территория не благоустроена",
)
SENTENCES = (
    "Учреждение предоставляет социальные услуги в стационарной форме.",
    "Получатели социальных услуг оценили доступность условий.",
    "Общественный совет рассмотрел результаты независимой оценки качества.",
    "План по устранению недостатков утверждён приказом министерства.",
    "Работы выполнены подрядной организацией в установленный срок.",
    "Средства предусмотрены в смете на текущий год.",
    "Персонал прошёл обучение по вопросам сопровождения инвалидов.",
    "Информация размещена на официальном сайте и на стендах.",
    "Проведён повторный опрос получателей услуг.",
    "Жалоб на качество обслуживания не поступало.",
    "Организован прием граждан по предварительной записи.",
    "Обеспечен доступ к питьевой воде и комфортная температура.",
    "Для несовершеннолетних организованы занятия со специалистами.",
    "Проведена реабилитация с применением современных методик.",
    "Доля удовлетворённых качеством услуг составила более девяноста процентов.",
    "Отчёт о выполнении направлен в министерство социальной политики края.",
    "Замечания оператора учтены при подготовке плана.",
    "Срок выполнения перенесён в связи с погодными условиями.",
)
DOC_TYPES = (
    ("order", "Приказ"),
    ("regulation", "Положение"),
    ("protocol", "Протокол заседания общественного совета"),
    ("plan", "План по устранению недостатков"),
    ("report", "Аналитическая справка"),
)
STATUSES = ("planned", "in_progress", "done", "overdue")
CAMPAIGNS = ("nok-2022", "nok-2023", "nok-2024", "nok-2025")
#: Share of each kind in the corpus.
KIND_SHARES = (
    ("organisation", 0.03),
    ("measure", 0.45),
    ("report", 0.20),
    ("decision", 0.05),
    ("document", 0.20),
    ("page", 0.07),
)
QUERY_WORDS = (
    "пандус",
    "кнопка",
    "поручни",
    "стенд",
    "опрос",
    "подъемник",
    "плитка",
    "навигация",
    "парковка",
    "освещение",
    "реабилитация",
    "персонал",
    "жалоба",
    "сайт",
    "очередь",
    "интернат",
    "центр",
    "несовершеннолетних",
    "стоянка",
    "коляски",
)
ABBREVIATIONS = ("кцсон", "ди", "пни", "срцн", "усзн", "кгбу", "нок", "овз")
PHRASES = (
    "центр социального обслуживания",
    "дом-интернат для граждан пожилого возраста",
    "план по устранению недостатков",
    "независимой оценки качества",
    "кнопку вызова персонала",
    "версию сайта для слабовидящих",
)


def _typo(word: str, rng: random.Random) -> str:
    """One edit: drop, double or swap a letter inside the word."""
    position = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("drop", "double", "swap"))
    if edit == "drop":
        return word[:position] + word[position + 1 :]
    if edit == "double":
        return word[:position] + word[position] + word[position:]
    return (
        word[: position - 1]
        + word[position]
        + word[position - 1]
        + word[position + 1 :]
    )


# ------------------------------------------------------------------ corpus


def corpus(count: int, seed: int = SEED) -> Iterator[Any]:
    """``count`` seeded search documents (needs Django settings for score bands)."""
    from search.documents import document_from_mapping

    rng = random.Random(seed)
    kinds = [kind for kind, _share in KIND_SHARES if kind != "organisation"]
    weights = [share for kind, share in KIND_SHARES if kind != "organisation"]
    organisation_count = max(1, round(count * dict(KIND_SHARES)["organisation"]))
    organisations: list[tuple[str, str, str, str]] = []  # district, kind, town, name
    for number in range(1, count + 1):
        kind = (
            "organisation"
            if number <= organisation_count
            else rng.choices(kinds, weights)[0]
        )
        district, adjective, town = rng.choice(PLACES)
        org_kind, org_label = rng.choice(ORG_KINDS)
        text = " ".join(rng.sample(SENTENCES, rng.randint(3, 8)))
        campaign = tuple(sorted(rng.sample(CAMPAIGNS, rng.randint(1, 2))))
        data: dict[str, Any] = {
            "id": f"{kind}:{number}",
            "kind": kind,
            "url": f"/{kind}/{number}/",
            "district": district,
            "campaign": campaign,
        }
        if kind == "organisation":
            name = f"КГБУ СО «{adjective} {org_label} № {number}»"
            organisations.append((district, org_kind, town, name))
            data.update(
                title=name,
                names=(f"{adjective} {org_label.split()[0]}", f"ОРГ-{number:06d}"),
                text=f"Красноярский край, {town}, улица {rng.choice(SENTENCES)[:20]} "
                + text,
                org_kind=org_kind,
                score=round(rng.uniform(55, 100), 2),
            )
        else:
            district, org_kind, town, name = rng.choice(organisations)
            data.update(district=district, org_kind=org_kind)
            deficiency = rng.choice(DEFICIENCIES)
            measure = f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            if kind == "measure":
                data.update(
                    title=measure,
                    names=(f"{rng.randint(1, 5)}.{rng.randint(1, 9)}",),
                    text=f"Недостаток: {deficiency}. {name}. {text}",
                    status=rng.choice(STATUSES),
                )
            elif kind == "report":
                data.update(
                    title=f"Отчёт о выполнении: {measure.lower()}",
                    text=f"{name}. {text}",
                    status=rng.choice(STATUSES),
                )
            elif kind == "decision":
                data.update(
                    title=f"Решение общественного совета № {number} "
                    f"о результатах оценки ({town})",
                    text=f"{name}. {text}",
                )
            elif kind == "document":
                doc_type, label = rng.choice(DOC_TYPES)
                data.update(
                    title=f"{label} № {number}: {deficiency}",
                    text=f"{name}. {text} {text}",
                    doc_type=doc_type,
                )
            else:
                data.update(
                    title=f"{rng.choice(SENTENCES)[:-1]} ({town})",
                    text=f"{text} {name}.",
                    campaign=(),
                )
        yield document_from_mapping(data)


@dataclass(frozen=True)
class QueryCase:
    """One timed query: its kind and how to run it on a backend."""

    kind: str
    text: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    kinds: tuple[str, ...] = ()
    page: int = 1
    suggest: bool = False


def query_mix(repeat: int, seed: int = SEED) -> list[QueryCase]:
    """The fixed mix: ``repeat`` queries of each kind (plus warm-up), seeded."""
    rng = random.Random(seed + 1)
    cases: list[QueryCase] = []
    for _ in range(repeat + WARMUP):
        word = rng.choice(QUERY_WORDS)
        district, _adjective, town = rng.choice(PLACES)
        cases.extend(
            (
                QueryCase("one word", word),
                QueryCase("two words", f"{word} {town.lower()}"),
                QueryCase("phrase", rng.choice(PHRASES)),
                QueryCase("typo", _typo(rng.choice(QUERY_WORDS[:15]), rng)),
                QueryCase("synonym", rng.choice(ABBREVIATIONS)),
                QueryCase(
                    "word + facets",
                    word,
                    filters=(
                        ("district", (district,)),
                        ("campaign", (rng.choice(CAMPAIGNS),)),
                    ),
                    kinds=("measure", "report"),
                ),
                QueryCase("browse", page=rng.randint(1, 50)),
                QueryCase("suggest", word[: rng.randint(3, 5)], suggest=True),
            )
        )
    return cases


# ------------------------------------------------------------------ figures


@dataclass(frozen=True)
class KindFigures:
    """Latency of one kind of query, in ms, and its mean number of hits."""

    kind: str
    p50_ms: float
    p95_ms: float
    mean_total: float
    server_p50_ms: float = 0.0
    server_p95_ms: float = 0.0


@dataclass(frozen=True)
class BackendFigures:
    """Everything measured on one backend."""

    label: str
    backend: str
    documents: int
    index_seconds: float
    generate_seconds: float
    baseline_p50_ms: float
    baseline_p95_ms: float
    kinds: tuple[KindFigures, ...]
    overall_p50_ms: float
    overall_p95_ms: float
    detail: str = ""


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _measure(
    backend: Any,
    documents: int,
    repeat: int,
    lookup: Callable[[str], Any],
    server: Callable[[], float] = lambda: 0.0,
):
    """Load the corpus into ``backend`` and time the baseline and the mix.

    ``server`` returns the milliseconds spent so far in the search server
    (SQL statements as the client sees them; Elasticsearch's own ``took``):
    the part of each query a busy machine's Python process does not inflate.
    """
    from search.backends.base import SearchQuery

    started = time.perf_counter()
    generated = sum(len(doc.to_dict()) > 0 for doc in corpus(documents))
    generate_seconds = time.perf_counter() - started
    started = time.perf_counter()
    indexed = backend.rebuild(corpus(documents))
    index_seconds = time.perf_counter() - started
    if indexed != generated:
        raise RuntimeError(f"indexed {indexed} of {generated} documents")

    rng = random.Random(SEED + 2)
    ids = [doc.id for doc in corpus(min(documents, 1000)) if doc.kind == "organisation"]
    baseline = []
    for number in range(repeat * 4 + WARMUP):
        started = time.perf_counter()
        lookup(rng.choice(ids))
        if number >= WARMUP:
            baseline.append((time.perf_counter() - started) * 1000)

    timings: dict[str, list[float]] = {}
    server_timings: dict[str, list[float]] = {}
    totals: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for case in query_mix(repeat):
        server_before = server()
        started = time.perf_counter()
        if case.suggest:
            total = len(backend.suggest(case.text, 10))
        else:
            total = backend.search(
                SearchQuery(
                    text=case.text,
                    filters=dict(case.filters),
                    kinds=case.kinds,
                    page=case.page,
                )
            ).total
        elapsed = (time.perf_counter() - started) * 1000
        seen[case.kind] = seen.get(case.kind, 0) + 1
        if seen[case.kind] > WARMUP:
            timings.setdefault(case.kind, []).append(elapsed)
            server_timings.setdefault(case.kind, []).append(server() - server_before)
            totals.setdefault(case.kind, []).append(total)
    everything = [value for values in timings.values() for value in values]
    return {
        "documents": indexed,
        "index_seconds": index_seconds,
        "generate_seconds": generate_seconds,
        "baseline_p50_ms": statistics.median(baseline),
        "baseline_p95_ms": _p95(baseline),
        "kinds": tuple(
            KindFigures(
                kind=kind,
                p50_ms=statistics.median(values),
                p95_ms=_p95(values),
                mean_total=statistics.fmean(totals[kind]),
                server_p50_ms=statistics.median(server_timings[kind]),
                server_p95_ms=_p95(server_timings[kind]),
            )
            for kind, values in timings.items()
        ),
        "overall_p50_ms": statistics.median(everything),
        "overall_p95_ms": _p95(everything),
    }


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def measure_database(
    label: str, database_url: str, documents: int, repeat: int
) -> BackendFigures:
    """In a fresh process: the database backend on ``database_url``."""
    _setup_django(database_url)
    from django.db import connection

    from search.backends.database import DatabaseBackend
    from search.models import SearchEntry

    backend = DatabaseBackend()
    spent = [0.0]

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(timed):
        figures = _measure(
            backend,
            documents,
            repeat,
            lambda doc_id: SearchEntry.objects.filter(doc_id=doc_id).first(),
            server=lambda: spent[0],
        )
    backend.clear()
    return BackendFigures(
        label=label,
        backend="database",
        detail=f"{connection.vendor} {connection.Database.__name__}",
        **figures,
    )


def measure_elasticsearch(
    label: str, database_url: str, elasticsearch_url: str, documents: int, repeat: int
) -> BackendFigures:
    """In a fresh process: the Elasticsearch backend (own index prefix, removed)."""
    _setup_django(database_url)
    from search.backends.elastic import ElasticsearchBackend, server_version

    backend = ElasticsearchBackend(
        elasticsearch_url, index_prefix=f"qpbench-{uuid.uuid4().hex[:8]}", timeout=120
    )
    took = [0.0]
    client = backend.client
    # The node's own time: "took" of every search and multi-search.
    for method in ("search", "msearch"):
        original = getattr(client, method)

        def timed(*args, _original=original, **kwargs):
            response = _original(*args, **kwargs)
            took[0] += float(response.body.get("took", 0))
            return response

        setattr(client, method, timed)
    try:
        figures = _measure(
            backend,
            documents,
            repeat,
            lambda doc_id: backend.client.get(index=backend.alias, id=doc_id),
            server=lambda: took[0],
        )
    finally:
        backend.clear()
    return BackendFigures(
        label=label,
        backend="elasticsearch",
        detail=f"Elasticsearch {server_version(backend.client)}",
        **figures,
    )


# ------------------------------------------------------------------ parent side


def _in_fresh_process(function: Callable[..., BackendFigures], *args: Any):
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def run(
    *,
    documents: int,
    repeat: int,
    database_url: str | None = None,
    elasticsearch_url: str | None = None,
    backends: tuple[str, ...] = BACKENDS,
    log: Callable[[str], None] = print,
) -> int:
    """Measure the chosen backends, print the report; 1 if a goal is missed.

    ``backends`` is a subset of :data:`BACKENDS`; ``postgresql`` needs
    ``database_url``.
    """
    from scripts import services

    figures: list[BackendFigures] = []
    with ExitStack() as cleanup:
        workdir = Path(tempfile.mkdtemp(prefix="qp-bench-search-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        sqlite_url = f"sqlite:///{workdir / 'search.sqlite3'}"
        if "sqlite" in backends:
            log(f"database backend on SQLite: {documents:,} documents…")
            figures.append(
                _in_fresh_process(
                    measure_database,
                    "database (SQLite FTS5)",
                    sqlite_url,
                    documents,
                    repeat,
                )
            )
        if database_url and "postgresql" in backends:
            log(f"database backend on PostgreSQL: {documents:,} documents…")
            figures.append(
                _in_fresh_process(
                    measure_database,
                    "database (PostgreSQL)",
                    database_url,
                    documents,
                    repeat,
                )
            )
        if "elasticsearch" not in backends:
            elasticsearch_url = None
        elif not elasticsearch_url:
            try:
                elasticsearch_url = cleanup.enter_context(
                    services.elasticsearch(
                        log=lambda line: log(f"[elasticsearch] {line}")
                    )
                )
            except services.ServiceUnavailable as error:
                log(f"!!! Elasticsearch unavailable, not measured: {error}")
        if elasticsearch_url:
            log(f"Elasticsearch backend: {documents:,} documents…")
            figures.append(
                _in_fresh_process(
                    measure_elasticsearch,
                    "Elasticsearch",
                    f"sqlite:///{workdir / 'es-settings.sqlite3'}",
                    elasticsearch_url,
                    documents,
                    repeat,
                )
            )
    return _report(figures, repeat)


def _report(figures: list[BackendFigures], repeat: int) -> int:
    status = 0
    if not figures:
        print("search: no backend measured")
        return 1
    print(f"\nsearch — {figures[0].documents:,} documents, {repeat} queries per kind")
    for result in figures:
        budget = BUDGET_MS[result.backend]
        verdict = "within" if result.overall_p95_ms < budget else "MISSED"
        if verdict == "MISSED":
            status = 1
        rate = result.documents / result.index_seconds
        ceiling = result.documents / result.generate_seconds
        print(f"\n{result.label} ({result.detail})")
        print(
            f"  indexing: {result.index_seconds:.1f} s, {rate:,.0f} docs/s "
            f"(baseline: generating {ceiling:,.0f} docs/s; ratio {ceiling / rate:.1f}×)"
        )
        print(
            f"  baseline, fetch by id: p50 {result.baseline_p50_ms:.2f} ms, "
            f"p95 {result.baseline_p95_ms:.2f} ms"
        )
        print(
            f"  {'query':<15} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10} {'hits':>9}"
            f" {'server p50':>11} {'p95':>7}"
        )
        for kind in result.kinds:
            print(
                f"  {kind.kind:<15} {kind.p50_ms:>8.1f} {kind.p95_ms:>8.1f} "
                f"{kind.p50_ms / result.baseline_p50_ms:>9.1f}× {kind.mean_total:>9.0f}"
                f" {kind.server_p50_ms:>11.1f} {kind.server_p95_ms:>7.1f}"
            )
        print(
            f"  {'all':<15} {result.overall_p50_ms:>8.1f} {result.overall_p95_ms:>8.1f}"
            f"   goal p95 < {budget:.0f} ms: {verdict}"
        )
    return status
