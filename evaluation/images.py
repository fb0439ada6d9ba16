"""Validation and normalisation of uploaded images (children's drawings, photos).

Every accepted upload is decoded with Pillow and re-encoded: the stored file
is never the bytes the user sent. On the way the image is checked to be a
real, complete JPEG, PNG or WebP within size and pixel limits (a guard
against decompression bombs), turned upright by its EXIF orientation, shrunk
to a maximum edge and written back without any metadata (EXIF, GPS, XMP,
comments). Errors carry a Russian message for the person who uploaded.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from evaluation.conf import evaluation_settings
from evaluation.exceptions import EvaluationError
from evaluation.uploads import check_upload_size

#: Pillow format name → (stored extension, Russian name).
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ALLOWED_TEXT = "JPEG, PNG или WebP"


class ImageRejectedError(EvaluationError):
    """The upload is not an acceptable image; the message says why, in Russian."""


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded image ready to store.

    Attributes:
        content: The encoded bytes, without metadata.
        format: Pillow's format name (``"JPEG"``, ``"PNG"``, ``"WEBP"``).
        extension: File extension for that format, without the dot.
        width: Width in pixels after orientation and resizing.
        height: Height in pixels.
    """

    content: bytes
    format: str
    extension: str
    width: int
    height: int


@dataclass(frozen=True)
class Limits:
    """Upload limits; defaults from the ``QP_EVALUATION`` settings."""

    max_edge: int
    max_bytes: int
    max_pixels: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_edge=evaluation_settings.NOTE_IMAGE_MAX_EDGE,
            max_bytes=evaluation_settings.NOTE_IMAGE_MAX_BYTES,
            max_pixels=evaluation_settings.NOTE_IMAGE_MAX_PIXELS,
        )


def _read(upload: IO[bytes] | bytes, max_bytes: int) -> bytes:
    if isinstance(upload, bytes):
        data = upload
    else:
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)
    if not data:
        raise ImageRejectedError("Файл пуст: выберите изображение.")
    check_upload_size(len(data), max_bytes, error=ImageRejectedError)
    return data


def clean_image(upload: IO[bytes] | bytes, limits: Limits | None = None) -> CleanImage:
    """Validate an uploaded image and return a clean, resized copy.

    Raises:
        ImageRejectedError: the file is empty, too large, not an image, of a
            format other than JPEG/PNG/WebP, has too many pixels, or is
            damaged or truncated.
    """
    limits = limits or Limits.from_settings()
    data = _read(upload, limits.max_bytes)
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit, raises) on huge images;
        # both are refusals here, before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(limits) from None
        except UnidentifiedImageError:
            raise ImageRejectedError(
                f"Файл не является изображением: загрузите рисунок или фотографию "
                f"в формате {ALLOWED_TEXT}."
            ) from None
        except (OSError, ValueError, SyntaxError):
            raise _damaged() from None
        with image:
            if image.format not in ALLOWED_FORMATS:
                raise ImageRejectedError(
                    f"Формат {image.format or 'файла'} не поддерживается: "
                    f"допустимы {ALLOWED_TEXT}."
                )
            width, height = image.size
            if width < 1 or height < 1 or width * height > limits.max_pixels:
                raise _too_many_pixels(limits)
            image_format = image.format
            try:
                image.load()
                image = _normalise(image, limits.max_edge)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _too_many_pixels(limits) from None
            except (OSError, ValueError, SyntaxError, EOFError):
                raise _damaged() from None
            content = _encode(image, image_format)
            return CleanImage(
                content=content,
                format=image_format,
                extension=ALLOWED_FORMATS[image_format],
                width=image.width,
                height=image.height,
            )


def _normalise(image: Image.Image, max_edge: int) -> Image.Image:
    """Upright (EXIF orientation applied), first frame, shrunk, no metadata."""
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    upright = ImageOps.exif_transpose(image)
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = upright.mode in ("P", "PA") and "transparency" in upright.info
        upright = upright.convert(
            "RGBA" if has_alpha or upright.mode.endswith("A") else "RGB"
        )
    if max(upright.size) > max_edge:
        upright.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    # A fresh image: nothing of the original's info (exif, xmp, comments,
    # icc profile, dpi) travels to the stored file.
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    return clean


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif image_format == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=85, method=4)
    return buffer.getvalue()


def _too_many_pixels(limits: Limits) -> ImageRejectedError:
    megapixels = f"{limits.max_pixels / 1_000_000:.1f}".replace(".", ",")
    return ImageRejectedError(
        "Изображение слишком большое по размеру в пикселях: допускается не более "
        f"{megapixels.removesuffix(',0')} млн пикселей. Уменьшите его и загрузите снова."
    )


def _damaged() -> ImageRejectedError:
    return ImageRejectedError(
        "Файл изображения повреждён или загружен не полностью: сохраните его "
        "заново и загрузите ещё раз."
    )
