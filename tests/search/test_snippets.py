"""Result excerpts: centred on the first word whose stem the query asks for."""

from __future__ import annotations

import pytest

from search.analysis import analyse_query, make_snippet

FILLER = "Сведения о работе учреждения за отчётный период. " * 6


def _excerpt(text: str, query: str, length: int = 120) -> str:
    return make_snippet(text, analyse_query(query), length)


def test_short_text_is_returned_whole_with_spaces_collapsed():
    assert _excerpt("Установлен   пандус\nу входа", "пандус") == (
        "Установлен пандус у входа"
    )


def test_excerpt_centres_on_another_form_of_the_word():
    text = FILLER + "Вход оборудован пандусом и поручнями. " + FILLER
    excerpt = _excerpt(text, "пандус")
    assert excerpt.startswith("…")
    assert "пандусом" in excerpt
    assert excerpt.endswith("…")


def test_without_a_match_the_excerpt_starts_at_the_beginning():
    text = FILLER + FILLER
    excerpt = _excerpt(text, "пандус")
    assert excerpt.startswith("Сведения о работе")
    assert excerpt.endswith("…")


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("Дом-интернат", "интернат"),  # the second part of a hyphenated word
        ("Дом-интернат", "дом"),
        # The matching part is further from the word's start than the excerpt's
        # lead (a third of its length): counted from the part, the excerpt
        # would open after the word.
        ("Психо-неврологический-интернат", "интернатов"),
    ],
)
def test_a_hyphenated_word_counts_from_its_first_part(word, query):
    text = FILLER + f"{word} принял новых получателей услуг. " + FILLER
    excerpt = _excerpt(text, query, length=60)
    assert excerpt.startswith("…")
    assert word in excerpt


def test_the_first_matching_word_wins_and_yo_is_folded():
    text = FILLER + "Ёлки у входа. " + FILLER + "Ещё ёлки. " + FILLER
    excerpt = _excerpt(text, "елки", length=60)
    assert "Ёлки у входа" in excerpt
    assert "Ещё" not in excerpt


def test_a_word_that_merely_starts_like_the_stem_is_not_a_match():
    # "пандусный" would need the stem "пандусн": "пандус" alone does not match it.
    text = FILLER + "Пандусная тележка. " + FILLER + "Новый пандус. " + FILLER
    excerpt = _excerpt(text, "пандус", length=60)
    assert "Новый пандус" in excerpt
