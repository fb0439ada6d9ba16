"""Russian text analysis in Python, shared by the database backend and the views.

The pipeline mirrors the Elasticsearch analyser: lower-case, fold ``ё`` to
``е``, split into words (a hyphenated word gives its parts and the whole),
drop stop words, Snowball-stem. Queries are analysed into :class:`QueryTerm`
objects: every term must match, and a term matches any of its alternatives
(its own word, a configured synonym, or a typo candidate from the vocabulary of
indexed words).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from search.conf import search_settings

#: Russian stop words (the Snowball list, as PostgreSQL's ``russian`` uses),
#: already folded (ё → е).
_STOP_WORDS_TEXT = """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы
    по только ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг
    ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом
    себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам
    чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому
    этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были
    куда зачем всех никогда можно при наконец два об другой хоть после над
    больше тот через эти нас про всего них какая много разве три эту моя
    впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
    всегда конечно всю между
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

#: Letters of a word; a hyphen joins parts of one word ("дом-интернат").
_WORD_RE = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")

#: Shortest word that gets typo candidates, and the length from which two
#: edits are allowed (ES ``fuzziness: AUTO:4,8`` gives the same).
TYPO_MIN_LENGTH = 4
TYPO_TWO_EDITS_LENGTH = 8


def normalise(text: str) -> str:
    """Lower-case and fold ``ё`` to ``е``."""
    return text.lower().replace("ё", "е")


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("russian")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Return the Snowball Russian stem of a normalised word (digits unchanged)."""
    if not word or word.isdigit():
        return word
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    """Split text into normalised words, keeping hyphenated words whole."""
    return _WORD_RE.findall(normalise(text))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, normalised word)`` of each word of ``text``, for highlighting.

    Positions refer to ``text`` itself: lower-casing and ё-folding keep lengths.
    """
    return [
        (match.start(), match.end(), match.group())
        for match in _WORD_RE.finditer(normalise(text))
    ]


def surface_tokens(text: str) -> list[str]:
    """Normalised words without stop words; hyphenated words give their parts.

    "Дом-интернат для престарелых" → ``["дом", "интернат", "престарелых"]``.
    """
    tokens: list[str] = []
    for word in words(text):
        for part in word.split("-"):
            if part and part not in STOP_WORDS:
                tokens.append(part)
    return tokens


def index_terms(text: str) -> list[str]:
    """Stemmed terms for the index, in order.

    A hyphenated word gives the stems of its parts followed by the whole
    (stems joined without the hyphen), so "домов-интернатов" and "дом-интернат"
    both give ``дом``, ``интернат`` and ``доминтернат``.
    """
    terms: list[str] = []
    for word in words(text):
        parts = [p for p in word.split("-") if p]
        stems = [stem(p) for p in parts if p not in STOP_WORDS]
        terms.extend(stems)
        if len(parts) > 1:
            terms.append("".join(stem(p) for p in parts))
    return terms


def vocabulary_words(text: str) -> set[str]:
    """Distinct words worth keeping as typo-correction targets (4+ letters)."""
    return {
        token
        for token in surface_tokens(text)
        if len(token) >= TYPO_MIN_LENGTH and not token.isdigit()
    }


def max_edits(word: str) -> int:
    """Typo tolerance for a query word: 0 below 4 letters, 1 up to 7, 2 from 8."""
    if len(word) < TYPO_MIN_LENGTH or word.isdigit():
        return 0
    return 1 if len(word) < TYPO_TWO_EDITS_LENGTH else 2


def damerau_levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, capped at ``limit + 1``.

    Adjacent transpositions count as one edit (``"реабилитацонный"`` →
    ``"реабилитационный"`` is one insertion).
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        row_min = current[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous_previous[j - 2] + 1)
            current[j] = value
            row_min = min(row_min, value)
        if row_min > limit:
            return limit + 1
        previous_previous, previous = previous, current
    return min(previous[len(b)], limit + 1)


def typo_candidates(
    word: str, vocabulary: Iterable[str], *, limit: int = 5
) -> list[str]:
    """Vocabulary words within the allowed edit distance of ``word``, nearest first.

    Args:
        word: A normalised query word.
        vocabulary: Candidate words (normalised), e.g. those of similar length
            from the vocabulary table.
        limit: Most candidates returned.
    """
    edits = max_edits(word)
    if not edits:
        return []
    scored = []
    for candidate in vocabulary:
        if candidate == word:
            continue
        distance = damerau_levenshtein(word, candidate, edits)
        if distance <= edits:
            scored.append((distance, candidate))
    scored.sort()
    return [candidate for _distance, candidate in scored[:limit]]


# --- synonyms ------------------------------------------------------------------


@dataclass(frozen=True)
class SynonymTable:
    """Synonym groups as sequences of surface words, looked up by stems.

    Attributes:
        groups: Each group's members as word sequences.
        by_first: Stem of a member's first word → ``(group index, member,
            member stems)``, longest members first.
    """

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    by_first: dict[str, tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...]]

    def alternatives(
        self, group_index: int, member: tuple[str, ...]
    ) -> tuple[tuple[str, ...], ...]:
        """The other members of one group."""
        return tuple(m for m in self.groups[group_index] if m != member)


