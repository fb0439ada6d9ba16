"""An operator's results of a НОК campaign: the inputs of every indicator."""

from __future__ import annotations

from collections.abc import Mapping

from evaluation.enums import CampaignKind
from evaluation.imports import resources
from evaluation.imports.errors import CellError
from evaluation.imports.sheets.base import ImportForm
from evaluation.imports.sheets.common import Row, saved_user, snapshot, sort_rows
from evaluation.models import IndicatorInput

_PATH_KEYS = {
    "info_stand.present": "info_stand_present",
    "info_stand.required": "info_stand_required",
    "info_site.present": "info_site_present",
    "info_site.required": "info_site_required",
    "answered.q13": "answered_q13",
}


def _title_for_path(path: str, titles: Mapping[str, str]) -> str:
    """The file's header of the column a calculator field path came from."""
    key = _PATH_KEYS.get(path)
    if key is None and path.startswith("yes.q"):
        key = f"yes_q{path[5:]}"
    if key is None:
        key = path
    return titles.get(key, path)


class NokResultsForm(ImportForm):
    """An operator's results of a НОК campaign: the inputs of every indicator."""

    name = "nok_results"
    title = "Результаты оператора НОК"
    description = "По каждой организации: перечни 1.1, число каналов и условий, число опрошенных и ответов «да» по вопросам 1–15."
    campaign_kind = CampaignKind.NOK
    model = IndicatorInput
    resource = resources.NokResultsResource

    def build_row(self, number, converted, titles):
        from evaluation.rating import RatingInputError, parse_inputs

        organisation, errors = self.organisation_of(number, converted, titles)
        if errors:
            return None, errors
        payload = resources.nok_payload(converted, self.context.campaign.method_version)
        try:
            inputs = parse_inputs(payload)
        except RatingInputError as error:
            return None, [
                CellError(number, _title_for_path(e.field, titles), e.message)
                for e in error.errors
            ]
        row_values = IndicatorInput.fields_from(inputs)
        return Row(number, (organisation.pk,), row_values, organisation), []

    def key_title(self, titles):
        return titles.get("inn") or titles.get("code") or "ИНН"

    def plan(self, rows):
        existing = {
            i.organisation_id: i
            for i in IndicatorInput.objects.filter(campaign=self.context.campaign)
        }
        return sort_rows(rows, existing, key=lambda row: row.key[0])

    def write(self, plan):
        from evaluation.enums import DataSource

        changes = []
        reference = getattr(self, "reference", "")
        for row in plan.new:
            item = IndicatorInput.objects.create(
                campaign=self.context.campaign,
                organisation_id=row.key[0],
                source=DataSource.IMPORT,
                source_reference=reference,
                updated_by=saved_user(self.context.user),
                **row.values,
            )
            changes.append({"model": "indicatorinput", "pk": item.pk, "before": None})
        for row, current in plan.updated:
            before = snapshot(current, [*row.values, "source", "source_reference"])
            changes.append(
                {"model": "indicatorinput", "pk": current.pk, "before": before}
            )
            IndicatorInput.objects.filter(pk=current.pk).update(
                source=DataSource.IMPORT,
                source_reference=reference,
                updated_by=saved_user(self.context.user),
                **row.values,
            )
        return changes
