"""Latin addresses for Russian names."""

from __future__ import annotations

import pytest

from evaluation.slugs import latin_slug, transliterate


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("КЦСОН «Ачинский»", "ktsson-achinskiy"),
        ("Щедрый Подъезд", "shchedryy-podezd"),
        ("Центр «Юность» № 5", "tsentr-yunost-no-5"),
        ("Ёлочка, Жемчужина, Хвоя", "elochka-zhemchuzhina-khvoya"),
        ("Social Centre 2", "social-centre-2"),
        ("«»", ""),
    ],
)
def test_names_become_latin_slugs(name: str, slug: str) -> None:
    assert latin_slug(name) == slug


def test_capitals_stay_capitals_and_other_text_is_kept() -> None:
    assert transliterate("Дом-интернат Ясная Поляна (1)") == (
        "Dom-internat Yasnaya Polyana (1)"
    )
