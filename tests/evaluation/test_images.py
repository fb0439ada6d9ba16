"""Images attached to explanatory notes: real images, broken files, bombs.

Every refusal is checked twice: the Russian message, and that nothing was
stored (no row, no file under QP_PRIVATE_ROOT).
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from evaluation import images, roles
from evaluation.decade import notes
from evaluation.images import ImageRejectedError, Limits, clean_image
from evaluation.models import (
    AuditEvent,
    NoteAttachment,
)
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

LIMITS = Limits(max_edge=400, max_bytes=2 * 1024 * 1024, max_pixels=4_000_000)


def jpeg_with_gps(size=(1200, 800), orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF holds a camera, a GPS position and an orientation."""
    image = Image.new("RGB", size, (200, 30, 30))
    # A marker in the top-left corner, to see where rotation puts it.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Телефон"
    exif[ExifTags.Base.Model] = "Камера X"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (56.0, 0.0, 36.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (92.0, 52.0, 12.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def encoded(fmt: str, size=(300, 200), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 120, 40) if mode == "RGB" else None).save(buffer, fmt)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions but carries a few bytes of pixels:
    the shape of a decompression bomb, without allocating one in the test."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------
# clean_image: pure


def test_gps_and_camera_exif_are_stripped_and_image_resized() -> None:
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    result = clean_image(source, LIMITS)

    assert (result.format, result.extension) == ("JPEG", "jpg")
    assert (result.width, result.height) == (400, 267)
    stored = Image.open(io.BytesIO(result.content))
    assert stored.size == (400, 267)
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert b"GPS" not in result.content
    assert "Камера".encode() not in result.content


def test_orientation_is_applied_before_the_exif_goes() -> None:
    # Orientation 6: the camera was turned; viewers rotate 90° clockwise.
    source = jpeg_with_gps(size=(800, 400), orientation=6)

    result = clean_image(source, LIMITS)

    stored = Image.open(io.BytesIO(result.content)).convert("RGB")
    assert stored.size == (200, 400)  # upright: portrait now
    assert dict(stored.getexif()) == {}
    # The blue marker of the top-left corner is now in the top-right corner.
    red, _green, blue = stored.getpixel((stored.width - 5, 5))
    assert blue > 200 and red < 60
    red, _green, blue = stored.getpixel((5, 5))
    assert red > 150 and blue < 80


@pytest.mark.parametrize(
    ("fmt", "extension", "mode"),
    [("PNG", "png", "RGB"), ("WEBP", "webp", "RGB"), ("PNG", "png", "RGBA")],
)
def test_png_and_webp_are_reencoded_in_their_format(fmt, extension, mode) -> None:
    result = clean_image(encoded(fmt, (900, 300), mode), LIMITS)
    stored = Image.open(io.BytesIO(result.content))
    assert (stored.format, result.extension) == (fmt, extension)
    assert stored.size == (400, 133)


def test_small_image_keeps_its_size() -> None:
    result = clean_image(encoded("PNG", (120, 80)), LIMITS)
    assert (result.width, result.height) == (120, 80)


def test_text_file_renamed_jpg_is_not_an_image() -> None:
    upload = SimpleUploadedFile("рисунок.jpg", "Это не картинка".encode(), "image/jpeg")
    with pytest.raises(ImageRejectedError, match="не является изображением"):
        clean_image(upload, LIMITS)


def test_truncated_jpeg_is_damaged() -> None:
    source = jpeg_with_gps()
    with pytest.raises(ImageRejectedError, match="повреждён или загружен не полностью"):
        clean_image(source[: len(source) // 2], LIMITS)


def test_truncated_png_is_damaged() -> None:
    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 60).save(buffer, "PNG")
    with pytest.raises(ImageRejectedError, match="повреждён"):
        clean_image(buffer.getvalue()[:-400], LIMITS)


def test_a_truncated_photo_stays_refused_after_a_pdf_was_built() -> None:
    """WeasyPrint lets Pillow load truncated images on import; building a
    document in the same process must not open the upload check."""
    from PIL import ImageFile

    from publications.documents.render import html_to_pdf

    assert html_to_pdf("<html lang='ru'><title>т</title><p>Проверка</p></html>")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    source = jpeg_with_gps()
    with pytest.raises(ImageRejectedError, match="повреждён или загружен не полностью"):
        clean_image(source[: len(source) // 2], LIMITS)


def test_dimensions_over_the_limit_are_refused_before_decoding() -> None:
    # 3000 × 3000 = 9 Mpx > 4 Mpx allowed, within Pillow's own limit.
    with pytest.raises(ImageRejectedError, match="не более 4 млн пикселей"):
        clean_image(png_header_only(3000, 3000), LIMITS)


def test_decompression_bomb_past_pillows_limit_is_refused() -> None:
    # 100 000 × 100 000: Pillow itself refuses at open; the message is ours.
    with pytest.raises(
        ImageRejectedError, match="слишком большое по размеру в пикселях"
    ):
        clean_image(png_header_only(100_000, 100_000), LIMITS)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_formats_are_refused(fmt) -> None:
    with pytest.raises(ImageRejectedError, match="допустимы JPEG, PNG или WebP"):
        clean_image(encoded(fmt), LIMITS)


def test_file_over_the_byte_limit_and_empty_file() -> None:
    with pytest.raises(ImageRejectedError) as error:
        clean_image(b"\xff" * (1024 * 1024 + 1), Limits(400, 1024 * 1024, 10**6))
    assert str(error.value) == (
        "Файл слишком большой: допускается не более 1\u00a0МБ. "
        "Уменьшите его или разделите на части."
    )
    with pytest.raises(ImageRejectedError) as error:
        clean_image(b"\xff" * (3 * 1024 * 1024), Limits(400, 2 * 1024 * 1024, 10**6))
    assert str(error.value) == (
        "Файл слишком большой (3\u00a0МБ): допускается не более 2\u00a0МБ. "
        "Уменьшите его или разделите на части."
    )
    with pytest.raises(ImageRejectedError, match="Файл пуст"):
        clean_image(b"", LIMITS)


def test_limits_come_from_settings(settings) -> None:
    settings.QP_EVALUATION = {"NOTE_IMAGE_MAX_EDGE": 100, "NOTE_IMAGE_MAX_PIXELS": 10}
    with pytest.raises(ImageRejectedError, match="пикселей"):
        clean_image(encoded("PNG", (5, 5)))
    settings.QP_EVALUATION = {"NOTE_IMAGE_MAX_EDGE": 100}
    assert clean_image(encoded("PNG", (300, 150))).width == 100


# --------------------------------------------------------------------------
# add_attachment: nothing is saved on refusal


@pytest.fixture
def note(db, django_user_model):
    organisation = OrganisationFactory(
        name="КГБУ СО «Комплексный центр «Ачинский»",
        short_name="КЦСОН «Ачинский»",
        district__name="Ачинский район",
    )
    campaign = DecadeCampaignFactory(organisations=[organisation])
    user = django_user_model.objects.create_user("achinsk", password="pw")
    user.groups.add(Group.objects.get_or_create(name=roles.INSTITUTION)[0])
    organisation.users.add(user)
    return notes.open_note(campaign, organisation, user), user


def stored_files() -> set[Path]:
    # Note images are private files (evaluation.files), outside MEDIA_ROOT.
    root = Path(settings.QP_PRIVATE_ROOT) / "notes"
    return (
        {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()
    )


def test_attachment_is_stored_clean_with_audit(note) -> None:
    note, user = note
    before = stored_files()
    upload = SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), "image/jpeg")

    attachment = notes.add_attachment(
        note,
        user,
        upload,
        caption="Рисунок Маши, 7 лет",
        alt_text="Дом и солнце",
        limits=LIMITS,
    )

    new = stored_files() - before
    assert len(new) == 1
    (path,) = new
    assert path.suffix == ".jpg" and "IMG_0001" not in path.name
    assert attachment.image.name.startswith("notes/")
    assert (attachment.width, attachment.height) == (400, 267)
    with Image.open(path) as stored:
        assert dict(stored.getexif()) == {}
    assert (
        AuditEvent.objects.filter(action="note.attachment_add", actor=user).count() == 1
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Это не картинка".encode(), "не является изображением"),
        (jpeg_with_gps()[:5000], "повреждён"),
        (png_header_only(100_000, 100_000), "слишком большое"),
        (png_header_only(3000, 3000), "слишком большое"),
    ],
    ids=["text-as-jpg", "truncated", "bomb", "too-many-pixels"],
)
def test_refused_upload_saves_nothing(note, content, message) -> None:
    note, user = note
    before = stored_files()
    upload = SimpleUploadedFile("рисунок.jpg", content, "image/jpeg")

    with pytest.raises(ImageRejectedError, match=message):
        notes.add_attachment(
            note, user, upload, caption="Рисунок", alt_text="Рисунок", limits=LIMITS
        )

    assert NoteAttachment.objects.count() == 0
    assert stored_files() == before
    assert not AuditEvent.objects.filter(action="note.attachment_add").exists()


def test_caption_and_alt_text_are_required(note) -> None:
    note, user = note
    upload = SimpleUploadedFile("a.png", encoded("PNG"), "image/png")
    with pytest.raises(notes.NoteError, match="подпись"):
        notes.add_attachment(
            note, user, upload, caption=" ", alt_text="Дом", limits=LIMITS
        )
    with pytest.raises(notes.NoteError, match="текстовое описание"):
        notes.add_attachment(
            note, user, upload, caption="Дом", alt_text="", limits=LIMITS
        )
    assert NoteAttachment.objects.count() == 0


def test_allowed_formats_constant_matches_the_message() -> None:
    assert set(images.ALLOWED_FORMATS) == {"JPEG", "PNG", "WEBP"}
