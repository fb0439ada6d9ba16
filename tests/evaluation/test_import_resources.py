"""The import forms' Resource declarations are the forms: importing a file
through django-import-export (``Resource.import_data``) and through the fast
engine writes the same rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import tablib

from evaluation.enums import OrganisationKind
from evaluation.imports import resources
from evaluation.imports.engine import import_file
from evaluation.imports.sheets import FORMS, SurveyResponsesForm
from evaluation.imports.sheets.common import ORGANISATION_FIELDS
from evaluation.models import (
    District,
    IndicatorInput,
    Organisation,
    PlanItem,
    RegionalPlan,
    SurveyResponse,
    TargetIndicator,
    TargetIndicatorValue,
)
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.evaluation.test_imports import (
    INN_A,
    INN_B,
    PLAN_HEADER,
    csv_bytes,
    nok_row,
    xlsx,
)
from tests.factories.helpers import import_campaigns

pytestmark = pytest.mark.django_db

RESOURCES = {
    "survey_responses": resources.SurveyResponseResource,
    "nok_results": resources.NokResultsResource,
    "target_indicators": resources.TargetIndicatorValueResource,
    "regional_plan": resources.PlanItemResource,
}


@pytest.fixture
def region():
    district = District.objects.create(name="Ачинский район", slug="achinsk")
    a, b = (
        Organisation.objects.create(
            name=f"КЦСОН {code}", short_name=f"КЦСОН {code}", slug=code.lower(),
            code=code, inn=inn, kind=OrganisationKind.COMPLEX_CENTRE,
            district=district,
        )
        for code, inn in (("A", INN_A), ("B", INN_B))
    )  # fmt: skip
    return import_campaigns(a, b)


def test_each_declared_form_takes_its_columns_from_its_resource() -> None:
    for name, resource in RESOURCES.items():
        form = FORMS[name]
        assert form.resource is resource
        declared = resources.form_fields(resource)
        assert [
            (f.key, f.title, f.aliases, f.required, f.blank) for f in form.fields
        ] == [
            (key, field.column_name, field.aliases, field.required, field.blank)
            for key, field in declared
        ]
        for spec, (_, field) in zip(form.fields, declared, strict=True):
            assert spec.widget is field.widget
    assert [f.key for f in ORGANISATION_FIELDS] == ["inn", "code"]
    survey = SurveyResponsesForm.fields
    assert [f.title for f in survey[:4]] == ["ИНН", "Код организации", "Номер анкеты", "Дата анкетирования"]  # fmt: skip
    assert resources.SurveyResponseResource._meta.import_id_fields == ("inn", "number")


def test_widgets_clean_the_way_people_write() -> None:
    decimal = resources.RuDecimalWidget(2, percent_sign=True)
    assert decimal.clean("1\u00a0234,567") == Decimal("1234.57")
    assert decimal.clean("45,5 %") == Decimal("45.5")
    assert decimal.clean("") is None
    with pytest.raises(ValueError, match="процент больше 100"):
        decimal.clean("120 %")
    deadline = resources.ScheduleWidget().clean("ежегодно, 4 квартал")
    assert deadline == "ежегодно, 4 квартал"
    assert deadline.schedule.as_json()["kind"] == "yearly"
    with pytest.raises(ValueError, match="исполнители не распознаны"):
        resources.ExecutorsWidget().clean("все")
    inn = resources.SurveyResponseResource.fields["inn"].widget
    with pytest.raises(ValueError, match="неверная контрольная цифра"):
        inn.clean_key("2460000001")


def _headers(resource, keys=None) -> list[str]:
    return [
        field.column_name
        for key, field in resources.form_fields(resource)
        if keys is None or key in keys
    ]


def _both_ways(name, rows, snapshot, clear, **kwargs) -> tuple[list, list]:
    """The rows written by the engine from a CSV and by ``import_data`` of the
    same cells, the database cleared in between."""
    resource = RESOURCES[name]
    header = rows[0]
    report = import_file(
        name, csv_bytes(rows), f"{name}.csv", campaign=kwargs.get("campaign")
    )
    assert report.ok, report.errors
    by_engine = snapshot()
    clear()
    result = resource(**kwargs).import_data(
        tablib.Dataset(*map(tuple, rows[1:]), headers=header), raise_errors=True
    )
    assert not result.has_validation_errors()
    return by_engine, snapshot()


def test_survey_responses_agree(region) -> None:
    header = _headers(resources.SurveyResponseResource, {*resources.QUESTIONS, "inn", "number", "collected_on", "channel", "kind", "suggestion"})  # fmt: skip
    answers = ["да"] * 15
    rows = [
        header,
        [INN_A, "1", "10.04.2024", "В учреждении (отделении)", "Анкетирование", *answers, ""],
        [INN_A, "2", "11.04.2024", "По почте", "", *["нет"] * 15, "Больше кружков"],
        [INN_B, "1", "2024-04-12", "в учреждении (отделении)", "интервью", *["Да"] * 14, "Нет", ""],
    ]  # fmt: skip

    def snapshot():
        return sorted(
            SurveyResponse.objects.values_list(
                "campaign_id", "organisation__inn", "number", "collected_on",
                "channel", "kind", "external_territorial", "answers", "suggestion",
                "source",
            )
        )  # fmt: skip

    by_engine, by_library = _both_ways(
        "survey_responses",
        rows,
        snapshot,
        SurveyResponse.objects.all().delete,
        campaign=region["decade"],
    )
    assert len(by_engine) == 3
    assert by_engine[2][5:9] == (
        "interview",
        False,
        {**{f"q{n}": True for n in range(1, 15)}, "q15": False},
        "",
    )
    assert by_library == by_engine


def _nok_row(inn: str, example: dict) -> list[object]:
    return nok_row(inn, example, missing="")


def test_nok_results_agree(region) -> None:
    header = [
        h for h in _headers(resources.NokResultsResource) if h != "Код организации"
    ]
    rows = [header, _nok_row(INN_A, EXAMPLE_A), _nok_row(INN_B, EXAMPLE_B)]
    fields = [f.name for f in IndicatorInput._meta.fields]
    fields = [f for f in fields if f not in {"id", "updated_at", "updated_by", "source_reference"}]  # fmt: skip

    def snapshot():
        return sorted(IndicatorInput.objects.values_list(*fields))

    by_engine, by_library = _both_ways(
        "nok_results",
        rows,
        snapshot,
        IndicatorInput.objects.all().delete,
        campaign=region["nok"],
    )
    assert len(by_engine) == 2
    assert by_library == by_engine


def test_target_indicators_agree() -> None:
    title = "Доля граждан, удовлетворённых качеством услуг"
    rows = [
        _headers(resources.TargetIndicatorValueResource),
        [1, title, "%", 2024, "95,0 %", "96,35"],
        ["", title, "%", "2025", "95,5", ""],
        [2, "Число организаций, прошедших оценку", "ед.", 2024, "1 234", "1\u00a0200,5"],
    ]  # fmt: skip

    def snapshot():
        return sorted(
            TargetIndicatorValue.objects.values_list(
                "indicator__title", "indicator__unit", "indicator__position",
                "year", "planned", "actual",
            )
        )  # fmt: skip

    def clear():
        TargetIndicatorValue.objects.all().delete()
        TargetIndicator.objects.all().delete()

    by_engine, by_library = _both_ways("target_indicators", rows, snapshot, clear)
    assert by_engine == [
        ("Доля граждан, удовлетворённых качеством услуг", "%", 1, 2024, Decimal("95.00"), Decimal("96.35")),
        ("Доля граждан, удовлетворённых качеством услуг", "%", 1, 2025, Decimal("95.50"), None),
        ("Число организаций, прошедших оценку", "ед.", 2, 2024, Decimal("1234.00"), Decimal("1200.50")),
    ]  # fmt: skip
    assert by_library == by_engine


def test_regional_plan_items_agree() -> None:
    RegionalPlan.objects.create(
        title="План по организации проведения независимой оценки качества",
        first_year=2016,
        last_year=2018,
        base_year=2015,
    )
    rows = [
        _headers(resources.PlanItemResource),
        ["1", "Проведение заседаний общественного совета", "заседания", "2 раза в год", "министерство\nобщественный совет"],
        ["1.1", "о функционировании системы независимой оценки", "", "ежегодно, 4 квартал", "общественный совет"],
        ["2", "Размещение информации о результатах", "информация", "постоянно", "организации социального обслуживания, организация-оператор"],
    ]  # fmt: skip

    def snapshot():
        return sorted(
            PlanItem.objects.values_list(
                "plan_id", "number", "parent__number", "position", "measure", "form",
                "deadline_text", "schedule", "executors_text", "by_ministry",
                "by_council", "by_organisations", "by_operator",
            )
        )  # fmt: skip

    by_engine, by_library = _both_ways(
        "regional_plan", rows, snapshot, PlanItem.objects.all().delete
    )
    assert [row[1:4] for row in by_engine] == [("1", None, 100), ("1.1", "1", 101), ("2", None, 200)]  # fmt: skip
    assert by_engine[2][-4:] == (False, False, True, True)
    assert by_library == by_engine


# -- the forms declared for the fast engine only ------------------------------------

DECLARED = {
    "organisations": (resources.OrganisationResource, ("inn",)),
    "improvement_plan": (resources.ImprovementPlanResource, ("inn", "position")),
    "fulfilment_report": (resources.FulfilmentReportResource, ("inn", "position")),
    "decade_summary": (resources.DecadeSummaryResource, ("inn",)),
}


def test_register_plan_report_and_summary_forms_read_their_resources() -> None:
    for name, (resource, natural_key) in DECLARED.items():
        form = FORMS[name]
        assert form.resource is resource, name
        declared = resources.form_fields(resource)
        assert [
            (f.key, f.title, f.aliases, f.required, f.blank, f.choices, f.help)
            for f in form.fields
        ] == [
            (k, d.column_name, d.aliases, d.required, d.blank, d.choices, d.help)
            for k, d in declared
        ], name
        for spec, (_, field) in zip(form.fields, declared, strict=True):
            assert spec.widget is field.widget, (name, spec.key)
        assert resource._meta.import_id_fields == natural_key
    register = FORMS["organisations"]
    assert [f.title for f in register.fields] == [
        "ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
        "Район", "Код организации", "ИНН вышестоящей организации", "Сайт",
        "Анкета на сайте", "Получателей услуг", "Состоит на учёте",
        "Численность на дату",
    ]  # fmt: skip
    district = resources.OrganisationResource.fields["district"].widget
    assert (district.model, district.field) == (District, "name__iexact")
    parent = resources.OrganisationResource.fields["parent_inn"].widget
    assert (parent.model, parent.field) == (Organisation, "inn")
    plan = dict(resources.form_fields(resources.ImprovementPlanResource))
    report = dict(resources.form_fields(resources.FulfilmentReportResource))
    assert [
        (key, plan[key].required, report[key].required)
        for key in ("done", "actual_date")
    ] == [("done", False, True), ("actual_date", False, True)]
    summary = FORMS["decade_summary"]
    assert summary._UNIT_SUMMED[:3] == (
        "base",
        "questionnaires",
        "external_territorial",
    )
    assert "sample_percent" not in summary._UNIT_SUMMED
    assert [f.key for f in summary.fields[:3]] == ["inn", "code", "organisation_name"]


def test_a_declared_widget_setting_is_what_the_engine_applies(region, monkeypatch):
    rows = [
        ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации", "Район", "Сайт"],
        [INN_A, "КЦСОН А", "КЦСОН А", "Комплексный центр социального обслуживания", "Ачинский район", "https://kcson-a.example"],
    ]  # fmt: skip
    widget = resources.OrganisationResource.fields["website"].widget
    monkeypatch.setattr(widget, "max_length", 10)
    refused = import_file("organisations", csv_bytes(rows), "reestr.csv")
    assert [(e.row, e.column) for e in refused.errors] == [(2, "Сайт")]
    assert "10" in refused.errors[0].message
    assert Organisation.objects.get(inn=INN_A).website == ""
    monkeypatch.undo()
    report = import_file("organisations", csv_bytes(rows), "reestr.csv")
    assert report.ok, report.errors
    assert Organisation.objects.get(inn=INN_A).website == "https://kcson-a.example"


class _CountingDueDate(resources.DueDateWidget):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[object] = []

    def clean(self, value, row=None, **kwargs):
        self.seen.append(value)
        return super().clean(value, row=row, **kwargs)


def test_the_engine_runs_a_resources_widget_once_per_distinct_value(
    region, monkeypatch
) -> None:
    from evaluation.imports.sheets import ImprovementPlanForm
    from evaluation.models import Measure

    counting = _CountingDueDate()

    class Declared(resources.ImprovementPlanResource):
        planned_date = resources.FormField(
            attribute="planned_date",
            column_name="Плановый срок реализации",
            widget=counting,
            aliases=("плановый срок",),
        )

        class Meta:
            model = Measure
            fields = resources.ImprovementPlanResource._meta.fields
            import_id_fields = ("inn", "position")

    class Form(ImprovementPlanForm):
        resource = Declared

    monkeypatch.setitem(FORMS, "improvement_plan", Form)
    rows = [
        PLAN_HEADER,
        [INN_A, 1, "1.1", "Нет сведений о вакансиях", "Дополнить стенд", "IV квартал 2025 г.", "Иванова И. И., директор", None, None],
        [INN_A, 2, "1.2", "Нет схемы проезда", "Разместить схему", "IV квартал 2025 г.", "Иванова И. И., директор", None, None],
        [INN_A, 3, "3.1", "Нет пандуса", "Установить пандус", "до 01.06.2025", "Иванова И. И., директор", None, None],
    ]  # fmt: skip
    report = import_file(
        "improvement_plan", xlsx(rows), "plan.xlsx", campaign=region["nok"]
    )
    assert report.ok, report.errors
    assert counting.seen == ["IV квартал 2025 г.", "до 01.06.2025"]
    assert list(
        Measure.objects.order_by("position").values_list("position", "planned_date")
    ) == [(1, date(2025, 12, 31)), (2, date(2025, 12, 31)), (3, date(2025, 6, 1))]
