"""A published Декада version keeps one summary row per organisation; the card
reads its own row, not the version's JSON of every organisation (#27)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation import selectors
from evaluation.decade import summary as decade
from evaluation.models import (
    DecadeVersion,
    DecadeVersionSummary,
    Organisation,
    Publication,
)

pytestmark = pytest.mark.django_db

ROWS_TABLE = "qp_evaluation_decadeversionsummary"
WHOLE_JSON = '"qp_evaluation_decadeversion"."summaries"'


def _latest(region) -> DecadeVersion:
    return DecadeVersion.objects.get(publication__campaign=region.decade)


def test_publishing_writes_one_row_per_organisation_equal_to_the_json(
    published_region,
) -> None:
    version = _latest(published_region)
    rows = dict(
        DecadeVersionSummary.objects.filter(version=version).values_list(
            "organisation_id", "summary"
        )
    )
    assert len(rows) == published_region.decade.organisations.count() > 0
    assert rows == {int(pk): data for pk, data in version.summaries.items()}


def test_the_summary_is_read_from_its_own_row_in_one_query(published_region) -> None:
    campaign = published_region.decade
    organisation = campaign.organisations.order_by("pk").first()
    expected = decade.summary_from_json(
        _latest(published_region).summaries[str(organisation.pk)]
    )
    with CaptureQueriesContext(connection) as ctx:
        summary = selectors.decade_summary(campaign, organisation)
    assert summary == expected
    assert len(ctx.captured_queries) == 1
    sql = ctx.captured_queries[0]["sql"]
    assert ROWS_TABLE in sql
    assert f'"organisation_id" = {organisation.pk}' in sql
    assert WHOLE_JSON not in sql


def test_the_latest_version_s_row_wins(published_region) -> None:
    campaign = published_region.decade
    organisation = campaign.organisations.order_by("pk").first()
    first = _latest(published_region)
    data = dict(first.summaries[str(organisation.pk)], counted=7)
    second = DecadeVersion.objects.create(
        publication=Publication.objects.create(
            campaign=campaign, version=2, note="Исправление"
        ),
        summaries={str(organisation.pk): data},
    )
    DecadeVersionSummary.objects.create(
        version=second, organisation=organisation, summary=data
    )
    assert selectors.decade_summary(campaign, organisation).counted == 7
    # An organisation the latest version lacks is computed live, as before.
    other = campaign.organisations.exclude(pk=organisation.pk).order_by("pk").first()
    assert not DecadeVersionSummary.objects.filter(
        version=second, organisation=other
    ).exists()
    with CaptureQueriesContext(connection) as ctx:
        selectors.decade_summary(campaign, other)
    assert len(ctx.captured_queries) > 1


def test_the_card_reads_one_row_and_counts_no_organisations(
    published_region, client
) -> None:
    region = published_region
    organisation = region.decade.organisations.order_by("pk").first()
    url = region.directory.card_url(organisation)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    row_reads = [sql for sql in sqls if ROWS_TABLE in sql]
    assert len(row_reads) == 1
    assert f'"organisation_id" = {organisation.pk}' in row_reads[0]
    assert not [sql for sql in sqls if WHOLE_JSON in sql]
    # The directory's own content (a COUNT of every active organisation for
    # its paginator) is not rendered on a card.
    assert not [
        sql
        for sql in sqls
        if "COUNT(" in sql and 'FROM "qp_evaluation_organisation"' in sql
    ]


def test_the_data_migration_splits_versions_published_before(published_region) -> None:
    version = _latest(published_region)
    expected = {int(pk): data for pk, data in version.summaries.items()}
    some = Organisation.objects.get(pk=max(expected))
    DecadeVersionSummary.objects.all().delete()
    # A deleted organisation's summary stays in the JSON but gets no row.
    version.summaries = {**version.summaries, "999999": version.summaries[str(some.pk)]}
    version.save(update_fields=["summaries"])
    migration = importlib.import_module(
        "evaluation.migrations.0033_decade_version_summary_rows"
    )
    migration.split_summaries(apps, None)
    rows = dict(
        DecadeVersionSummary.objects.filter(version=version).values_list(
            "organisation_id", "summary"
        )
    )
    assert rows == expected
