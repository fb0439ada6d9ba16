"""The embeddable widget, its SVG and PNG badges, the help page and QR codes."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import segno
from bs4 import BeautifulSoup
from django.urls import reverse
from PIL import Image

from cms_blocks.formatting import format_number, quote
from evaluation import selectors
from evaluation.models import IndicatorInput, Organisation
from evaluation.nok import services
from publications import qr, widgets

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
SVG = "{http://www.w3.org/2000/svg}"
NOT_PUBLISHED = "Результаты оценки ещё не опубликованы"
ENDPOINTS = (
    "widget",
    "widget-badge-svg",
    "widget-badge-png",
    "widget-embed",
    "qr-svg",
    "qr-png",
    "feed-organisation-rss",
    "feed-organisation-atom",
)


def url(name: str, organisation: Organisation | str) -> str:
    slug = organisation if isinstance(organisation, str) else organisation.slug
    return reverse(f"publications:{name}", kwargs={"slug": slug})


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def parse_svg(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def latest_total(region, organisation: Organisation) -> str:
    result = selectors.published_results(region.latest).get(organisation=organisation)
    return format_number(result.total, 2)


@pytest.fixture
def newcomer(published_region) -> Organisation:
    """An active organisation that no published campaign has assessed yet."""
    template = published_region.organisations[0]
    return Organisation.objects.create(
        name="Новое учреждение социального обслуживания",
        short_name="Новое учреждение",
        slug="novoe-uchrezhdenie",
        code="NEW-001",
        kind=template.kind,
        district=template.district,
    )


# ------------------------------------------------------------------ widget


def test_widget_shows_the_latest_total_and_may_be_framed_anywhere(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[2]
    response = client.get(url("widget", organisation))

    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "max-age=3600" in response["Cache-Control"]
    assert b"<script" not in response.content.lower()
    html = soup(response)
    assert html.html["lang"] == "ru"
    assert html.find("script") is None
    # Its own minimal template, not the site chrome.
    assert html.select_one(".site-header, .skip-link") is None
    assert html.find("link", rel="stylesheet") is None
    assert html.h1.get_text(strip=True) == "Независимая оценка качества"

    total = latest_total(region, organisation)
    assert html.select_one(".total__value").get_text() == total
    assert f"итоговый балл {total} из 100" in html.get_text()
    result = selectors.published_results(region.latest).get(organisation=organisation)
    rows = html.select("tbody tr")
    assert [row.th["scope"] for row in rows] == ["row"] * 5
    assert [th["scope"] for th in html.select("thead th")] == ["col", "col"]
    assert [row.th.get_text().split()[0] for row in rows] == [
        "К1",
        "К2",
        "К3",
        "К4",
        "К5",
    ]
    assert [row.td.get_text(strip=True) for row in rows] == [
        format_number(getattr(result, field), 2)
        for field in ("k1", "k2", "k3", "k4", "k5")
    ]
    more = html.find("a", string="Подробнее на портале")
    assert more["target"] == "_top"
    assert more["href"] == HOST + region.directory.card_url(organisation)


def test_widget_follows_a_corrected_publication(
    published_region, client, page_cache, django_capture_on_commit_callbacks
) -> None:
    region = published_region
    organisation = region.organisations[0]
    old_total = latest_total(region, organisation)
    assert soup(client.get(url("widget", organisation))).select_one(
        ".total__value"
    ).get_text() == (old_total)
    assert (
        old_total in client.get(url("widget-badge-svg", organisation)).content.decode()
    )

    inputs = IndicatorInput.objects.get(
        campaign=region.latest, organisation=organisation
    )
    inputs.comfort_conditions = 0
    inputs.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.recompute_campaign(region.latest)
        services.publish_campaign(region.latest, note="Исправление")
    new_total = latest_total(region, organisation)
    assert new_total != old_total

    html = soup(client.get(url("widget", organisation)))
    assert html.select_one(".total__value").get_text() == new_total
    badge = client.get(url("widget-badge-svg", organisation)).content.decode()
    assert new_total in badge
    assert old_total not in badge


def test_widget_without_published_results_says_so(newcomer, client) -> None:
    response = client.get(url("widget", newcomer))
    assert response.status_code == 200
    html = soup(response)
    assert html.find(role="status").get_text(strip=True) == NOT_PUBLISHED
    assert html.find("table") is None

    badge = client.get(url("widget-badge-svg", newcomer))
    assert badge.status_code == 200
    root = parse_svg(badge)
    assert NOT_PUBLISHED in "".join(root.itertext())
    assert root.findall(f"{SVG}rect[@class='badge__bar']") == []

    png = client.get(url("widget-badge-png", newcomer))
    assert png.status_code == 200
    assert Image.open(io.BytesIO(png.content)).format == "PNG"


# ------------------------------------------------------------------- badges


def test_badge_svg_is_an_accessible_image_with_the_figures(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[3]
    response = client.get(url("widget-badge-svg", organisation))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = parse_svg(response)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert organisation.short_name in root.findtext(f"{SVG}title")
    total = latest_total(region, organisation)
    assert f"итоговый балл {total} из 100" in root.findtext(f"{SVG}desc")
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert total in texts
    assert [t for t in texts if t.startswith("К")] == ["К1", "К2", "К3", "К4", "К5"]

    result = selectors.published_results(region.latest).get(organisation=organisation)
    values = [getattr(result, field) for field in ("k1", "k2", "k3", "k4", "k5")]
    assert [format_number(value, 1) for value in values] == [
        t for t in texts if "," in t and t != total
    ]
    bars = root.findall(f"{SVG}rect[@class='badge__bar']")
    heights = [float(bar.get("height")) for bar in bars]
    assert len(bars) == 5
    for i, a in enumerate(values):
        for j, b in enumerate(values):
            if a > b:
                assert heights[i] >= heights[j]


def test_badge_png_opens_with_pillow(published_region, client) -> None:
    organisation = published_region.organisations[3]
    response = client.get(url("widget-badge-png", organisation))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (widgets.BADGE_WIDTH * 2, widgets.BADGE_HEIGHT * 2)
    accent = (31, 78, 140)
    colours = {colour for _count, colour in image.getcolors(maxcolors=1 << 16)}
    assert accent in colours


# -------------------------------------------------------------- help page


def test_embed_page_gives_escaped_snippets_qr_links_and_a_preview(
    published_region, client
) -> None:
    region = published_region
    organisation = region.organisations[1]
    response = client.get(url("widget-embed", organisation))

    assert response.status_code == 200
    html = soup(response)
    assert html.select_one(".site-header") is not None  # extends base.html
    widget_url = HOST + url("widget", organisation)
    badge_url = HOST + url("widget-badge-svg", organisation)
    snippets = [code.get_text() for code in html.select("pre > code")]
    assert snippets[0].startswith(f'<iframe src="{widget_url}"')
    assert snippets[1] == (
        f'<a href="{HOST}{region.directory.card_url(organisation)}">'
        f'<img src="{badge_url}" alt="Независимая оценка качества: '
        f'{organisation.short_name}" width="{widgets.BADGE_WIDTH}" '
        f'height="{widgets.BADGE_HEIGHT}"></a>'
    )
    # The snippets are text: the only live iframe is the preview.
    assert "&lt;iframe src=" in response.content.decode()
    assert [frame["src"] for frame in html.find_all("iframe")] == [widget_url]
    assert html.find("img", src=badge_url) is not None

    qr_links = [a["href"] for a in html.find_all("a", href=True) if "/qr/" in a["href"]]
    assert qr_links == [
        HOST + url("qr-svg", organisation),
        *(HOST + url("qr-png", organisation) + f"?scale={s}" for s in (10, 20, 40)),
    ]
    for link in qr_links:
        assert client.get(link.removeprefix(HOST)).status_code == 200


# ------------------------------------------------------------------ QR codes


def test_qr_svg_is_titled_print_svg_of_the_card_url(published_region, client) -> None:
    region = published_region
    organisation = region.organisations[0]
    response = client.get(url("qr-svg", organisation))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = parse_svg(response)
    assert root.tag == f"{SVG}svg"
    assert root.findtext(f"{SVG}title") == (
        f"QR-код карточки организации {quote(organisation.short_name)}"
    )
    card_url = HOST + region.directory.card_url(organisation)
    assert root.findtext(f"{SVG}desc") == f"Ссылка: {card_url}"
    assert root.get("width").endswith("mm")
    expected = segno.make(card_url, error=qr.ERROR_LEVEL)
    side = expected.symbol_size(scale=1, border=qr.BORDER)[0]
    assert root.get("viewBox") == f"0 0 {side} {side}"


def decode_modules(image: Image.Image, scale: int, border: int) -> list[list[int]]:
    """Read the module matrix back from a rendered QR code (centre of each module)."""
    grey = image.convert("L")
    size = grey.size[0] // scale - 2 * border
    return [
        [
            int(
                grey.getpixel(
                    (
                        (border + col) * scale + scale // 2,
                        (border + row) * scale + scale // 2,
                    )
                )
                < 128
            )
            for col in range(size)
        ]
        for row in range(size)
    ]


@pytest.mark.parametrize("scale", [1, 10, 40])
def test_qr_png_encodes_the_card_url_at_the_requested_scale(
    published_region, client, scale
) -> None:
    region = published_region
    organisation = region.organisations[0]
    response = client.get(url("qr-png", organisation), {"scale": scale})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    card_url = HOST + region.directory.card_url(organisation)
    expected = segno.make(card_url, error=qr.ERROR_LEVEL)
    assert image.size == expected.symbol_size(scale=scale, border=qr.BORDER)
    assert decode_modules(image, scale, qr.BORDER) == [
        list(row) for row in expected.matrix
    ]


def test_qr_png_size_grows_with_scale_and_defaults_to_ten(
    published_region, client
) -> None:
    organisation = published_region.organisations[0]

    def size(**query) -> int:
        response = client.get(url("qr-png", organisation), query)
        assert response.status_code == 200
        return Image.open(io.BytesIO(response.content)).size[0]

    assert size(scale=2) < size(scale=3) < size(scale=20)
    assert size() == size(scale=10) == size(scale=1) * 10


@pytest.mark.parametrize("scale", ["0", "41", "-3", "2.5", "abc", "１０"])
def test_qr_png_rejects_a_bad_scale(published_region, client, scale) -> None:
    organisation = published_region.organisations[0]
    response = client.get(url("qr-png", organisation), {"scale": scale})
    assert response.status_code == 400
    assert "Масштаб QR-кода" in response.content.decode()


# --------------------------------------------------------------- unknown


def test_unknown_or_inactive_organisation_is_404_everywhere(
    published_region, client
) -> None:
    inactive = published_region.organisations[0]
    inactive.is_active = False
    inactive.save()
    for name in ENDPOINTS:
        assert client.get(url(name, "no-such-org")).status_code == 404, name
        assert client.get(url(name, inactive)).status_code == 404, name
        assert (
            client.get(url(name, published_region.organisations[1])).status_code == 200
        ), name
