"""What each document shows, read through the selectors the pages use."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cms_blocks import svg
from cms_blocks.formatting import format_date
from evaluation import selectors
from evaluation.deadlines import SubmissionState
from evaluation.enums import Criterion, MeasureStatus, OrganisationKind
from evaluation.formatting import criterion_label
from evaluation.models import (
    Campaign,
    District,
    Organisation,
    Publication,
    Result,
)
from evaluation.rating import Aggregate, aggregate
from evaluation.selectors import CRITERIA_FIELDS

CRITERIA = (("k1", "K1"), ("k2", "K2"), ("k3", "K3"), ("k4", "K4"), ("k5", "K5"))


@dataclass(frozen=True)
class RatingLine:
    """One organisation's line of the ranking table."""

    rank: int | None
    name: str
    district: str
    kind: str
    k1: Decimal | None
    k2: Decimal | None
    k3: Decimal | None
    k4: Decimal | None
    k5: Decimal | None
    total: Decimal | None


@dataclass(frozen=True)
class GroupLine:
    """Averages of a district or a kind of organisation."""

    label: str
    figures: dict[str, Aggregate]


def _line(row: Any) -> RatingLine:
    organisation = row.organisation
    return RatingLine(
        rank=row.rank,
        name=organisation.short_name,
        district=organisation.district.name if organisation.district else "",
        kind=str(OrganisationKind(organisation.kind).label)
        if organisation.kind in OrganisationKind.values
        else organisation.kind,
        **{field: getattr(row, field) for field in CRITERIA_FIELDS},
    )


def _draft_groups(rows: list[Any], key) -> dict[str, dict[str, Aggregate]]:
    columns: dict[str, dict[str, list]] = defaultdict(
        lambda: {field: [] for field in CRITERIA_FIELDS}
    )
    for row in rows:
        for field in CRITERIA_FIELDS:
            columns[key(row)][field].append(getattr(row, field))
    return {
        group: {field: aggregate(values) for field, values in figures.items()}
        for group, figures in sorted(columns.items())
    }


def _draft_rows(campaign: Campaign) -> list[Result]:
    from django.db.models import F

    return list(
        Result.objects.filter(campaign=campaign)
        .select_related("organisation", "organisation__district")
        .order_by(F("rank").asc(nulls_last=True), "organisation__short_name", "pk")
    )


def _named(
    groups: dict[str, dict[str, Aggregate]], names: dict[str, str]
) -> list[GroupLine]:
    lines = [GroupLine(names.get(key, key), figures) for key, figures in groups.items()]
    return sorted(lines, key=lambda line: line.label)


def criteria_chart(
    region: dict[str, Aggregate], title: str, id_prefix: str
) -> svg.Chart:
    """The region's criterion means as the site's vector SVG chart."""
    return svg.criterion_chart(
        title=title,
        labels=[
            f"{criterion_label(code)} {Criterion(code).label}" for _f, code in CRITERIA
        ],
        values=[region[field].mean for field, _code in CRITERIA],
        value_label="Среднее по краю",
        id_prefix=id_prefix,
    )


def results_report(campaign: Campaign, *, draft: bool) -> dict[str, Any]:
    """The campaign results report: published figures, or a draft's current ones.

    Args:
        campaign: A НОК campaign.
        draft: Read the working results (``Result``) instead of the latest
            publication; the document is then marked «ПРОЕКТ».
    """
    publication: Publication | None = None
    if draft:
        rows = _draft_rows(campaign)
        region = _draft_groups(rows, lambda row: "region").get("region")
        by_district = _draft_groups(
            rows,
            lambda row: (
                row.organisation.district.slug if row.organisation.district else ""
            ),
        )
        by_kind = _draft_groups(rows, lambda row: row.organisation.kind)
    else:
        publication = selectors.latest_publication(campaign)
        rows = list(selectors.rating_rows(campaign))
        region = selectors.aggregates(campaign).get("region")
        by_district = selectors.aggregates(campaign, group_by="district")
        by_kind = selectors.aggregates(campaign, group_by="kind")
    region = region or {field: aggregate([]) for field in CRITERIA_FIELDS}
    districts = dict(District.objects.values_list("slug", "name"))
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    method, criteria = selectors.method_overview(campaign.method_version)
    plans = selectors.plan_rows(campaign=campaign, with_effects=False)
    plan_lines: dict[int, dict[str, Any]] = {}
    for row in plans.rows:
        plan = row.measure.plan
        line = plan_lines.setdefault(
            plan.pk,
            {
                "plan": plan,
                "organisation": plan.organisation,
                "measures": 0,
                "done": 0,
                "overdue": 0,
            },
        )
        line["measures"] += 1
        line["done"] += row.measure.status == MeasureStatus.DONE
        line["overdue"] += row.overdue
    return {
        "campaign": campaign,
        "publication": publication,
        "draft": draft,
        "title": f"Результаты независимой оценки качества: {campaign.title}",
        "method": method,
        "criteria": criteria,
        "rows": [_line(row) for row in rows],
        "region": region,
        "districts": _named(by_district, districts),
        "kinds": _named(by_kind, kinds),
        "chart": criteria_chart(
            region, f"Средние баллы по критериям, {campaign.title}", "report-criteria"
        ),
        "plans": sorted(
            plan_lines.values(), key=lambda line: line["organisation"].short_name
        ),
        "plans_total": plans,
    }


