"""The shared published region: every test starts from the same fresh region.

The region is built once for consecutive tests (``tests/conftest.py``); these
tests check that what one test changes, in the database, in memory or in the
cache, does not reach the next one, and that tests without the fixture do not
see the region at all.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from evaluation.models import Organisation
from publications.models import CampaignResultsPage
from tests.factories.evaluation import OrganisationFactory

pytestmark = pytest.mark.django_db

_seen: dict[str, int] = {}


def test_a_test_changes_the_region_everywhere(published_region) -> None:
    region = published_region
    assert len(region.organisations) == 12
    _seen["campaign"] = region.latest.pk
    region.latest.title = "Изменено в памяти"
    OrganisationFactory(district=region.organisations[0].district)
    Organisation.objects.filter(pk=region.organisations[0].pk).update(
        short_name="Переименовано"
    )
    CampaignResultsPage.objects.filter(pk=region.results_page.pk).update(
        title="Изменено в базе"
    )
    cache.set("shared-region-probe", "осталось")
    assert Organisation.objects.count() == 13


def test_the_next_test_gets_the_region_as_built(published_region) -> None:
    region = published_region
    assert Organisation.objects.count() == 12
    assert len(region.organisations) == 12
    assert not Organisation.objects.filter(short_name="Переименовано").exists()
    assert region.latest.title != "Изменено в памяти"
    assert region.results_page.title != "Изменено в базе"
    assert CampaignResultsPage.objects.get(pk=region.results_page.pk).title == (
        region.results_page.title
    )
    assert cache.get("shared-region-probe") is None
    if "campaign" in _seen:
        # The same rows, read again: a new instance, not the changed one.
        assert region.latest.pk == _seen["campaign"]


def test_a_test_without_the_fixture_sees_no_region() -> None:
    assert not Organisation.objects.exists()
    assert not CampaignResultsPage.objects.exists()
