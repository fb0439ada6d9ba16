"""Settings of the search app, namespaced under ``QP_SEARCH`` with defaults."""

from dataclasses import dataclass

from django.conf import settings

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


@dataclass(frozen=True)
class SearchSettings:
    """Resolved search settings."""

    elasticsearch_url: str
    index_prefix: str
    synonyms: tuple[tuple[str, ...], ...] = DEFAULT_SYNONYMS
    score_bands: tuple[tuple[float, str, str], ...] = DEFAULT_SCORE_BANDS


def get_settings() -> SearchSettings:
    """Read ``settings.QP_SEARCH`` and fill in the defaults."""
    raw = getattr(settings, "QP_SEARCH", {}) or {}
    synonyms = raw.get("SYNONYMS")
    bands = raw.get("SCORE_BANDS")
    return SearchSettings(
        elasticsearch_url=str(raw.get("ELASTICSEARCH_URL", "") or ""),
        index_prefix=str(raw.get("INDEX_PREFIX", "qp") or "qp"),
        synonyms=(
            DEFAULT_SYNONYMS
            if synonyms is None
            else tuple(tuple(str(term) for term in group) for group in synonyms)
        ),
        score_bands=(
            DEFAULT_SCORE_BANDS
            if bands is None
            else tuple(
                (float(lower), str(slug), str(label)) for lower, slug, label in bands
            )
        ),
    )
