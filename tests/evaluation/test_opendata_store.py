"""Open-data files are streamed, and kept once per publication version."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import selectors
from evaluation.files import private_storage
from evaluation.models import IndicatorInput, Organisation
from evaluation.nok import services
from evaluation.opendata import exports
from evaluation.opendata.registry import get_dataset
from evaluation.opendata.store import stored_name

pytestmark = pytest.mark.django_db


def download(client, slug: str, fmt: str, campaign: str | None = None):
    url = reverse("evaluation-api:dataset-download", kwargs={"slug": slug, "fmt": fmt})
    response = client.get(url + (f"?campaign={campaign}" if campaign else ""))
    assert response.status_code == 200
    return response


def stored(slug: str, fmt: str, campaign: str | None = None) -> str:
    name = stored_name(get_dataset(slug).table(campaign=campaign), fmt)
    assert name is not None
    return name


def test_a_second_download_reads_the_stored_file(published_region, client) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    name = stored("results", "csv", campaign.slug)
    assert name.startswith(f"opendata/results/{campaign.slug}/v{publication.version}-")
    assert name.endswith(".csv")
    storage = private_storage()
    assert not storage.exists(name)

    first = download(client, "results", "csv", campaign.slug)
    assert isinstance(first, FileResponse)
    assert first.streaming
    body = first.getvalue()
    assert storage.exists(name)
    with storage.open(name, "rb") as file:
        assert file.read() == body
    built_at = storage.get_modified_time(name)

    with CaptureQueriesContext(connection) as captured:
        again = download(client, "results", "csv", campaign.slug)
        assert again.getvalue() == body
    tables = " ".join(query["sql"].lower() for query in captured)
    assert "publishedresult" not in tables
    assert storage.get_modified_time(name) == built_at


def test_a_new_publication_version_gives_a_new_file(published_region, client) -> None:
    campaign = published_region.latest
    inputs = IndicatorInput.objects.filter(campaign=campaign).first()
    old_name = stored("results", "json", campaign.slug)
    before = json.loads(download(client, "results", "json", campaign.slug).getvalue())
    old_row = next(r for r in before if r["organisation_id"] == inputs.organisation_id)

    inputs.premises_access = 0
    inputs.service_access = 0
    inputs.comfort_conditions = 0
    inputs.save()
    services.recompute_campaign(campaign)
    working = campaign.results.get(organisation=inputs.organisation).total
    assert str(working) != old_row["total"]
    corrected = services.publish_campaign(campaign, note="Исправление")

    new_name = stored("results", "json", campaign.slug)
    assert new_name != old_name
    assert f"/v{corrected.version}-" in new_name
    after = json.loads(download(client, "results", "json", campaign.slug).getvalue())
    row = next(r for r in after if r["organisation_id"] == inputs.organisation_id)
    assert row["total"] == str(working)
    assert row["publication_version"] == 2
    assert private_storage().exists(new_name)


def test_a_renamed_organisation_gives_a_new_register_file(
    published_region, client
) -> None:
    old_name = stored("organisations", "csv")
    download(client, "organisations", "csv")
    organisation = Organisation.objects.filter(is_active=True).first()
    organisation.short_name = "ГБУ «Переименованный центр»"
    organisation.save()
    new_name = stored("organisations", "csv")
    assert new_name != old_name
    body = download(client, "organisations", "csv").getvalue()
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
    names = {row[header.index("Краткое наименование")] for row in rows}
    assert "ГБУ «Переименованный центр»" in names


def test_live_datasets_are_not_stored(published_region, client) -> None:
    campaign = published_region.latest
    assert (
        stored_name(get_dataset("measures").table(campaign=campaign.slug), "csv")
        is None
    )
    response = download(client, "measures", "csv", campaign.slug)
    assert isinstance(response, FileResponse)
    assert not private_storage().exists(f"opendata/measures/{campaign.slug}")


def test_the_dump_streams_and_states_the_row_counts(published_region, client) -> None:
    campaign = published_region.latest
    response = client.get(
        reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})
    )
    assert isinstance(response, FileResponse)
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    readme = archive.read("README.txt").decode("utf-8")
    assert (
        "results.csv, results.xlsx — Результаты независимой оценки качества "
        "(строк: 12)" in readme
    )
    with private_storage().open(stored("results", "xlsx", campaign.slug)) as file:
        assert archive.read("results.xlsx") == file.read()


def test_writers_stream_rows_from_a_generator() -> None:
    columns = (exports.Column("n", "Номер", exports.ColumnType.INTEGER),)
    pulled = []

    def rows():
        for n in range(3):
            pulled.append(n)
            yield {"n": n}

    buffer = io.BytesIO()
    assert (
        exports.write_to(buffer, "json", columns, rows(), title="т", sheet_name="т")
        == 3
    )
    assert json.loads(buffer.getvalue()) == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert pulled == [0, 1, 2]
    buffer = io.BytesIO()
    count = exports.write_to(
        buffer, "xlsx", columns, iter([]), title="т", sheet_name="т"
    )
    assert count == 0
    assert buffer.getvalue().startswith(b"PK")
