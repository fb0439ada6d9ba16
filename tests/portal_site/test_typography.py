"""What the public pages of the demo say, checked as Russian text.

Renders every public page reachable from the home page of a small demo region
and fails on numbers in exponent form, «г..», Latin letters inside Cyrillic
words (a Latin «K1» among them), English words outside a short allow-list,
decimal points in scores, one figure in two precisions on a page, and the
agreement errors of generated phrases, checked against the inflection library.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from evaluation.morphology import agree_with_number, analyzer
from search import service

pytestmark = pytest.mark.django_db

#: Pages crawled at most (the small region has about two hundred).
MAX_PAGES = 400
SEARCHES = (
    "/search/?q=кцсон",
    "/search/?q=план",
    "/search/?q=решение",
    "/organizacii/?q=канск",
)
SKIPPED = (
    "/admin",
    "/api",
    "/static",
    "/media",
    "/documents",
    "/files",
    "/django-admin",
)

EXPONENT = re.compile(r"\d(?:[.,]\d+)?[Ee][+−-]?\d")
DOUBLE_DOT = re.compile(r"г\.\.")
MIXED_WORD = re.compile(r"[А-Яа-яЁё][A-Za-z]|[A-Za-z][А-Яа-яЁё]|\bK[1-5]\b")
SCORE_POINT = re.compile(r"балл\w*\s+\d+\.\d")
# A counted predicate: «Учтено 141 анкета», «Найдено 5 организаций».
COUNTED = re.compile(
    r"\b(Учтен[аоы]|Найден[аоы]|Показан[аоы])\s+(\d[\d\u00a0 ]*)\u00a0(\w+)"
)
AFTER_PO_ITOGAM = re.compile(r"по итогам\s+([А-Яа-яЁё]+)")


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    # Code samples to copy (the widget's embedding snippets) are not prose.
    for tag in soup(
        ["script", "style", "noscript", "template", "code", "pre", "textarea"]
    ):
        tag.decompose()
    for tag in soup.select("[hidden]"):  # not shown (Wagtail's empty counters)
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


ONE_DECIMAL = re.compile(r"(?<![\d,])(\d+,\d)(?![\d\u00a0 ]*%)(?!\d)")
TWO_DECIMALS = re.compile(r"(?<![\d,])(\d+,\d)0(?!\d)")


#: Latin words a Russian page may show: formats, licences, proper names.
ENGLISH_ALLOWED = frozenset(
    [
        "CSV",
        "XLSX",
        "XLS",
        "ODS",
        "JSON",
        "PDF",
        "DOCX",
        "SVG",
        "PNG",
        "RSS",
        "Atom",
        "API",
        "REST",
        "OpenAPI",
        "Swagger",
        "ReDoc",
        "QR",
        "CC",
        "BY",
        "URL",
        "HTML",
        "iframe",
        "JavaScript",
    ]
)
# Not parts of addresses, file names or e-mails («site.css», «info@…»).
LATIN_WORD = re.compile(r"(?<![\w@./:-])[A-Za-z]{3,}(?![\w@/:-]|\.\w)")


#: Text a page must never show: placeholders left for "later".
PLACEHOLDER = re.compile(
    r"будут указаны здесь|будет указан[аоы]? здесь|здесь будет|заглушка|"
    r"lorem ipsum|TODO|TBD|XXX",
    re.IGNORECASE,
)


def problems_of(text: str) -> list[str]:
    found: list[str] = []
    found.extend(f"заполнитель: {m.group(0)!r}" for m in PLACEHOLDER.finditer(text))
    found.extend(
        f"английское слово: {m.group(0)!r} в «…{text[max(0, m.start() - 30) : m.end() + 10]}…»"
        for m in LATIN_WORD.finditer(text)
        if m.group(0) not in ENGLISH_ALLOWED
    )
    # One figure in two precisions on one page: «83,4» beside «83,40».
    short = {m.group(1) for m in ONE_DECIMAL.finditer(text)}
    found.extend(
        f"разная точность: {m.group(0)!r}"
        for m in TWO_DECIMALS.finditer(text)
        if m.group(1) in short
    )
    for pattern, label in (
        (EXPONENT, "число в экспоненциальной записи"),
        (DOUBLE_DOT, "«г..»"),
        (MIXED_WORD, "латиница внутри русского слова"),
        (SCORE_POINT, "десятичная точка в балле"),
    ):
        found.extend(f"{label}: {m.group(0)!r}" for m in pattern.finditer(text))
    for match in COUNTED.finditer(text):
        predicate, digits, noun = match.groups()
        count = int(re.sub(r"\D", "", digits))
        lemma = analyzer().parse(noun.lower())[0].normal_form
        participle = analyzer().parse(predicate.lower())[0]
        singular = participle.inflect({"femn", "sing"}) or participle
        expected = agree_with_number(
            count, f"{singular.word.capitalize()} {lemma}"
        ).split(" ", 1)
        if [predicate, noun] != [expected[0], expected[1].split("\u00a0")[-1]]:
            found.append(f"согласование: {match.group(0)!r}")
    for match in AFTER_PO_ITOGAM.finditer(text):
        word = match.group(1)
        if word.isupper():  # an abbreviation («по итогам НОК») does not decline
            continue
        parses = analyzer().parse(word.lower())
        if not any(p.tag.case == "gent" for p in parses):
            found.append(f"«по итогам» без родительного падежа: {match.group(0)!r}")
    return found


def test_the_checks_catch_the_known_errors() -> None:
    bad = (
        "План мероприятий по итогам независимая оценка качества 2024 года. "
        "Учтено 141\u00a0анкета. от 7 декабря 2026 г.. 3E+1 баллов, не более 1E+2. "
        "Критерий K1. итоговый балл 86.50. Балл 83,40, на графике 83,4. Группа Editors. "
        "Адрес, телефон и электронная почта будут указаны здесь."
    )
    kinds = {problem.split(":")[0] for problem in problems_of(bad)}
    assert kinds == {
        "число в экспоненциальной записи",
        "«г..»",
        "латиница внутри русского слова",
        "десятичная точка в балле",
        "согласование",
        "«по итогам» без родительного падежа",
        "разная точность",
        "английское слово",
        "заполнитель",
    }
    good = (
        "План мероприятий по итогам независимой оценки качества 2024 года. "
        "Учтена 141\u00a0анкета. Учтено 145\u00a0анкет. от 7 декабря 2026 г. "
        "30 баллов, не более 100. Критерий К1. итоговый балл 86,50. "
        "Балл 83,40, доля 83,4 %. Файл CSV."
    )
    assert problems_of(good) == []


def test_every_public_page_of_the_demo_reads_as_russian(
    published_region, client
) -> None:
    # Pages with queries are not followed from links; these are rendered too,
    # search results (with their snippets) among them.
    service.rebuild()
    start = ["/", *SEARCHES]
    queue = deque(start)
    seen = set(start)
    problems: dict[str, list[str]] = {}
    rendered = 0
    while queue and rendered < MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        rendered += 1
        html = response.content.decode()
        found = problems_of(visible_text(html))
        if found:
            problems[path] = sorted(set(found))
        for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            url = urlsplit(urljoin(path, link["href"]))
            if url.netloc not in ("", "testserver") or url.path.startswith(SKIPPED):
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if url.query or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    assert rendered > 50
    found = visible_text(client.get("/search/?q=кцсон").content.decode())
    assert re.search(r"итоговый балл \d+,\d\d", found), found[:500]
    by_problem: dict[str, list[str]] = {}
    for path, items in problems.items():
        for item in items:
            by_problem.setdefault(item, []).append(path)
    assert not by_problem, "\n".join(
        f"{item} — {len(paths)} стр., например {sorted(paths)[0]}"
        for item, paths in sorted(by_problem.items())
    )
