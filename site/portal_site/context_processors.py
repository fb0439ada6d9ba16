"""Template context shared by every page of the site."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from .accessibility import A11ySettings

HOME_TITLE = _("Главная")
# Links the header adds after the menu pages; they take part in marking the
# current item too.
EXTRA_NAV_URLS = ("/api/",)


class NavItem(NamedTuple):
    """One link of the main menu."""

    title: str
    url: str


class SiteNav:
    """The main menu: "Главная", then the live menu children of the site root.

    Computed on first use, so templates that show no menu (the Wagtail admin)
    cost no query. Iterating gives ``NavItem`` (title, url) pairs; at most two
    queries (the site with its root page, then the children).
    """

    def __init__(self, request: HttpRequest | None) -> None:
        self._request = request

    @cached_property
    def site(self) -> Site | None:
        if self._request is None:
            return None
        return Site.find_for_request(self._request)

    @cached_property
    def items(self) -> list[NavItem]:
        items = [NavItem(str(HOME_TITLE), "/")]
        if self.site is None:
            return items
        children = self.site.root_page.get_children().live().in_menu()
        for child in children:
            url = child.get_url(request=self._request)
            if url:
                items.append(NavItem(child.title, url))
        return items

    @cached_property
    def root_depth(self) -> int | None:
        """Tree depth of the site's root page (breadcrumbs start there)."""
        return self.site.root_page.depth if self.site else None

    @cached_property
    def current_url(self) -> str | None:
        """The menu URL (or an extra header URL) the current page lives under.

        The longest URL whose path prefixes the request path wins; "/" only
        matches the home page itself.
        """
        if self._request is None:
            return None
        current_path = self._request.path
        best: str | None = None
        for url in [item.url for item in self.items] + list(EXTRA_NAV_URLS):
            url_path = urlsplit(url).path or "/"
            matches = (
                current_path == url_path
                if url_path == "/"
                else current_path.startswith(url_path)
            )
            if matches and (best is None or len(url_path) > len(urlsplit(best).path)):
                best = url
        return best

    def __iter__(self) -> Iterator[NavItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> NavItem:
        return self.items[index]


def _ministry(request: HttpRequest | None):
    """The ministry's settings of the request's site (empty ones without a site)."""
    from publications.models import MinistrySettings

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return MinistrySettings()
    return MinistrySettings.for_site(site)


def portal(request: HttpRequest | None) -> dict[str, object]:
    """Expose site-wide values to templates.

    ``QP_DEMO`` and ``SITE_NAME`` label the site; ``MINISTRY`` (the
    :class:`~publications.models.MinistrySettings` of the site, read on first
    use) names its publisher in the header and footer; ``A11Y`` (an
    ``A11ySettings``) and ``A11Y_CLASSES`` (body classes) drive the version
    for the visually impaired; ``SITE_NAV`` is the main menu (a ``SiteNav``).
    """
    a11y = A11ySettings.from_request(request)
    return {
        "MINISTRY": SimpleLazyObject(lambda: _ministry(request)),
        "QP_DEMO": settings.QP_DEMO,
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "A11Y": a11y,
        "A11Y_CLASSES": a11y.css_classes,
        "SITE_NAV": SiteNav(request),
    }
