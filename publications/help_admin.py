"""«Помощь» in the Wagtail admin: the user guides of ``docs/guide/`` by role.

The guides are Markdown files kept with the code (``docs/guide/``, see
``publications_settings.GUIDE_DIR``). Wagtail's own «Помощь» submenu gets
the list of guides and one item per guide the user's role reads; a guide is
rendered to HTML here with ``markdown-it-py`` with raw HTML switched off (so a
guide cannot inject markup), its screenshots served by :func:`guide_image`
behind the admin login. Editors and administrators see every guide (they
support the others); everyone else only the guides of their roles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.generic import TemplateView
from markdown_it import MarkdownIt
from markdown_it.token import Token
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles

from .conf import publications_settings

INDEX_TITLE = "Руководства пользователя"
#: Screenshot names the guides may use: ``img/<name>.png``.
IMAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.png$")
GUIDE_LINK = re.compile(r"^(?P<file>[a-z0-9-]+)\.md(?P<anchor>#.*)?$")


def _editor(user) -> bool:
    return roles.is_editor(user)


def _institution(user) -> bool:
    return (
        roles.is_editor(user)
        or roles.has_role(user, roles.INSTITUTION)
        or roles.is_institution(user)
    )


def _council(user) -> bool:
    return roles.is_editor(user) or roles.is_council_member(user)


def _operator(user) -> bool:
    return (
        roles.is_editor(user)
        or roles.has_role(user, roles.OPERATOR)
        or roles.is_operator(user)
    )


@dataclass(frozen=True)
class Guide:
    """One guide: its file in ``docs/guide/``, menu label and readers."""

    slug: str
    label: str
    summary: str
    shown_to: Callable[[object], bool]

    @property
    def filename(self) -> str:
        return f"{self.slug}.md"

    def path(self) -> Path:
        return publications_settings.GUIDE_DIR / self.filename

    def url(self) -> str:
        return reverse("qp_help_guide", args=[self.slug])


GUIDES: tuple[Guide, ...] = (
    Guide(
        "editor",
        "Руководство редактора",
        "НОК и Декада качества от создания кампании до публикации результатов.",
        _editor,
    ),
    Guide(
        "institution",
        "Руководство учреждения",
        "Что и к какому сроку представить, как заполнить формы и прочитать "
        "ошибки загрузки.",
        _institution,
    ),
    Guide(
        "council",
        "Руководство члена общественного совета",
        "Рассмотрение документов и результатов: вернуть на доработку или одобрить.",
        _council,
    ),
    Guide(
        "operator",
        "Руководство оператора",
        "Загрузка результатов независимой оценки качества.",
        _operator,
    ),
)
GUIDES_BY_SLUG = {guide.slug: guide for guide in GUIDES}


def guides_for(user) -> list[Guide]:
    """The guides ``user`` may read, in the order of :data:`GUIDES`."""
    return [guide for guide in GUIDES if guide.shown_to(user)]


# ------------------------------------------------------------------ rendering


@dataclass(frozen=True)
class RenderedGuide:
    title: str
    html: str
    contents: list[tuple[str, str]]  # (anchor, text) of the second-level headings


def _markdown() -> MarkdownIt:
    # CommonMark with tables; raw HTML in a guide is shown as text, and
    # markdown-it refuses javascript:, vbscript: and data: links itself.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _inline_text(token: Token) -> str:
    return "".join(
        child.content
        for child in token.children or []
        if child.type in {"text", "code_inline"}
    )


def render_guide(text: str, user=None) -> RenderedGuide:
    """The guide's title (its first ``#`` heading) and its body as HTML.

    The title is taken out of the body: the admin header shows it as the
    page's only ``h1``. Screenshots ``img/<name>.png`` point at
    :func:`guide_image`, or become their alt text when the file is missing;
    links to another guide (``council.md``) point at its admin page when
    ``user`` may read it and are plain text otherwise.
    """
    md = _markdown()
    tokens = md.parse(text)
    title = ""
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title = tokens[1].content.strip()
        tokens = tokens[3:]
    contents: list[tuple[str, str]] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = _inline_text(tokens[index + 1]).strip()
            anchor = slugify(heading, allow_unicode=True) or f"section-{index}"
            while anchor in used:
                anchor += "-2"
            used.add(anchor)
            token.attrSet("id", anchor)
            if token.tag == "h2":
                contents.append((anchor, heading))
        elif token.type == "table_open":
            token.attrSet("class", "listing qp-guide-table")
        elif token.type == "inline" and token.children:
            token.children = _inline_children(token.children, user)
    html = md.renderer.render(tokens, md.options, {})
    return RenderedGuide(title=title, html=html, contents=contents)


def _inline_children(children: list[Token], user) -> list[Token]:
    result: list[Token] = []
    skipping_link = False
    for child in children:
        if child.type == "image":
            result.extend(_image(child))
        elif child.type == "link_open":
            href = _guide_href(str(child.attrGet("href") or ""), user)
            if href is None:
                skipping_link = True
                continue
            child.attrSet("href", href)
            result.append(child)
        elif child.type == "link_close" and skipping_link:
            skipping_link = False
        else:
            result.append(child)
    return result


def _image(token: Token) -> list[Token]:
    """A screenshot as an admin URL, or its alt text when it is missing."""
    source = str(token.attrGet("src") or "")
    name = source.removeprefix("img/")
    alt = _inline_text(token) or token.content
    if (
        source.startswith("img/")
        and IMAGE_NAME.match(name)
        and (publications_settings.GUIDE_DIR / "img" / name).is_file()
    ):
        token.attrSet("src", reverse("qp_help_image", args=[name]))
        token.attrSet("class", "qp-guide-image")
        token.attrSet("loading", "lazy")
        return [token]
    text = Token("text", "", 0)
    text.content = f"[Снимок экрана: {alt}]"
    return [text]


def _guide_href(href: str, user) -> str | None:
    """Where a link of a guide goes in the admin; None: show it as text."""
    if href == "README.md":
        return reverse("qp_help")
    match = GUIDE_LINK.match(href)
    if match is None:
        return href
    guide = GUIDES_BY_SLUG.get(match["file"])
    if guide is None:
        return None
    if user is not None and not guide.shown_to(user):
        return None
    # markdown-it percent-encodes the Cyrillic anchor; the heading ids are not.
    return guide.url() + unquote(match["anchor"] or "")


# ------------------------------------------------------------------ views


class HelpIndexView(WagtailAdminTemplateMixin, TemplateView):
    """The guides the current user may read."""

    template_name = "publications/help/index.html"
    page_title = INDEX_TITLE
    header_icon = "help"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["guides"] = [
            {"guide": guide, "available": guide.path().is_file()}
            for guide in guides_for(self.request.user)
        ]
        return context


class HelpGuideView(WagtailAdminTemplateMixin, TemplateView):
    """One guide rendered from its Markdown file."""

    template_name = "publications/help/guide.html"
    header_icon = "help"

    def dispatch(self, request, *args, **kwargs):
        self.guide = GUIDES_BY_SLUG.get(kwargs["slug"])
        if self.guide is None:
            raise Http404("Такого руководства нет.")
        if not self.guide.shown_to(request.user):
            raise PermissionDenied
        try:
            text = self.guide.path().read_text(encoding="utf-8")
        except FileNotFoundError:
            raise Http404(
                f"Файл руководства «{self.guide.filename}» не найден в "
                f"{publications_settings.GUIDE_DIR}: установите docs/guide/ вместе с порталом."
            ) from None
        self.rendered = render_guide(text, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.rendered.title or self.guide.label

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_help"), "label": INDEX_TITLE},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rendered"] = self.rendered
        context["guide"] = self.guide
        return context


def guide_image(request, name: str):
    """A screenshot of ``docs/guide/img/`` (admin login required by Wagtail)."""
    if not IMAGE_NAME.match(name):
        raise Http404("Такого снимка экрана нет.")
    path = publications_settings.GUIDE_DIR / "img" / name
    if not path.is_file():
        raise Http404("Такого снимка экрана нет.")
    return FileResponse(path.open("rb"), content_type="image/png")


# ------------------------------------------------------------------ hooks


class GuideMenuItem(MenuItem):
    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request) -> bool:
        return self.shown_to(request.user)


@hooks.register("register_admin_urls")
def register_help_urls():
    return [
        path("help/", HelpIndexView.as_view(), name="qp_help"),
        path("help/img/<str:name>", guide_image, name="qp_help_image"),
        path("help/<slug:slug>/", HelpGuideView.as_view(), name="qp_help_guide"),
    ]


@hooks.register("register_help_menu_item")
def register_guides_index_menu_item() -> MenuItem:
    return GuideMenuItem(
        INDEX_TITLE,
        reverse("qp_help"),
        name="qp-help",
        icon_name="help",
        order=10,
        shown_to=lambda user: bool(getattr(user, "is_authenticated", False)),
    )


def _guide_menu_item(guide: Guide, order: int) -> Callable[[], MenuItem]:
    def item() -> MenuItem:
        return GuideMenuItem(
            guide.label,
            guide.url(),
            name=f"qp-help-{guide.slug}",
            icon_name="doc-full",
            order=order,
            shown_to=guide.shown_to,
        )

    return item


for _order, _guide in enumerate(GUIDES, start=20):
    hooks.register("register_help_menu_item", _guide_menu_item(_guide, _order))


@hooks.register("construct_main_menu", order=100)
def keep_help_menu(request, menu_items) -> None:
    """Bring «Помощь» back where a simplified menu dropped it (institutions)."""
    if any(getattr(item, "name", "") == "help" for item in menu_items):
        return
    from wagtail.admin.wagtail_hooks import register_help_menu

    item = register_help_menu()
    if item.is_shown(request):
        menu_items.append(item)


@hooks.register("construct_help_menu")
def replace_wagtails_guides(request, menu_items) -> None:
    """Wagtail's own «Руководство редактора» and «Что нового в Wagtail» go.

    They lead to wagtail.org in English and the first bears the same name as
    the portal's editor guide; the portal's guides take their place.
    """
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-")
    ]
