"""Region-wide consolidation of a Декада for РМЦ, written as XLSX.

Seed 000 §3.4: the methodological centre forms the sector's summary of the
Декада from every institution's and УСЗН office's summary (annex 2) and the
consolidated plan of measures from their plans (annex 3). The annexes'
tables are not in the text we have; the layout here follows the fields of
the summary form (:class:`evaluation.models.DecadeSummary` and the
``decade_summary`` import form) and of the plan form (``Measure``): title
rows, a two-level header with column numbers beneath it, a section per kind
of organisation with its subtotal, and the region's total.

Figures come from the summary an organisation sent; an organisation that sent
none but whose questionnaires are in the portal is summarised from them
(:func:`evaluation.decade.summary.summarise`), and one with neither is listed as
missing, so РМЦ sees who owes what.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.decade import summary as decade
from evaluation.decade.sample_bases import stored_bases
from evaluation.enums import (
    Criterion,
    IndicatorCode,
    MeasureStatus,
    OrganisationKind,
    SurveyChannel,
    SurveyKind,
)
from evaluation.models import Campaign, DecadeSummary, ImprovementPlan, Organisation
from evaluation.nok.selectors import decade_base
from evaluation.opendata.exports import neutralise

QUESTION_CODES = tuple(question.code for question in decade.QUESTIONS)

SOURCE_SUMMARY = "сводная информация"
SOURCE_RESPONSES = "анкеты портала"
SOURCE_MISSING = "не представлено"

INSTITUTIONS_TITLE = "Учреждения социального обслуживания"
USZN_TITLE = "Территориальные отделения КГКУ «УСЗН»"


# --------------------------------------------------------------------------
# The region-wide summary: data


@dataclass
class SummaryFigures:
    """Counts of one organisation, or sums over several.

    ``base_known`` and ``counted_with_base`` let a subtotal's sample share be
    pooled over the organisations whose base is known.
    """

    base: int | None = None
    questionnaires: int = 0
    external_territorial: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    yes: dict[str, int] = field(default_factory=dict)
    counted_with_base: int = 0

    @property
    def sample_share(self) -> Decimal | None:
        """``questionnaires ÷ base`` in percent (rounded half-up to 2 places),
        over organisations with a known base; ``None`` without one."""
        if not self.base:
            return None
        return decade._round_percent(Fraction(self.counted_with_base * 100, self.base))

    def add(self, other: SummaryFigures) -> None:
        if other.base is not None:
            self.base = (self.base or 0) + other.base
            self.counted_with_base += other.questionnaires
        self.questionnaires += other.questionnaires
        self.external_territorial += other.external_territorial
        for target, source in (
            (self.by_channel, other.by_channel),
            (self.by_kind, other.by_kind),
            (self.yes, other.yes),
        ):
            for key, value in source.items():
                target[key] = target.get(key, 0) + value


@dataclass(frozen=True)
class SummaryRow:
    """One organisation's line of the consolidated summary."""

    organisation: Organisation
    source: str
    figures: SummaryFigures

    @property
    def threshold(self) -> Decimal:
        return decade.sample_threshold(self.organisation.kind)


@dataclass(frozen=True)
class SummarySection:
    """Organisations of one kind (institutions or УСЗН offices) and their sum."""

    title: str
    rows: tuple[SummaryRow, ...]
    total: SummaryFigures


@dataclass(frozen=True)
class RegionSummary:
    """The consolidated summary of a Декада: sections and the region's total."""

    campaign: Campaign
    sections: tuple[SummarySection, ...]
    total: SummaryFigures

    @property
    def missing(self) -> list[Organisation]:
        return [
            row.organisation
            for section in self.sections
            for row in section.rows
            if row.source == SOURCE_MISSING
        ]


def _ints(mapping: object) -> dict[str, int]:
    if not isinstance(mapping, dict):
        return {}
    result: dict[str, int] = {}
    for key, value in mapping.items():
        if isinstance(value, int) and not isinstance(value, bool):
            result[str(key)] = value
    return result


def _from_model(
    summary: DecadeSummary, organisation: Organisation, bases=None
) -> SummaryFigures:
    base = (
        summary.base if summary.base is not None else decade_base(organisation, bases)
    )
    figures = SummaryFigures(
        base=base,
        questionnaires=summary.questionnaires,
        external_territorial=summary.external_territorial,
        by_channel=_ints(summary.by_channel),
        by_kind=_ints(summary.by_kind),
        yes=_ints(summary.yes),
    )
    if base is not None:
        figures.counted_with_base = figures.questionnaires
    return figures


