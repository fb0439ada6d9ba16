"""Finding a form's header below any title rows, one- or two-row, and mapping
the form's columns by their Russian wording (see :func:`normalise`)."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import snowballstemmer

from evaluation.imports.errors import ImportFileError


@dataclass(frozen=True)
class ColumnSpec:
    """A column a form expects.

    Attributes:
        key: Internal name of the column.
        title: The canonical Russian header (templates and messages).
        aliases: Other wordings met in real files.
        required: The file must have this column.
    """

    key: str
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which key.

    Attributes:
        header_row: 0-based index of the (last) header row; data starts below.
        positions: Column index (A = 0) of each key found.
        titles: The header text of each key as found in the file (for two-row
            headers "group sub-header", or the sub-header alone if that is
            what matched), for error messages.
        unknown: Headers that matched no column of the form (for a warning).
        unknown_columns: The column index of each of ``unknown``.
        ambiguous: For a key matched by stemmed words whose header fits other
            fields of the form just as well ("ИНН или код"), those fields'
            keys (the preview's mapping step lets the user choose).
    """

    header_row: int
    positions: dict[str, int]
    titles: dict[str, str]
    unknown: list[str] = field(default_factory=list)
    unknown_columns: list[int] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


_NON_WORD = re.compile(r"[^\w%]+|_+")
_PARENTHESES = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _header_text(value: object) -> str:
    """A header cell as text: integral floats lose ``.0``, dates are Russian."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d.%m.%Y")
    return " ".join(str(value).split())


def normalise(text: object, *, loose: bool = False) -> str:
    """The form of a header used for matching.

    Rules, in order: integral numbers lose ``.0``; lower case; ``ё`` → ``е``;
    ``№`` → the word "номер"; with ``loose``, text in parentheses or brackets
    is dropped ("Численность (чел.)" → "численность"); every run of characters
    other than letters, digits and ``%`` (punctuation, quotes, ``*`` marks of
    required columns, hyphens, slashes, line breaks, non-breaking spaces)
    becomes one space; leading and trailing spaces go. So "Вопрос №1",
    "вопрос  № 1" and "ВОПРОС № 1*" are all "вопрос номер 1".
    """
    value = _header_text(text).lower().replace("ё", "е").replace("№", " номер ")
    if loose:
        value = _PARENTHESES.sub(" ", value)
    return _NON_WORD.sub(" ", value).strip()


def _column_candidates(
    rows: list[list[object]], index: int, two_rows: bool
) -> list[tuple[str, ...]]:
    """Header texts each column may be known by, best first, for one layout.

    For a two-row header the upper row's group titles are carried right over
    the empty cells of their merged span (calamine gives a merged cell's value
    to its top-left cell only) as long as the lower row has sub-headers; a
    column is then known as "group sub-header" or by the sub-header alone. A
    cell merged down over both rows keeps its upper text.
    """
    lower = rows[index]
    if not two_rows:
        return [(_header_text(cell),) if cell is not None else () for cell in lower]
    upper = rows[index - 1]
    group = None
    result: list[tuple[str, ...]] = []
    for column in range(max(len(lower), len(upper))):
        top = upper[column] if column < len(upper) else None
        sub = lower[column] if column < len(lower) else None
        if top is not None:
            group = _header_text(top)
        elif sub is None:
            group = None
        if sub is None:
            result.append((group,) if top is not None and group else ())
        elif group:
            result.append((f"{group} {_header_text(sub)}", _header_text(sub)))
        else:
            result.append((_header_text(sub),))
    return result


#: Words that say nothing about which column it is: prepositions,
#: conjunctions and units ("Количество анкет, шт.", "Численность, чел.").
_HEADER_STOP_WORDS = frozenset(
    [
        "в",
        "во",
        "и",
        "или",
        "по",
        "с",
        "со",
        "о",
        "об",
        "от",
        "на",
        "для",
        "из",
        "к",
        "у",
        "при",
        "за",
        "до",
        "а",
        "также",
        "том",
        "числе",
        "шт",
        "штук",
        "чел",
        "человек",
        "ед",
        "единиц",
        "руб",
        "тыс",
    ]
)
_HEADER_WORD = re.compile(r"[0-9a-zа-я]+")
_STEMMER = snowballstemmer.stemmer("russian")
_STEMMER_LOCK = threading.Lock()  # a stemmer keeps its state while it works
_STEMS: dict[str, frozenset[str]] = {}


def header_stems(text: str) -> frozenset[str]:
    """The stemmed content words of a header, for matching by meaning.

    ``normalise`` rules first (case, ``ё``, ``№``, punctuation); ``%`` is the
    word "процент"; prepositions, conjunctions and units go; every other word
    is reduced to its Snowball Russian stem, so "Недостатки, выявленные …"
    and "недостатков, выявленных …" give the same words.
    """
    cached = _STEMS.get(text)
    if cached is None:
        value = normalise(text).replace("%", " процент ")
        words = [w for w in _HEADER_WORD.findall(value) if w not in _HEADER_STOP_WORDS]
        with _STEMMER_LOCK:  # imports may run in threads (background uploads)
            cached = frozenset(_STEMMER.stemWords(words))
        if len(_STEMS) < 100_000:
            _STEMS[text] = cached
    return cached


@lru_cache(maxsize=64)
def _vocabulary(
    columns: tuple[ColumnSpec, ...],
) -> tuple[list[tuple[int, frozenset[str]]], dict[str, list[int]]]:
    """The stemmed wordings of a form's columns, once per form: a list of
    (column index, stems), and for each stem the wordings that hold it."""
    names: list[tuple[int, frozenset[str]]] = []
    index: dict[str, list[int]] = {}
    for order, spec in enumerate(columns):
        for name in (spec.title, *spec.aliases):
            stems = header_stems(name)
            if stems:
                for word in stems:
                    index.setdefault(word, []).append(len(names))
                names.append((order, stems))
    return names, index


def _stem_pass(
    candidates: list[tuple[str, ...]],
    columns: Sequence[ColumnSpec],
    positions: dict[str, int],
    titles: dict[str, str],
    ambiguous: dict[str, list[str]],
) -> None:
    """Map the specs still unmatched by stemmed words (see :func:`header_stems`).

    A column matches a spec when every word of one of the spec's wordings
    is among the column's words. Pairs are taken best first: the wording
    with more words, then the column with fewer words left over, so
    "Фактический срок реализации" goes to its own column even though the
    planned date's shorter "срок реализации" fits it too. Only wordings that
    share a word with the column are compared (data cells such as "да" or
    dates share none), which keeps the search cheap on the rows above data.
    """
    names, index = _vocabulary(tuple(columns))
    used = set(positions.values())
    matched = {order for order, spec in enumerate(columns) if spec.key in positions}
    pairs = []
    for column, options in enumerate(candidates):
        if not options or column in used:
            continue
        # The cell's own text only: a group title carried over from the
        # left may be a title row, and its words would match anything.
        text = options[-1]
        words = header_stems(text)
        best: dict[int, int] = {}
        for word in words:
            for number in index.get(word, ()):
                order, stems = names[number]
                if order not in matched and stems <= words:
                    best[order] = max(best.get(order, 0), len(stems))
        pairs += [
            ((-size, len(words) - size, order, column), order, column, text)
            for order, size in best.items()
        ]
    assigned = []
    for score, order, column, text in sorted(pairs, key=lambda pair: pair[0]):
        spec = columns[order]
        if spec.key in positions or column in used:
            continue
        positions[spec.key] = column
        titles[spec.key] = text
        used.add(column)
        assigned.append((score, order, column))
    # A column that fits another still unmatched field exactly as well
    # ("ИНН или код") is ambiguous: the pick above is only a guess.
    for score, order, column in assigned:
        others = [
            columns[other].key
            for other_score, other, other_column, _ in pairs
            if other_column == column
            and other != order
            and other_score[:2] == score[:2]
            and columns[other].key not in positions
        ]
        if others:
            ambiguous[columns[order].key] = others


def _match_layout(
    candidates: list[tuple[str, ...]], columns: Sequence[ColumnSpec]
) -> tuple[dict[str, int], dict[str, str], dict[str, list[str]]]:
    """Map specs to columns: exact wording first, then without parentheses,
    then by stemmed words; also the ambiguous matches (see :class:`HeaderMatch`)."""
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for loose in (False, True):
        texts = [
            [(text, normalise(text, loose=loose)) for text in options]
            for options in candidates
        ]
        for spec in columns:
            if spec.key in positions:
                continue
            names = {
                normalise(name, loose=loose) for name in (spec.title, *spec.aliases)
            }
            names.discard("")
            used = set(positions.values())
            for column, options in enumerate(texts):
                if column in used:
                    continue
                found = next((text for text, norm in options if norm in names), None)
                if found is not None:
                    positions[spec.key] = column
                    titles[spec.key] = found
                    break
    # A lone cell is a title ("Сведения о численности получателей …"), not a
    # header: only rows of two or more headers are matched by meaning.
    if len(positions) < len(columns) and sum(map(bool, candidates)) > 1:
        _numbered_pass(candidates, columns, positions, titles)
        _stem_pass(candidates, columns, positions, titles, ambiguous)
    return positions, titles, ambiguous


_ENDS_IN_NUMBER = re.compile(r"\d$")


def _numbered_pass(
    candidates: list[tuple[str, ...]],
    columns: Sequence[ColumnSpec],
    positions: dict[str, int],
    titles: dict[str, str],
) -> None:
    """Map numbered columns headed by their name and then their wording.

    The typing template of the printed questionnaire heads a column
    "Вопрос 1. При посещении организации обращались ли вы …": it is the column
    "Вопрос 1" (a name ending in a number, followed by more words; "Вопрос 1"
    is not a prefix of "Вопрос 10 …").
    """
    texts = [normalise(options[-1]) if options else "" for options in candidates]
    used = set(positions.values())
    for spec in columns:
        if spec.key in positions:
            continue
        prefixes = tuple(
            f"{name} "
            for name in {normalise(n) for n in (spec.title, *spec.aliases)}
            if _ENDS_IN_NUMBER.search(name)
        )
        if not prefixes:
            continue
        for column, text in enumerate(texts):
            if column not in used and text.startswith(prefixes):
                positions[spec.key] = column
                titles[spec.key] = candidates[column][-1]
                used.add(column)
                break


def find_header(
    rows: list[list[object]], columns: Sequence[ColumnSpec], *, search_rows: int = 30
) -> HeaderMatch:
    """Find the header row (or merged two-row header) that names the columns.

    Every row among the first ``search_rows`` is tried alone and together
    with the row above it. The layout naming all required columns and the
    most columns overall wins; on a tie a one-row header beats a two-row one,
    and an upper row beats a lower one.

    Raises:
        ImportFileError: no layout names every required column; the message
            lists the missing columns of the layout that came closest.
    """
    required = [spec for spec in columns if spec.required]
    best: HeaderMatch | None = None
    best_score = (0, 0)
    closest: tuple[int, int, list[str]] = (-1, 0, [spec.title for spec in required])
    for index in range(min(search_rows, len(rows))):
        for two_rows in (False, True):
            if two_rows and index == 0:
                continue
            candidates = _column_candidates(rows, index, two_rows)
            positions, titles, ambiguous = _match_layout(candidates, columns)
            missing = [spec.title for spec in required if spec.key not in positions]
            if len(positions) > closest[1]:
                closest = (index, len(positions), missing)
            score = (len(positions), 0 if two_rows else 1)
            if missing or not positions or score <= best_score:
                continue
            used = set(positions.values())
            unknown_columns = [
                column
                for column, options in enumerate(candidates)
                if options and options[0] and column not in used
            ]
            unknown = [candidates[column][0] for column in unknown_columns]
            best = HeaderMatch(
                index, positions, titles, unknown, unknown_columns, ambiguous
            )
            best_score = score
    if best is not None:
        return best
    row, found, missing = closest
    listed = ", ".join(f"«{title}»" for title in missing)
    if found:
        where = f" Ближе всего строка {row + 1}, но в ней нет столбцов: {listed}."
    else:
        where = (
            f" В первых {min(search_rows, len(rows))} строках не найдено ни одного "
            f"столбца формы; нужны столбцы: {listed}."
        )
    raise ImportFileError(
        "Не найдена строка заголовков формы."
        + where
        + " Проверьте, что загружаете нужную форму, или скачайте шаблон."
    )
