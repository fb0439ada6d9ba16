"""QR codes that lead to an organisation's card, for stands and printed matter.

The code holds the absolute URL of the organisation's stable card (its latest
published campaign), so a printed code keeps working after every new
assessment. A second code leads to the organisation's online questionnaire
(its short link ``/q/<code>/``, which always opens the campaign open now).
"""

from __future__ import annotations

import io

import segno
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms_blocks.formatting import quote
from evaluation.models import Organisation

from .widgets import absolute_card_url, public_organisation

#: Error correction: "M" survives a stained or creased print (15 %); segno
#: raises it further when that costs no extra modules.
ERROR_LEVEL = "m"
#: Quiet zone in modules, as ISO/IEC 18004 requires.
BORDER = 4
#: SVG module size in millimetres: a typical card URL gives a 37–45 mm square.
SVG_MODULE_MM = 1
PNG_SCALE_DEFAULT, PNG_SCALE_MIN, PNG_SCALE_MAX = 10, 1, 40
PNG_DPI = 300
BAD_SCALE = "Масштаб QR-кода (scale) должен быть целым числом от {low} до {high}."
QR_MAX_AGE = 60 * 60 * 24


def card_qr(url: str) -> segno.QRCode:
    """The QR code of a card URL (the one place its parameters are chosen)."""
    return segno.make(url, error=ERROR_LEVEL)


def qr_title(organisation: Organisation) -> str:
    return f"QR-код карточки организации {quote(organisation.short_name)}"


def qr_svg(url: str, title: str) -> bytes:
    """Standalone SVG of the code, sized in millimetres for print."""
    buffer = io.BytesIO()
    card_qr(url).save(
        buffer,
        kind="svg",
        scale=SVG_MODULE_MM,
        unit="mm",
        border=BORDER,
        title=title,
        desc=f"Ссылка: {url}",
        xmldecl=True,
        encoding="utf-8",
    )
    return buffer.getvalue()


def qr_png(url: str, scale: int) -> bytes:
    """PNG of the code: ``scale`` pixels per module, marked 300 dpi for print."""
    buffer = io.BytesIO()
    card_qr(url).save(buffer, kind="png", scale=scale, border=BORDER, dpi=PNG_DPI)
    return buffer.getvalue()


def _card_url(request: HttpRequest, slug: str) -> tuple[Organisation, str]:
    organisation = public_organisation(slug)
    url = absolute_card_url(request, organisation)
    if url is None:
        raise Http404("Каталог организаций не опубликован")
    return organisation, url


def _parse_scale(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return PNG_SCALE_DEFAULT
    if not raw.isascii() or not raw.isdigit():
        return None
    scale = int(raw)
    return scale if PNG_SCALE_MIN <= scale <= PNG_SCALE_MAX else None


def _download(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _svg_response(url: str, title: str, filename: str) -> HttpResponse:
    response = HttpResponse(
        qr_svg(url, title), content_type="image/svg+xml; charset=utf-8"
    )
    return _download(response, f"{filename}.svg")


def _png_response(request: HttpRequest, url_of, filename: str) -> HttpResponse:
    """The PNG at ``?scale=N``; ``url_of()`` returns (organisation, URL)."""
    scale = _parse_scale(request.GET.get("scale"))
    organisation, url = url_of()
    if scale is None:
        return HttpResponseBadRequest(
            BAD_SCALE.format(low=PNG_SCALE_MIN, high=PNG_SCALE_MAX),
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(qr_png(url, scale), content_type="image/png")
    return _download(
        response, f"{filename.format(slug=organisation.slug)}-x{scale}.png"
    )


@require_safe
@cache_control(public=True, max_age=QR_MAX_AGE)
def qr_svg_view(request: HttpRequest, slug: str) -> HttpResponse:
    """``qr/<slug>.svg``: the card's QR code as SVG."""
    organisation, url = _card_url(request, slug)
    return _svg_response(url, qr_title(organisation), f"qr-{organisation.slug}")


@require_safe
@cache_control(public=True, max_age=QR_MAX_AGE)
def qr_png_view(request: HttpRequest, slug: str) -> HttpResponse:
    """``qr/<slug>.png?scale=N``: the card's QR code as PNG, N px per module."""
    return _png_response(request, lambda: _card_url(request, slug), "qr-{slug}")


def _questionnaire_url(request: HttpRequest, code: str) -> tuple[Organisation, str]:
    organisation = get_object_or_404(Organisation, code=code, is_active=True)
    path = reverse("publications:questionnaire", kwargs={"code": organisation.code})
    return organisation, request.build_absolute_uri(path)


def questionnaire_qr_title(organisation: Organisation) -> str:
    return f"QR-код анкеты для оценки организации {quote(organisation.short_name)}"


@require_safe
@cache_control(public=True, max_age=QR_MAX_AGE)
def questionnaire_qr_svg_view(request: HttpRequest, code: str) -> HttpResponse:
    """``q/<code>/qr.svg``: the questionnaire's QR code as SVG."""
    organisation, url = _questionnaire_url(request, code)
    return _svg_response(
        url, questionnaire_qr_title(organisation), f"qr-anketa-{organisation.slug}"
    )


@require_safe
@cache_control(public=True, max_age=QR_MAX_AGE)
def questionnaire_qr_png_view(request: HttpRequest, code: str) -> HttpResponse:
    """``q/<code>/qr.png?scale=N``: the questionnaire's QR code as PNG."""
    return _png_response(
        request, lambda: _questionnaire_url(request, code), "qr-anketa-{slug}"
    )
