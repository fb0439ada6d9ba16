"""A visitor downloads each document from its link in Chromium.

Every public document kind, from the link on its page: the results report
(PDF, DOCX; a large one through its progress page), the journal material,
the organisation card, the printable questionnaire (A4 and large print), the
Декада results and a council decision; then the sector report, which is for
editors only, from the campaign's page in «Ход кампаний».
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection

from evaluation import selectors
from evaluation.formatting import format_number
from evaluation.models import CouncilDecision
from publications.models import CouncilPage
from tests.factories.region import build_region
from tests.portal_site.test_browser_a11y import home_site
from tests.portal_site.test_empty_install_nok_browser import login
from tests.publications.test_documents import flat, pdf_text

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_region(home_site):
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return build_region(organisations=6, responses=120)


def _download(page, link, tmp_path: Path, wait_for=None) -> tuple[str, bytes]:
    with page.expect_download(timeout=120_000) as info:
        link.click()
        if wait_for is not None:
            wait_for()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_documents_download_from_their_links(
    site_region, browser_page, live_server, tmp_path, settings
) -> None:
    import docx

    region = site_region
    campaign = region.latest
    page = browser_page
    page.goto(f"{live_server.url}{region.results_page.url}")
    downloads = page.locator("p.downloads")
    name, content = _download(
        page, downloads.get_by_role("link", name="Скачать PDF"), tmp_path
    )
    assert name == f"nok-{campaign.slug}-v1.pdf"
    mean = selectors.aggregates(campaign)["region"]["total"].mean
    assert f"Средний итоговый балл по краю {flat(format_number(mean, 2))}" in (
        pdf_text(content)
    )
    name, content = _download(
        page,
        downloads.get_by_role("link", name="Материал для журнала (DOCX)"),
        tmp_path,
    )
    assert name == f"zhurnal-{campaign.slug}-v1.docx"
    journal = docx.Document(io.BytesIO(content))
    assert journal.tables and journal.paragraphs[0].style.name == "Title"
    assert f"Средний итоговый балл по краю — {format_number(mean, 2)} из 100." in (
        journal.paragraphs[2].text
    )

    # A large report: the link leads to the progress page, which reloads
    # itself until the background task has stored the file, then downloads it.
    settings.QP_DOCUMENT_BACKGROUND_ORGANISATIONS = 1
    name, content = _download(
        page,
        downloads.get_by_role("link", name="Скачать DOCX"),
        tmp_path,
        wait_for=lambda: page.get_by_role(
            "heading", name="Документ готовится"
        ).wait_for(),
    )
    assert name == f"nok-{campaign.slug}-v1.docx"
    assert docx.Document(io.BytesIO(content)).tables
    page.get_by_role("heading", name="Документ готов").wait_for()
    settings.QP_DOCUMENT_BACKGROUND_ORGANISATIONS = 300

    organisation = selectors.published_results(campaign).first().organisation
    page.goto(f"{live_server.url}{region.directory.card_url(organisation, campaign)}")
    name, content = _download(
        page,
        page.locator("p.downloads").get_by_role("link", name="Скачать PDF"),
        tmp_path,
    )
    assert name == f"{organisation.slug}-{campaign.slug}.pdf"
    assert organisation.short_name in pdf_text(content)

    # The printable questionnaire, A4 and large print, from the same card.
    card_links = page.locator("header p.muted")
    for link_name, suffix in (
        ("Скачать PDF", ""),
        ("крупный шрифт", "-krupnyj-shrift"),
    ):
        name, content = _download(
            page, card_links.get_by_role("link", name=link_name), tmp_path
        )
        assert name == f"anketa-{organisation.slug}{suffix}.pdf"
        assert (
            f"Заполнить анкету на портале: {live_server.url}/q/{organisation.code}/"
            in pdf_text(content)
        )

    # The Декада results.
    decade = region.decade
    page.goto(f"{live_server.url}{region.decade_page.url}")
    name, content = _download(
        page,
        page.locator("p.downloads").get_by_role("link", name="Скачать PDF"),
        tmp_path,
    )
    assert name == f"dekada-{decade.slug}.pdf"
    text = pdf_text(content)
    assert flat(f"Итоги Декады качества: {decade.title}") in text
    assert "Темы пояснительных записок" in text

    # A council decision, from the council's page.
    decision = CouncilDecision.objects.filter(is_published=True).order_by("pk").first()
    page.goto(f"{live_server.url}{CouncilPage.objects.get().url}")
    name, content = _download(
        page,
        page.locator(f"#decision-{decision.pk}").get_by_role(
            "link", name="Скачать PDF"
        ),
        tmp_path,
    )
    assert name == f"reshenie-{decision.pk}.pdf"
    assert f"Решение № {decision.number}" in pdf_text(content)

    # The sector report, from the campaign's page in «Ход кампаний» (editors).
    get_user_model().objects.create_superuser("editor", "e@example.ru", "пароль-1")
    login(page, live_server, "editor", "пароль-1")
    page.goto(
        f"{live_server.url}{reverse('qp_campaign_lifecycle', args=[campaign.pk])}"
    )
    documents = page.locator("section[aria-labelledby=qp-documents]")
    today = timezone.localdate()
    for link, extension in (("Скачать PDF", "pdf"), ("Скачать DOCX", "docx")):
        name, content = _download(
            page, documents.get_by_role("link", name=link), tmp_path
        )
        assert name == f"otchet-{campaign.slug}-{today:%Y-%m-%d}.{extension}"
    assert flat(f"Отчёт о ходе кампании «{campaign.title}»") in pdf_text(
        (tmp_path / f"otchet-{campaign.slug}-{today:%Y-%m-%d}.pdf").read_bytes()
    )
    headings = [
        p.text
        for p in docx.Document(io.BytesIO(content)).paragraphs
        if p.style.name == "Heading 1"
    ]
    assert headings[-2:] == ["Сроки кампании", "Документы учреждений"]