def organisation_card(organisation: Organisation, campaign: Campaign) -> dict[str, Any]:
    """The organisation card of one published campaign (the card page's selector)."""
    card = selectors.organisation_card(organisation, campaign)
    rows = []
    values = []
    if card.result is not None:
        for field, code in CRITERIA:
            value = getattr(card.result, field)
            values.append(value)
            rows.append(
                {
                    "code": code,
                    "label": str(Criterion(code).label),
                    "value": value,
                    "region": card.region[field].mean,
                    "district": card.district[field].mean,
                    "kind": card.kind[field].mean,
                }
            )
    chart = None
    if card.result is not None:
        chart = svg.criterion_chart(
            title=f"Баллы по критериям: {organisation.short_name}, {campaign.year} год",
            labels=[
                f"{criterion_label(code)} {Criterion(code).label}"
                for _f, code in CRITERIA
            ],
            values=values,
            reference=[card.region[field].mean for field, _code in CRITERIA],
            value_label=organisation.short_name,
            reference_label="Среднее по краю",
            id_prefix="card-criteria",
        )
    return {
        "title": f"{organisation.short_name}: {campaign.title}",
        "organisation": organisation,
        "campaign": campaign,
        "card": card,
        "publication": card.result.publication if card.result else None,
        "criteria_rows": rows,
        "chart": chart,
        "draft": False,
    }


def sector_report(campaign: Campaign, today: date) -> dict[str, Any]:
    """The sector report (1 February, 1 March): what was done, when, what is overdue.

    The campaign's dated duties (:class:`~evaluation.models.Obligation`) and
    the documents each organisation owed (the submissions tracker), each
    with its deadline, the date it was done and its state on ``today``.
    """
    obligations = [
        {"item": item, "state": item.state(today)}
        for item in campaign.obligations.order_by("deadline", "code")
    ]
    tracker = selectors.submissions_tracker(campaign, today=today)
    labels = dict(tracker.kinds)
    submissions = [
        {
            "organisation": row.organisation,
            "kind": labels[kind],
            "item": submission,
            "state": state,
        }
        for row in tracker.rows
        for (kind, _label), (submission, state) in zip(
            tracker.kinds, row.cells, strict=True
        )
        if submission is not None
    ]
    overdue = [line for line in obligations if line["state"] == SubmissionState.OVERDUE]
    overdue_submissions = [
        line for line in submissions if line["state"] == SubmissionState.OVERDUE
    ]
    return {
        "title": f"Отчёт о ходе кампании «{campaign.title}» на {format_date(today)}",
        "campaign": campaign,
        "today": today,
        "obligations": obligations,
        "submissions": submissions,
        "overdue": overdue,
        "overdue_submissions": overdue_submissions,
        "counts": [(state.label, tracker.counts[state]) for state in tracker.counts],
        "draft": False,
    }


def decade_results(campaign: Campaign) -> dict[str, Any]:
    """A published Декада: the region's shares and every organisation's figures.

    The same data as the page's «Итоги Декады» block
    (:class:`cms_blocks.blocks.DecadeResultsBlock`), all rows on one page.
    """
    from cms_blocks.blocks import DecadeResultsBlock
    from cms_blocks.blocks.decade import HEADLINE_QUESTIONS

    block = DecadeResultsBlock()
    size = max(campaign.organisations.count(), 1)
    data = block.data(block.to_python({"campaign": campaign.pk, "per_page": size}))
    rows = (
        [
            {
                "organisation": organisation,
                "summary": summary,
                "headline": [summary.question(code) for code in HEADLINE_QUESTIONS],
            }
            for organisation, summary in data["page_obj"].object_list
        ]
        if data["published"]
        else []
    )
    return {
        **data,
        "title": f"Итоги Декады качества: {campaign.title}",
        "rows": rows,
        "themes": note_themes(campaign),
        "drawings": drawings(campaign),
        "draft": False,
    }


