"""Aggregates of a НОК publication, computed once when it is published (issue #27).

Public pages used to sum every published row on each uncached request: the
region's, districts' and kinds' means of K1–K5 and the total, the number of
ranked organisations, the spread of totals. :func:`compute` does that once,
in one pass over the publication, with the same arithmetic
(:func:`evaluation.rating.aggregate`: exact means rounded half-up once);
:func:`store` keeps the result in :class:`PublicationAggregates`, and
:func:`stored` reads it back as :class:`Aggregate` objects.

A publication without stored aggregates (loaded as values published
elsewhere, or written by hand) has :func:`stored` return None and the
selectors compute as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from evaluation.models import Publication, PublicationAggregates, PublishedResult
from evaluation.rating import Aggregate, aggregate

#: The figures aggregated: criteria and the total (as ``selectors.CRITERIA_FIELDS``).
FIGURES = ("k1", "k2", "k3", "k4", "k5", "total")

#: Width in points of the bins of the stored distribution of totals; wider
#: bins that are multiples of it (10, 20, 25, 50) are sums of these.
BIN_WIDTH = 5
BINS = 100 // BIN_WIDTH

#: ``PublishedResult.input_source`` of values loaded as published elsewhere
#: (``selectors.core.PUBLISHED_ELSEWHERE``).
_PUBLISHED_ELSEWHERE = "published"

#: Bumped when the shape of ``data`` changes; other shapes are not read.
SHAPE = 2

Figures = dict[str, Aggregate]


def group_aggregates(rows: Iterable[tuple[Any, ...]]) -> Figures:
    """Aggregates of ``k1``…``k5`` and ``total`` over rows starting with them."""
    columns: dict[str, list[Decimal | None]] = {name: [] for name in FIGURES}
    for row in rows:
        for name, value in zip(FIGURES, row, strict=False):
            columns[name].append(value)
    return {name: aggregate(values) for name, values in columns.items()}


def _aggregate_json(summary: Aggregate) -> dict[str, Any]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "mean": text(summary.mean),
        "min": text(summary.min),
        "max": text(summary.max),
        "count": summary.count,
    }


def _aggregate_from(data: dict[str, Any]) -> Aggregate:
    def number(value: str | None) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Aggregate(
        mean=number(data["mean"]),
        min=number(data["min"]),
        max=number(data["max"]),
        count=int(data["count"]),
    )


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {name: _aggregate_json(summary) for name, summary in figures.items()}


def _figures_from(data: dict[str, Any]) -> Figures:
    return {name: _aggregate_from(data[name]) for name in FIGURES}


def _bins(totals: Iterable[Decimal | None]) -> dict[str, Any]:
    """Totals per 5-point bin (half-open, the last closed) and the missing."""
    counts = [0] * BINS
    missing = 0
    for total in totals:
        if total is None:
            missing += 1
        else:
            counts[min(int(total // BIN_WIDTH), BINS - 1)] += 1
    return {"counts": counts, "missing": missing}


def _regional(values: Iterable[dict[str, Any] | None]) -> dict[str, Any]:
    """Per regional indicator: how many values, their exact sum, min and max."""
    found: dict[str, list[Decimal]] = defaultdict(list)
    for row in values:
        for code, raw in (row or {}).items():
            if raw is not None:
                found[code].append(Decimal(raw))
    return {
        code: {
            "count": len(numbers),
            "sum": str(sum(numbers, Decimal(0))),
            "min": str(min(numbers)),
            "max": str(max(numbers)),
        }
        for code, numbers in sorted(found.items())
    }


def compute(publication: Publication) -> dict[str, Any]:
    """Everything the public pages aggregate over a publication, in one pass.

    Returns the JSON kept in :attr:`PublicationAggregates.data`: ``region``,
    ``districts`` (by district id), ``kinds`` and ``district_kinds``
    (``"<district id>:<kind>"``) → figure → mean/min/max/count; ``ranked``,
    the organisations with a rank; ``distribution``, totals per 5-point bin
    for the same groups; ``computed`` and ``sources`` (what a trend marks
    as published elsewhere).
    """
    return build(
        PublishedResult.objects.filter(publication=publication).values_list(*COLUMNS)
    )


#: The columns :func:`build` reads of each published row, in order.
COLUMNS = (
    *FIGURES,
    "organisation__district_id",
    "organisation__kind",
    "rank",
    "input_source",
    "input_reference",
    "regional_indicators",
)


def build(published_rows: Iterable[tuple[Any, ...]]) -> dict[str, Any]:
    """:func:`compute` over rows of :data:`COLUMNS` (also used by the
    migration that fills in publications made before)."""
    rows = list(published_rows)
    groups: dict[str, dict[str, list[tuple[Any, ...]]]] = {
        "districts": defaultdict(list),
        "kinds": defaultdict(list),
        "district_kinds": defaultdict(list),
    }
    for row in rows:
        district, kind = row[6], row[7]
        groups["districts"][str(district)].append(row)
        groups["kinds"][str(kind)].append(row)
        groups["district_kinds"][f"{district}:{kind}"].append(row)
    total_at = FIGURES.index("total")
    data: dict[str, Any] = {
        "shape": SHAPE,
        "organisations": len(rows),
        "ranked": sum(1 for row in rows if row[8] is not None),
        "region": _figures_json(group_aggregates(rows)),
        "distribution": {"region": _bins(row[total_at] for row in rows)},
        "computed": any(row[9] != _PUBLISHED_ELSEWHERE for row in rows),
        "sources": sorted({row[10] for row in rows if row[9] == _PUBLISHED_ELSEWHERE}),
    }
    data["regional"] = _regional(row[11] for row in rows)
    for name, grouped in groups.items():
        data[name] = {
            key: _figures_json(group_aggregates(members))
            for key, members in sorted(grouped.items())
        }
        data["distribution"][name] = {
            key: _bins(row[total_at] for row in members)
            for key, members in sorted(grouped.items())
        }
    return data


def store(publication: Publication) -> PublicationAggregates:
    """Compute and keep the aggregates of a publication (replacing old ones)."""
    stored_row, _created = PublicationAggregates.objects.update_or_create(
        publication=publication, defaults={"data": compute(publication)}
    )
    return stored_row


@dataclass(frozen=True)
class StoredAggregates:
    """The stored aggregates of one publication, as the selectors use them."""

    publication_id: int
    data: dict[str, Any]

    @property
    def ranked(self) -> int:
        return int(self.data["ranked"])

    @property
    def organisations(self) -> int:
        return int(self.data["organisations"])

    @property
    def computed(self) -> bool:
        return bool(self.data["computed"])

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.data["sources"])

    @property
    def region(self) -> Figures:
        return _figures_from(self.data["region"])

    def district(self, district_id: int | None) -> Figures:
        """A district's figures (empty aggregates when it has no result)."""
        return self._group("districts", str(district_id))

    def kind(self, kind: str) -> Figures:
        return self._group("kinds", str(kind))

    def group(self, district_id: int | None, kind: str) -> Figures:
        """Figures of the organisations of a district and/or kind (None, ""
        for any)."""
        if district_id is None and not kind:
            return self.region
        if district_id is None:
            return self.kind(kind)
        if not kind:
            return self.district(district_id)
        return self._group("district_kinds", f"{district_id}:{kind}")

    def districts(self) -> dict[int, Figures]:
        """Every district with results: id → figures."""
        return {
            int(key): _figures_from(figures)
            for key, figures in self.data["districts"].items()
            if key != "None"
        }

    def kinds(self) -> dict[str, Figures]:
        return {
            key: _figures_from(figures) for key, figures in self.data["kinds"].items()
        }

    def distribution(
        self, district_id: int | None = None, kind: str = "", bin_width: int = 10
    ) -> tuple[list[int], int]:
        """Totals per bin of ``bin_width`` points and the number missing.

        Raises:
            ValueError: ``bin_width`` is not a multiple of 5 dividing 100.
        """
        if bin_width % BIN_WIDTH or 100 % bin_width:
            raise ValueError(
                "Ширина интервала должна быть кратна 5 и быть делителем 100."
            )
        spread = self.data["distribution"]
        if district_id is None and not kind:
            bins = spread["region"]
        elif district_id is None:
            bins = spread["kinds"].get(str(kind))
        elif not kind:
            bins = spread["districts"].get(str(district_id))
        else:
            bins = spread["district_kinds"].get(f"{district_id}:{kind}")
        if bins is None:
            return [0] * (100 // bin_width), 0
        step = bin_width // BIN_WIDTH
        counts = bins["counts"]
        return (
            [sum(counts[i : i + step]) for i in range(0, BINS, step)],
            int(bins["missing"]),
        )

    def members(self, district_id: int | None = None, kind: str = "") -> int:
        """How many published rows the group has (with a total or without)."""
        counts, missing = self.distribution(district_id, kind, bin_width=100)
        return sum(counts) + missing

    def regional(self, code: str) -> tuple[int, Decimal, Decimal, Decimal] | None:
        """A regional indicator's count, exact sum, min and max; None if no
        organisation has a value."""
        figures = self.data["regional"].get(code)
        if figures is None:
            return None
        return (
            int(figures["count"]),
            Decimal(figures["sum"]),
            Decimal(figures["min"]),
            Decimal(figures["max"]),
        )

    def _group(self, name: str, key: str) -> Figures:
        figures = self.data[name].get(key)
        if figures is None:
            return group_aggregates([])
        return _figures_from(figures)


def stored(publication: Publication | int | None) -> StoredAggregates | None:
    """The stored aggregates of a publication, or None (then compute)."""
    if publication is None:
        return None
    publication_id = publication if isinstance(publication, int) else publication.pk
    data = (
        PublicationAggregates.objects.filter(publication_id=publication_id)
        .values_list("data", flat=True)
        .first()
    )
    return stored_from(publication_id, data)


def stored_from(
    publication_id: int, data: dict[str, Any] | None
) -> StoredAggregates | None:
    """:class:`StoredAggregates` of data already read, or None if unusable."""
    if not data or data.get("shape") != SHAPE:
        return None
    return StoredAggregates(publication_id=publication_id, data=data)
