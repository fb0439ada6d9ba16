"""Progress on an approved improvement plan: what was done, and when."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import cached_property

from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.improvement_plans import ImprovementPlanForm
from evaluation.models import ImprovementPlan, Measure


class FulfilmentReportForm(ImprovementPlanForm):
    """Progress on an approved plan: what was done on each measure, and when.

    The same federal columns as the plan; the two progress columns are
    required and every row must name a measure already in the organisation's
    plan for the campaign (matched by its number, or by its wording in a file
    without numbers). Reports go to the approved plan, whose measures they
    never change; before the council's approval, to the newest revision.
    """

    name = "fulfilment_report"
    title = "Отчёт о реализации плана мероприятий"
    description = (
        "Строки плана с заполненными столбцами «Реализованные меры» и "
        "«Фактический срок»; мероприятие должно быть в утверждённом плане."
    )
    resource = resources.FulfilmentReportResource

    def build_row(self, number, converted, titles):
        row, errors = super().build_row(number, converted, titles)
        if row is None:
            return row, errors
        if row.key not in self.known:
            return None, [
                CellError(
                    number,
                    titles.get("action", self.field("action").title),
                    "такого мероприятия нет в плане организации по этой кампании; "
                    "сначала загрузите план",
                )
            ]
        return row, errors

    revises_fixed_plans = False

    def target_plans(self, organisations: Iterable[int]) -> dict[int, ImprovementPlan]:
        """The approved plan of each organisation, or (before the council's
        approval) its newest revision."""
        organisations = set(organisations)
        plans = super().target_plans(organisations)
        for approved in ImprovementPlan.objects.filter(
            campaign=self.context.campaign, organisation_id__in=organisations
        ).public():
            plans[approved.organisation_id] = approved
        return plans

    @cached_property
    def known(self) -> dict[tuple, Measure]:
        """Every measure of the campaign's target plans, by number and wording."""
        return self.existing_measures(
            ImprovementPlan.objects.filter(campaign=self.context.campaign).values_list(
                "organisation_id", flat=True
            )
        )
