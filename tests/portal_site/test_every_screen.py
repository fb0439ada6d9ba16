"""Every screen a role can reach opens: no 500, and no 403 behind a link.

On a loaded demo region, a user of each role (and a superuser) starts at the
admin dashboard and follows every admin link the pages show them: menus,
listings, add, edit, inspect, history, usage, delete confirmations, exports,
choosers. A link the admin shows a role must open for that role: a 500 is a
bug, and so is a 403 or 404 behind a link it was offered. Anonymous visitors
do the same on the public site, and every ``GET`` of the API schema is called
with real identifiers.

Links that differ only in an object's number are followed for at most
:data:`PER_PATTERN` objects, so the crawl covers every kind of screen without
opening every row.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from evaluation import roles
from evaluation.models import Campaign, Organisation
from tests.factories.region import build_region

pytestmark = pytest.mark.django_db

#: Objects opened per kind of link (the same path with other numbers); the
#: start addresses are always opened (one page of each type, for example).
PER_PATTERN = 1
#: A bound on each crawl, far above what the demo needs (a runaway guard).
MAX_PAGES = 1500

#: Never followed: links that leave the session, and Wagtail's bulk-action
#: links, which are templates its script completes with the chosen ids.
SKIP = re.compile(r"/logout/|/admin/login/|/password_reset/|/admin/bulk/[^?]*$")


MENU_URL = re.compile(r'"url":\s*"(/admin/[^"]*)"')


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag not in {"a", "link"}:
            return
        values = dict(attrs)
        if tag == "link" and values.get("rel") not in {"alternate"}:
            return
        href = values.get("href")
        if href and not href.startswith(("mailto:", "tel:", "javascript:", "#")):
            self.links.append(href)


def _pattern(url: str) -> str:
    path = urlsplit(url).path
    query = urlsplit(url).query
    shape = re.sub(r"\d+", "N", path)
    # Listings' own pages, sorting and filters are one screen each.
    keys = sorted({part.split("=")[0] for part in query.split("&") if part})
    return shape + ("?" + "&".join(keys) if keys else "")


def _singleton_taken(url: str) -> bool:
    """An «add page» link of a page type whose only allowed page exists.

    Wagtail's page-type usage screen offers «Добавить» for every page type,
    and refuses it for a type at its ``max_count``: a Wagtail limitation, not
    a link this project adds.
    """
    from django.apps import apps

    match = re.fullmatch(r"/admin/pages/add/(\w+)/(\w+)/\d+/", urlsplit(url).path)
    if not match:
        return False
    model = apps.get_model(*match.groups())
    count = model.max_count
    return count is not None and model.objects.count() >= count


def crawl(
    client: Client, start: list[str], prefix: str, on_page=None
) -> dict[str, object]:
    """Follow links under ``prefix`` from ``start``; return what went wrong.

    ``on_page(url, html)``, if given, is called with every HTML page opened.
    """
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    queue: deque[tuple[str, str]] = deque((url, "(start)") for url in start)
    failures: list[str] = []
    opened = 0
    while queue and opened < MAX_PAGES:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        pattern = _pattern(url)
        if per_pattern[pattern] >= PER_PATTERN and referrer != "(start)":
            continue
        per_pattern[pattern] += 1
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            failures.append(f"{url} (from {referrer}): {type(error).__name__} {error}")
            continue
        opened += 1
        if response.status_code >= 400:
            failures.append(f"{url} (from {referrer}): {response.status_code}")
            continue
        if response.status_code in {301, 302, 303, 307, 308}:
            target = urljoin(url, response["Location"])
            if (
                referrer != "(start)"
                and urlsplit(target).path == "/admin/"
                and not _singleton_taken(url)
            ):
                # Wagtail answers a screen the user may not open with a
                # redirect to the dashboard: a link it should not have shown.
                failures.append(f"{url} (from {referrer}): sent back to the dashboard")
                continue
            if urlsplit(target).path.startswith(prefix) and not SKIP.search(target):
                queue.append((target, url))
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode("utf-8", "replace")
        if on_page is not None:
            on_page(url, html)
        parser = _Links()
        parser.feed(html)
        # Wagtail's sidebar menu is JSON for its script, not <a> tags.
        menu = [url.replace("\\/", "/") for url in MENU_URL.findall(html)]
        for href in parser.links + menu:
            target = urldefrag(urljoin(url, href))[0]
            parts = urlsplit(target)
            if parts.netloc and parts.netloc not in {"testserver", "localhost"}:
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith(prefix) and not SKIP.search(local):
                queue.append((local, url))
    return {"failures": failures, "opened": opened, "patterns": set(per_pattern)}


#: Full names of the crawling users, by login.
NAMES = {
    "root": ("Ирина", "Соколова"),
    "admin": ("Павел", "Морозов"),
    "editor": ("Елена", "Васильева"),
    "institution": ("Ольга", "Кузнецова"),
    "council": ("Сергей", "Никитин"),
    "operator": ("Анна", "Лебедева"),
}


@pytest.fixture
def region(django_user_model):
    built = build_region(organisations=8, responses=80)

    def member(name: str, group: str | None = None, **extra):
        # People have names: the admin shows them rather than the logins.
        first, last = NAMES[name]
        user = django_user_model.objects.create_user(
            name, password="pw", first_name=first, last_name=last, **extra
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    organisation = Organisation.objects.order_by("pk").first()
    campaign = Campaign.objects.order_by("-year", "pk").first()
    users = {
        "superuser": member("root", is_superuser=True, is_staff=True),
        "administrator": member("admin", roles.ADMINISTRATOR),
        "editor": member("editor", roles.EDITOR),
        "institution": member("institution", roles.INSTITUTION),
        "council": member("council", roles.COUNCIL),
        "operator": member("operator", roles.OPERATOR),
    }
    organisation.users.add(users["institution"])
    campaign.operators.add(users["operator"])
    return built, users


def _page_editors() -> list[str]:
    """The edit screen of one page of each page type (they share one address shape)."""
    from wagtail.models import Page

    first = {}
    for page in Page.objects.filter(depth__gt=1).order_by("path"):
        first.setdefault(page.content_type_id, page.pk)
    return [f"/admin/pages/{pk}/edit/" for pk in first.values()]


#: Fewer screens than this means the crawl lost its way (the menu, say).
MINIMUM_SCREENS = {
    "superuser": 200,
    "administrator": 200,
    "editor": 150,
    "institution": 10,
    "council": 30,
    "operator": 20,
}
ROLES = list(MINIMUM_SCREENS)
#: Screens every model viewset has, checked on the organisations' one.
SCREENS = ["", "new/", "edit/N/", "inspect/N/", "history/N/", "usage/N/", "delete/N/"]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_screen_a_role_is_shown_opens(region, role) -> None:
    _built, users = region
    client = Client(raise_request_exception=True)
    client.force_login(users[role])
    report = crawl(client, ["/admin/", *_page_editors()], "/admin/")
    assert not report["failures"], "\n".join(report["failures"])
    # The crawl really walked the admin, not just its dashboard.
    assert report["opened"] >= MINIMUM_SCREENS[role]
    if role in {"superuser", "administrator", "editor"}:
        # Every kind of screen of the evaluation viewsets was among them.
        opened = report["patterns"]
        for screen in SCREENS:
            assert f"/admin/organisation/{screen}" in opened, screen


def test_every_public_page_opens(region) -> None:
    client = Client(raise_request_exception=True)
    report = crawl(client, ["/"], "/")
    assert not report["failures"], "\n".join(report["failures"])
    assert report["opened"] >= 30


#: Values for the API's required query parameters.
QUERY_VALUES = {"q": "центр"}


def _listed_values(client: Client, list_url: str, name: str) -> list[str]:
    """``name`` (or the id) of the first items the list endpoint returns."""
    response = client.get(list_url, HTTP_ACCEPT="application/json")
    if response.status_code != 200:
        return []
    body = response.json()
    if isinstance(body, dict):
        body = body.get("results", body.get("datasets", []))
    values = [str(item.get(name, item.get("id", ""))) for item in body[:10]]
    return [value for value in values if value]


def test_every_api_get_in_the_schema_answers(region) -> None:
    """Each GET answers 200 anonymously for some real id, or refuses with 401/403.

    Every format of every open dataset in the catalogue downloads too.
    """
    client = Client(raise_request_exception=True)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    failures: list[str] = []
    called = 0
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        parameters = item["get"].get("parameters", [])
        urls = [path]
        guessed = False
        for parameter in (p for p in parameters if p["in"] == "path"):
            name = parameter["name"]
            placeholder = "{" + name + "}"
            enum = parameter.get("schema", {}).get("enum")
            values = enum or _listed_values(
                client, path[: path.index(placeholder)], name
            )
            if not values:
                # Nothing public lists these (uploads' statuses): an anonymous
                # client must be refused before the identifier matters.
                values, guessed = ["1"], True
            urls = [url.replace(placeholder, value) for url in urls for value in values]
        query = {
            p["name"]: QUERY_VALUES[p["name"]]
            for p in parameters
            if p["in"] == "query" and p.get("required")
        }
        statuses = []
        accepted = {401, 403} if guessed else {200, 401, 403}
        for url in urls:
            response = client.get(url, query, HTTP_ACCEPT="application/json")
            statuses.append(response.status_code)
            if response.status_code in accepted:
                called += 1
                break
        else:
            failures.append(f"{path}: {statuses or 'no identifiers listed'}")
    catalogue = client.get("/api/v1/datasets/", HTTP_ACCEPT="application/json").json()
    for dataset in catalogue["datasets"]:
        formats = list(dataset["formats"])
        for campaign in dataset.get("campaigns", []):
            formats += campaign["formats"]
        assert formats, dataset["slug"]
        for entry in formats:
            response = client.get(entry["url"])
            called += 1
            if response.status_code != 200:
                failures.append(f"{entry['url']}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert called >= 30