def _from_responses(
    rows: Sequence[dict], organisation: Organisation, bases=None
) -> SummaryFigures:
    base = decade_base(organisation, bases)
    summary = decade.summarise(rows, organisation.kind, base)
    yes = {share.code: share.yes for share in summary.filters}
    yes.update({share.code: share.satisfied for share in summary.satisfaction})
    return SummaryFigures(
        base=base,
        questionnaires=summary.counted,
        external_territorial=summary.external_territorial,
        by_channel={str(k): v for k, v in summary.by_channel.items() if v},
        by_kind={str(k): v for k, v in summary.by_kind.items() if v},
        yes={code: value for code, value in yes.items() if value},
        counted_with_base=summary.counted if base is not None else 0,
    )


def region_summary(campaign: Campaign) -> RegionSummary:
    """Every organisation's summary of a Декада, by section, with totals."""
    summaries = {
        s.organisation_id: s for s in DecadeSummary.objects.filter(campaign=campaign)
    }
    organisations = {
        org.pk: org
        for org in Organisation.objects.filter(
            pk__in={*campaign.organisations.values_list("pk", flat=True), *summaries}
        ).select_related("district")
    }
    responses: dict[int, list[dict]] = {}
    for row in campaign.responses.exclude(organisation_id__in=summaries).values(
        "organisation_id",
        "answers",
        "channel",
        "kind",
        "external_territorial",
        "excluded",
        "suggestion",
    ):
        responses.setdefault(row.pop("organisation_id"), []).append(row)
    bases = stored_bases(campaign)

    def line(organisation: Organisation) -> SummaryRow:
        if organisation.pk in summaries:
            figures = _from_model(summaries[organisation.pk], organisation, bases)
            return SummaryRow(organisation, SOURCE_SUMMARY, figures)
        if organisation.pk in responses:
            figures = _from_responses(responses[organisation.pk], organisation, bases)
            return SummaryRow(organisation, SOURCE_RESPONSES, figures)
        return SummaryRow(organisation, SOURCE_MISSING, SummaryFigures(base=None))

    ordered = sorted(organisations.values(), key=lambda o: (o.short_name, o.pk))
    sections = []
    total = SummaryFigures()
    for title, wanted in (
        (INSTITUTIONS_TITLE, lambda o: o.kind != OrganisationKind.USZN_OFFICE),
        (USZN_TITLE, lambda o: o.kind == OrganisationKind.USZN_OFFICE),
    ):
        rows = tuple(line(org) for org in ordered if wanted(org))
        if not rows:
            continue
        subtotal = SummaryFigures()
        for row in rows:
            subtotal.add(row.figures)
        sections.append(SummarySection(title, rows, subtotal))
        for row in rows:
            total.add(row.figures)
    return RegionSummary(campaign, tuple(sections), total)


# --------------------------------------------------------------------------
# Sheet helpers

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)


@dataclass(frozen=True)
class HeaderColumn:
    """One column: its group (upper header row, merged), its label, its width."""

    label: str
    width: float
    group: str = ""


def _title_rows(sheet: Worksheet, lines: Sequence[str], width: int) -> int:
    """Title lines merged across the table; returns the next free row."""
    for index, text in enumerate(lines, start=1):
        sheet.cell(row=index, column=1, value=text).font = (
            _TITLE if index == 1 else Font(italic=index > 2)
        )
        sheet.cell(row=index, column=1).alignment = Alignment(
            horizontal="center", wrap_text=True
        )
        sheet.merge_cells(
            start_row=index, start_column=1, end_row=index, end_column=width
        )
    return len(lines) + 2


def _header(sheet: Worksheet, columns: Sequence[HeaderColumn], top: int) -> int:
    """Two header rows (groups merged across, single columns merged down) and
    a row of column numbers, as on the regulation's forms; the rows above
    and the first two columns are frozen. Returns the first data row."""
    column = 1
    while column <= len(columns):
        spec = columns[column - 1]
        if spec.group:
            end = column
            while end < len(columns) and columns[end].group == spec.group:
                end += 1
            sheet.cell(row=top, column=column, value=spec.group)
            if end > column:
                sheet.merge_cells(
                    start_row=top, start_column=column, end_row=top, end_column=end
                )
            for index in range(column, end + 1):
                sheet.cell(row=top + 1, column=index, value=columns[index - 1].label)
            column = end + 1
        else:
            sheet.cell(row=top, column=column, value=spec.label)
            sheet.merge_cells(
                start_row=top, start_column=column, end_row=top + 1, end_column=column
            )
            column += 1
    for index, spec in enumerate(columns, start=1):
        sheet.cell(row=top + 2, column=index, value=index)
        sheet.column_dimensions[get_column_letter(index)].width = spec.width
        for row in (top, top + 1, top + 2):
            cell = sheet.cell(row=row, column=index)
            cell.font = _BOLD if row < top + 2 else Font(italic=True, size=9)
            cell.alignment = _WRAP_CENTER
            cell.border = _BORDER
            if row < top + 2:
                cell.fill = _HEADER_FILL
    sheet.row_dimensions[top + 1].height = 60
    first_data = top + 3
    sheet.freeze_panes = sheet.cell(row=first_data, column=3)
    return first_data