@dataclass(frozen=True)
class ThemeLine:
    """One theme of the explanatory notes: how many raised it, how often."""

    label: str
    organisations: int
    items: int
    mentions: int


def note_themes(campaign: Campaign) -> dict[str, Any]:
    """Themes of the submitted explanatory notes of a Декада, in the notes' order.

    Counts only (the remarks themselves are the institutions' working
    material): how many institutions raised each theme, in how many items,
    and how many times citizens raised it in all.
    """
    from django.db.models import Count, Sum

    from evaluation.decade.models.notes import NoteStatus, NoteTheme
    from evaluation.models import ExplanatoryNote, NoteItem

    submitted = ExplanatoryNote.objects.filter(
        campaign=campaign, status=NoteStatus.SUBMITTED
    )
    figures = {
        row["theme"]: row
        for row in NoteItem.objects.filter(note__in=submitted)
        .values("theme")
        .annotate(
            organisations=Count("note__organisation", distinct=True),
            items=Count("pk"),
            mentions=Sum("count"),
        )
    }
    lines = [
        ThemeLine(
            str(theme.label),
            figures[theme.value]["organisations"],
            figures[theme.value]["items"],
            figures[theme.value]["mentions"] or 0,
        )
        for theme in NoteTheme
        if theme.value in figures
    ]
    return {"notes": submitted.count(), "lines": lines}


#: Drawings in the Декада PDF at most (the gallery block's default).
DRAWINGS = 24


def drawings(campaign: Campaign) -> list[dict[str, Any]]:
    """The drawings an editor released for publication, as embeddable images.

    Only attachments in the gallery (``is_public``), which requires a recorded
    consent to publish (``consent``); nothing else from the notes is shown. Each image
    is read from the private storage into a ``data:`` URI (it was validated
    and re-encoded on upload, :mod:`evaluation.images`).
    """
    import base64
    import mimetypes

    from evaluation.decade.notes import public_gallery

    found = []
    for attachment in public_gallery(campaign, DRAWINGS):
        try:
            with attachment.image.open("rb") as file:
                content = file.read()
        except OSError:  # a file gone from the storage is left out
            continue
        kind = mimetypes.guess_type(attachment.image.name)[0] or "image/png"
        found.append(
            {
                "attachment": attachment,
                "organisation": attachment.note.organisation,
                "src": f"data:{kind};base64,{base64.b64encode(content).decode()}",
            }
        )
    return found


#: Organisations of each kind in the journal material's table.
JOURNAL_TOP = 3
#: Nearest due dates of unfinished measures in the journal material.
JOURNAL_DUE = 5


def journal_material(campaign: Campaign, today: date) -> dict[str, Any]:
    """Material on a published НОК campaign for the journal and the site.

    Seed 000 §3.5: the ministry prepares material for its site and the journal
    «Социальное развитие: Регион 24». Everything comes from the published
    selectors the results page reads: the region's figures, the best and the
    lowest total, the respondents of the published inputs, the best
    organisations of each kind, and the approved plans with their due dates.
    """
    publication = selectors.latest_publication(campaign)
    results = list(selectors.published_results(campaign))
    region = selectors.aggregates(campaign).get("region") or {
        field: aggregate([]) for field in CRITERIA_FIELDS
    }
    scored = [result for result in results if result.total is not None]
    best = max(scored, key=lambda result: result.total, default=None)
    lowest = min(scored, key=lambda result: result.total, default=None)
    respondents = sum(
        int(result.inputs_snapshot.get("respondents") or 0) for result in results
    )
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    by_kind: dict[str, list[Any]] = defaultdict(list)
    for result in sorted(
        scored, key=lambda result: (-result.total, result.organisation.short_name)
    ):
        by_kind[result.organisation.kind].append(result)
    top = [
        {
            "kind": kinds.get(kind, kind),
            "results": items[:JOURNAL_TOP],
        }
        for kind, items in sorted(
            by_kind.items(), key=lambda item: kinds.get(item[0], item[0])
        )
    ]
    plans = selectors.plan_rows(campaign=campaign, today=today, with_effects=False)
    pending = sorted(
        (row for row in plans.rows if row.measure.status != MeasureStatus.DONE),
        key=lambda row: (row.measure.planned_date, row.measure.plan.organisation_id),
    )
    return {
        "campaign": campaign,
        "publication": publication,
        "today": today,
        "title": f"Независимая оценка качества {campaign.year} года: итоги",
        "region": region,
        "best": best,
        "lowest": lowest,
        "respondents": respondents,
        "top": top,
        "plans": plans,
        "plan_count": len({row.measure.plan_id for row in plans.rows}),
        "due": pending[:JOURNAL_DUE],
        "last_due": max((row.measure.planned_date for row in pending), default=None),
    }
