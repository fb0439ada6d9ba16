"""A visitor downloads each document from its link in Chromium."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from wagtail.models import Collection

from evaluation import selectors
from evaluation.formatting import format_number
from tests.factories.region import build_region
from tests.portal_site.test_browser_a11y import home_site
from tests.publications.test_documents import flat, pdf_text

__all__ = ["home_site"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site_region(home_site):
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return build_region(organisations=6, responses=120)


def _download(page, link, tmp_path: Path) -> tuple[str, bytes]:
    with page.expect_download() as info:
        link.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_documents_download_from_their_links(
    site_region, browser_page, live_server, tmp_path
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
        page, downloads.get_by_role("link", name="Скачать DOCX"), tmp_path
    )
    assert name == f"nok-{campaign.slug}-v1.docx"
    assert docx.Document(io.BytesIO(content)).tables

    organisation = selectors.published_results(campaign).first().organisation
    page.goto(f"{live_server.url}{region.directory.card_url(organisation, campaign)}")
    name, content = _download(
        page,
        page.locator("p.downloads").get_by_role("link", name="Скачать PDF"),
        tmp_path,
    )
    assert name == f"{organisation.slug}-{campaign.slug}.pdf"
    assert organisation.short_name in pdf_text(content)
