"""«Помощь»: the user guides of docs/guide/ in the admin, by role, and their upkeep.

Each role finds its guides in Wagtail's «Помощь» menu (institutions too,
whose menu is otherwise cut down to the cabinet) and not the guides of roles
it does not have; a guide renders with its headings and its screenshots; raw
HTML in a guide is not passed through. Two checks keep the guides from
drifting away from the product: every screenshot a guide shows is one the
browser tests save (``save_guide_screenshot``), and every name quoted in «…»
(menu items, buttons, fields, messages) is found in the project's templates
and code or in the Russian translations of Wagtail and Django.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import django
import pytest
import wagtail
from django.contrib.auth.models import Group
from django.test import override_settings

from evaluation import roles
from publications import help_admin
from tests.factories.evaluation import OrganisationFactory
from tests.factories.helpers import nok_campaign

ROOT = Path(__file__).resolve().parent.parent.parent
GUIDE_DIR = ROOT / "docs" / "guide"
GUIDE_FILES = sorted(GUIDE_DIR.glob("*.md"))
BROWSER_TESTS = (
    ROOT / "tests/portal_site/test_empty_install_nok_browser.py",
    ROOT / "tests/portal_site/test_empty_install_decade_browser.py",
    ROOT / "tests/portal_site/test_plan_flow_browser.py",
)
ALL = {"editor", "institution", "council", "operator"}


# ---------------------------------------------------------------- by role


@pytest.fixture
def people(db, django_user_model):
    """One user per role, bound where the role needs a binding."""

    def user(name: str, group: str | None = None, **extra):
        person = django_user_model.objects.create_user(name, password="pw", **extra)
        if group:
            person.groups.add(Group.objects.get(name=group))
        return person

    organisation = OrganisationFactory()
    campaign = nok_campaign(2026)
    institution = user("kcson", roles.INSTITUTION)
    organisation.users.add(institution)
    operator = user("operator", roles.OPERATOR)
    campaign.operators.add(operator)
    return {
        "editor": user("redaktor", roles.EDITOR),
        "institution": institution,
        "council": user("sovet", roles.COUNCIL),
        "operator": operator,
        "admin": user("admin", is_superuser=True, is_staff=True),
    }


#: role → the guides it reads: editors and administrators support everyone.
EXPECTED = {
    "editor": ALL,
    "admin": ALL,
    "institution": {"institution"},
    "council": {"council"},
    "operator": {"operator"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_finds_its_guides_in_the_help_menu(client, people, role) -> None:
    client.force_login(people[role])
    dashboard = client.get("/admin/").content.decode()
    # Wagtail's sidebar is a JSON description of the menu: «Помощь» holds the
    # list of guides and one item per guide the role reads.
    assert '"/admin/help/"' in dashboard
    shown = {slug for slug in ALL if f'"/admin/help/{slug}/"' in dashboard}
    assert shown == EXPECTED[role]
    # Wagtail's English guide of the same name and its release notes are gone.
    assert '"editor-guide"' not in dashboard
    assert "whats-new-in-wagtail" not in dashboard

    index = client.get("/admin/help/")
    assert index.status_code == 200
    page = index.content.decode()
    assert "<h1" in page and "Руководства пользователя" in page
    listed = {g.slug for g in help_admin.GUIDES if f'href="{g.url()}"' in page}
    assert listed == EXPECTED[role]

    for guide in help_admin.GUIDES:
        response = client.get(guide.url())
        if guide.slug in EXPECTED[role]:
            assert response.status_code == 200, guide.slug
        else:  # Wagtail turns a refusal into a redirect to the dashboard
            assert (response.status_code, response.get("Location")) == (
                302,
                "/admin/",
            ), guide.slug


def test_an_anonymous_visitor_is_sent_to_the_login(client, db) -> None:
    for url in ("/admin/help/", "/admin/help/editor/", "/admin/help/img/x.png"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("slug", sorted(ALL))
def test_a_guide_renders_with_its_headings(client, people, slug) -> None:
    client.force_login(people["editor"])
    page = client.get(f"/admin/help/{slug}/").content.decode()
    text = (GUIDE_DIR / f"{slug}.md").read_text(encoding="utf-8")
    title = re.search(r"^# (.+)$", text, re.M).group(1)
    # The title is the page's one h1 (the admin header); sections are h2.
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)[0].strip().endswith(title)
    assert len(re.findall(r"<h1[\s>]", page)) == 1
    for heading in re.findall(r"^## (.+)$", text, re.M):
        assert re.search(rf"<h2 id=\"[^\"]+\">{re.escape(heading)}</h2>", page), heading
        assert f">{heading}</a></li>" in page  # in «Содержание»
    if "\n| --- |" in text:
        assert '<table class="listing qp-guide-table">' in page


def test_links_to_a_guide_follow_the_readers_role(client, people) -> None:
    client.force_login(people["editor"])
    page = client.get("/admin/help/editor/").content.decode()
    assert 'href="/admin/help/operator/"' in page
    assert 'href="/admin/help/">общий раздел</a>' in page  # README.md: the list
    assert 'href="/admin/help/institution/#как-прочитать-ошибку-загрузки"' in page
    # An operator does not read the institution's guide: the link is plain text.
    client.force_login(people["operator"])
    page = client.get("/admin/help/operator/").content.decode()
    assert "/admin/help/institution/" not in page
    assert "руководстве учреждения" in page


# ---------------------------------------------------------------- rendering


def test_raw_html_and_script_links_are_not_passed_through(tmp_path) -> None:
    text = (
        "# Проба\n\n## Раздел\n\n<script>alert(1)</script>\n\n"
        "[ссылка](javascript:alert(1)) и ![снимок](img/nok-recompute-preview.png)"
        " и ![чужой](https://example.org/x.png)\n"
    )
    with override_settings(QP_GUIDE_DIR=tmp_path):
        rendered = help_admin.render_guide(text)
    assert rendered.title == "Проба"
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert 'href="javascript' not in rendered.html
    assert "<img" not in rendered.html  # missing and foreign images become text
    assert "[Снимок экрана: снимок]" in rendered.html
    assert "[Снимок экрана: чужой]" in rendered.html
    assert rendered.contents == [("раздел", "Раздел")]


def test_screenshots_are_served_to_signed_in_users_only(client, people, tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 16
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "nok-recompute-preview.png").write_bytes(png)
    (tmp_path / "editor.md").write_text(
        "# Руководство редактора\n\n## Шаг\n\n"
        "![Предпросмотр](img/nok-recompute-preview.png)\n",
        encoding="utf-8",
    )
    client.force_login(people["operator"])
    with override_settings(QP_GUIDE_DIR=tmp_path):
        response = client.get("/admin/help/img/nok-recompute-preview.png")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == png
        assert client.get("/admin/help/img/..%2Fsecret.png").status_code != 200
        assert client.get("/admin/help/img/editor.md").status_code == 404
        assert client.get("/admin/help/img/missing.png").status_code == 404
        client.force_login(people["editor"])
        page = client.get("/admin/help/editor/").content.decode()
    assert 'src="/admin/help/img/nok-recompute-preview.png"' in page
    assert 'alt="Предпросмотр"' in page


# ---------------------------------------------------------------- upkeep


def _guide_texts() -> dict[str, str]:
    assert {p.name for p in GUIDE_FILES} >= {
        "README.md",
        *(f"{slug}.md" for slug in ALL),
    }
    return {path.name: path.read_text(encoding="utf-8") for path in GUIDE_FILES}


def _screenshots_the_tests_save() -> set[str]:
    names: set[str] = set()
    for path in BROWSER_TESTS:
        names |= set(
            re.findall(
                r'save_guide_screenshot\(page, "([a-z0-9-]+)"\)', path.read_text()
            )
        )
    return names


def test_every_screenshot_of_the_guides_is_one_the_browser_tests_save() -> None:
    saved = _screenshots_the_tests_save()
    assert len(saved) >= 20
    referenced = {
        name
        for text in _guide_texts().values()
        for name in re.findall(r"!\[[^\]]+\]\(img/([a-z0-9-]+)\.png\)", text)
    }
    assert referenced, "the guides show no screenshots"
    assert referenced <= saved, sorted(referenced - saved)
    # Every image in the guides has alt text, so a guide without its PNGs
    # still says what the screen shows.
    for name, text in _guide_texts().items():
        assert not re.search(r"!\[\s*\]", text), name
    # PNGs in docs/guide/img/ are those screenshots, nothing stale.
    present = {path.stem for path in (GUIDE_DIR / "img").glob("*.png")}
    assert present <= saved, sorted(present - saved)
    # … and every screenshot a guide shows is there (``make guide-screenshots``).
    assert referenced <= present, sorted(referenced - present)


def _catalogue_texts() -> list[str]:
    """Russian strings of Wagtail and Django (buttons and menus they draw)."""
    texts: list[str] = []
    for package in (wagtail, django):
        base = Path(package.__file__).parent
        for mo in base.rglob("locale/ru/LC_MESSAGES/*.mo"):
            with mo.open("rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
            for value in catalog.values():
                texts.extend(value if isinstance(value, tuple) else [value])
    return texts


def _project_text() -> str:
    parts = []
    for package in ("evaluation", "publications", "cms_blocks", "search", "site"):
        for suffix in ("*.py", "*.html", "*.txt"):
            for path in (ROOT / package).rglob(suffix):
                if "migrations" not in path.parts:
                    parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def _fold(text: str) -> str:
    return " ".join(text.replace("ё", "е").casefold().split())


def _quoted_names(text: str) -> set[str]:
    """«…» names of a guide, outside code and *italic* message samples."""
    text = re.sub(r"```.*?```|`[^`]*`", "", text, flags=re.S)
    text = re.sub(r"(?<![*\w])\*(?!\s)[^*]+?\*(?!\*)", "", text)
    text = " ".join(text.split())
    return {name.strip() for name in re.findall(r"«([^«»]+)»", text)}


def _found(name: str, project: str, patterns: list[re.Pattern]) -> bool:
    fragments = [f.strip(" ,.:;") for f in _fold(name).split("…")]
    fragments = [f for f in fragments if f]
    if fragments and all(f in project for f in fragments):
        return True
    folded = _fold(name)
    return any(pattern.fullmatch(folded) for pattern in patterns)


def test_every_quoted_name_in_the_guides_is_in_the_product() -> None:
    project = _fold(_project_text())
    catalogue = [_fold(text) for text in _catalogue_texts()]
    project += "\n" + "\n".join(catalogue)
    # Wagtail's labels with a placeholder: «Отправить в "%(workflow_name)s"».
    patterns = [
        re.compile(re.sub(r"%\\\(\w+\\\)s", ".+", re.escape(text)))
        for text in catalogue
        if "%(" in text and len(re.sub(r"%\(\w+\)s", "", text).strip()) >= 6
    ]
    missing = {}
    names = 0
    for filename, text in _guide_texts().items():
        for name in _quoted_names(text):
            names += 1
            if not _found(name, project, patterns):
                missing.setdefault(filename, []).append(name)
    assert names > 100
    assert not missing, missing


def test_the_drift_check_can_fail() -> None:
    project = _fold("Кнопка «Пересчитать» и «Направить в общественный совет»")
    assert _found("Пересчитать", project, [])
    assert not _found("Пересчитать всё заново", project, [])
    assert _quoted_names("Нажмите «Да», а не *«Нет» — ошибка* и `«код»`") == {"Да"}
