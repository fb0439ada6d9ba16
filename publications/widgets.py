"""The embeddable widget: an organisation's current НОК result on its own website.

Three forms of the same figures (the organisation's latest published НОК
total and K1–K5, exactly what its card shows first):

- ``widget/<slug>/``: a tiny standalone HTML page for an ``<iframe>``, with no
  JavaScript and no external resources, allowed to be framed by any site;
- ``widget/<slug>/badge.svg`` and ``badge.png``: a badge for ``<img src>``;
- ``widget/<slug>/embed/``: the help page for the institution's webmaster with
  copy-paste snippets, QR code downloads and a live preview.

The widget always follows the newest publication: nothing is frozen into the
snippets, so a correction (a new version) shows up by itself.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw

from cms_blocks.formatting import format_date, format_number, quote
from evaluation import selectors
from evaluation.enums import CampaignKind, Criterion
from evaluation.formatting import criterion_label
from evaluation.models import Campaign, Organisation, PublishedResult

from .cache import cached_fragment
from .models import OrganisationIndexPage
from .social import _font

#: How long browsers and proxies may keep the widget and its badges.
WIDGET_MAX_AGE = 60 * 60
#: The badge loads nothing and may be shown or framed anywhere.
BADGE_CSP = "default-src 'none'; frame-ancestors *"
NOT_PUBLISHED = "Результаты оценки ещё не опубликованы"
#: Suggested iframe size, in CSS pixels, for the snippet on the help page.
IFRAME_WIDTH, IFRAME_HEIGHT = 340, 460
CRITERIA = tuple(
    (field, criterion)
    for field, criterion in zip(("k1", "k2", "k3", "k4", "k5"), Criterion, strict=True)
)

INK = "#1a1a1a"
ACCENT = "#1f4e8c"
ACCENT_DARK = "#0f2747"
MUTED = "#4a4a4a"
TRACK = "#e1e6ee"


# --------------------------------------------------------------------- lookups


def public_organisation(slug: str) -> Organisation:
    """The active organisation with this slug, or a 404 (as its card does)."""
    return get_object_or_404(
        Organisation.objects.select_related("district"), slug=slug, is_active=True
    )


def organisation_directory() -> OrganisationIndexPage | None:
    """The live organisation directory that routes the cards, or None."""
    return OrganisationIndexPage.objects.live().order_by("path").first()


def absolute_card_url(
    request: HttpRequest,
    organisation: Organisation,
    campaign: Campaign | None = None,
    directory: OrganisationIndexPage | None = None,
) -> str | None:
    """The absolute URL of an organisation's card (a campaign's card if given).

    Returns None when the site has no live organisation directory.
    """
    directory = directory or organisation_directory()
    if directory is None:
        return None
    return request.build_absolute_uri(directory.card_url(organisation, campaign))


# ------------------------------------------------------------------------ data


@dataclass(frozen=True)
class CriterionScore:
    """One criterion of the widget: ``K1``, its name and the published score."""

    code: str
    label: str
    value: Decimal | None

    @property
    def text(self) -> str:
        return format_number(self.value, 2)

    @property
    def bar_width(self) -> str:
        """The bar length as a CSS percentage (a dot, never a decimal comma)."""
        if self.value is None:
            return "0"
        return format(min(max(self.value, Decimal(0)), Decimal(100)), "f")


@dataclass(frozen=True)
class WidgetData:
    """What every form of the widget shows.

    Attributes:
        organisation: The organisation.
        campaign: Its latest published НОК campaign, or None.
        result: Its result in the campaign's newest publication, or None when
            nothing is published yet.
        ranked: How many organisations have a rank in that publication.
    """

    organisation: Organisation
    campaign: Campaign | None
    result: PublishedResult | None
    ranked: int = 0

    @property
    def criteria(self) -> list[CriterionScore]:
        if self.result is None:
            return []
        return [
            CriterionScore(
                criterion_label(criterion.value),
                str(criterion.label),
                getattr(self.result, field),
            )
            for field, criterion in CRITERIA
        ]

    @property
    def total_text(self) -> str:
        return format_number(self.result.total if self.result else None, 2)

    @property
    def published_on(self) -> str:
        if self.result is None:
            return ""
        return format_date(self.result.publication.published_at)

    @property
    def title(self) -> str:
        return f"Независимая оценка качества: {self.organisation.short_name}"

    @property
    def headline(self) -> str:
        """The total (and rank) as a sentence: the text alternative of the total."""
        if self.result is None or self.campaign is None:
            return f"{self.organisation.short_name}. {NOT_PUBLISHED}."
        text = (
            f"{self.organisation.short_name}: итоговый балл {self.total_text} из 100 "
            f"по результатам {quote(self.campaign.title)}."
        )
        if self.result.rank:
            text += f" Место в рейтинге: {self.result.rank} из {self.ranked}."
        return text

    @property
    def summary(self) -> str:
        """The text alternative of every figure (the badge's description)."""
        if self.result is None or self.campaign is None:
            return self.headline
        parts = [self.headline]
        parts.append(
            "Баллы по критериям: "
            + "; ".join(f"{c.code} {c.label} — {c.text}" for c in self.criteria)
            + "."
        )
        return " ".join(parts)


def widget_data(organisation: Organisation) -> WidgetData:
    """The organisation's figures in its latest published НОК campaign.

    The campaign is chosen as the organisation's card chooses it, so the widget
    and the card it links to always agree.
    """
    campaign = (
        selectors.published_campaigns(CampaignKind.NOK)
        .filter(publications__results__organisation=organisation)
        .first()
    )
    if campaign is None:
        return WidgetData(organisation, None, None)
    results = selectors.published_results(campaign)
    result = (
        results.filter(organisation=organisation).select_related("publication").first()
    )
    if result is None:
        return WidgetData(organisation, campaign, None)
    ranked = results.exclude(rank=None).count() if result.rank else 0
    return WidgetData(organisation, campaign, result, ranked)


# ----------------------------------------------------------------------- badge

BADGE_WIDTH, BADGE_HEIGHT = 340, 146
_BAR_LEFT, _BAR_PITCH, _BAR_WIDTH = 168, 34, 22
_BAR_TOP, _BAR_BOTTOM = 58, 120


@dataclass(frozen=True)
class _Text:
    """Text with its baseline at ``y`` (SVG's convention)."""

    x: float
    y: float
    text: str
    size: int
    fill: str = INK
    bold: bool = False
    centred: bool = False


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str | None = None
    css_class: str = ""


def _badge_layout(data: WidgetData) -> list[_Text | _Box]:
    """What the badge draws, shared by its SVG and PNG forms."""
    shapes: list[_Text | _Box] = [
        _Text(12, 22, "Независимая оценка качества", 12, bold=True)
    ]
    if data.result is None or data.campaign is None:
        return [*shapes, _Text(12, 70, NOT_PUBLISHED, 12, MUTED)]
    shapes += [
        _Text(12, 40, f"НОК {data.campaign.year} года", 11, MUTED),
        _Text(12, 92, data.total_text, 34, ACCENT, bold=True),
        _Text(12, 112, "итоговый балл из 100", 11),
    ]
    if data.result.rank:
        shapes.append(
            _Text(12, 130, f"место {data.result.rank} из {data.ranked}", 11, MUTED)
        )
    span = _BAR_BOTTOM - _BAR_TOP
    for index, score in enumerate(data.criteria):
        x = _BAR_LEFT + index * _BAR_PITCH
        centre = x + _BAR_WIDTH / 2
        shapes.append(_Box(x, _BAR_TOP, _BAR_WIDTH, span, TRACK))
        if score.value is not None:
            height = round(span * min(max(float(score.value), 0.0), 100.0) / 100)
            shapes.append(
                _Box(
                    x,
                    _BAR_BOTTOM - height,
                    _BAR_WIDTH,
                    height,
                    ACCENT,
                    ACCENT_DARK,
                    "badge__bar",
                )
            )
        shapes += [
            _Text(
                centre, _BAR_TOP - 6, format_number(score.value, 1), 10, centred=True
            ),
            _Text(centre, _BAR_BOTTOM + 16, score.code, 11, bold=True, centred=True),
        ]
    return shapes


def _svg_number(value: float) -> str:
    return format(value, "g")


def badge_svg(data: WidgetData) -> str:
    """The badge as standalone SVG: the total and five labelled bars.

    ``role="img"`` with a ``<title>`` and a ``<desc>`` (the widget's text
    alternative) so the image reads the same without sight; numbers use the
    decimal comma, every text is escaped.
    """
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}" '
        f'viewBox="0 0 {BADGE_WIDTH} {BADGE_HEIGHT}" role="img" '
        'aria-labelledby="qp-badge-title qp-badge-desc" '
        'font-family="DejaVu Sans, Verdana, Arial, sans-serif">',
        f'<title id="qp-badge-title">{escape(data.title)}</title>',
        f'<desc id="qp-badge-desc">{escape(data.summary)}</desc>',
        f'<rect x="0.5" y="0.5" width="{BADGE_WIDTH - 1}" '
        f'height="{BADGE_HEIGHT - 1}" rx="6" fill="#ffffff" stroke="{ACCENT}"/>',
    ]
    for shape in _badge_layout(data):
        attrs = f' x="{_svg_number(shape.x)}" y="{_svg_number(shape.y)}"'
        if isinstance(shape, _Box):
            if shape.css_class:
                attrs = f' class="{shape.css_class}"' + attrs
            attrs += (
                f' width="{_svg_number(shape.width)}"'
                f' height="{_svg_number(shape.height)}" fill="{shape.fill}"'
            )
            if shape.stroke:
                attrs += f' stroke="{shape.stroke}"'
            parts.append(f"<rect{attrs}/>")
            continue
        attrs += f' font-size="{shape.size}" fill="{shape.fill}"'
        if shape.bold:
            attrs += ' font-weight="bold"'
        if shape.centred:
            attrs += ' text-anchor="middle"'
        parts.append(f"<text{attrs}>{escape(shape.text)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def badge_png(data: WidgetData, scale: int = 2) -> bytes:
    """The badge as PNG, drawn at ``scale`` × the SVG's size for sharp screens."""

    def px(value: float) -> int:
        return round(value * scale)

    image = Image.new("RGB", (px(BADGE_WIDTH), px(BADGE_HEIGHT)), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        [0, 0, px(BADGE_WIDTH) - 1, px(BADGE_HEIGHT) - 1],
        radius=px(6),
        outline=ACCENT,
        width=scale,
    )
    for shape in _badge_layout(data):
        if isinstance(shape, _Box):
            draw.rectangle(
                [
                    px(shape.x),
                    px(shape.y),
                    px(shape.x + shape.width),
                    px(shape.y + shape.height),
                ],
                fill=shape.fill,
                outline=shape.stroke,
            )
            continue
        # Pillow's "ls"/"ms" anchors put the baseline at y, as SVG does.
        draw.text(
            (px(shape.x), px(shape.y)),
            shape.text,
            font=_font(px(shape.size)),
            fill=shape.fill,
            anchor="ms" if shape.centred else "ls",
            stroke_width=1 if shape.bold and scale > 1 else 0,
            stroke_fill=shape.fill,
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ----------------------------------------------------------------------- views


def _cached_text(
    request: HttpRequest,
    kind: str,
    organisation: Organisation,
    build: Callable[[], str],
) -> str:
    # Keyed by host too: the widget's links are absolute; and by the style,
    # whose hash the policy allows.
    style = widget_style_hash()[:8] if kind == "html" else ""
    key = f"widget:{kind}{style}:{organisation.pk}:{request.scheme}://{request.get_host()}"
    return cached_fragment(request, key, build)


@functools.cache
def widget_style() -> str:
    """The widget's stylesheet, inlined so that the framed page loads nothing."""
    return render_to_string("publications/widget/widget.css")


@functools.cache
def widget_style_hash() -> str:
    """The base64 SHA-256 of the widget's stylesheet, as CSP names it."""
    return base64.b64encode(hashlib.sha256(widget_style().encode()).digest()).decode()


def widget_csp() -> str:
    """The widget's policy: framed anywhere, no script, only its own style.

    The style is allowed by its hash, so the page needs no ``'unsafe-inline'``
    (a nonce would not survive the fragment cache).
    """
    style_hash = widget_style_hash()
    return (
        f"default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors *"
    )


def _frameable(response: HttpResponse) -> HttpResponse:
    response["Content-Security-Policy"] = widget_csp()
    return response


@require_safe
@xframe_options_exempt
@cache_control(public=True, max_age=WIDGET_MAX_AGE)
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    """The standalone widget page for an ``<iframe>`` on the organisation's site."""
    organisation = public_organisation(slug)

    def build() -> str:
        data = widget_data(organisation)
        return render_to_string(
            "publications/widget/widget.html",
            {
                "data": data,
                "card_url": absolute_card_url(request, organisation),
                "not_published": NOT_PUBLISHED,
                "style": mark_safe(widget_style()),  # noqa: S308 (our own file)
            },
        )

    return _frameable(HttpResponse(_cached_text(request, "html", organisation, build)))


@require_safe
@xframe_options_exempt
@cache_control(public=True, max_age=WIDGET_MAX_AGE)
def badge_svg_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The badge as SVG, for ``<img src>``."""
    organisation = public_organisation(slug)
    svg = _cached_text(
        request, "svg", organisation, lambda: badge_svg(widget_data(organisation))
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = BADGE_CSP
    return response


@require_safe
@xframe_options_exempt
@cache_control(public=True, max_age=WIDGET_MAX_AGE)
def badge_png_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The badge as PNG, for sites that cannot show SVG."""
    organisation = public_organisation(slug)
    response = HttpResponse(
        badge_png(widget_data(organisation)), content_type="image/png"
    )
    response["Content-Security-Policy"] = BADGE_CSP
    return response


@require_safe
def embed_help(request: HttpRequest, slug: str) -> HttpResponse:
    """Instructions for the organisation's webmaster: snippets, QR codes, preview."""
    organisation = public_organisation(slug)
    directory = organisation_directory()
    data = widget_data(organisation)

    def absolute(name: str, **query: int) -> str:
        url = reverse(f"publications:{name}", kwargs={"slug": organisation.slug})
        if query:
            url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
        return request.build_absolute_uri(url)

    widget_url = absolute("widget")
    badge_url = absolute("widget-badge-svg")
    card_url = absolute_card_url(request, organisation, directory=directory)
    # Snippets are copied once and the figures change: only timeless text.
    alt = data.title
    iframe_code = (
        f'<iframe src="{widget_url}" title="{escape(data.title)}" '
        f'width="{IFRAME_WIDTH}" height="{IFRAME_HEIGHT}" loading="lazy" '
        'style="border:0;max-width:100%" '
        'sandbox="allow-top-navigation-by-user-activation allow-popups"></iframe>'
    )
    image = f'<img src="{badge_url}" alt="{escape(alt)}" width="{BADGE_WIDTH}" height="{BADGE_HEIGHT}">'
    img_code = f'<a href="{card_url}">{image}</a>' if card_url else image
    return render(
        request,
        "publications/widget/embed.html",
        {
            "organisation": organisation,
            "data": data,
            "directory": directory,
            "card_url": card_url,
            "widget_url": widget_url,
            "badge_url": badge_url,
            "badge_png_url": absolute("widget-badge-png"),
            "iframe_code": iframe_code,
            "img_code": img_code,
            "iframe_width": IFRAME_WIDTH,
            "iframe_height": IFRAME_HEIGHT,
            "badge_width": BADGE_WIDTH,
            "badge_height": BADGE_HEIGHT,
            "qr_svg_url": absolute("qr-svg"),
            "qr_png_urls": [
                (scale, absolute("qr-png", scale=scale)) for scale in (10, 20, 40)
            ],
            "feed_rss_url": absolute("feed-organisation-rss"),
            "feed_atom_url": absolute("feed-organisation-atom"),
        },
    )