def _write_row(
    sheet: Worksheet,
    row: int,
    values: Iterable[object],
    *,
    bold: bool = False,
    fill: PatternFill | None = None,
) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=neutralise(value))
        cell.border = _BORDER
        cell.alignment = (
            _WRAP_LEFT if isinstance(value, str) else Alignment(vertical="top")
        )
        if isinstance(value, Decimal):
            cell.number_format = "0.00"
        elif isinstance(value, date):
            cell.number_format = "DD.MM.YYYY"
        if bold:
            cell.font = _BOLD
        if fill is not None:
            cell.fill = fill


def _section_row(sheet: Worksheet, row: int, text: str, width: int) -> None:
    _write_row(sheet, row, [text, *[None] * (width - 1)], bold=True, fill=_SECTION_FILL)
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --------------------------------------------------------------------------
# The region-wide summary: workbook

SUMMARY_COLUMNS: tuple[HeaderColumn, ...] = (
    HeaderColumn("№ п/п", 6),
    HeaderColumn("Наименование организации", 42),
    HeaderColumn("Район (муниципальное образование)", 22),
    HeaderColumn("База выборки", 11),
    HeaderColumn("Учтено анкет", 10),
    HeaderColumn("Доля выборки, %", 10),
    HeaderColumn("Норматив, %", 9),
    HeaderColumn("Экстерриториальных анкет (не учтены)", 13),
    *(
        HeaderColumn(str(label), 11, "Учтено анкет по способам получения")
        for label in SurveyChannel.labels
    ),
    *(HeaderColumn(str(label), 11, "По формам опроса") for label in SurveyKind.labels),
    *(
        HeaderColumn(f"Вопрос {question.number}", 9, "Ответов «да» на вопросы анкеты")
        for question in decade.QUESTIONS
    ),
    HeaderColumn("Источник данных", 16),
)


def _figures_values(figures: SummaryFigures) -> list[object]:
    return [
        figures.base,
        figures.questionnaires,
        figures.sample_share,
    ]


def _figure_tail(figures: SummaryFigures) -> list[object]:
    return [
        figures.external_territorial,
        *(figures.by_channel.get(str(channel), 0) for channel in SurveyChannel),
        *(figures.by_kind.get(str(kind), 0) for kind in SurveyKind),
        *(figures.yes.get(code, 0) for code in QUESTION_CODES),
    ]


def summary_workbook(campaign: Campaign, today: date | None = None) -> bytes:
    """The region-wide summary of a Декада as an XLSX file."""
    summary = region_summary(campaign)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Сводная информация"
    width = len(SUMMARY_COLUMNS)
    top = _title_rows(
        sheet,
        [
            f"Сводная информация об итогах Декады качества {campaign.year} года по отрасли",
            f"{campaign.title}, {campaign.period_start:%d.%m.%Y} — "
            f"{campaign.period_end:%d.%m.%Y}",
            "Форма по приложению № 2 к Положению о Декаде качества; сформировано "
            f"{_today(today):%d.%m.%Y}",
        ],
        width,
    )
    row = _header(sheet, SUMMARY_COLUMNS, top)
    number = 0
    for section in summary.sections:
        _section_row(sheet, row, section.title, width)
        row += 1
        for line in section.rows:
            number += 1
            figures = line.figures
            missing = line.source == SOURCE_MISSING
            _write_row(
                sheet,
                row,
                [
                    number,
                    line.organisation.short_name,
                    line.organisation.district.name,
                    *([None, None, None] if missing else _figures_values(figures)),
                    line.threshold,
                    *(
                        [None] * len(_figure_tail(figures))
                        if missing
                        else _figure_tail(figures)
                    ),
                    line.source,
                ],
            )
            row += 1
        title = (
            "Итого по учреждениям"
            if section.title == INSTITUTIONS_TITLE
            else "Итого по КГКУ «УСЗН»"
        )
        threshold = decade.sample_threshold(section.rows[0].organisation.kind)
        _write_row(
            sheet,
            row,
            [
                None,
                title,
                None,
                *_figures_values(section.total),
                threshold,
                *_figure_tail(section.total),
                None,
            ],
            bold=True,
        )
        row += 1
    total = summary.total
    # Thresholds differ between institutions and УСЗН: no share for the region.
    _write_row(
        sheet,
        row,
        [
            None,
            "Всего по краю",
            None,
            total.base,
            total.questionnaires,
            None,
            None,
            *_figure_tail(total),
            None,
        ],
        bold=True,
    )
    if summary.missing:
        row += 2
        sheet.cell(
            row=row,
            column=1,
            value="Не представили сводную информацию: "
            + ", ".join(org.short_name for org in summary.missing),
        ).font = Font(italic=True)
    return _bytes(workbook)


