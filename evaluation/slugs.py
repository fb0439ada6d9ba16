"""Latin slugs for Russian names (addresses of organisations and districts).

Public addresses stay ASCII so they survive e-mail, QR codes and old
browsers; Django's ``slugify`` drops Cyrillic letters, so names are
transliterated first (the practical scheme of Russian web addresses:
«Ачинский» → ``achinskii``… with ``й`` → ``y``, ``х`` → ``kh``).
"""

from __future__ import annotations

from django.utils.text import slugify

_LETTERS = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "-",
            "y",
            "-",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def transliterate(text: str) -> str:
    """``"КЦСОН «Ачинский»"`` → ``"KTsSON «Achinskiy»"`` (non-Cyrillic kept)."""
    out = []
    for char in text:
        latin = _LETTERS.get(char.lower())
        if latin is None:
            out.append(char)
        elif latin == "-":
            continue  # ъ and ь have no letter of their own
        else:
            out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def latin_slug(text: str, *, limit: int = 80) -> str:
    """A lowercase ASCII slug of a Russian name, at most ``limit`` characters."""
    return slugify(transliterate(text), allow_unicode=False)[:limit].strip("-")
