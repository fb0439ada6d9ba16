"""Lowercase Cyrillic finds organisations on every database.

SQLite's own ``LIKE`` folds only ASCII; ``evaluation.sqlite`` gives every
SQLite connection a Unicode-aware one. These tests run on SQLite and, in the
PostgreSQL pass of ``make test``, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from evaluation import selectors
from evaluation.admin.viewsets import OrganisationViewSet
from evaluation.models import Organisation
from evaluation.sqlite import like

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "expected"),
    [
        ("%кцсон%", "КЦСОН «Ачинский»", None, True),
        ("%ачинский%", "КЦСОН «Ачинский»", None, True),
        ("%ёлка%", "Центр «Ёлка»", None, True),
        ("кцсон", "КЦСОН «Ачинский»", None, False),
        ("к_сон%", "КЦСОН", None, True),
        ("%100\\%%", "скидка 100%", "\\", True),
        ("%100\\%%", "скидка 1000", "\\", False),
        ("a\\_b", "a_b", "\\", True),
        ("a\\_b", "axb", "\\", False),
        ("%канск%", None, None, None),
    ],
)
def test_like_folds_every_script(pattern, value, escape, expected) -> None:
    assert like(pattern, value, escape) is expected


def test_icontains_and_iexact_fold_cyrillic() -> None:
    from tests.factories.evaluation import OrganisationFactory

    organisation = OrganisationFactory(short_name="КЦСОН «Канский»")
    found = Organisation.objects.filter(short_name__icontains="канский")
    assert list(found) == [organisation]
    assert Organisation.objects.filter(short_name__iexact="кцсон «канский»").exists()
    assert not Organisation.objects.filter(short_name__icontains="ачинский").exists()


def test_directory_comparison_api_and_admin_find_lowercase(
    published_region, client, django_user_model
) -> None:
    region = published_region
    kansk = [o for o in region.organisations if "Канск" in o.short_name]
    assert kansk, [o.short_name for o in region.organisations]
    directory = selectors.organisation_directory(query="канск")
    assert set(directory) == set(kansk)
    assert selectors.organisation_directory(query="кцсон").exists()

    page = client.get(region.directory.url, {"q": "канск"}).content.decode()
    assert kansk[0].short_name in page
    compare = client.get(
        region.directory.compare_url([region.organisations[0].slug], region.latest),
        {"q": "канск"},
    ).content.decode()
    assert f"org={kansk[0].slug}" in compare

    api = client.get("/api/v1/organisations/", {"q": "канск"}).json()
    rows = api["results"] if isinstance(api, dict) else api
    assert {row["slug"] for row in rows} == {o.slug for o in kansk}

    admin = django_user_model.objects.create_superuser("ed", "ed@example.ru", "pw")
    client.force_login(admin)
    other = next(o for o in region.organisations if o not in kansk)
    for url in (
        reverse("qp_organisation_chooser:choose_results"),
        reverse(OrganisationViewSet().get_url_name("index")),
    ):
        listing = client.get(url, {"q": "канск"}).content.decode()
        assert kansk[0].short_name in listing, url
        assert other.short_name not in listing, url
