"""The demo region: plausible, complete, deterministic and loaded once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from evaluation import selectors
from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImprovementPlan,
    MeasureReport,
    Organisation,
    Submission,
    SurveyResponse,
    TargetIndicatorValue,
)
from tests.factories.caches import forget_caches

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def _demo_loaded(django_db_setup, django_db_blocker):
    """The demo region, loaded once for the class in an outer transaction.

    Each test's own transaction is a savepoint inside it and is rolled back as
    usual, so every test starts from the freshly loaded demo; the outer
    transaction is rolled back after the class (as ``SharedRegion`` does).
    """
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # the harness's block, for durable=True
        atomic.__enter__()
        try:
            call_command(
                "load_demo_data", "--organisations", "60", "--responses", "600"
            )
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            forget_caches()


@pytest.fixture
def demo(_demo_loaded, db):
    forget_caches()  # what an earlier test cached from rows now rolled back


class TestDemoRegion:
    """The three tests of the loaded demo share one load (about 10 s)."""

    def test_demo_region_fills_every_part_of_the_model(self, demo) -> None:
        assert Organisation.objects.count() == 60
        assert District.objects.count() >= 10
        kinds = set(Organisation.objects.values_list("kind", flat=True))
        assert {OrganisationKind.COMPLEX_CENTRE, OrganisationKind.USZN_OFFICE} <= kinds
        nok = Campaign.objects.filter(kind=CampaignKind.NOK).order_by("year")
        assert [c.year for c in nok] == [2022, 2023, 2024]
        for campaign in nok:
            results = selectors.published_results(campaign)
            assert results.count() == 60
            assert results.filter(rank=1).exists()
        decade = Campaign.objects.get(kind=CampaignKind.DECADE)
        assert 500 <= SurveyResponse.objects.filter(campaign=decade).count() <= 600
        assert Submission.objects.filter(campaign=decade).exists()
        assert ImprovementPlan.objects.exists() and MeasureReport.objects.exists()
        assert TargetIndicatorValue.objects.exists()
        assert CouncilDecision.objects.exists()

    def test_demo_is_loaded_once(self, demo, capsys) -> None:
        before = (Organisation.objects.count(), SurveyResponse.objects.count())
        call_command("load_demo_data")
        assert "уже загружены" in capsys.readouterr().out
        assert (Organisation.objects.count(), SurveyResponse.objects.count()) == before

    def test_demo_builds_a_complete_public_section(self, demo, client) -> None:
        from wagtail.models import Page

        from publications.models import HomePage

        home = HomePage.objects.get()
        titles = [p.title for p in home.get_children().live()]
        assert "Независимая оценка качества" in titles and "Организации" in titles
        for url in ("/", "/ocenka/", "/ocenka/nok-2024/", "/ocenka/decade-2024/"):
            assert client.get(url).status_code == 200, url
        pages = Page.objects.count()
        call_command("load_demo_data")
        assert Page.objects.count() == pages  # the tree is built once

        for child in home.get_children():
            child.delete()
        call_command("load_demo_data")
        assert home.get_children().live().count() == len(titles)


def test_national_scale_preset_is_offered() -> None:
    from portal_site.management.commands.load_demo_data import SCALES

    assert SCALES["national"].organisations == 20_000
    assert SCALES["national"].responses == 1_000_000


def test_demo_admin_credentials_are_printed(capsys) -> None:
    call_command("ensure_demo_admin")
    out = capsys.readouterr().out
    assert "логин: admin" in out and "пароль:" in out
