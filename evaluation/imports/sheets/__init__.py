"""The official spreadsheet forms, one module each, and their registry.

Every form is an :class:`~evaluation.imports.sheets.base.ImportForm`: its
columns, row keys and how its rows are written. What the forms share lives in
:mod:`~evaluation.imports.sheets.common` (columns, rows, the write plan) and
:mod:`~evaluation.imports.sheets.base` (validation). Callers find a form by
its name with :func:`get_form` or list them all with :data:`FORMS`.
"""

from __future__ import annotations

from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.decade_summaries import DecadeSummaryForm
from evaluation.imports.sheets.fulfilment_reports import FulfilmentReportForm
from evaluation.imports.sheets.improvement_plans import ImprovementPlanForm
from evaluation.imports.sheets.nok_results import NokResultsForm
from evaluation.imports.sheets.organisations import OrganisationsForm
from evaluation.imports.sheets.past_results import PastResultsForm
from evaluation.imports.sheets.regional_plans import RegionalPlanForm
from evaluation.imports.sheets.surveys import SurveyResponsesForm
from evaluation.imports.sheets.target_indicators import TargetIndicatorsForm

__all__ = [
    "FORMS",
    "DecadeSummaryForm",
    "FulfilmentReportForm",
    "ImprovementPlanForm",
    "NokResultsForm",
    "OrganisationsForm",
    "PastResultsForm",
    "RegionalPlanForm",
    "SurveyResponsesForm",
    "TargetIndicatorsForm",
    "get_form",
]

FORMS: dict[str, type[ImportForm]] = {
    form.name: form
    for form in (
        OrganisationsForm,
        NokResultsForm,
        SurveyResponsesForm,
        ImprovementPlanForm,
        TargetIndicatorsForm,
        DecadeSummaryForm,
        FulfilmentReportForm,
        RegionalPlanForm,
        PastResultsForm,
    )
}


def get_form(name: str) -> type[ImportForm]:
    """The form registered under ``name``; KeyError with the known names."""
    try:
        return FORMS[name]
    except KeyError:
        known = ", ".join(sorted(FORMS))
        raise KeyError(
            f"Неизвестная форма «{name}». Доступные формы: {known}."
        ) from None