def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The configured synonym groups, normalised (for the Elasticsearch analyser)."""
    return tuple(
        tuple(normalise(term) for term in group) for group in search_settings.SYNONYMS
    )


@lru_cache(maxsize=4)
def _synonym_table(groups_source: tuple[tuple[str, ...], ...]) -> SynonymTable:
    groups = tuple(
        tuple(
            dict.fromkeys(
                tuple(surface_tokens(term)) for term in group if surface_tokens(term)
            )
        )
        for group in groups_source
    )
    by_first: dict[str, list[tuple[int, tuple[str, ...], tuple[str, ...]]]] = {}
    for index, group in enumerate(groups):
        for member in group:
            stems = tuple(stem(word) for word in member)
            by_first.setdefault(stems[0], []).append((index, member, stems))
    return SynonymTable(
        groups=groups,
        by_first={
            first: tuple(sorted(members, key=lambda m: -len(m[1])))
            for first, members in by_first.items()
        },
    )


def synonym_table() -> SynonymTable:
    """The lookup table of the configured synonyms (cached per configuration)."""
    return _synonym_table(search_settings.SYNONYMS)


# --- queries ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueryTerm:
    """One required part of a query: any alternative may match.

    Attributes:
        original: The words as typed (normalised), for messages.
        alternatives: Word sequences, each matching as a phrase; the first one
            is what was typed. One-word sequences are plain terms.
        corrections: Typo candidates among the alternatives (for "did you mean").
    """

    original: tuple[str, ...]
    alternatives: tuple[tuple[str, ...], ...]
    corrections: tuple[str, ...] = ()


def analyse_query(
    text: str,
    *,
    lookup_typos: Callable[[Sequence[str]], dict[str, list[str]]] | None = None,
) -> list[QueryTerm]:
    """Turn user input into required terms with their alternatives.

    Multi-word synonyms are recognised greedily (longest first), so
    "комплексный центр социального обслуживания населения" becomes one term
    whose alternatives include "кцсон", and "КЦСОН" one term whose alternatives
    include the whole phrase.

    Args:
        text: The query as typed.
        lookup_typos: Given the query's single words, returns typo candidates
            per word (the backend reads its vocabulary); words the vocabulary
            already knows should map to no candidates.
    """
    tokens = surface_tokens(text)
    table = synonym_table()
    terms: list[QueryTerm] = []
    position = 0
    while position < len(tokens):
        matched = None
        for index, member, stems in table.by_first.get(stem(tokens[position]), ()):
            window = tokens[position : position + len(member)]
            if tuple(stem(word) for word in window) == stems:
                matched = (index, member, tuple(window))
                break
        if matched:
            index, member, typed = matched
            terms.append(
                QueryTerm(
                    original=typed,
                    alternatives=(typed, *table.alternatives(index, member)),
                )
            )
            position += len(typed)
        else:
            word = tokens[position]
            terms.append(QueryTerm(original=(word,), alternatives=((word,),)))
            position += 1
    if lookup_typos:
        single = [t.original[0] for t in terms if len(t.alternatives) == 1]
        candidates = lookup_typos(single) if single else {}
        terms = [
            QueryTerm(
                original=t.original,
                alternatives=(
                    *t.alternatives,
                    *((c,) for c in candidates.get(t.original[0], ())),
                ),
                corrections=tuple(candidates.get(t.original[0], ())),
            )
            if len(t.alternatives) == 1 and candidates.get(t.original[0])
            else t
            for t in terms
        ]
    return terms


# --- snippets --------------------------------------------------------------------


def make_snippet(text: str, query_terms: Sequence[QueryTerm], length: int = 220) -> str:
    """A plain-text excerpt of ``text`` around the first matching word.

    Falls back to the beginning of the text. Words are compared by stem, so the
    excerpt for "пандус" may centre on "пандусом".
    """
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    wanted = {
        stem(word) for term in query_terms for alt in term.alternatives for word in alt
    }
    start = 0
    found = _first_stem_word(normalise(text), wanted) if wanted else None
    if found is not None:
        start = max(0, found - length // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    excerpt = text[start : start + length]
    if start + length < len(text):
        cut = excerpt.rfind(" ")
        excerpt = (excerpt[:cut] if cut > length // 2 else excerpt) + "…"
    return ("…" if start else "") + excerpt


#: A maximal run of letters: one part of a word ("дом", "интернат").
_PART_RE = re.compile(r"[0-9a-zа-я]+")


def _first_stem_word(normalised: str, wanted: frozenset[str] | set[str]) -> int | None:
    """Start of the first word of ``normalised`` with a part whose stem is wanted.

    The parts are found and stemmed in bulk (``findall`` and ``map`` over the
    cached stemmer) and only the matching one is located: a word-by-word loop
    cost about a millisecond per result page.
    """
    for index, part_stem in enumerate(map(stem, _PART_RE.findall(normalised))):
        if part_stem in wanted:
            part = next(itertools.islice(_PART_RE.finditer(normalised), index, None))
            start = part.start()
            # The word starts at the first of its hyphen-joined parts.
            while (
                start >= 2
                and normalised[start - 1] == "-"
                and _PART_RE.match(normalised, start - 2)
            ):
                start -= 2
                while start and _PART_RE.match(normalised, start - 1):
                    start -= 1
            return start
    return None


def highlight_stems(query_terms: Sequence[QueryTerm]) -> frozenset[str]:
    """Stems whose words the result list highlights."""
    return frozenset(
        stem(word) for term in query_terms for alt in term.alternatives for word in alt
    )
