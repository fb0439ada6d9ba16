"""The register of organisations (ИНН, names, district, kind, parent)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import Context, Row, differs, snapshot, sort_rows
from evaluation.models import District, Organisation
from evaluation.slugs import latin_slug


class OrganisationsForm(ImportForm):
    """The register of social-service providers."""

    name = "organisations"
    title = "Реестр организаций"
    description = (
        "Организации с видом, районом, вышестоящей организацией, сайтом и численностью."
    )
    model = Organisation
    resource = resources.OrganisationResource
    WRITABLE = (
        "name",
        "short_name",
        "kind",
        "district_id",
        "code",
        "parent_id",
        "website",
        "has_online_questionnaire",
        "recipients_count",
        "registered_count",
        "counts_as_of",
    )

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.districts = {d.name.casefold(): d for d in District.objects.all()}
        self.existing = {o.inn: o for o in Organisation.objects.exclude(inn="")}
        self.file_inns: set[str] = set()

    def validate(self, converted_rows, titles):
        converted_rows = list(converted_rows)
        self.file_inns = {
            c["inn"] for _, c, _ in converted_rows if isinstance(c.get("inn"), str)
        }
        return super().validate(converted_rows, titles)

    def build_row(self, number, converted, titles):
        errors = []
        district = self.districts.get(str(converted["district"]).casefold())
        if district is None:
            errors.append(
                CellError(
                    number,
                    titles.get("district", "Район"),
                    f"район «{converted['district']}» не найден в справочнике районов; "
                    "добавьте его в меню «Оценка качества» → «Районы» или "
                    "исправьте название в файле",
                )
            )
        parent_inn = converted.get("parent_inn")
        parent = self.existing.get(parent_inn) if parent_inn else None
        if parent_inn and parent_inn == converted.get("inn"):
            errors.append(
                CellError(
                    number,
                    titles.get("parent_inn", "ИНН вышестоящей организации"),
                    "организация указана вышестоящей для самой себя; укажите ИНН "
                    "вышестоящей организации (для отделений — КГКУ «УСЗН») "
                    "или оставьте ячейку пустой",
                )
            )
        elif parent_inn and parent is None and parent_inn not in self.file_inns:
            errors.append(
                CellError(
                    number,
                    titles.get("parent_inn", "ИНН вышестоящей организации"),
                    f"вышестоящая организация с ИНН {parent_inn} не найдена",
                )
            )
        if errors:
            return None, errors
        existing = self.existing.get(converted["inn"])
        row_values = {
            "name": converted["name"],
            "short_name": converted["short_name"],
            "kind": converted["kind"],
            "district_id": district.pk,
            # The code is required and unique: a register without codes keeps
            # the stored one, and a new organisation gets its ИНН.
            "code": converted.get("code")
            or (existing.code if existing else converted["inn"]),
            # Optional values the file leaves empty (or lacks a column for)
            # are None: a stored organisation keeps its value (see _wanted).
            "website": converted.get("website") or None,
            "has_online_questionnaire": converted.get("has_online_questionnaire"),
            "recipients_count": converted.get("recipients_count"),
            "registered_count": converted.get("registered_count"),
            "counts_as_of": converted.get("counts_as_of"),
            "parent_inn": parent_inn,
        }
        allowed = self.context.allowed_organisations
        if allowed is not None and (existing is None or existing.pk not in allowed):
            return None, [
                CellError(
                    number,
                    titles.get("inn", "ИНН"),
                    "загружать реестр может только редактор министерства; эта организация не ваша",
                )
            ]
        return Row(number, (converted["inn"],), row_values, existing), []

    def key_title(self, titles):
        return titles.get("inn", "ИНН")

    def _values(self, row: Row, parents: Mapping[str, Organisation]) -> dict[str, Any]:
        """The model values a row sets: empty cells (None) are left out, so a
        re-imported register never erases a stored site, count or parent."""
        data = {
            k: v for k, v in row.values.items() if k != "parent_inn" and v is not None
        }
        parent_inn = row.values["parent_inn"]
        if parent_inn and parent_inn in parents:
            data["parent_id"] = parents[parent_inn].pk
        return self._cleared(row, data)

    def _wanted(self, row: Row) -> dict[str, Any]:
        return self._values(row, self.existing)

    clearable = {
        "website": ("website", ""),
        "has_online_questionnaire": ("has_online_questionnaire", False),
        "recipients_count": ("recipients_count", None),
        "registered_count": ("registered_count", None),
        "counts_as_of": ("counts_as_of", None),
        "parent_id": ("parent_inn", None),
    }

    def plan(self, rows):
        return sort_rows(
            rows,
            self.existing,
            key=lambda row: row.key[0],
            changed=lambda row, current: differs(current, self._wanted(row)),
        )

    def write(self, plan):
        changes = []
        created = {}
        for row in plan.new:
            data = self._values(row, self.existing)
            data.pop("parent_id", None)
            slug_base = row.values["short_name"]
            organisation = Organisation.objects.create(
                inn=row.key[0], slug=_unique_slug(slug_base, row.key[0]), **data
            )
            created[row.key[0]] = organisation
            changes.append(
                {"model": "organisation", "pk": organisation.pk, "before": None}
            )
        parents = {**self.existing, **created}
        for row in plan.new:
            parent_inn = row.values["parent_inn"]
            if parent_inn:
                Organisation.objects.filter(pk=created[row.key[0]].pk).update(
                    parent_id=parents[parent_inn].pk
                )
        for row, existing in plan.updated:
            data = self._values(row, parents)
            changes.append(
                {
                    "model": "organisation",
                    "pk": existing.pk,
                    "before": snapshot(existing, data),
                }
            )
            Organisation.objects.filter(pk=existing.pk).update(**data)
        return changes


def _unique_slug(text: str, inn: str) -> str:
    base = latin_slug(text) or "org"
    return f"{base}-{inn}"[:100]
