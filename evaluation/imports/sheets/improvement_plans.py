"""The federal improvement-plan form (ПП РФ № 457): deficiencies, measures,
progress; its section headings name the criteria."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, ClassVar

from evaluation.enums import CampaignKind, MeasureStatus
from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import (
    Context,
    Row,
    differs,
    is_signature_line,
    saved_user,
    skipped_note,
    snapshot,
    sort_rows,
)
from evaluation.models import ImprovementPlan, Measure, MeasureReport
from evaluation.plans.council import start_plan_revision

_WrittenDate = resources.WrittenDate
_Recurring = resources.Recurring
_due_date = resources.due_date


_ROMAN_HEADING = re.compile(r"^(?:раздел\s+)?(iv|v|i{1,3})(?:[.)]|\s|$)")
#: How a heading naming a criterion begins (after its number, if any).
_CRITERION_WORDS = (
    ("K1", ("открытост",)),
    ("K2", ("комфортност",)),
    ("K3", ("доступност",)),
    ("K4", ("доброжелательност", "вежливост")),
    ("K5", ("удовлетвор",)),
)
_HEADING_NUMBER = re.compile(r"^(?:раздел\s+)?\d{1,2}[.)]?\s+")
_ROMAN_NUMBERS = ("i", "ii", "iii", "iv", "v")


def _has_due_date(cells: Sequence[object], column: int | None) -> bool:
    """Whether a row's planned-date cell reads as a due date (a measure), not
    as the line of a signature ("____________")."""
    if column is None or column >= len(cells) or cells[column] is None:
        return False
    try:
        _due_date(cells[column])
    except ValueError:
        return False
    return True


def heading_criterion(text: str) -> str | None:
    """The criterion (K1–K5) a section heading row names, or None.

    Headings are numbered with Roman numerals (I–V, as the federal form does)
    or begin with the criterion's name ("Открытость и доступность …",
    "4. Доброжелательность, вежливость …"); a measure that merely mentions
    a word of a criterion ("Установить пандус для инвалидов") is not one.
    """
    low = " ".join(text.lower().replace("ё", "е").split())
    match = _ROMAN_HEADING.match(low)
    if match:
        return f"K{_ROMAN_NUMBERS.index(match.group(1)) + 1}"
    low = _HEADING_NUMBER.sub("", low)
    for code, words in _CRITERION_WORDS:
        if low.startswith(words):
            return code
    return None


class ImprovementPlanForm(ImportForm):
    """The federal plan form (ПП РФ № 457): deficiencies, measures, progress.

    Files are read as institutions fill them: section headings (I–V, or a
    criterion's name) set the criterion of the measures under them and are
    not measures; the signature block and notes under the table are skipped;
    due dates may be phrases (see :func:`_due_date`). A measure is found again
    on re-import by its number within the plan (or, in a file without
    numbers, by its wording), and an empty cell keeps the stored value.
    """

    name = "improvement_plan"
    title = "План мероприятий по устранению недостатков"
    description = (
        "Одна строка — мероприятие: недостаток (с кодом показателя), мероприятие, "
        "плановый срок, ответственный с должностью; для отчёта — реализованные меры и "
        "фактический срок."
    )
    needs_campaign = True
    model = Measure
    resource = resources.ImprovementPlanResource

    #: Keys that are about the organisation or the row's number, not its content.
    _FRAME_KEYS = frozenset({"inn", "code", "organisation_name", "position"})

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.sections: dict[int, str] = {}
        self.ordinals: dict[int, int] = {}

    def prepare_rows(self, data, positions):
        """Take section headings and the signature block out of the data.

        A row with at most one filled content cell whose text is a heading
        (see :func:`heading_criterion`) sets the criterion of the rows under
        it. Once measures have been read, a row that looks like a signature
        or a note (and has no planned date) ends the table: it and every row
        below are skipped, and a warning lists them. A measure without a
        deficiency under one with it in the same section shares that
        deficiency (a cell merged down over several measures); a warning
        lists these rows too.
        """
        data, notes = super().prepare_rows(data, positions)
        content = [p for key, p in positions.items() if key not in self._FRAME_KEYS]
        date_column = positions.get("planned_date")
        deficiency = positions.get("deficiency")
        kept: list[tuple[int, list[object]]] = []
        skipped: list[int] = []
        carried: list[int] = []
        criterion = ""
        above: object = None  # the deficiency of the measure above, in this section
        for number, cells in data:
            if skipped:
                skipped.append(number)
                continue
            width = len(cells)
            filled = sum(1 for p in content if p < width and cells[p] is not None)
            text = " ".join(str(cell) for cell in cells if cell is not None).strip()
            if filled <= 1:
                heading = heading_criterion(text)
                if heading:
                    criterion, above = heading, None
                    continue
                if filled == 0:
                    continue  # only a number: a pre-numbered empty row
            if (
                kept
                and is_signature_line(cells)
                and not _has_due_date(cells, date_column)
            ):
                skipped.append(number)
                continue
            if deficiency is not None:
                # One deficiency, several measures: the cell is merged down,
                # and a merged cell's value is in its top row only.
                if deficiency < width and cells[deficiency] is not None:
                    above = cells[deficiency]
                elif above is not None and filled >= 2:
                    cells.extend([None] * (deficiency + 1 - width))
                    cells[deficiency] = above
                    carried.append(number)
            self.sections[number] = criterion
            kept.append((number, cells))
        if carried:
            notes.append(
                "Недостаток взят из строки выше (объединённая ячейка) для строк "
                + ", ".join(map(str, carried))
                + "."
            )
        if skipped:
            notes.append(skipped_note(skipped))
        return kept, notes

    def _plan_year(self) -> int:
        """The year the plan is carried out in.

        A Декада's plan runs in the Декада's own year: its fulfilment is
        reported by 1 February of the next (seed 000 §3.8). A НОК's results
        come out late in the year, so its plan is for the following one.
        """
        campaign = self.context.campaign
        if campaign.kind == CampaignKind.DECADE:
            return campaign.year
        return campaign.year + 1

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        name, position = converted["responsible"], converted.get("responsible_position")
        if not position and "," in name:
            name, position = (part.strip() for part in name.split(",", 1))
        if not position:
            return None, [
                CellError(
                    number,
                    titles.get("responsible", "Ответственный исполнитель"),
                    "укажите должность ответственного (в отдельном столбце «Должность» или через запятую после ФИО)",
                )
            ]
        if bool(converted.get("done")) != bool(converted.get("actual_date")):
            missing = "actual_date" if converted.get("done") else "done"
            return None, [
                CellError(
                    number,
                    titles.get(missing, self.field(missing).title),
                    "для отчёта заполните и реализованные меры, и фактический срок",
                )
            ]
        planned = converted["planned_date"]
        if planned.__class__ is _Recurring:
            year = self._plan_year()
            periods = planned.schedule.periods(year, year)
            planned = _WrittenDate.of(
                periods[-1].due if periods else date(year, 12, 31),
                planned.schedule.text,
            )
        ordinal = self.ordinals[organisation.pk] = (
            self.ordinals.get(organisation.pk, 0) + 1
        )
        written = converted.get("position")
        code = converted.get("indicator_code") or ""
        row_values = {
            "position": written if isinstance(written, int) else ordinal,
            "criterion": f"K{code[0]}" if code else self.sections.get(number, ""),
            "indicator_code": code,
            "deficiency": converted["deficiency"],
            "action": converted["action"],
            "planned_date": planned,
            "responsible_name": name,
            "responsible_position": position,
        }
        report = (converted.get("done"), converted.get("actual_date"))
        if written is None:
            key = (organisation.pk, "text", converted["action"].casefold())
        else:
            key = (organisation.pk, "number", str(written))
        row = Row(number, key, row_values, organisation)
        row.report = report if report[0] else None
        if planned.__class__ is _WrittenDate:
            row.shown = {"planned_date": f"{planned:%d.%m.%Y} («{planned.words}»)"}
        return row, []

    def key_title(self, titles):
        return titles.get("position") or titles.get("action", "Мероприятие")

    #: An import into a submitted or approved plan makes a new revision of it
    #: (:func:`evaluation.plans.council.start_plan_revision`); a fulfilment report
    #: only adds reports to the approved plan and never revises it.
    revises_fixed_plans: ClassVar[bool] = True

    def target_plans(self, organisations: Iterable[int]) -> dict[int, ImprovementPlan]:
        """The plan each organisation's rows go to: its newest revision."""
        return {
            p.organisation_id: p
            for p in ImprovementPlan.objects.filter(
                campaign=self.context.campaign, organisation_id__in=set(organisations)
            ).latest_revisions()
        }

    def existing_measures(self, organisations: Iterable[int]) -> dict[tuple, Measure]:
        """Stored measures of the organisations' target plans (see
        :meth:`target_plans`), by ``(organisation, "number", number)`` where a
        number is unique in its plan and by ``(organisation, "text", wording)``."""
        plans = self.target_plans(organisations)
        measures = Measure.objects.filter(
            plan__in=[p.pk for p in plans.values()]
        ).select_related("plan")
        found: dict[tuple, Measure] = {}
        numbers: dict[tuple, list[Measure]] = {}
        for measure in measures:
            organisation = measure.plan.organisation_id
            found[organisation, "text", measure.action.casefold()] = measure
            numbers.setdefault(
                (organisation, "number", str(measure.position)), []
            ).append(measure)
        for key, same in numbers.items():
            if len(same) == 1:  # old imports numbered every measure 1
                found[key] = same[0]
        return found

    #: A measure's optional values: the indicator's code (and the criterion
    #: read from it) and the responsible's position.
    clearable = {
        "indicator_code": ("indicator_code", ""),
        "criterion": ("indicator_code", ""),
    }

    def _wanted(self, row: Row) -> dict[str, Any]:
        """The values a row sets on a stored measure: empty cells keep it,
        unless the user asked them to clear it."""
        return self._cleared(
            row,
            {
                key: value
                for key, value in row.values.items()
                if value not in (None, "")
            },
        )

    def plan(self, rows):
        existing = self.existing_measures(row.key[0] for row in rows)
        reports = {
            r.measure_id: r
            for r in MeasureReport.objects.filter(measure__in=existing.values())
        }

        def changed(row: Row, current: Measure) -> bool:
            report = reports.get(current.pk)
            have = (report.done, report.actual_date) if report else None
            return differs(current, self._wanted(row)) or (
                row.report is not None and have != row.report
            )

        return sort_rows(rows, existing, changed=changed)

    def _revise(
        self, plans: dict[int, ImprovementPlan], plan, changes: list[dict[str, Any]]
    ) -> dict[int, Measure]:
        """Replace each submitted or approved plan whose measures the rows
        change or add to by a new draft revision; return the copies of its
        measures by the original's pk. Rows that only report progress leave
        the plan as it is (the reports go to its measures)."""
        revised = {row.key[0] for row in plan.new} | {
            row.key[0]
            for row, current in plan.updated
            if differs(current, self._wanted(row))
        }
        copies: dict[int, Measure] = {}
        for organisation_id, current in list(plans.items()):
            if not current.is_fixed or organisation_id not in revised:
                continue
            revision = start_plan_revision(current, saved_user(self.context.user))
            plans[organisation_id] = revision
            copies.update(revision.measure_copies)
            changes.append(
                {"model": "improvementplan", "pk": revision.pk, "before": None}
            )
        return copies

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        campaign = self.context.campaign
        plans = self.target_plans(
            row.key[0] for row in [*plan.new, *(r for r, _ in plan.updated)]
        )
        copies: dict[int, Measure] = {}
        if self.revises_fixed_plans:
            copies = self._revise(plans, plan, changes)
        for row in plan.new:
            improvement_plan = plans.get(row.key[0])
            if improvement_plan is None:
                improvement_plan = ImprovementPlan.objects.create(
                    organisation_id=row.key[0],
                    campaign=campaign,
                    year=self._plan_year(),
                )
                plans[row.key[0]] = improvement_plan
                changes.append(
                    {
                        "model": "improvementplan",
                        "pk": improvement_plan.pk,
                        "before": None,
                    }
                )
            measure = Measure.objects.create(
                plan=improvement_plan,
                status=MeasureStatus.DONE if row.report else MeasureStatus.PLANNED,
                **row.values,
            )
            changes.append({"model": "measure", "pk": measure.pk, "before": None})
            if row.report:
                report = MeasureReport.objects.create(
                    measure=measure,
                    done=row.report[0],
                    actual_date=row.report[1],
                    submitted_by=saved_user(self.context.user),
                )
                changes.append(
                    {"model": "measurereport", "pk": report.pk, "before": None}
                )
        for row, current in plan.updated:
            current = copies.get(current.pk, current)
            status = MeasureStatus.DONE if row.report else current.status
            if plans[row.key[0]].is_fixed:
                wanted = {"status": status}  # a report on an approved plan
            else:
                wanted = {**self._wanted(row), "status": status}
            changes.append(
                {
                    "model": "measure",
                    "pk": current.pk,
                    "before": snapshot(current, wanted),
                }
            )
            Measure.objects.filter(pk=current.pk).update(**wanted)
            if row.report:
                report, created = MeasureReport.objects.get_or_create(
                    measure=current,
                    defaults={"done": row.report[0], "actual_date": row.report[1]},
                )
                if created:
                    changes.append(
                        {"model": "measurereport", "pk": report.pk, "before": None}
                    )
                else:
                    before = snapshot(report, ["done", "actual_date"])
                    changes.append(
                        {"model": "measurereport", "pk": report.pk, "before": before}
                    )
                    MeasureReport.objects.filter(pk=report.pk).update(
                        done=row.report[0], actual_date=row.report[1]
                    )
        return changes
