"""HTML → PDF through WeasyPrint (imported only when a PDF is built)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.template.loader import render_to_string

logger = logging.getLogger("publications.documents")

#: Fonts with Cyrillic that the document stylesheet names (Debian's
#: fonts-dejavu-core; WeasyPrint embeds the subset it uses).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


class DocumentError(RuntimeError):
    """A document could not be built; the message is Russian."""


def render_html(template: str, context: dict) -> str:
    """The document's HTML (the same ``ru_format`` filters as the pages)."""
    return render_to_string(template, context)


def _weasyprint():
    """Import WeasyPrint without its process-wide change to Pillow.

    On import WeasyPrint sets ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES``, which
    would let every later upload of a truncated photo pass
    :func:`evaluation.images.clean_image` in this process; the flag is put
    back (the documents embed only images that check has passed).
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF of ``html``: its ``<title>`` and ``lang`` become metadata.

    Raises:
        DocumentError: WeasyPrint or its system libraries (Pango) are missing,
            or the layout failed.
    """
    try:
        weasyprint = _weasyprint()
    except (ImportError, OSError) as error:
        logger.exception("WeasyPrint is not available")
        raise DocumentError(
            "Не удалось сформировать PDF: на сервере не установлена библиотека "
            "WeasyPrint или её системные пакеты (Pango). Сообщите администратору."
        ) from error
    try:
        return weasyprint.HTML(string=html, base_url=str(FONT_DIR)).write_pdf(
            pdf_tags=True
        )
    except Exception as error:  # any layout failure is reported
        logger.exception("PDF layout failed")
        raise DocumentError(
            "Не удалось сформировать PDF: ошибка вёрстки документа. "
            "Ошибка записана в журнал; сообщите администратору."
        ) from error
