"""Facet sets: their keys, the values they stand for, counts added up per value.

An entry's seven facet values are split into two parts (``FACET_PARTS``), and
each part's values are stored once as a ``SearchFacetSet`` under a key that is
a hash of them (:func:`facet_key`). The counting pass groups matches by the
two keys; :func:`add_up_facets` turns the groups into counts per value.
Pure functions, and the facet sets read so far by this process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from search.backends.base import FacetCount
from search.documents import FACETS

#: Column of ``qp_search_entry`` holding each facet.
_COLUMN = {facet: "campaigns" if facet == "campaign" else facet for facet in FACETS}
#: Columns of a facet set, in ``FACETS`` order.
_SET_COLUMNS = tuple(_COLUMN[facet] for facet in FACETS)
#: The two parts of the facets an entry's two facet set keys stand for.
FACET_PARTS: tuple[tuple[str, ...], tuple[str, ...]] = (FACETS[:3], FACETS[3:])
#: Facet sets read so far (key → values per facet). Keys are hashes of the
#: values, so an entry never goes stale; the dict is emptied when it grows past
#: the limit.
_FACET_SETS: dict[int, dict[str, tuple[str, ...]]] = {}
_FACET_SETS_LIMIT = 100_000


def _facets(
    counts: dict[str, dict[str, int]], filters: dict[str, tuple[str, ...]]
) -> dict[str, tuple[FacetCount, ...]]:
    """Sorted buckets per facet; selected values are always present."""
    result: dict[str, tuple[FacetCount, ...]] = {}
    for facet in FACETS:
        values = dict(counts.get(facet, {}))
        selected = set(filters.get(facet, ()))
        for value in selected:
            values.setdefault(value, 0)
        result[facet] = tuple(
            FacetCount(value=value, count=count, selected=value in selected)
            for value, count in sorted(
                values.items(), key=lambda item: (-item[1], item[0])
            )
        )
    return result


def _joined(values: Iterable[str]) -> str:
    """``|a|b|`` for the campaigns column ("" without values)."""
    values = [value for value in values if value]
    return "|" + "|".join(values) + "|" if values else ""


def facet_key(part: int, values: Iterable[str]) -> int:
    """The ``SearchFacetSet`` key of one part's column values (64-bit hash)."""
    digest = hashlib.blake2b(
        json.dumps([part, *values], ensure_ascii=False).encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def _facet_set(values: Sequence[Any]) -> dict[str, tuple[str, ...]]:
    """The non-empty values per facet of a facet set's columns."""
    result: dict[str, tuple[str, ...]] = {}
    for facet, value in zip(FACETS, values, strict=True):
        text = str(value or "")
        if facet == "campaign":
            result[facet] = tuple(one for one in text.split("|") if one)
        else:
            result[facet] = (text,) if text else ()
    return result


def add_up_facets(
    rows: Iterable[Sequence[Any]],
    sets: dict[int, dict[str, tuple[str, ...]]],
    variants: Sequence[str | None],
) -> tuple[int, dict[str, dict[str, int]]]:
    """Total and facet counts from the grouped counting pass.

    Each row is ``(part, key, count per variant…)``: part 2 groups by the
    key of the first facets (``FACET_PARTS[0]``), 1 by the key of the
    others, 0 is the total. Variant ``None`` applies every filter; variant F
    every filter but F's own, which is what the counts of facet F use.

    Raises:
        LookupError: A row names a facet set the table lacks.
    """
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    total = 0
    column = {f: variants.index(f) if f in variants else 0 for f in FACETS}
    for part, key, *numbers in rows:
        if not part:
            total = int(numbers[0] or 0)
            continue
        if key is None:
            continue
        found = sets.get(int(key))
        if found is None:
            raise LookupError(f"search: facet set {key} is missing")
        for facet in FACET_PARTS[2 - int(part)]:
            count = int(numbers[column[facet]] or 0)
            if not count:
                continue
            bucket = counts[facet]
            for value in found[facet]:
                bucket[value] = bucket.get(value, 0) + count
    return total, counts
