"""Social preview images of organisation cards, drawn with Pillow."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from cms_blocks.formatting import format_number
from evaluation.models import Campaign, Organisation, PublishedResult

from .conf import publications_settings

WIDTH, HEIGHT = 1200, 630
INK = (26, 26, 26)
ACCENT = (31, 78, 140)
MUTED = (90, 90, 90)
TRACK = (225, 230, 238)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in publications_settings.SOCIAL_FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font, width: int, lines: int
) -> list[str]:
    words, rows, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width:
            current = candidate
            continue
        if current:
            rows.append(current)
        current = word
        if len(rows) == lines:
            break
    if current and len(rows) < lines:
        rows.append(current)
    if len(rows) == lines and " ".join(rows) != " ".join(words):
        rows[-1] = rows[-1].rstrip(".,") + "…"
    return rows


def preview_png(
    organisation: Organisation, campaign: Campaign, result: PublishedResult
) -> bytes:
    """A 1200×630 PNG: name, total, rank and K1–K5 bars with their values."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH, 14], fill=ACCENT)
    title_font, big_font, text_font = _font(44), _font(120), _font(30)
    y = 50
    for line in _wrap(draw, organisation.short_name, title_font, WIDTH - 120, 2):
        draw.text((60, y), line, font=title_font, fill=INK)
        y += 56
    draw.text((60, y + 10), campaign.title, font=text_font, fill=MUTED)
    total = format_number(result.total, 2)
    draw.text((60, 260), total, font=big_font, fill=ACCENT)
    draw.text((60, 400), "итоговый балл из 100", font=text_font, fill=INK)
    if result.rank:
        draw.text(
            (60, 445), f"место в рейтинге: {result.rank}", font=text_font, fill=INK
        )
    left, bar_width = 560, 480
    for index, field in enumerate(("k1", "k2", "k3", "k4", "k5")):
        top = 250 + index * 62
        value: Decimal | None = getattr(result, field)
        draw.text((left, top), f"К{index + 1}", font=text_font, fill=INK)
        draw.rectangle(
            [left + 60, top + 6, left + 60 + bar_width, top + 36], fill=TRACK
        )
        if value is not None:
            length = int(bar_width * float(value) / 100)
            draw.rectangle(
                [left + 60, top + 6, left + 60 + length, top + 36], fill=ACCENT
            )
        draw.text(
            (left + 70 + bar_width, top),
            format_number(value, 1),
            font=text_font,
            fill=INK,
        )
    draw.text(
        (60, HEIGHT - 60),
        "Независимая оценка качества условий оказания услуг",
        font=_font(24),
        fill=MUTED,
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
