"""An institution's Декада summary: counts by channel, kind and question."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from evaluation.enums import CampaignKind, SurveyChannel
from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import (
    BadCell,
    Context,
    Row,
    decimal_text,
    differs,
    named_organisation_title,
    snapshot,
    sort_rows,
)
from evaluation.models import DecadeSummary, Organisation

#: How the name of a unit under an organisation's row begins.
_UNIT = re.compile(
    r"^(?:в\s*(?:том\s+числе|т\.\s*ч\.)\s*:?\s*)?(?:-\s*)?"
    r"(?:отделени|филиал|структурн\w*\s+подразделени|участ(?:ок|ковая))"
)


class DecadeSummaryForm(ImportForm):
    """An institution's Декада summary: counts by channel, kind and question."""

    name = "decade_summary"
    title = "Сводная информация об итогах Декады качества"
    description = (
        "Одна строка — организация: база выборки, число анкет (в том числе "
        "экстерриториальных), по каналам и формам опроса, ответы «да» на вопросы 1–15."
    )
    campaign_kind = CampaignKind.DECADE
    model = DecadeSummary
    resource = resources.DecadeSummaryResource
    not_summed = frozenset({"inn", "sample_percent", "satisfied_share"})
    signed = True
    totalled = True
    _COMPUTED = ("sample_percent", "satisfied_share")
    _UNIT_SUMMED = tuple(
        key
        for key, declared in resources.form_fields(resources.DecadeSummaryResource)
        if isinstance(declared.widget, resources.RuIntegerWidget)
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.unit_rows: dict[int, int] = {}  # unit row → its organisation's row

    def _find_units(
        self, data: list[tuple[int, list[object]]], positions: Mapping[str, int]
    ) -> None:
        """Rows of units (отделения, филиалы) under an organisation's row: a
        name that begins like a unit's, and no ИНН or code."""
        name = positions.get("organisation_name")
        if name is None:
            return
        keys = [positions[key] for key in ("inn", "code") if key in positions]
        parent = None
        for number, cells in data:
            width = len(cells)
            text = cells[name] if name < width else None
            if number in self.total_rows:
                parent = None
            elif (
                text.__class__ is str
                and _UNIT.match(text.strip().lower())
                and all(key >= width or cells[key] is None for key in keys)
            ):
                if parent is not None:
                    self.unit_rows[number] = parent
            else:
                parent = number

    def _parent_totals(
        self, converted_rows: list, titles: Mapping[str, str]
    ) -> tuple[list, list[CellError]]:
        """КГКУ «УСЗН» sends one summary with a row per territorial office
        (seed 000 §3.3). Its own row, if the file has one, is the total: it
        must equal the sum of its offices' rows and is not imported."""
        if self.members is None:
            return converted_rows, []

        def organisation(converted) -> Organisation | None:
            keys = [converted.get(key) for key in ("inn", "code", "organisation_name")]
            return self.lookup.find(*(k if k.__class__ is str else None for k in keys))

        found = [(row, organisation(row[1])) for row in converted_rows]
        parents = {
            org.pk: org
            for _row, org in found
            if org is not None
            and org.pk not in self.members
            and any(
                other is not None and other.parent_id == org.pk for _r, other in found
            )
        }
        if not parents:
            return converted_rows, []
        rest, errors = [], []
        for (number, converted, _row_errors), org in found:
            if org is None or org.pk not in parents:
                rest.append((number, converted, _row_errors))
                continue
            offices = [
                row[1]
                for row, other in found
                if other is not None and other.parent_id == org.pk
            ]
            for key in self._UNIT_SUMMED:
                stated = converted.get(key)
                if stated is None or stated.__class__ is BadCell:
                    continue
                summed = sum(
                    office[key]
                    for office in offices
                    if office.get(key).__class__ is int
                )
                if stated != summed:
                    errors.append(
                        CellError(
                            number,
                            titles.get(key, self.field(key).title),
                            f"по «{org.short_name}» {stated}, а сумма по "
                            f"территориальным отделениям {summed}; исправьте "
                            "итоговую строку или строки отделений",
                        )
                    )
        return rest, errors

    def validate(self, converted_rows, titles):
        """Units are summed into their organisation: an organisation row left
        empty takes the sums, one with its own numbers must equal them (an
        error names both). Unit rows are not imported themselves. A parent's
        total row is checked against its offices (:meth:`_parent_totals`)."""
        converted_rows, parent_errors = self._parent_totals(
            list(converted_rows), titles
        )
        rows, errors = self._validate_units(converted_rows, titles)
        return rows, sorted(errors + parent_errors, key=lambda error: error.row)

    def _validate_units(self, converted_rows, titles):
        if not self.unit_rows:
            return super().validate(converted_rows, titles)
        main, unit_errors = [], []
        sums: dict[int, dict[str, int]] = {}
        for number, converted, row_errors in converted_rows:
            parent = self.unit_rows.get(number)
            if parent is None:
                main.append((number, converted, row_errors))
                continue
            row_errors = [e for e in row_errors if e.message != "не заполнено"]
            unit_errors += row_errors
            if not row_errors:
                added = sums.setdefault(parent, {})
                for key in self._UNIT_SUMMED:
                    value = converted.get(key)
                    if value is not None:
                        added[key] = added.get(key, 0) + value
        merged = []
        for number, converted, row_errors in main:
            for key, value in sums.get(number, {}).items():
                title = titles.get(key, self.field(key).title)
                stated = converted.get(key)
                if stated is None or stated.__class__ is BadCell:
                    converted[key] = value
                    row_errors = [e for e in row_errors if e.column != title]
                elif stated != value:
                    row_errors.append(
                        CellError(
                            number,
                            title,
                            f"по организации {stated}, а сумма по отделениям {value}; "
                            "исправьте строку организации или строки отделений",
                        )
                    )
            merged.append((number, converted, row_errors))
        rows, errors = super().validate(merged, titles)
        return rows, sorted(errors + unit_errors, key=lambda error: error.row)

    def prepare_rows(self, data, positions):
        data, notes = super().prepare_rows(data, positions)
        self._find_units(data, positions)
        if self.unit_rows:
            notes.append(
                f"Строки отделений ({len(self.unit_rows)}) сложены в строки своих "
                "организаций и отдельно не загружаются."
            )
        computed = [self.field(key).title for key in self._COMPUTED if key in positions]
        if computed:
            notes.append(
                "Столбцы "
                + ", ".join(f"«{title}»" for title in computed)
                + " портал вычисляет сам и не загружает; процент выборки сверяется "
                "с числом анкет и базой выборки."
            )
        return data, notes

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        total = converted["questionnaires"]
        stated, base = converted.get("sample_percent"), converted.get("base")
        if stated is not None and base:
            computed = Decimal(total * 100) / Decimal(base)
            if abs(computed - stated) > 1:
                shown = str(computed.quantize(Decimal("0.1"))).replace(".", ",")
                errors.append(
                    CellError(
                        number,
                        titles.get("sample_percent", "Процент выборки"),
                        f"процент выборки {decimal_text(stated)} не сходится с "
                        f"анкетами и базой: {total} из {base} — это {shown} %; "
                        "исправьте процент, число анкет или базу выборки",
                    )
                )

        def title(key: str) -> str:
            return titles.get(key, self.field(key).title)

        by_channel = {
            value: converted[f"channel_{value}"]
            for value, _ in SurveyChannel.choices
            if converted.get(f"channel_{value}") is not None
        }
        by_kind = {
            kind: converted[f"kind_{kind}"]
            for kind in ("questionnaire", "interview")
            if converted.get(f"kind_{kind}") is not None
        }
        yes = {
            f"q{n}": converted[f"yes_q{n}"]
            for n in range(1, 16)
            if converted.get(f"yes_q{n}") is not None
        }
        if by_channel and sum(by_channel.values()) != total:
            key = next(f"channel_{v}" for v in by_channel)
            errors.append(
                CellError(
                    number,
                    title(key),
                    f"сумма по каналам ({sum(by_channel.values())}) не равна числу анкет ({total})",
                )
            )
        if by_kind and sum(by_kind.values()) != total:
            key = f"kind_{next(iter(by_kind))}"
            errors.append(
                CellError(
                    number,
                    title(key),
                    f"сумма по формам опроса ({sum(by_kind.values())}) не равна числу анкет ({total})",
                )
            )
        for question, count in yes.items():
            if count > total:
                errors.append(
                    CellError(
                        number,
                        title(f"yes_{question}"),
                        f"ответов «да» ({count}) больше, чем анкет ({total})",
                    )
                )
        if errors:
            return None, errors
        row_values = {
            "base": converted.get("base"),
            "questionnaires": total,
            "external_territorial": converted.get("external_territorial") or 0,
            "by_channel": by_channel,
            "by_kind": by_kind,
            "yes": yes,
        }
        return Row(number, (organisation.pk,), row_values, organisation), []

    def key_title(self, titles):
        return named_organisation_title(titles)

    @staticmethod
    def _wanted(row: Row) -> dict[str, Any]:
        """The values a row sets on a stored summary: empty cells (and absent
        breakdowns) keep what is stored."""
        return {
            key: value for key, value in row.values.items() if value not in (None, {})
        }

    def plan(self, rows):
        existing = {
            s.organisation_id: s
            for s in DecadeSummary.objects.filter(campaign=self.context.campaign)
        }
        return sort_rows(
            rows,
            existing,
            key=lambda row: row.key[0],
            changed=lambda row, current: differs(current, self._wanted(row)),
        )

    def write(self, plan):
        changes: list[dict[str, Any]] = []
        reference = getattr(self, "reference", "")
        for row in plan.new:
            summary = DecadeSummary.objects.create(
                campaign=self.context.campaign,
                organisation_id=row.key[0],
                source_reference=reference,
                **row.values,
            )
            changes.append({"model": "decadesummary", "pk": summary.pk, "before": None})
        for row, current in plan.updated:
            wanted = self._wanted(row)
            before = snapshot(current, [*wanted, "source_reference"])
            changes.append(
                {"model": "decadesummary", "pk": current.pk, "before": before}
            )
            DecadeSummary.objects.filter(pk=current.pk).update(
                source_reference=reference, **wanted
            )
        return changes
