"""PDF and DOCX documents: their text against the pages' figures, drafts, failures.

The PDFs are read back with pypdf (text, metadata, fonts); the DOCX files
with python-docx (headings, tables and their repeated header rows).
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.contrib.auth.models import Group

from evaluation import lifecycle, roles, selectors, services
from evaluation.enums import CampaignKind
from evaluation.formatting import format_number
from evaluation.models import Campaign, CouncilDecision
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.evaluation import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = "application/pdf"


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Whitespace (with no-break spaces) squeezed to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _user(django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(name, password="pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_results_report_pdf_has_the_pages_figures(published_region, client) -> None:
    campaign = published_region.latest
    response = client.get(f"/documents/campaigns/{campaign.slug}/report.pdf")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == PDF
    content = response.content
    text = flat(pdf_text(content))
    region = selectors.aggregates(campaign)["region"]
    page = client.get(published_region.results_page.url).content.decode()
    mean = format_number(region["total"].mean, 2)
    assert mean.replace("\u00a0", " ") in text
    assert mean in page
    for row in selectors.rating_rows(campaign):
        assert row.organisation.short_name in text
        assert f"{format_number(row.total, 2)}" in text
    open("/tmp/h/report.pdf", "wb").write(content)
