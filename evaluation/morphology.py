"""Inflection of generated Russian phrases (pymorphy3 with its Russian dictionaries).

Pages build sentences from stored names: «План мероприятий по итогам»
+ a campaign title, «Учтено» + a count of questionnaires, «Загрузить» + the
name of a document. The stored names are in the nominative, so they are put
in the case the sentence needs here, and counted nouns agree with their
numbers, instead of being glued on as they are («по итогам независимая
оценка», «Учтено 141 анкета»).

Plain functions without Django, usable from every layer; templates reach them
through the ``ru_format`` filters of ``cms_blocks``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Grammatical cases by their usual Russian names and pymorphy3's tags.
CASES = {
    "именительный": "nomn",
    "родительный": "gent",
    "дательный": "datv",
    "винительный": "accs",
    "творительный": "ablt",
    "предложный": "loct",
}

_WORD = re.compile(r"^([«„\"(]*)([А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*)(.*)$")
# Parts of speech that make up the head of a noun phrase.
_ADJECTIVES = {"ADJF", "PRTF"}
_PROPER = {"Name", "Surn", "Patr", "Geox", "Orgn", "Abbr"}


@lru_cache(maxsize=1)
def analyzer() -> Any:
    """The morphological analyser, loaded once (about 15 MB of dictionaries)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=2048)
def _inflect_word(word: str, case: str, want_noun: bool) -> tuple[str, str] | None:
    """The word in ``case`` and its part of speech, if it is a nominative noun or adjective."""
    if word.isupper() and len(word) > 1:  # an abbreviation: НОК, КЦСОН
        return None
    for parse in analyzer().parse(word.lower()):
        tag = parse.tag
        if tag.case != "nomn" or (tag.POS != "NOUN" and tag.POS not in _ADJECTIVES):
            continue
        if want_noun and tag.POS != "NOUN":
            continue
        inflected = parse.inflect({case})
        if inflected is None:
            return None
        return _match_case(word, inflected.word), tag.POS
    return None


def inflect_phrase(phrase: str, case: str, *, mid_sentence: bool = True) -> str:
    """Put the head of a nominative noun phrase into another case.

    Leading adjectives and the first noun are inflected; what follows them
    («качества 2024 года», a quoted name) is already in its own case and stays.
    A phrase that does not start with a nominative noun or adjective is
    returned unchanged.

    Args:
        phrase: The phrase in the nominative: «Независимая оценка качества 2024 года».
        case: A pymorphy3 case tag (``"gent"``) or its Russian name (``"родительный"``).
        mid_sentence: Lower the capital of a first word that is not a proper
            name or an abbreviation, as the phrase no longer starts a sentence.

    Returns:
        The phrase in the case: «независимой оценки качества 2024 года».

    Examples:
        >>> inflect_phrase("Сводная информация о результатах опроса", "accs")
        'сводную информацию о результатах опроса'
    """
    case = CASES.get(case, case)
    words = phrase.split(" ")
    for index, token in enumerate(words):
        match = _WORD.match(token)
        if match is None:
            break
        prefix, word, rest = match.groups()
        result = _inflect_word(word, case, bool(rest))
        if result is None:
            break
        form, pos = result
        if index == 0 and mid_sentence and not prefix and _is_common(word):
            form = form[:1].lower() + form[1:]
        words[index] = prefix + form + rest
        if pos == "NOUN" or rest:
            break
    return " ".join(words)


def _is_common(word: str) -> bool:
    if word.isupper() and len(word) > 1:
        return False
    parses = analyzer().parse(word.lower())
    return bool(parses) and not (_PROPER & set(parses[0].tag.grammemes))


def agree_with_number(count: int, phrase: str) -> str:
    """A count with a predicate and a noun that agree with it.

    Args:
        count: The number.
        phrase: Two words, a short participle (or past-tense verb) and a noun in
            the nominative singular, as after «1»: «Учтена анкета».

    Returns:
        «Учтена 141 анкета», «Учтены 142 анкеты», «Учтено 145 анкет»; the
        number is formatted by :func:`evaluation.formatting.format_number`
        and joined to the noun with a no-break space.
    """
    from evaluation.formatting import NBSP, format_number

    predicate, noun = phrase.split(" ", 1)
    morph = analyzer()
    noun_parse = next(
        (p for p in morph.parse(noun.lower()) if p.tag.POS == "NOUN"),
        morph.parse(noun.lower())[0],
    )
    agreed = noun_parse.make_agree_with_number(abs(count))
    noun_form = _match_case(noun, agreed.word if agreed else noun)
    n = abs(count)
    if n % 10 == 1 and n % 100 != 11:
        grammemes = {noun_parse.tag.gender or "masc", "sing"}
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        grammemes = {"plur"}
    else:
        grammemes = {"neut", "sing"}
    verb_parse = next(
        (
            p
            for p in morph.parse(predicate.lower())
            if p.tag.POS in {"PRTS", "VERB", "ADJS"}
        ),
        None,
    )
    verb = predicate
    if verb_parse is not None:
        inflected = verb_parse.inflect(grammemes)
        if inflected is not None:
            verb = _match_case(predicate, inflected.word)
    return f"{verb} {format_number(count, 0)}{NBSP}{noun_form}"
