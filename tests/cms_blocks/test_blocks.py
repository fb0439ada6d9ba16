"""Live-data blocks: raw value → clean (errors) → render (markup) → API shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail import blocks

from cms_blocks.blocks import (
    CalloutBlock,
    CriterionChartBlock,
    DecadeResultsBlock,
    DistributionChartBlock,
    DocumentListBlock,
    PlanTableBlock,
    RatingTableBlock,
    SubmissionsTrackerBlock,
    TargetIndicatorsBlock,
    TrendChartBlock,
)
from cms_blocks.formatting import format_number, format_score
from evaluation import selectors
from evaluation.enums import CampaignKind, CampaignStatus, MeasureStatus, PlanStatus
from evaluation.models import Campaign, Measure, Submission, TargetIndicatorValue
from publications.models import DocumentKind, PortalDocument

pytestmark = pytest.mark.django_db


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(str(html), "html.parser")


def render(block, raw, request, page=None):
    value = block.to_python(raw)
    return soup(block.render(value, context={"request": request, "page": page}))


def clean_errors(block, raw) -> dict:
    with pytest.raises(blocks.StructBlockValidationError) as caught:
        block.clean(block.to_python(raw))
    return caught.value.block_errors


# ------------------------------------------------------------------ clean()


def test_blocks_reject_the_wrong_kind_of_campaign(published_region) -> None:
    nok, decade = published_region.latest, published_region.decade
    rating = {"campaign": decade.pk, "per_page": 25, "allow_filters": True}
    assert "campaign" in clean_errors(RatingTableBlock(), rating)
    plan = {"campaign": decade.pk, "per_page": 30}
    assert "campaign" in clean_errors(PlanTableBlock(), plan)
    assert "campaign" in clean_errors(
        DecadeResultsBlock(), {"campaign": nok.pk, "per_page": 30}
    )
    chart = {"scope": "region", "campaign": decade.pk}
    assert "campaign" in clean_errors(CriterionChartBlock(), chart)
    # The right kinds pass.
    RatingTableBlock().clean(
        RatingTableBlock().to_python({**rating, "campaign": nok.pk})
    )
    DecadeResultsBlock().clean(
        DecadeResultsBlock().to_python({"campaign": decade.pk, "per_page": 30})
    )


def test_scoped_charts_require_their_subject(published_region) -> None:
    campaign = published_region.latest.pk
    errors = clean_errors(
        CriterionChartBlock(), {"scope": "organisation", "campaign": campaign}
    )
    assert list(errors) == ["organisation"]
    assert "Выберите организацию" in str(errors["organisation"].messages)
    errors = clean_errors(TrendChartBlock(), {"scope": "district"})
    assert list(errors) == ["district"]
    assert list(clean_errors(TrendChartBlock(), {"scope": "kind"})) == ["kind"]


def test_target_years_and_callout_links_are_checked() -> None:
    errors = clean_errors(
        TargetIndicatorsBlock(), {"first_year": 2020, "last_year": 2018}
    )
    assert list(errors) == ["last_year"]
    errors = clean_errors(
        CalloutBlock(),
        {"title": "Декада", "text": "Анкета", "link_url": "https://example.ru/"},
    )
    assert list(errors) == ["link_text"]


# --------------------------------------------------------------- rating table


def test_rating_table_sorts_filters_paginates_and_links_cards(
    published_region, rf
) -> None:
    region = published_region
    raw = {
        "campaign": region.latest.pk,
        "per_page": 10,
        "show_criteria": True,
        "allow_filters": True,
    }
    request = rf.get("/", {"sort": "total", "order": "asc", "page": "2"})
    html = render(RatingTableBlock(), raw, request, region.results_page)

    ordered = list(
        selectors.published_results(region.latest).order_by(
            "total", "organisation__short_name"
        )
    )
    rows = html.select("tbody tr")
    assert len(rows) == len(ordered) - 10  # the second page holds the rest
    names = [row.th.get_text(strip=True) for row in rows]
    assert names == [r.organisation.short_name for r in ordered[10:]]
    first_link = rows[0].th.a["href"]
    assert first_link == region.directory.card_url(
        ordered[10].organisation, region.latest
    )
    sorted_header = html.find("th", attrs={"aria-sort": True})
    assert sorted_header["aria-sort"] == "ascending"
    assert "Итоговый балл" in sorted_header.get_text()
    assert format_number(ordered[10].total, 2) in rows[0].get_text()
    current = html.select_one('nav.pagination a[aria-current="page"]')
    assert current.get_text(strip=True) == "Страница2"
    assert current["href"].startswith("?sort=total&order=asc&page=2")

    district = ordered[0].organisation.district
    request = rf.get("/", {"district": district.slug})
    html = render(RatingTableBlock(), raw, request, region.results_page)
    expected = {
        r.organisation.short_name
        for r in ordered
        if r.organisation.district_id == district.pk
    }
    assert {row.th.get_text(strip=True) for row in html.select("tbody tr")} == expected


def test_rating_table_api_matches_the_publication(published_region, rf) -> None:
    region = published_region
    block = RatingTableBlock()
    value = block.to_python(
        {
            "campaign": region.latest.pk,
            "per_page": 5,
            "show_criteria": True,
            "allow_filters": True,
        }
    )
    api = block.get_api_representation(value, context={"request": rf.get("/")})
    results = list(selectors.published_results(region.latest))
    assert api["count"] == len(results)
    assert api["pages"] == -(-len(results) // 5)
    assert api["published"] is True
    assert api["campaign"]["slug"] == region.latest.slug
    top = api["rows"][0]
    assert set(top) == {"rank", "organisation", "k1", "k2", "k3", "k4", "k5", "total"}
    assert top["total"] == str(results[0].total)
    assert top["organisation"]["slug"] == results[0].organisation.slug


def test_rating_table_empty_states(published_region, rf) -> None:
    unpublished = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2025,
        title="НОК 2025",
        slug="nok-2025",
        period_start="2025-03-01",
        period_end="2025-10-31",
        status=CampaignStatus.COLLECTING,
    )
    raw = {"campaign": unpublished.pk, "per_page": 25, "allow_filters": True}
    html = render(RatingTableBlock(), raw, rf.get("/"))
    assert "ещё не опубликованы" in html.get_text()
    assert html.find("table") is None
    raw = {
        "campaign": published_region.latest.pk,
        "per_page": 25,
        "allow_filters": True,
    }
    html = render(
        RatingTableBlock(), raw, rf.get("/", {"district": "no-such-district"})
    )
    assert "Нет организаций" in html.get_text()


# ---------------------------------------------------------------------- charts


def test_criterion_chart_of_an_organisation_against_the_region(
    published_region, rf
) -> None:
    region = published_region
    result = selectors.published_results(region.latest).first()
    raw = {
        "scope": "organisation",
        "campaign": region.latest.pk,
        "organisation": result.organisation.pk,
    }
    html = render(CriterionChartBlock(), raw, rf.get("/"))
    svg = html.find("svg")
    assert svg["role"] == "img"
    assert svg.find("title").get_text().startswith("Баллы по критериям")
    body = html.select("table tbody tr")
    assert len(body) == 5
    mean = selectors.aggregates(region.latest)["region"]["k1"].mean
    cells = [td.get_text() for td in body[0].find_all("td")]
    assert cells == [format_score(result.k1), format_score(mean)]
    assert html.find("a", download=True)["href"].startswith("data:text/csv")

    block = CriterionChartBlock()
    api = block.get_api_representation(block.to_python(raw))
    assert api["series"]["values"][0] == str(result.k1)
    assert api["series"]["region_mean"][0] == str(mean)
    assert api["table"]["columns"][0] == "Показатель"


def test_distribution_counts_every_total(published_region, rf) -> None:
    raw = {"campaign": published_region.latest.pk, "bin_width": "10"}
    html = render(DistributionChartBlock(), raw, rf.get("/"))
    counts = [int(row.find("td").get_text()) for row in html.select("table tbody tr")]
    assert sum(counts) == len(published_region.organisations)
    block = DistributionChartBlock()
    api = block.get_api_representation(block.to_python(raw))
    assert len(api["series"]["totals"]) == len(published_region.organisations)


def test_trend_chart_shows_each_published_year(published_region, rf) -> None:
    html = render(TrendChartBlock(), {"scope": "region"}, rf.get("/"))
    years = [row.th.get_text() for row in html.select("table tbody tr")]
    assert years == [str(c.year) for c in published_region.campaigns]
    block = TrendChartBlock()
    api = block.get_api_representation(block.to_python({"scope": "region"}))
    means = [p["value"] for p in api["series"]["points"]]
    expected = [
        str(selectors.aggregates(c)["region"]["total"].mean)
        for c in published_region.campaigns
    ]
    assert means == expected


def test_two_charts_on_one_page_get_distinct_ids(published_region, rf) -> None:
    request = rf.get("/")
    raw = {"scope": "region", "campaign": published_region.latest.pk}
    first = render(CriterionChartBlock(), raw, request)
    second = render(CriterionChartBlock(), raw, request)
    assert first.find("svg")["aria-labelledby"] != second.find("svg")["aria-labelledby"]


# ---------------------------------------------------------------- plans, targets


def test_plan_table_shows_progress_overdue_and_only_approved_plans(
    published_region, rf
) -> None:
    region = published_region
    measures = Measure.objects.filter(plan__campaign=region.latest)
    draft_plan = measures.first().plan
    draft_plan.status = PlanStatus.DRAFT
    draft_plan.save()
    overdue = (
        measures.filter(plan__status=PlanStatus.APPROVED)
        .exclude(status=MeasureStatus.DONE)
        .first()
    )
    overdue.planned_date = overdue.planned_date.replace(year=2020)
    overdue.save()
    approved = measures.filter(plan__status=PlanStatus.APPROVED)
    raw = {"campaign": region.latest.pk, "per_page": 200, "only_overdue": False}
    html = render(PlanTableBlock(), raw, rf.get("/"), region.results_page)
    rows = html.select("table.data-table--plan tbody tr")
    assert len(rows) == approved.count()
    shown = {row.find("td").get_text(strip=True) for row in rows}
    assert draft_plan.organisation.short_name not in shown
    assert len(shown) == approved.values("plan").distinct().count()
    done = approved.filter(status=MeasureStatus.DONE).count()
    assert html.find("progress")["value"] == str(done)
    assert html.find("progress")["max"] == str(approved.count())
    assert "Просрочено" in html.get_text()

    block = PlanTableBlock()
    only = block.to_python({**raw, "only_overdue": True})
    api = block.get_api_representation(only)
    today = timezone.localdate()
    expected = {
        m.pk
        for m in approved
        if m.status != MeasureStatus.DONE and m.planned_date < today
    }
    assert overdue.pk in expected
    assert {row["id"] for row in api["rows"]} == expected
    assert all(row["overdue"] for row in api["rows"])
    assert api["percent_done"] == 100 * done // approved.count()


def test_target_indicators_table_marks_achievement(rf, db) -> None:
    from evaluation.models import TargetIndicator

    indicator = TargetIndicator.objects.create(title="Доля сайтов с анкетой", unit="%")
    TargetIndicatorValue.objects.create(
        indicator=indicator, year=2016, planned=Decimal("70"), actual=Decimal("72.4")
    )
    TargetIndicatorValue.objects.create(
        indicator=indicator, year=2017, planned=Decimal("90"), actual=Decimal("88.1")
    )
    html = render(TargetIndicatorsBlock(), {}, rf.get("/"))
    text = html.get_text(" ")
    assert "72,4" in text and "88,1" in text
    assert [b.get_text() for b in html.select(".badge")] == [
        "достигнут",
        "не достигнут",
    ]
    block = TargetIndicatorsBlock()
    api = block.get_api_representation(block.to_python({"first_year": 2017}))
    assert api["years"] == [2017]
    assert api["indicators"][0]["values"] == [
        {"year": 2017, "planned": "90.00", "actual": "88.10", "achieved": False}
    ]


# --------------------------------------------------------- Декада and tracker


def test_decade_results_show_sample_adequacy_and_hide_unpublished(
    published_region, rf
) -> None:
    region = published_region
    raw = {"campaign": region.decade.pk, "per_page": 50}
    html = render(DecadeResultsBlock(), raw, rf.get("/"), region.decade_page)
    overview = selectors.decade_overview(region.decade)
    rows = html.select("table.data-table:not(.data-table--compact) tbody tr")
    assert len(rows) == len(overview.summaries)
    badges = html.select("tbody .badge")
    adequate = sum(1 for s in overview.summaries.values() if s.sample.adequate)
    assert sum(b.get_text() == "выборка достаточна" for b in badges) == adequate
    block = DecadeResultsBlock()
    api = block.get_api_representation(block.to_python(raw))
    assert api["counted"] == overview.counted
    assert len(api["region"]) == 11  # the opinion questions

    Campaign.objects.filter(pk=region.decade.pk).update(status=CampaignStatus.REVIEW)
    html = render(DecadeResultsBlock(), raw, rf.get("/"))
    assert "ещё не опубликованы" in html.get_text()
    assert block.get_api_representation(block.to_python(raw))["published"] is False


def test_submissions_tracker_counts_every_owed_document(published_region, rf) -> None:
    decade = published_region.decade
    raw = {"campaign": decade.pk, "per_page": 100}
    html = render(SubmissionsTrackerBlock(), raw, rf.get("/"))
    owed = Submission.objects.filter(campaign=decade).count()
    assert len(html.select("tbody .badge")) == owed
    block = SubmissionsTrackerBlock()
    api = block.get_api_representation(block.to_python(raw))
    assert sum(api["counts"].values()) == owed
    assert (
        len(api["rows"])
        == Submission.objects.filter(campaign=decade)
        .values("organisation")
        .distinct()
        .count()
    )


def test_document_list_renders_metadata_and_api(db, rf) -> None:
    document = PortalDocument.objects.create(
        title="О проведении оценки",
        file=ContentFile(b"%PDF-1.4 demo", name="order.pdf"),
        kind=DocumentKind.ORDER,
        number="215-од",
        issued_on="2024-02-12",
    )
    raw = {"title": "Документы", "documents": [document.pk]}
    html = render(DocumentListBlock(), raw, rf.get("/"))
    link = html.find("a")
    assert link["href"] == document.url
    assert "№\u00a0215-од" in html.get_text()
    assert "12\u00a0февраля\u00a02024\u00a0г." in html.get_text()
    block = DocumentListBlock()
    api = block.get_api_representation(block.to_python(raw))
    assert api["documents"][0]["number"] == "215-од"
    assert api["documents"][0]["issued_on"] == "2024-02-12"
    assert api["documents"][0]["file_extension"] == "pdf"
