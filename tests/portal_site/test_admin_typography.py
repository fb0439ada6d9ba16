"""What the admin screens this project adds say, checked as Russian text.

A superuser on a small demo region walks every admin screen reachable from
the menu and the listings (the crawl of ``test_every_screen``) and each
screen the project registers is checked with the public pages' checks
(:func:`~tests.portal_site.test_typography.problems_of`): exponent numbers,
«г..», Latin letters inside Cyrillic words, English words, placeholders,
agreement of generated phrases. Admin screens also must not show stored
data raw (``{'key': …}``, ``['code', …]``).

Wagtail's own screens (pages, images, documents, users, groups, sites,
collections, workflows, redirects, the account and Wagtail's page reports)
are excluded by :data:`WAGTAIL_OWN`, a pattern of their URL names; every
other screen is checked, the dashboard and the audit log (Wagtail's site
history report, which lists this project's events) among them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from evaluation.admin.audit import ACTION_LABELS
from tests.portal_site.test_every_screen import (  # the fixture, too
    _pattern,
    crawl,
    region,  # noqa: F401
)
from tests.portal_site.test_typography import problems_of, visible_text

pytestmark = pytest.mark.django_db

#: URL names (``namespace:name``) of Wagtail's own screens: not this
#: project's text. Project screens live in their own namespaces (viewsets,
#: ``qp_*`` views, ``wagtailsnippets_qp_*``, ``wagtailsettings`` of the
#: project's settings models) and are all checked.
WAGTAIL_OWN = re.compile(
    r"^(?:"
    r"wagtailadmin_pages|wagtailadmin_explore|wagtailadmin_explore_root|"
    r"wagtailadmin_choose_page|wagtailimages|wagtailimages_chooser|"
    r"wagtaildocs|wagtaildocs_chooser|wagtailusers_users|wagtailusers_groups|"
    r"wagtailsites|wagtailadmin_collections|wagtailadmin_workflows|"
    r"wagtailredirects|wagtailadmin_account|wagtailsearchpromotions|"
    r"wagtailforms|wagtaillocales|wagtailembeds"
    r")(?::|$)"
    r"|^wagtailadmin_reports:(?:locked_pages|workflow|workflow_tasks|"
    r"aging_pages|page_types_usage)(?:_results)?$"
)

#: Latin words the admin may show besides the public allow-list: proper names.
ADMIN_ALLOWED = frozenset(
    [
        "Wagtail",  # the CMS's name, in its version and help lines
        "Telegram",  # the messenger's name, a field of the ministry's settings
        "Excel",  # Microsoft's spreadsheet program, named in the help on files
        "Word",  # Microsoft's word processor, named in the help on files
        # Names of file formats the upload forms accept (as CSV, PDF, DOCX of
        # the public list).
        "DOC",
        "ODT",
        "RTF",
        "JPG",
        "TXT",  # a stored file is shown by its format: «Скачать файл TXT»
    ]
)
ENGLISH = re.compile(r"^английское слово: '([A-Za-z]+)'")

#: Stored data printed raw: a Python or JSON dict or list of codes, or empty.
RAW_DATA = re.compile(r"""[{\[]\s*['"][\w.]+['"]\s*[:,\]]|(?<![\w\]])(?:\[\]|\{\})""")

#: A score with a decimal point («92.44», «100.00»), not a date
#: («31.12.2024») or an item number («1.1», «2.10»): Russian writes a comma.
DECIMAL_POINT = re.compile(r"(?<![\d.])\d{2,}\.\d{2}(?![\d.])")

#: An internal identifier shown as text: a hex digest or a storage name
#: («letters/2026/83d9015e….txt») instead of what a person would call it.
INTERNAL_ID = re.compile(r"(?<![\w-])[0-9a-f]{16,}(?![\w-])")

#: Screens the crawl must have checked (a crawl that lost its way fails).
EXPECTED = {
    "/admin/",
    "/admin/campaigns/lifecycle/",
    "/admin/tracker/",
    "/admin/import/",
    "/admin/council-queue/",
    "/admin/cabinet/",
    "/admin/decade-notes/",
    "/admin/objections/",
    "/admin/reports/site-history/",
    "/admin/organisation/",
    "/admin/organisation/inspect/N/",
    "/admin/organisation/edit/N/",
    "/admin/organisation/new/",
    "/admin/district/",
    "/admin/campaign/",
    "/admin/result/inspect/N/",
    "/admin/publishedresult/inspect/N/",
    "/admin/websitecheck/inspect/N/",
    "/admin/auditevent/",
    "/admin/auditevent/inspect/N/",
    "/admin/importrecord/",
    "/admin/snippets/qp_publications/reviewdocument/",
    "/admin/settings/qp_publications/ministrysettings/N/",
}


def wagtail_own(url: str) -> bool:
    try:
        name = resolve(url.split("?")[0]).view_name
    except Resolver404:
        return False
    return bool(WAGTAIL_OWN.search(name))


def admin_problems(text: str) -> list[str]:
    found = [
        problem
        for problem in problems_of(text)
        if not ((match := ENGLISH.match(problem)) and match.group(1) in ADMIN_ALLOWED)
    ]
    found.extend(
        f"десятичная точка: «…{text[max(0, m.start() - 30) : m.end() + 5]}…»"
        for m in DECIMAL_POINT.finditer(text)
    )
    found.extend(
        f"служебный идентификатор: «…{text[max(0, m.start() - 30) : m.end() + 5]}…»"
        for m in INTERNAL_ID.finditer(text)
    )
    found.extend(
        f"данные без обработки: «…{text[max(0, m.start() - 30) : m.end() + 20]}…»"
        for m in RAW_DATA.finditer(text)
    )
    return found


def test_the_exclusion_is_wagtails_own_screens_only() -> None:
    for url in (
        "/admin/pages/3/edit/",
        "/admin/pages/",
        "/admin/images/",
        "/admin/documents/",
        "/admin/users/",
        "/admin/groups/",
        "/admin/sites/",
        "/admin/collections/",
        "/admin/workflows/list/",
        "/admin/redirects/",
        "/admin/account/",
        "/admin/reports/locked/",
        "/admin/reports/aging-pages/",
    ):
        assert wagtail_own(url), url
    for url in (
        "/admin/",
        "/admin/organisation/",
        "/admin/auditevent/inspect/1/",
        "/admin/campaigns/lifecycle/",
        "/admin/tracker/",
        "/admin/reports/site-history/",
        "/admin/snippets/qp_publications/reviewdocument/",
        "/admin/settings/qp_publications/ministrysettings/1/",
    ):
        assert not wagtail_own(url), url


def test_the_admin_checks_catch_raw_data() -> None:
    bad = (
        "Исходные данные {'respondents': 387} Примечания [] "
        "Сведения ['founder', 'location'] Группа Editors Балл: 92.44 "
        "Файл letters/2026/83d9015ef41500eb7dd92b9681e7c588.txt"
    )
    found = admin_problems(bad)
    raw = [problem for problem in found if problem.startswith("данные без обработки")]
    assert len(raw) == 3, found
    points = [problem for problem in found if problem.startswith("десятичная точка")]
    assert len(points) == 1, found
    ids = [problem for problem in found if problem.startswith("служебный")]
    assert len(ids) == 1, found
    english = {
        problem.split("'")[1]
        for problem in found
        if problem.startswith("английское слово")
    }
    assert english == {"respondents", "founder", "location", "Editors"}, found
    good = (
        "Пункт 1.1 [1] Версия Wagtail 8.0 Канал в Telegram Респондентов 387 "
        "Срок 31.12.2024 Балл 92,44 Пункт 2.10"
    )
    assert admin_problems(good) == []


def _recorded_actions() -> dict[str, str]:
    """Audit actions written by ``record("…")`` calls in the project's code."""
    root = Path(__file__).resolve().parents[2]
    found: dict[str, str] = {}
    for package in ("evaluation", "publications", "search", "cms_blocks", "site"):
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = (
                    func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                )
                if name != "record":
                    continue
                for part in ast.walk(node.args[0]):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found.setdefault(part.value, str(path.relative_to(root)))
    return found


def test_every_audit_action_has_a_russian_label() -> None:
    actions = _recorded_actions()
    assert {"publish", "recompute", "review.approved"} <= set(actions)
    missing = {
        action: path for action, path in actions.items() if action not in ACTION_LABELS
    }
    assert not missing, missing


def test_every_admin_screen_the_project_adds_reads_as_russian(
    region,  # noqa: F811
) -> None:
    _built, users = region
    client = Client(raise_request_exception=True)
    client.force_login(users["superuser"])
    problems: dict[str, list[str]] = {}
    checked: set[str] = set()

    def check(url: str, html: str) -> None:
        if wagtail_own(url):
            return
        checked.add(_pattern(url).split("?")[0])
        found = admin_problems(visible_text(html))
        if found:
            problems[url] = sorted(set(found))

    # Screens that fail to open are test_every_screen's findings, not text.
    crawl(client, ["/admin/"], "/admin/", on_page=check)
    missing = EXPECTED - checked
    assert not missing, sorted(missing)
    assert len(checked) >= 80, len(checked)
    by_problem: dict[str, list[str]] = {}
    for url, items in problems.items():
        for item in items:
            by_problem.setdefault(item, []).append(url)
    assert not by_problem, "\n".join(
        f"{item} — {len(urls)} экр., например {sorted(urls)[0]}"
        for item, urls in sorted(by_problem.items())
    )
