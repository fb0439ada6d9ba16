"""The printable questionnaire's QR code decodes to the organisation's form URL.

The code is read from the very SVG the blank embeds: its path is drawn as
pixels and decoded by zxing-cpp, a decoder independent of segno, which drew it.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw

from evaluation.nok import lifecycle
from publications.documents import printable
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PIXELS = 8  # per module


def svg_to_image(svg: str) -> Image.Image:
    """Draw segno's line path (``M``/``m`` moves, ``h`` runs) as a bitmap."""
    size = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    transform = re.search(r'transform="scale\(([\d.]+)\)"', svg)
    scale = float(transform.group(1)) if transform else 1.0
    modules = round(size / scale)
    image = Image.new("L", (modules * PIXELS, modules * PIXELS), 255)
    draw = ImageDraw.Draw(image)
    path = re.search(r' d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for command, numbers in re.findall(r"([MmHh])([-\d.\s]+)", path):
        values = [float(v) for v in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            end = values[0] if command == "H" else x + values[0]
            row = int(y)
            if end > x:
                draw.rectangle(
                    (
                        x * PIXELS,
                        row * PIXELS,
                        end * PIXELS - 1,
                        (row + 1) * PIXELS - 1,
                    ),
                    fill=0,
                )
            x = end
    return image


def test_the_printed_qr_code_decodes_to_the_form_url(rf, settings) -> None:
    import zxingcpp

    settings.ALLOWED_HOSTS = ["portal.example.ru"]
    organisation = OrganisationFactory(code="KC-0042")
    campaign = DecadeCampaignFactory(organisations=[organisation])
    lifecycle.open_campaign(campaign, actor=None)
    request = rf.get("/", HTTP_HOST="portal.example.ru", secure=True)
    for large in (False, True):
        context = printable.questionnaire_context(request, organisation, large=large)
        [code] = zxingcpp.read_barcodes(svg_to_image(context["qr_svg"]))
        assert code.format == zxingcpp.BarcodeFormat.QRCode
        assert code.text == "https://portal.example.ru/q/KC-0042/"


def test_the_drawing_is_a_real_decode_not_an_echo() -> None:
    """A damaged path no longer decodes: the reader checks what is drawn."""
    import zxingcpp

    from publications.qr import qr_svg

    svg = qr_svg("https://portal.example.ru/q/KC-0042/", "QR").decode()
    assert zxingcpp.read_barcodes(svg_to_image(svg))[0].text.endswith("/q/KC-0042/")
    blank = re.sub(r"h(\d+)", lambda m: "h0", svg)
    assert zxingcpp.read_barcodes(svg_to_image(blank)) == []
