"""Settings of the search app: ``search_settings``, namespaced in ``QP_SEARCH``.

One :class:`evaluation.conf.AppSettings` object (DRF's ``APISettings``
pattern): defaults stated once here, attribute access, reloaded when
``QP_SEARCH`` changes.
"""

from typing import Any

from evaluation.conf import AppSettings

#: Abbreviation groups: every member of a group is a synonym of every other one
#: (expanded both ways at query time). ``QP_SEARCH["SYNONYMS"]`` replaces them.
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("кцсон", "комплексный центр социального обслуживания населения"),
    ("цсон", "центр социального обслуживания населения"),
    ("ди", "дом-интернат"),
    ("пни", "психоневрологический интернат"),
    ("срцн", "социально-реабилитационный центр для несовершеннолетних"),
    ("усзн", "управление социальной защиты населения"),
    ("кгбу", "краевое государственное бюджетное учреждение"),
    ("кгку", "краевое государственное казенное учреждение"),
    ("нок", "независимая оценка качества"),
    ("овз", "ограниченными возможностями здоровья"),
    ("мфц", "многофункциональный центр"),
)

#: The portal's own score bands (the method defines none): lower bound, slug,
#: Russian label, from the top. ``QP_SEARCH["SCORE_BANDS"]`` replaces them.
DEFAULT_SCORE_BANDS: tuple[tuple[float, str, str], ...] = (
    (90.0, "90-100", "от 90 до 100 баллов"),
    (80.0, "80-90", "от 80 до 90 баллов"),
    (70.0, "70-80", "от 70 до 80 баллов"),
    (0.0, "0-70", "менее 70 баллов"),
)

DEFAULTS: dict[str, Any] = {
    # Elasticsearch 8 node; empty: public search runs on the database.
    "ELASTICSEARCH_URL": "",
    # Prefix of the index names (one index set per prefix).
    "INDEX_PREFIX": "qp",
    "SYNONYMS": DEFAULT_SYNONYMS,
    "SCORE_BANDS": DEFAULT_SCORE_BANDS,
}


def _synonyms(groups: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(term) for term in group) for group in groups)


def _score_bands(bands: Any) -> tuple[tuple[float, str, str], ...]:
    return tuple((float(lower), str(slug), str(label)) for lower, slug, label in bands)


#: The search app's settings: ``search_settings.ELASTICSEARCH_URL``.
search_settings = AppSettings(
    "QP_SEARCH",
    DEFAULTS,
    casts={
        "ELASTICSEARCH_URL": lambda value: str(value or ""),
        # An empty prefix keeps the default, as index names need one.
        "INDEX_PREFIX": lambda value: str(value or DEFAULTS["INDEX_PREFIX"]),
        "SYNONYMS": _synonyms,
        "SCORE_BANDS": _score_bands,
    },
)
