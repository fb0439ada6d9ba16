"""Indexing on change: the apps' signals reach the index after commit only.

These run on the configured backend of the test settings (the database).
"""

from __future__ import annotations

import datetime as dt

import pytest

from evaluation.enums import CampaignKind, PlanStatus
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImprovementPlan,
    Measure,
    Organisation,
)
from search import service
from search.backends.base import SearchQuery

pytestmark = pytest.mark.django_db


def found(text: str) -> list[str]:
    return [hit.id for hit in service.search(SearchQuery(text=text)).hits]


@pytest.fixture(autouse=True)
def empty_index(db):
    service.get_backend().clear()


@pytest.fixture
def organisation(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        district = District.objects.create(name="Ачинский район", slug="achinsk")
        return Organisation.objects.create(
            name="Ачинский дом-интернат для граждан пожилого возраста",
            short_name="Ачинский ДИ",
            slug="achinsk-di",
            code="ACH-DI",
            kind="residential_home",
            district=district,
        )


@pytest.fixture
def campaign(db):
    return Campaign.objects.create(
        kind=CampaignKind.NOK,
        title="НОК 2024",
        slug="nok-2024",
        year=2024,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )


def test_organisation_is_indexed_after_commit_only(django_capture_on_commit_callbacks):
    district = District.objects.create(name="Емельяновский район", slug="emelyanovo")
    with django_capture_on_commit_callbacks() as callbacks:
        Organisation.objects.create(
            name="Комплексный центр социального обслуживания населения «Емельяновский»",
            short_name="КЦСОН Емельяновский",
            slug="emel",
            code="EMEL",
            kind="complex_centre",
            district=district,
        )
        assert found("емельяновский") == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(found("емельяновский")) == 1


def test_changes_are_reindexed_and_facets_follow(organisation):
    assert found("дом-интернат") == [f"organisation:{organisation.pk}"]
    results = service.search(SearchQuery())
    assert {b.value: b.label for b in results.facets["district"]} == {
        "achinsk": "Ачинский район"
    }


def test_rolled_back_changes_never_reach_the_index(
    organisation, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                organisation.name = "Переименованная организация"
                organisation.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert found("переименованная") == []


def test_plan_approval_and_measure_deletion(
    organisation, campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan = ImprovementPlan.objects.create(
            organisation=organisation, campaign=campaign, year=2025
        )
        measure = Measure.objects.create(
            plan=plan,
            criterion="K3",
            indicator_code="3.1",
            deficiency="Нет пандуса",
            action="Установить пандус у входа",
            planned_date=dt.date(2025, 6, 1),
            responsible_name="Иванов И. И.",
            responsible_position="директор",
        )
    assert found("пандус") == []
    with django_capture_on_commit_callbacks(execute=True):
        plan.status = PlanStatus.APPROVED
        plan.save()
    assert found("пандус") == [f"measure:{measure.pk}"]
    hit = service.search(SearchQuery(text="пандус")).hits[0]
    assert hit.url == ""  # no live organisation directory in this test
    with django_capture_on_commit_callbacks(execute=True):
        measure.delete()
    assert found("пандус") == []


def test_deleting_an_organisation_removes_it(
    organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert found("дом-интернат") == []


def test_decision_publication(campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = CouncilDecision.objects.create(
            number="3",
            decided_on=dt.date(2025, 2, 1),
            title="Об итогах оценки",
            text="Рекомендовать организациям устранить недостатки",
            campaign=campaign,
        )
    assert found("недостатки") == []
    with django_capture_on_commit_callbacks(execute=True):
        decision.is_published = True
        decision.save()
    assert found("недостатки") == [f"decision:{decision.pk}"]
    with django_capture_on_commit_callbacks(execute=True):
        decision.delete()
    assert found("недостатки") == []


def test_pages_follow_publishing(django_capture_on_commit_callbacks):
    from publications.models import HomePage, StandardPage

    home = HomePage.objects.first()
    page = StandardPage(
        title="Доступная среда", slug="dostupnaya-sreda", lead="Пандусы и поручни"
    )
    home.add_child(instance=page)
    page.save_revision()
    assert found("поручни") == []
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert found("поручни") == [f"page:{page.pk}"]
    hit = service.search(SearchQuery(text="поручни")).hits[0]
    assert hit.url.endswith("/dostupnaya-sreda/")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert found("поручни") == []


def test_rebuild_indexes_published_data_only(published_region):
    from evaluation.models import Measure

    count = service.rebuild()
    results = service.search(SearchQuery(page_size=100))
    assert results.total == count > 0
    kinds = {bucket.value: bucket.count for bucket in results.facets["kind"]}
    assert kinds["organisation"] == Organisation.objects.filter(is_active=True).count()
    public_measures = Measure.objects.filter(plan__status=PlanStatus.APPROVED).count()
    assert kinds.get("measure", 0) == public_measures
    hidden = Measure.objects.exclude(plan__status=PlanStatus.APPROVED)
    indexed = {
        hit.id
        for hit in service.search(SearchQuery(kinds=("measure",), page_size=100)).hits
    }
    assert not {f"measure:{m.pk}" for m in hidden} & indexed
    organisation = published_region.organisations[0]
    hit = next(
        h
        for h in service.search(
            SearchQuery(kinds=("organisation",), page_size=100)
        ).hits
        if h.id == f"organisation:{organisation.pk}"
    )
    assert hit.url.startswith(published_region.directory.url)
    assert hit.document.score is not None
    assert hit.document.score_band


def _pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` in Helvetica (Latin letters only)."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def test_documents_with_pdf_text(django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from publications.models import PortalDocument

    with django_capture_on_commit_callbacks(execute=True):
        document = PortalDocument.objects.create(
            title="Отчёт о доступной среде",
            kind="report",
            number="15-о",
            description="Итоги обследования зданий",
            file=ContentFile(
                _pdf("Wheelchair ramp installed at the entrance"), "ramp.pdf"
            ),
        )
    assert found("wheelchair") == [f"document:{document.pk}"]
    assert found("обследование") == [f"document:{document.pk}"]
    results = service.search(SearchQuery(text="отчёт"))
    assert {b.value: b.label for b in results.facets["doc_type"]} == {"report": "Отчёт"}
    with django_capture_on_commit_callbacks(execute=True):
        document.delete()
    assert found("wheelchair") == []