# --------------------------------------------------------------------------
# The consolidated plan of measures

PLAN_COLUMNS: tuple[HeaderColumn, ...] = (
    HeaderColumn("№ п/п", 8),
    HeaderColumn("Наименование организации", 34),
    HeaderColumn("Раздел (критерий)", 26),
    HeaderColumn("Показатель", 26),
    HeaderColumn("Выявленный недостаток (мнение граждан)", 40),
    HeaderColumn("Мероприятие по повышению качества", 44),
    HeaderColumn("Плановый срок", 12),
    HeaderColumn("ФИО", 22, "Ответственный исполнитель"),
    HeaderColumn("Должность", 22, "Ответственный исполнитель"),
    HeaderColumn("Статус", 14),
)

TOTAL_COLUMNS: tuple[HeaderColumn, ...] = (
    HeaderColumn("№ п/п", 6),
    HeaderColumn("Наименование организации", 42),
    HeaderColumn("Статус плана", 18),
    HeaderColumn("Всего мероприятий", 12),
    *(
        HeaderColumn(str(label), 12, "В том числе по статусу")
        for label in MeasureStatus.labels
    ),
)


def plans_of(campaign: Campaign) -> list[ImprovementPlan]:
    """The campaign's plans with their measures: institutions first, then УСЗН.

    One plan per organisation: its approved revision, or the newest before
    the council's approval.
    """
    plans = (
        ImprovementPlan.objects.filter(campaign=campaign)
        .current()
        .select_related("organisation")
        .prefetch_related("measures")
    )
    return sorted(
        plans,
        key=lambda plan: (
            plan.organisation.kind == OrganisationKind.USZN_OFFICE,
            plan.organisation.short_name,
            plan.pk,
        ),
    )


def plan_workbook(campaign: Campaign, today: date | None = None) -> bytes:
    """The consolidated plan of measures of a Декада as an XLSX file.

    Sheet «Сводный план»: every measure grouped by organisation; sheet
    «Итоги»: measures per organisation and status, with the region's total.
    """
    plans = plans_of(campaign)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Сводный план"
    width = len(PLAN_COLUMNS)
    title = [
        "Сводный план мероприятий по повышению качества и эффективности деятельности "
        "учреждений с учётом мнения граждан",
        f"по итогам: {campaign.title}",
        "Форма по приложению № 3 к Положению о Декаде качества; сформировано "
        f"{_today(today):%d.%m.%Y}",
    ]
    row = _header(sheet, PLAN_COLUMNS, _title_rows(sheet, title, width))
    criteria = dict(Criterion.choices)
    indicators = dict(IndicatorCode.choices)
    statuses = dict(MeasureStatus.choices)
    for number, plan in enumerate(plans, start=1):
        _section_row(
            sheet,
            row,
            f"{number}. {plan.organisation.short_name} — план на {plan.year} год "
            f"({plan.get_status_display().lower()})",
            width,
        )
        row += 1
        for index, measure in enumerate(plan.measures.all(), start=1):
            _write_row(
                sheet,
                row,
                [
                    f"{number}.{index}",
                    plan.organisation.short_name,
                    str(criteria.get(measure.criterion, measure.criterion)),
                    str(indicators.get(measure.indicator_code, ""))
                    if measure.indicator_code
                    else "",
                    measure.deficiency,
                    measure.action,
                    measure.planned_date,
                    measure.responsible_name,
                    measure.responsible_position,
                    str(statuses.get(measure.status, measure.status)),
                ],
            )
            row += 1

    totals = workbook.create_sheet("Итоги")
    row = _header(
        totals,
        TOTAL_COLUMNS,
        _title_rows(totals, [title[0], title[1]], len(TOTAL_COLUMNS)),
    )
    grand = dict.fromkeys(MeasureStatus.values, 0)
    for number, plan in enumerate(plans, start=1):
        counts = dict.fromkeys(MeasureStatus.values, 0)
        for measure in plan.measures.all():
            counts[measure.status] = counts.get(measure.status, 0) + 1
        for key, value in counts.items():
            grand[key] = grand.get(key, 0) + value
        _write_row(
            totals,
            row,
            [
                number,
                plan.organisation.short_name,
                plan.get_status_display(),
                sum(counts.values()),
                *(counts[value] for value in MeasureStatus.values),
            ],
        )
        row += 1
    _write_row(
        totals,
        row,
        [
            None,
            "Всего по краю",
            f"планов: {len(plans)}",
            sum(grand.values()),
            *(grand[value] for value in MeasureStatus.values),
        ],
        bold=True,
    )
    return _bytes(workbook)
