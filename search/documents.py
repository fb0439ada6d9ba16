"""The index schema: one flat search document per indexed object, and its facets.

Both backends store exactly these fields. The apps' ``indexing`` modules produce
plain mappings whose keys are the field names of :class:`SearchDocument`;
:func:`document_from_mapping` validates them and fills derived fields (the score
band) so every backend receives the same, complete document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from search.conf import search_settings

#: Kinds of indexed objects, in browsing order, with Russian labels.
KIND_LABELS: dict[str, Any] = {
    "organisation": _("Организация"),
    "measure": _("Мероприятие плана"),
    "report": _("Отчёт о выполнении"),
    "decision": _("Решение общественного совета"),
    "document": _("Документ"),
    "page": _("Страница"),
}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

#: Facet fields (keyword slugs on the document) with their Russian labels, in
#: the order the search page shows them.
FACET_LABELS: dict[str, Any] = {
    "kind": _("Раздел"),
    "district": _("Район"),
    "org_kind": _("Вид организации"),
    "campaign": _("Кампания оценки"),
    "score_band": _("Итоговый балл"),
    "status": _("Статус мероприятия"),
    "doc_type": _("Вид документа"),
}
FACETS: tuple[str, ...] = tuple(FACET_LABELS)

#: Fields searched as text; ``title`` and ``names`` get weight A (and the phrase
#: boost), ``text`` weight B.
TEXT_FIELDS: tuple[str, ...] = ("title", "names", "text")


@dataclass(frozen=True)
class SearchDocument:
    """One indexed object, flattened for both backends.

    Attributes:
        id: Stable identifier ``"<kind>:<primary key>"``, e.g. ``"organisation:42"``.
        kind: One of :data:`KINDS`.
        title: Main heading shown in results (weight A, phrase-boosted).
        url: Public URL of the object (path or absolute).
        names: Extra names: short names, abbreviations, codes (weight A,
            phrase-boosted).
        text: Body text (weight B).
        published_at: Publication or document date, if any (display, sorting).
        district: Facet slug of the district.
        org_kind: Facet slug of the organisation kind.
        campaign: Facet slugs of campaigns (several for an organisation rated
            in several campaigns).
        score_band: Facet slug of the latest published total's band (see
            :func:`score_band_for`).
        status: Facet slug of the plan measure status.
        doc_type: Facet slug of the document kind.
        score: Latest published total, for display.
        extra: Further display values (labels, K1–K5, indicator code); stored,
            never searched.
    """

    id: str
    kind: str
    title: str
    url: str
    names: tuple[str, ...] = ()
    text: str = ""
    published_at: dt.date | None = None
    district: str = ""
    org_kind: str = ""
    campaign: tuple[str, ...] = ()
    score_band: str = ""
    status: str = ""
    doc_type: str = ""
    score: float | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def facet_values(self, facet: str) -> tuple[str, ...]:
        """Return the slugs of ``facet`` on this document (empty values dropped)."""
        value = getattr(self, facet)
        values = value if isinstance(value, tuple) else (value,)
        return tuple(v for v in values if v)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping (dates as ISO strings, tuples as lists)."""
        data: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif f.name == "extra":
                value = dict(value)
            data[f.name] = value
        return data


_FIELD_NAMES = frozenset(f.name for f in fields(SearchDocument))
_TUPLE_FIELDS = frozenset({"names", "campaign"})


def make_id(kind: str, pk: object) -> str:
    """Build the stable document id ``"<kind>:<pk>"``."""
    return f"{kind}:{pk}"


def score_band_for(score: float | Decimal | None) -> str:
    """Return the band slug of a total score, or ``""`` without a score.

    The bands are the portal's own (the method defines none); they come from
    ``QP_SEARCH["SCORE_BANDS"]``: ``(lower bound, slug, label)`` from the top.
    """
    if score is None:
        return ""
    value = float(score)
    for lower, slug, _label in search_settings.SCORE_BANDS:
        if value >= lower:
            return slug
    return ""


def document_from_mapping(data: Mapping[str, Any]) -> SearchDocument:
    """Build a :class:`SearchDocument` from an ``indexing`` module's mapping.

    Unknown keys raise ``ValueError`` so a typo in an ``indexing`` module fails
    loudly. Lists become tuples, ``None`` strings become ``""`` and the score
    band is derived from ``score`` when the mapping does not give one.

    Raises:
        ValueError: On unknown keys, a missing id/kind/title, or an unknown kind.
    """
    unknown = set(data) - _FIELD_NAMES
    if unknown:
        raise ValueError(f"unknown search document fields: {sorted(unknown)}")
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name in _TUPLE_FIELDS:
            if isinstance(value, str):
                value = (value,)
            value = tuple(str(v) for v in (value or ()) if v)
        elif name == "score":
            value = None if value is None else float(value)
        elif name == "published_at":
            if isinstance(value, dt.datetime):
                value = value.date()
            elif isinstance(value, str):
                value = dt.date.fromisoformat(value) if value else None
        elif name == "extra":
            value = dict(value or {})
        elif value is None:
            value = ""
        else:
            value = str(value)
        values[name] = value
    for required in ("id", "kind", "title"):
        if not values.get(required):
            raise ValueError(f"search document without {required}: {data!r}")
    if values["kind"] not in KIND_LABELS:
        raise ValueError(f"unknown search document kind: {values['kind']!r}")
    values.setdefault("url", "")
    if not values.get("score_band"):
        values["score_band"] = score_band_for(values.get("score"))
    return SearchDocument(**values)
