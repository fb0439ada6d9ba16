"""Download views of the documents: cached files, drafts for editors, 404s.

A document of something unpublished is 404 to the public; an editor gets a
draft marked «ПРОЕКТ», built afresh every time and never stored. A build
that fails is logged and answered with a Russian error page (status 500):
nothing is stored and no partial file is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.models import Campaign, CouncilDecision, Organisation
from evaluation.roles import is_editor

from . import background, printable, reports, store, word
from .render import DocumentError, html_to_pdf, render_html

logger = logging.getLogger("publications.documents")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _send(content: bytes, content_type: str, filename: str, *, draft: bool):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store" if draft else "public, max-age=3600"
    return response


def _failed(request: HttpRequest, error: DocumentError) -> HttpResponse:
    return render(
        request,
        "publications/documents/error.html",
        {"message": str(error)},
        status=500,
    )


def _deliver(
    request: HttpRequest,
    *,
    name: str | None,
    build: Callable[[], bytes],
    content_type: str,
    filename: str,
) -> HttpResponse:
    """Serve the stored document ``name`` (None: a draft, built and not kept)."""
    try:
        content = build() if name is None else store.cached(name, build)
    except DocumentError as error:
        return _failed(request, error)
    except Exception:
        logger.exception("Document %s failed", filename)
        return _failed(
            request,
            DocumentError(
                "Не удалось сформировать документ. Ошибка записана в журнал; "
                "попробуйте позже или сообщите администратору."
            ),
        )
    return _send(content, content_type, filename, draft=name is None)


def _pdf(template: str, context: dict) -> tuple[str, Callable[[], bytes]]:
    html = render_html(template, context)
    return html, lambda: html_to_pdf(html)


def _results_version(publication, html: str) -> str:
    return f"v{publication.version}-{store.digest(html)}"


def build_results_report(
    campaign_id: int,
    extension: str,
    *,
    progress: Callable[[str, int], None] = lambda _stage, _percent: None,
) -> str:
    """Build and store the published results report; return the stored name.

    The background task's work (:mod:`.background`); ``progress`` is told
    each stage with a rough percentage.
    """
    campaign = Campaign.objects.get(pk=campaign_id)
    publication = selectors.latest_publication(campaign)
    if publication is None:
        raise DocumentError(
            "Результаты кампании сняты с публикации: отчёт не сформирован."
        )
    progress("Сбор данных", 10)
    context = reports.results_report(campaign, draft=False)
    progress("Вёрстка", 35)
    html = render_html("publications/documents/results_report.html", context)
    name = store.document_name(
        "results", campaign.slug, _results_version(publication, html), extension
    )
    progress(f"Формирование файла {extension.upper()}", 50)
    if extension == "docx":
        build = lambda: word.results_report_docx(context)  # noqa: E731
    else:
        build = lambda: html_to_pdf(html)  # noqa: E731

    def built() -> bytes:
        content = build()
        progress("Сохранение", 95)
        return content

    store.cached(name, built)
    return name


def _in_background(
    request: HttpRequest,
    campaign: Campaign,
    publication,
    extension: str,
    content_type: str,
    filename: str,
) -> HttpResponse:
    """A large report: start or follow its build, or serve the stored file."""
    key = background.state_key("results", campaign.slug, publication.version, extension)
    state = background.get_state(key)
    retry = request.GET.get("retry", "")
    # The request that starts a build answers with the progress page, even
    # when a task backend without a queue has finished it meanwhile.
    started = state is None or (
        state["status"] == background.FAILED and retry.isdigit()
    )
    if state is None:
        state = background.start(key, "results", campaign.pk, extension)
    elif started:
        state = background.retry(key, int(retry), "results", campaign.pk, extension)
    if state["status"] == background.DONE and not started:
        content = background.read(state)
        if content is None:  # the stored file was removed: build it again
            background.forget(key)
            state = background.start(key, "results", campaign.pk, extension)
        elif request.GET.get("wait"):
            return render(
                request,
                "publications/documents/ready.html",
                {"file_url": request.path, "filename": filename},
            )
        else:
            return _send(content, content_type, filename, draft=False)
    if state["status"] == background.FAILED:
        return render(
            request,
            "publications/documents/error.html",
            {
                "message": state["message"],
                "retry_url": f"{request.path}?retry={state['attempt']}&wait=1",
            },
            status=500,
        )
    return render(
        request,
        "publications/documents/progress.html",
        {
            "state": state,
            "filename": filename,
            "refresh_url": f"{request.path}?wait=1",
            "refresh_seconds": background.REFRESH_SECONDS,
        },
        status=202,
    )


@require_safe
def results_report(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """``documents/campaigns/<slug>/report.pdf|.docx``: the results report.

    A published report of more than :func:`.background.threshold`
    organisations is built by a background task (see :mod:`.background`).
    """
    campaign = get_object_or_404(Campaign, slug=slug, kind=CampaignKind.NOK)
    publication = selectors.latest_publication(campaign)
    draft = publication is None
    if draft and not is_editor(request.user):
        raise Http404("Результаты кампании не опубликованы")
    suffix = "-proekt" if draft else f"-v{publication.version}"
    filename = f"nok-{campaign.slug}{suffix}.{extension}"
    content_type = DOCX if extension == "docx" else PDF
    if (
        not draft
        and selectors.published_results(campaign).count() > background.threshold()
    ):
        return _in_background(
            request, campaign, publication, extension, content_type, filename
        )
    context = reports.results_report(campaign, draft=draft)
    html, build_pdf = _pdf("publications/documents/results_report.html", context)
    if extension == "docx":
        build = lambda: word.results_report_docx(context)  # noqa: E731
    else:
        build = build_pdf
    return _deliver(
        request,
        name=None
        if draft
        else store.document_name(
            "results", campaign.slug, _results_version(publication, html), extension
        ),
        build=build,
        content_type=content_type,
        filename=filename,
    )


@require_safe
def organisation_card(
    request: HttpRequest, slug: str, organisation_slug: str
) -> HttpResponse:
    """``documents/campaigns/<slug>/organisations/<org>.pdf``: the card."""
    campaign = get_object_or_404(
        selectors.published_campaigns(CampaignKind.NOK), slug=slug
    )
    organisation = get_object_or_404(
        Organisation.objects.select_related("district"),
        slug=organisation_slug,
        is_active=True,
    )
    context = reports.organisation_card(organisation, campaign)
    if context["card"].result is None:
        raise Http404("У организации нет опубликованных результатов в этой кампании")
    html, build = _pdf("publications/documents/organisation_card.html", context)
    version = f"v{context['publication'].version}-{store.digest(html)}"
    return _deliver(
        request,
        name=store.document_name(
            "cards", f"{campaign.slug}/{organisation.slug}", version, "pdf"
        ),
        build=build,
        content_type=PDF,
        filename=f"{organisation.slug}-{campaign.slug}.pdf",
    )


@require_safe
def council_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """``documents/decisions/<pk>.pdf``: a council decision with number and date."""
    decision = get_object_or_404(
        CouncilDecision.objects.select_related("campaign", "organisation"), pk=pk
    )
    draft = not decision.is_published
    if draft and not is_editor(request.user):
        raise Http404("Решение не опубликовано")
    context = {
        "title": f"Решение общественного совета № {decision.number}",
        "decision": decision,
        "draft": draft,
    }
    html, build = _pdf("publications/documents/decision.html", context)
    return _deliver(
        request,
        name=None
        if draft
        else store.document_name(
            "decisions", str(decision.pk), store.digest(html), "pdf"
        ),
        build=build,
        content_type=PDF,
        filename=f"reshenie-{decision.pk}{'-proekt' if draft else ''}.pdf",
    )


@require_safe
def questionnaire(request: HttpRequest, code: str, large: bool = False) -> HttpResponse:
    """``documents/anketa/<code>.pdf`` (``-large.pdf``): the paper questionnaire."""
    organisation = get_object_or_404(Organisation, code=code, is_active=True)
    context = printable.questionnaire_context(request, organisation, large=large)
    html, build = _pdf("publications/documents/questionnaire.html", context)
    variant = "large" if large else "a4"
    return _deliver(
        request,
        name=store.document_name(
            "questionnaires",
            f"{organisation.slug}/{context['question_set'].label.replace('@', '-v')}",
            f"{variant}-{store.digest(html)}",
            "pdf",
        ),
        build=build,
        content_type=PDF,
        filename=f"anketa-{organisation.slug}{'-krupnyj-shrift' if large else ''}.pdf",
    )


@require_safe
def sector_report(request: HttpRequest, slug: str, extension: str) -> HttpResponse:
    """``documents/campaigns/<slug>/sector-report.pdf|.docx``: for editors only.

    An internal document of the ministry (reports of 1 February and 1 March):
    built on every request, as the states change with the day, and not kept.
    """
    if not is_editor(request.user):
        raise Http404("Отчёт доступен только редакторам")
    campaign = get_object_or_404(Campaign, slug=slug)
    context = reports.sector_report(campaign, timezone.localdate())
    if extension == "docx":
        build, content_type = (lambda: word.sector_report_docx(context)), DOCX
    else:
        _html, build = _pdf("publications/documents/sector_report.html", context)
        content_type = PDF
    return _deliver(
        request,
        name=None,
        build=build,
        content_type=content_type,
        filename=f"otchet-{campaign.slug}-{context['today']:%Y-%m-%d}.{extension}",
    )


@require_safe
def decade_results(request: HttpRequest, slug: str) -> HttpResponse:
    """``documents/decades/<slug>.pdf``: the results of a published Декада."""
    campaign = get_object_or_404(
        selectors.published_campaigns(CampaignKind.DECADE), slug=slug
    )
    context = reports.decade_results(campaign)
    if not context["published"]:
        raise Http404("Итоги Декады не опубликованы")
    html, build = _pdf("publications/documents/decade_results.html", context)
    return _deliver(
        request,
        name=store.document_name("decades", campaign.slug, store.digest(html), "pdf"),
        build=build,
        content_type=PDF,
        filename=f"dekada-{campaign.slug}.pdf",
    )


@require_safe
def journal_material(request: HttpRequest, slug: str) -> HttpResponse:
    """``documents/campaigns/<slug>/journal.docx``: material for the journal.

    Public, as it holds only published figures; 404 until the results are
    published. Built on every request (the plans' states change with the day,
    and the document is small), never kept.
    """
    campaign = get_object_or_404(Campaign, slug=slug, kind=CampaignKind.NOK)
    if selectors.latest_publication(campaign) is None:
        raise Http404("Результаты кампании не опубликованы")
    context = reports.journal_material(campaign, timezone.localdate())
    return _deliver(
        request,
        name=None,
        build=lambda: word.journal_material_docx(context),
        content_type=DOCX,
        filename=f"zhurnal-{campaign.slug}-v{context['publication'].version}.docx",
    )
