"""The import forms declared as django-import-export Resources.

Each import form's columns are declared here once, in the library's terms: a
``ModelResource`` with one :class:`FormField` (a ``fields.Field``) per column,
its widget (how a cell is cleaned), its ``column_name`` (the canonical Russian
header) and ``Meta.import_id_fields`` (the natural key of a row). The form
classes in :mod:`evaluation.imports.sheets` read their columns from these
declarations (``ImportForm.resource``), so a column added here appears in the
form, its template and its header recognition.

Two engines execute a declaration:

* the portal's fast engine (:mod:`evaluation.imports.engine`): it reads the
  sheet with calamine, calls each column's ``widget.clean`` once per
  *distinct* value of the column (not per cell), builds rows with the form's
  checks and writes them in bulk (``COPY`` on PostgreSQL). For a
  ``ForeignKeyWidget`` column it cleans the natural key once per distinct
  value (:meth:`NaturalKeyWidget.clean_key`) and resolves the objects once
  per distinct key, with the form's permission checks;
* the library itself (``Resource.import_data``), row by row. It gives the
  same rows (``tests/evaluation/test_import_resources.py``) but is more than
  ten times slower on large files (``docs/benchmarks.md``, "imports").

The register, improvement-plan, fulfilment-report and Декада summary forms
are declared here too (:class:`OrganisationResource`,
:class:`ImprovementPlanResource`, :class:`FulfilmentReportResource`,
:class:`DecadeSummaryResource`) and executed by the fast engine only: what
their rows write (plan revisions, progress reports, units summed into their
organisation, parents in the same file) is the form's code, so the library's
``import_data`` is not offered for them.

:class:`FormField` adds to ``fields.Field`` what a form needs beyond the
library: other wordings of the header met in real files (``aliases``),
whether the column must be present (``required``), whether a cell may be
empty (``blank``), the choices of a validation list and a line of help for
the template. Widgets raise ``ValueError`` with a short Russian reason, as
the library expects; the engine reports it with the row and the column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from import_export import fields, resources, widgets

from evaluation.enums import (
    DataSource,
    IndicatorCode,
    OrganisationKind,
    PlanExecutor,
    SurveyChannel,
    SurveyKind,
)
from evaluation.imports import values
from evaluation.models import (
    DecadeSummary,
    District,
    IndicatorInput,
    Measure,
    Organisation,
    PlanItem,
    RegionalPlan,
    SurveyResponse,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.rating.inputs import COUNT_FIELDS
from evaluation.regional.models import EXECUTOR_FIELDS
from evaluation.regional.schedules import (
    Schedule,
    ScheduleError,
    ScheduleKind,
    parse_schedule,
)

# -- fields -------------------------------------------------------------------


class FormField(fields.Field):
    """A column of an import form: a ``fields.Field`` with the form's extras.

    Args:
        aliases: Other wordings of the header met in real files.
        required: The column must be present in the file.
        blank: A cell may be empty (its value is then None).
        choices: ``(value, label)`` pairs: the template's validation list.
        help: One line for the template's instructions sheet.
        **kwargs: ``fields.Field`` arguments (``attribute``, ``column_name``,
            ``widget``, ``default``, ``saves_null_values`` …).
    """

    def __init__(
        self,
        *,
        aliases: Sequence[str] = (),
        required: bool = True,
        blank: bool = False,
        choices: Sequence[tuple[str, str]] | None = None,
        help: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.aliases = tuple(aliases)
        self.required = required
        self.blank = blank
        self.choices = choices
        self.help = help


def form_fields(resource: type[resources.Resource]) -> list[tuple[str, FormField]]:
    """A resource's form columns in the order of ``Meta.fields``."""
    declared = resource.fields
    return [
        (name, declared[name])
        for name in resource._meta.fields
        if isinstance(declared.get(name), FormField)
    ]


# -- widgets ------------------------------------------------------------------


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class RuTextWidget(widgets.CharWidget):
    """Text with spaces collapsed; whole numbers lose their ``.0``."""

    def __init__(self, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_text(value, max_length=self.max_length)


class RuIntegerWidget(widgets.IntegerWidget):
    """A whole number: ``12``, ``12.0`` (calamine), ``" 1 234 "``, ``"12,0"``."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_int(value)


class RuDecimalWidget(widgets.DecimalWidget):
    """A Russian number: ``1 234,5`` (any spaces, decimal comma or point).

    Args:
        places: Decimal places to round to (half up).
        percent_sign: Text ending with ``%`` is a percentage from 0 to 100
            (``45,5 %``); the sign is dropped.
    """

    def __init__(
        self, places: int | None = 2, *, percent_sign: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.places = places
        self.percent_sign = percent_sign

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        if self.percent_sign and isinstance(value, str) and value.strip().endswith("%"):
            return values.to_percent(value)
        return values.to_decimal(value, places=self.places)


class RuDateWidget(widgets.DateWidget):
    """A date cell, ``dd.mm.yyyy``, ``dd.mm.yy``, ISO or an Excel serial."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_date(value)


class YesNoWidget(widgets.BooleanWidget):
    """да/нет, д/н, 1/0, +/-, х. In this column «нет» and «-» are answers, not
    empty cells."""

    markers_are_values = True

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_bool(value)


class RuPercentWidget(widgets.DecimalWidget):
    """A percentage from 0 to 100: ``45,5``, ``45,5 %`` (see
    :func:`values.to_percent`)."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_percent(value)


class InnWidget(widgets.CharWidget):
    """An INN of 10 or 12 digits with its check digits verified."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return values.to_inn(value)


class ChoiceWidget(widgets.Widget):
    """A stored choice from its value or Russian label (case and ``ё`` ignored)."""

    def __init__(self, choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices
        self._lookup: dict[str, str] = {}

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        if not self._lookup:  # labels are lazy translations: build on first use
            for stored, label in self.choices:
                self._lookup[values.normalise_choice(stored)] = stored
                self._lookup[values.normalise_choice(label)] = stored
        found = self._lookup.get(values.normalise_choice(value))
        if found is None:
            return values.to_choice(value, self.choices)  # raises with the labels
        return found


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A ``ForeignKeyWidget`` whose key is cleaned first (an INN's check digits).

    The fast engine calls :meth:`clean_key` once per distinct cell and
    resolves the objects itself (once per key, with the form's permission
    checks); the library calls :meth:`clean`, which looks the object up.
    """

    def __init__(self, model, field: str, key, **kwargs: Any) -> None:
        super().__init__(model, field=field, **kwargs)
        self.key = key

    def clean_key(self, value: object) -> object:
        return self.key(value)

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return super().clean(self.clean_key(value), row=row, **kwargs)


def _code(value: object) -> str:
    return values.to_text(value, max_length=40)


class ScheduledText(str):
    """A deadline as written, carrying the :class:`Schedule` read from it."""

    __slots__ = ("schedule",)
    schedule: Schedule


class ScheduleWidget(widgets.Widget):
    """A plan's deadline phrase («ежегодно, 4 квартал», «постоянно», «1 квартал
    2016 года») read by :func:`evaluation.regional.schedules.parse_schedule`; the text is
    kept as written and carries its schedule."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        text = values.to_text(value, max_length=300)
        result = ScheduledText(text)
        result.schedule = parse_schedule(text)  # ScheduleError is a ValueError
        return result


_EXECUTOR_PATTERNS = (
    (PlanExecutor.MINISTRY, r"министерств"),
    (PlanExecutor.COUNCIL, r"общественн\w*\s+совет"),
    (PlanExecutor.ORGANISATIONS, r"организаци\w*(?!-оператор)(?:\s+социального)?"),
    (PlanExecutor.OPERATOR, r"оператор"),
)


def parse_executors(text: str) -> list[str]:
    """Executor codes named in a cell ("министерство … общественный совет")."""
    found = []
    for code, pattern in _EXECUTOR_PATTERNS:
        haystack = text
        if code == PlanExecutor.ORGANISATIONS:
            # "организация-оператор" names the operator, not the organisations.
            haystack = re.sub(
                r"организаци\w*-оператор\w*", " ", text, flags=re.IGNORECASE
            )
        if re.search(pattern, haystack, re.IGNORECASE):
            found.append(str(code))
    return found


class ExecutorsWidget(widgets.Widget):
    """Who carries out a plan item, as written; at least one must be named."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        text = values.to_text(value, max_length=500)
        if not parse_executors(text):
            raise ValueError(
                "исполнители не распознаны; укажите министерство, общественный совет, "
                "организации социального обслуживания или организацию-оператора"
            )
        return text


class ItemNumberWidget(widgets.Widget):
    """A plan item number: ``1``, ``1.1``, ``5.3.``; a number cell 1.1 reads as "1.1"."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        if isinstance(value, float) and not value.is_integer():
            text = repr(value)
        else:
            text = values.to_text(value)
        match = re.match(r"^(\d{1,2})(?:\.(\d{1,2}))?\.?$", text.strip())
        if not match:
            raise ValueError(f"«{text}» — не номер пункта; пишите 1, 2 или 1.1, 5.3")
        major, minor = match.groups()
        return f"{int(major)}.{int(minor)}" if minor else str(int(major))


def item_position(number: str) -> int:
    """The sort position of a plan item number ("5.3" → 503)."""
    major, _, minor = number.partition(".")
    return int(major) * 100 + (int(minor) if minor else 0)


# -- the organisation of a row -------------------------------------------------


def _inn_field() -> FormField:
    return FormField(
        attribute="organisation",
        column_name="ИНН",
        widget=NaturalKeyWidget(Organisation, "inn", values.to_inn),
        saves_null_values=False,
        aliases=("инн организации", "инн учреждения"),
        required=False,
        blank=True,
        help="ИНН организации (10 цифр); по нему организация находится в реестре.",
    )


def _code_field() -> FormField:
    return FormField(
        attribute="organisation",
        column_name="Код организации",
        widget=NaturalKeyWidget(Organisation, "code__iexact", _code),
        saves_null_values=False,
        aliases=("код", "краткий код", "код учреждения"),
        required=False,
        blank=True,
        help="Краткий код организации в реестре портала (если нет ИНН).",
    )


class OrganisationColumns(resources.Resource):
    """The columns that find a row's organisation (ИНН, else the code).

    Forms of one organisation's rows start with them; a file loaded on behalf
    of one organisation may leave them out.
    """

    inn = _inn_field()
    code = _code_field()

    class Meta:
        fields = ("inn", "code")


class _CampaignResource(resources.ModelResource):
    """A resource of one campaign's rows (``Resource(campaign=…)``)."""

    def __init__(self, campaign=None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.campaign = campaign

    def get_queryset(self):
        return self._meta.model.objects.filter(campaign=self.campaign)


# -- survey responses ------------------------------------------------------------


def _question(n: int) -> FormField:
    return FormField(
        column_name=f"Вопрос {n}",
        widget=YesNoWidget(),
        aliases=(f"в{n}", f"q{n}", f"вопрос №{n}", f"вопрос № {n}"),
        required=True,
        blank=True,
        help=f"Ответ на вопрос {n}: да / нет / пусто.",
    )


QUESTIONS = tuple(f"q{n}" for n in range(1, 16))
_SurveyQuestions = type(
    "_SurveyQuestions",
    (resources.Resource,),
    {f"q{n}": _question(n) for n in range(1, 16)},
)


class SurveyResponseResource(_SurveyQuestions, _CampaignResource):
    """Questionnaires of a Декада campaign, one row each (no personal data).

    ``Вопрос 1`` … ``Вопрос 15`` are the answers (``answers`` JSON).
    """

    inn = _inn_field()
    code = _code_field()
    number = FormField(
        attribute="number",
        column_name="Номер анкеты",
        widget=RuTextWidget(40),
        aliases=("№ анкеты", "номер", "№", "№ п/п"),
    )
    collected_on = FormField(
        attribute="collected_on",
        column_name="Дата анкетирования",
        widget=RuDateWidget(),
        aliases=("дата", "дата опроса", "дата заполнения"),
    )
    channel = FormField(
        attribute="channel",
        column_name="Канал",
        widget=ChoiceWidget(SurveyChannel.choices),
        aliases=(
            "способ получения анкеты",
            "место проведения опроса",
            "канал получения",
        ),
        choices=SurveyChannel.choices,
    )
    kind = FormField(
        attribute="kind",
        column_name="Форма опроса",
        widget=ChoiceWidget(SurveyKind.choices),
        default=SurveyKind.QUESTIONNAIRE,
        aliases=("форма", "анкетирование или интервью"),
        required=False,
        blank=True,
        choices=SurveyKind.choices,
    )
    external_territorial = FormField(
        attribute="external_territorial",
        column_name="Экстерриториальная",
        widget=YesNoWidget(),
        default=False,
        aliases=("экстерриториальная анкета", "экстерриториально"),
        required=False,
        blank=True,
    )
    suggestion = FormField(
        attribute="suggestion",
        column_name="Предложения",
        widget=RuTextWidget(4000),
        default="",
        aliases=("вопрос 16", "ваши предложения", "предложения и замечания"),
        required=False,
        blank=True,
    )

    class Meta:
        model = SurveyResponse
        fields = (
            "inn",
            "code",
            "number",
            "collected_on",
            "channel",
            "kind",
            "external_territorial",
            *QUESTIONS,
            "suggestion",
        )
        import_id_fields = ("inn", "number")

    def before_save_instance(self, instance, row, **kwargs):
        instance.campaign = self.campaign
        instance.source = DataSource.IMPORT
        instance.answers = {key: self.fields[key].clean(row) for key in QUESTIONS}


# -- НОК results -----------------------------------------------------------------


def _count(column_name: str, aliases: Sequence[str], **kwargs: Any) -> FormField:
    return FormField(
        column_name=column_name, widget=RuIntegerWidget(), aliases=aliases, **kwargs
    )


def _yes(n: int) -> FormField:
    optional = n in {4, 8}  # questions a respondent may skip
    return _count(
        f"«Да» на вопрос {n}",
        (f"да в{n}", f"q{n} да", f"ответов да на вопрос {n}", f"вопрос {n}"),
        required=not optional,
        blank=optional,
    )


_NokYes = type(
    "_NokYes", (resources.Resource,), {f"yes_q{n}": _yes(n) for n in range(1, 16)}
)


def nok_payload(cleaned: Mapping[str, Any], method: str) -> dict[str, Any]:
    """The calculator's input (METHOD.md §6) of one НОК results row."""
    return {
        "method": method,
        "respondents": cleaned["respondents"],
        "info_stand": {
            "present": cleaned["info_stand_present"],
            "required": cleaned["info_stand_required"],
        },
        "info_site": {
            "present": cleaned["info_site_present"],
            "required": cleaned["info_site_required"],
        },
        "remote_channels": cleaned["remote_channels"],
        "comfort_conditions": cleaned["comfort_conditions"],
        "premises_access": cleaned["premises_access"],
        "service_access": cleaned["service_access"],
        "yes": {
            f"q{n}": cleaned[f"yes_q{n}"]
            for n in range(1, 16)
            if cleaned.get(f"yes_q{n}") is not None
        },
        "answered": {"q13": cleaned["answered_q13"]}
        if cleaned.get("answered_q13") is not None
        else {},
    }


class NokResultsResource(_NokYes, _CampaignResource):
    """An operator's results of a НОК campaign: the inputs of every indicator.

    The row is checked by the rating calculator (``parse_inputs``), which
    also derives the stored fields (``IndicatorInput.fields_from``).
    """

    inn = _inn_field()
    code = _code_field()
    respondents = _count(
        "Число респондентов",
        ("опрошено", "число опрошенных", "количество респондентов"),
    )
    info_stand_present = _count(
        "Стенды: размещено", ("информация на стендах: размещено", "стенды размещено")
    )
    info_stand_required = _count(
        "Стенды: требуется",
        (
            "информация на стендах: требуется",
            "стенды требуется",
            "стенды: требуется (без «не применимо»)",
        ),
    )
    info_site_present = _count(
        "Сайт: размещено", ("информация на сайте: размещено", "сайт размещено")
    )
    info_site_required = _count(
        "Сайт: требуется", ("информация на сайте: требуется", "сайт требуется")
    )
    remote_channels = _count(
        "Дистанционных способов связи",
        ("дистанционные способы взаимодействия", "показатель 1.2"),
    )
    comfort_conditions = _count(
        "Комфортных условий", ("комфортные условия", "показатель 2.1")
    )
    premises_access = _count(
        "Оборудование для инвалидов (из 5)",
        ("оборудование помещений для инвалидов", "показатель 3.1"),
    )
    service_access = _count(
        "Условия доступности (из 6)",
        ("условия доступности для инвалидов", "показатель 3.2"),
    )
    answered_q13 = _count(
        "Ответивших на вопрос 13",
        ("ответили на вопрос 13",),
        required=False,
        blank=True,
    )

    class Meta:
        model = IndicatorInput
        fields = (
            "inn",
            "code",
            *COUNT_FIELDS,
            *(f"yes_q{n}" for n in range(1, 16)),
            "answered_q13",
        )
        import_id_fields = ("inn",)

    def before_save_instance(self, instance, row, **kwargs):
        from evaluation.rating import parse_inputs

        cleaned = {
            name: field.clean(row)
            for name, field in form_fields(type(self))
            if field.column_name in row
        }
        inputs = parse_inputs(nok_payload(cleaned, self.campaign.method_version))
        for name, value in IndicatorInput.fields_from(inputs).items():
            setattr(instance, name, value)
        instance.campaign = self.campaign
        instance.source = DataSource.IMPORT


# -- target indicators ----------------------------------------------------------------


class IndicatorWidget(NaturalKeyWidget):
    """A target indicator by its title (case ignored); the library creates a
    missing one with the row's unit and position, as the form does."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            TargetIndicator, "title__iexact", lambda v: values.to_text(v, 500), **kwargs
        )

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except TargetIndicator.DoesNotExist:
            title = self.clean_key(value)
            unit = (row or {}).get("Единица измерения") or "%"
            position = (row or {}).get("№ п/п")
            return TargetIndicator.objects.create(
                title=title,
                unit=values.to_text(unit, 30),
                position=values.to_int(position)
                if not _empty(position)
                else TargetIndicator.objects.count() + 1,
            )


class TargetIndicatorValueResource(resources.ModelResource):
    """Target indicators of the regional plan, one row per indicator and year."""

    position = FormField(
        column_name="№ п/п",
        widget=RuIntegerWidget(),
        aliases=("номер", "номер п п"),
        required=False,
        blank=True,
    )
    title = FormField(
        attribute="indicator",
        column_name="Наименование показателя",
        widget=IndicatorWidget(),
        aliases=("показатель", "наименование целевого показателя", "наименование"),
    )
    unit = FormField(
        column_name="Единица измерения",
        widget=RuTextWidget(30),
        default="%",
        aliases=("ед изм", "единица"),
        required=False,
        blank=True,
    )
    year = FormField(
        attribute="year",
        column_name="Год",
        widget=RuIntegerWidget(),
        aliases=("отчетный год", "период"),
    )
    planned = FormField(
        attribute="planned",
        column_name="План",
        widget=RuDecimalWidget(2, percent_sign=True),
        aliases=("плановое значение", "значение по плану"),
        required=False,
        blank=True,
    )
    actual = FormField(
        attribute="actual",
        column_name="Факт",
        widget=RuDecimalWidget(2, percent_sign=True),
        aliases=("фактическое значение", "достигнутое значение"),
        required=False,
        blank=True,
    )

    class Meta:
        model = TargetIndicatorValue
        fields = ("position", "title", "unit", "year", "planned", "actual")
        import_id_fields = ("title", "year")

    def before_save_instance(self, instance, row, **kwargs):
        unit = self.fields["unit"].clean(row) if "Единица измерения" in row else "%"
        indicator = instance.indicator
        if indicator.unit != unit:
            TargetIndicator.objects.filter(pk=indicator.pk).update(unit=unit)
            indicator.unit = unit


# -- the regional plan of measures ------------------------------------------------------


class PlanItemResource(resources.ModelResource):
    """Items of the ministry's plan of measures (seed 001, Part II), loaded
    into the latest plan; an item is found by its number."""

    number = FormField(
        attribute="number",
        column_name="№ п/п",
        widget=ItemNumberWidget(),
        aliases=("n", "№", "n п п", "номер", "номер пункта", "пункт"),
        help="Номер пункта: 1, 2 … или подпункта: 1.1, 5.3.",
    )
    measure = FormField(
        attribute="measure",
        column_name="Мероприятия",
        widget=RuTextWidget(),
        aliases=("мероприятие", "наименование мероприятия", "содержание мероприятия"),
        help="Текст мероприятия; переносы строк внутри ячейки допустимы.",
    )
    form = FormField(
        attribute="form",
        column_name="Форма реализации",
        widget=RuTextWidget(),
        default="",
        aliases=("форма", "форма исполнения", "форма реализации мероприятия"),
        required=False,
        blank=True,
    )
    deadline = FormField(
        attribute="deadline_text",
        column_name="Сроки исполнения",
        widget=ScheduleWidget(),
        aliases=("срок исполнения", "срок", "сроки", "срок реализации"),
        help=(
            "Например: «ежегодно, 4 квартал», «2 раза в год», «1 квартал 2016 "
            "года», «постоянно», «по мере необходимости»."
        ),
    )
    executors = FormField(
        attribute="executors_text",
        column_name="Ответственные исполнители",
        widget=ExecutorsWidget(),
        aliases=("ответственный исполнитель", "исполнители", "ответственные"),
        help=(
            "Министерство, общественный совет, организации социального "
            "обслуживания, организация-оператор (одна или несколько)."
        ),
    )

    class Meta:
        model = PlanItem
        fields = ("number", "measure", "form", "deadline", "executors")
        import_id_fields = ("number",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = RegionalPlan.objects.order_by("-first_year", "-pk").first()

    def get_queryset(self):
        return PlanItem.objects.filter(plan=self.plan)

    def before_save_instance(self, instance, row, **kwargs):
        instance.plan = self.plan
        head, dot, _ = instance.number.partition(".")
        instance.parent = (
            PlanItem.objects.get(plan=self.plan, number=head) if dot else None
        )
        instance.position = item_position(instance.number)
        instance.schedule = instance.deadline_text.schedule.as_json()
        instance.deadline_text = str(instance.deadline_text)
        named = parse_executors(instance.executors_text)
        for code, name in EXECUTOR_FIELDS.items():
            setattr(instance, name, code in named)


# -- the organisation register ------------------------------------------------------


def _text_field(
    attribute: str | None,
    column_name: str,
    max_length: int,
    aliases: Sequence[str],
    **kwargs: Any,
) -> FormField:
    return FormField(
        attribute=attribute,
        column_name=column_name,
        widget=RuTextWidget(max_length),
        aliases=aliases,
        **kwargs,
    )


def _optional(**kwargs: Any) -> dict[str, Any]:
    return {"required": False, "blank": True, **kwargs}


class OrganisationResource(resources.ModelResource):
    """The register of social-service providers, one row per organisation,
    found by its ИНН. The district and the parent are natural keys (a
    district's name, the parent's ИНН); empty optional cells keep the stored
    value unless the preview is told to clear them."""

    inn = FormField(
        attribute="inn",
        column_name="ИНН",
        widget=InnWidget(),
        aliases=("инн организации", "инн учреждения"),
    )
    name = _text_field(
        "name",
        "Полное наименование",
        500,
        ("наименование организации", "наименование", "полное наименование организации"),
    )
    short_name = _text_field(
        "short_name",
        "Краткое наименование",
        200,
        ("сокращенное наименование", "краткое название"),
    )
    kind = FormField(
        attribute="kind",
        column_name="Вид организации",
        widget=ChoiceWidget(OrganisationKind.choices),
        aliases=("тип организации", "тип учреждения", "вид"),
        choices=OrganisationKind.choices,
    )
    district = FormField(
        attribute="district",
        column_name="Район",
        widget=NaturalKeyWidget(
            District, "name__iexact", lambda v: values.to_text(v, max_length=200)
        ),
        aliases=("муниципальный район", "территория", "муниципальное образование"),
    )
    code = _text_field(
        "code", "Код организации", 40, ("код", "краткий код"), **_optional()
    )
    parent_inn = FormField(
        attribute="parent",
        column_name="ИНН вышестоящей организации",
        widget=NaturalKeyWidget(Organisation, "inn", values.to_inn),
        aliases=("инн головной организации",),
        **_optional(),
    )
    website = _text_field(
        "website", "Сайт", 200, ("официальный сайт", "адрес сайта"), **_optional()
    )
    has_online_questionnaire = FormField(
        attribute="has_online_questionnaire",
        column_name="Анкета на сайте",
        widget=YesNoWidget(),
        aliases=("онлайн-анкета на сайте", "анкета на сайте есть"),
        **_optional(),
    )
    recipients_count = FormField(
        attribute="recipients_count",
        column_name="Получателей услуг",
        widget=RuIntegerWidget(),
        aliases=("численность получателей услуг", "число получателей"),
        **_optional(),
    )
    registered_count = FormField(
        attribute="registered_count",
        column_name="Состоит на учёте",
        widget=RuIntegerWidget(),
        aliases=("численность состоящих на учете", "граждан на учете"),
        **_optional(),
    )
    counts_as_of = FormField(
        attribute="counts_as_of",
        column_name="Численность на дату",
        widget=RuDateWidget(),
        aliases=("дата численности", "по состоянию на"),
        **_optional(),
    )

    class Meta:
        model = Organisation
        fields = (
            "inn",
            "name",
            "short_name",
            "kind",
            "district",
            "code",
            "parent_inn",
            "website",
            "has_online_questionnaire",
            "recipients_count",
            "registered_count",
            "counts_as_of",
        )
        import_id_fields = ("inn",)


class NamedOrganisationColumns(OrganisationColumns):
    """:class:`OrganisationColumns` and the organisation's name: forms that
    institutions fill by hand also find an organisation by its name."""

    organisation_name = _text_field(
        None,
        "Наименование организации",
        500,
        ("наименование учреждения", "организация", "учреждение"),
        **_optional(
            help="Полное или краткое наименование, как в реестре (если нет ИНН и кода)."
        ),
    )

    class Meta:
        fields = ("inn", "code", "organisation_name")


# -- improvement plans and their fulfilment ---------------------------------------------


class WrittenDate(date):
    """A date read from words («IV квартал 2025 г.»), remembering them for
    the preview."""

    words: str = ""

    @classmethod
    def of(cls, day: date, words: str) -> WrittenDate:
        result = cls(day.year, day.month, day.day)
        result.words = words
        return result


class Recurring:
    """A recurring due date ("ежеквартально", "постоянно"), resolved to the
    last due date of the plan's year once the year is known."""

    __slots__ = ("schedule",)

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule


DUE_EXAMPLES = (
    "пишите дату (31.12.2025), «до 31.12.2025», «IV квартал 2025 г.», "
    "«декабрь 2025», «2025 год», «в течение года» или «ежеквартально»"
)
_NUMERIC_DATE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}")
_SUB_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})+")


def due_date(value: object) -> object:
    """A planned date as people write it: a date, «до 31.12.2025», «IV квартал
    2025 г.», «декабрь 2025», «2025 год»; recurring phrases («в течение года»,
    «ежеквартально», «постоянно») become :class:`Recurring`. Phrases are read
    by :func:`evaluation.regional.schedules.parse_schedule`."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 2000 <= value <= 2100:
            return date(int(value), 12, 31)  # a year typed as a number
        return values.to_date(value)
    if not isinstance(value, str):
        return values.to_date(value)
    text = " ".join(value.split())
    try:
        return values.to_date(text)
    except ValueError:
        if _NUMERIC_DATE.fullmatch(text):
            raise ValueError(
                f"«{text}» — нет такой даты; проверьте день и месяц (ДД.ММ.ГГГГ)"
            ) from None
    try:
        schedule = parse_schedule(text)
    except ScheduleError:
        raise ValueError(f"«{text}» — срок не распознан; {DUE_EXAMPLES}") from None
    if schedule.kind == ScheduleKind.ONCE:
        return WrittenDate.of(max(schedule.dates), text)
    if not schedule.has_deadlines:
        raise ValueError(
            f"«{text}» — срок без даты; укажите, к какому сроку выполнить "
            f"мероприятие: {DUE_EXAMPLES}"
        )
    return Recurring(schedule)


def measure_number(value: object) -> object:
    """A measure's number in the plan: 3, «3.», or «1.2» within a section."""
    if isinstance(value, float) and not value.is_integer():
        text = repr(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return values.to_int(value)
    else:
        text = values.to_text(value).strip().rstrip(".")
    if text.isdigit():
        return int(text)
    if _SUB_NUMBER.fullmatch(text):
        return text
    raise ValueError(f"«{text}» — не номер мероприятия; пишите 1, 2, 3 или 1.1, 1.2")


class DueDateWidget(widgets.DateWidget):
    """A planned date as people write it (see :func:`due_date`)."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return due_date(value)


class MeasureNumberWidget(widgets.Widget):
    """A measure's number within its plan (see :func:`measure_number`)."""

    def clean(self, value, row=None, **kwargs):
        if _empty(value):
            return None
        return measure_number(value)


def _done_field(**options) -> FormField:
    """What was done about a measure: optional in a plan, required in a report."""
    return _text_field(
        None,
        "Реализованные меры по устранению выявленных недостатков",
        4000,
        ("реализованные меры", "что сделано", "отметка о выполнении"),
        **options,
    )


def _actual_date_field(**options) -> FormField:
    """When a measure was done: optional in a plan, required in a report."""
    return FormField(
        column_name="Фактический срок реализации",
        widget=RuDateWidget(),
        aliases=("фактический срок", "дата выполнения", "дата вып", "фактически"),
        **options,
    )


class ImprovementPlanResource(NamedOrganisationColumns, resources.ModelResource):
    """The federal plan form (ПП РФ № 457), one row per measure.

    A measure is found again by its organisation and its number within the
    plan (``import_id_fields``); a file without numbers falls back to its
    wording (see ``ImprovementPlanForm``).
    """

    position = FormField(
        attribute="position",
        column_name="№ п/п",
        widget=MeasureNumberWidget(),
        aliases=("номер", "номер п п", "номер мероприятия"),
        **_optional(),
    )
    indicator_code = FormField(
        attribute="indicator_code",
        column_name="Код показателя",
        widget=ChoiceWidget(IndicatorCode.choices),
        aliases=("показатель", "номер показателя"),
        **_optional(choices=IndicatorCode.choices),
    )
    deficiency = _text_field(
        "deficiency",
        "Недостатки, выявленные в ходе независимой оценки",
        4000,
        ("недостатки", "выявленный недостаток", "недостаток"),
    )
    action = _text_field(
        "action",
        "Наименование мероприятия по устранению недостатков",
        4000,
        ("мероприятие", "мероприятия", "наименование мероприятия"),
    )
    planned_date = FormField(
        attribute="planned_date",
        column_name="Плановый срок реализации",
        widget=DueDateWidget(),
        aliases=("плановый срок", "срок реализации", "срок", "срок исполнения"),
    )
    responsible = _text_field(
        "responsible_name",
        "Ответственный исполнитель (с указанием ФИО и должности)",
        400,
        (
            "ответственный исполнитель",
            "ответственный",
            "ответственный (фио)",
            "исполнитель",
            "отв. исполнитель",
        ),
    )
    responsible_position = _text_field(
        "responsible_position",
        "Должность",
        200,
        ("должность ответственного",),
        **_optional(),
    )
    done = _done_field(**_optional())
    actual_date = _actual_date_field(**_optional())

    class Meta:
        model = Measure
        fields = (
            "inn",
            "code",
            "organisation_name",
            "position",
            "indicator_code",
            "deficiency",
            "action",
            "planned_date",
            "responsible",
            "responsible_position",
            "done",
            "actual_date",
        )
        import_id_fields = ("inn", "position")


class FulfilmentReportResource(ImprovementPlanResource):
    """Progress on an approved plan: the plan's columns, with what was done
    and when required in every row."""

    done = _done_field()
    actual_date = _actual_date_field()

    class Meta:
        model = Measure
        fields = ImprovementPlanResource._meta.fields
        import_id_fields = ("inn", "position")


# -- the Декада summary -------------------------------------------------------------------


def _summary_count(column_name: str, aliases: Sequence[str], **kwargs) -> FormField:
    return FormField(
        column_name=column_name,
        widget=RuIntegerWidget(),
        aliases=aliases,
        **_optional(**kwargs),
    )


CHANNEL_KEYS = tuple(f"channel_{value}" for value, _ in SurveyChannel.choices)
_SummaryChannels = type(
    "_SummaryChannels",
    (resources.Resource,),
    {
        f"channel_{value}": _summary_count(
            f"Канал: {label}",
            (str(label),),
            help=f"Сколько анкет получено так: {label}.",
        )
        for value, label in SurveyChannel.choices
    },
)
_SummaryYes = type(
    "_SummaryYes",
    (resources.Resource,),
    {
        f"yes_q{n}": _summary_count(
            f"«Да» на вопрос {n}",
            (f"да на вопрос {n}", f"вопрос {n} да", f"вопрос {n}"),
        )
        for n in range(1, 16)
    },
)


class DecadeSummaryResource(
    _SummaryChannels, _SummaryYes, NamedOrganisationColumns, _CampaignResource
):
    """An institution's Декада summary: one row per organisation (its units
    under it), found by the organisation (``import_id_fields``). The two
    percentage columns are read to be checked, never stored."""

    base = _summary_count(
        "База выборки",
        ("численность получателей услуг", "состоит на учете", "база"),
        help=(
            "Получатели услуг на время опроса (учреждения) или состоящие на учёте "
            "на начало года (УСЗН)."
        ),
    )
    questionnaires = FormField(
        column_name="Всего анкет",
        widget=RuIntegerWidget(),
        aliases=("количество анкет", "число анкет", "анкет всего"),
        help="Анкеты, учтённые в выборке (без экстерриториальных).",
    )
    external_territorial = _summary_count(
        "Экстерриториальных анкет",
        ("экстерриториальные анкеты", "экстерриториальных"),
    )
    kind_questionnaire = _summary_count("Анкетирование", ("анкетирование",))
    kind_interview = _summary_count("Интервью", ("интервьюирование", "интервью"))
    sample_percent = FormField(
        column_name="Процент выборки",
        widget=RuPercentWidget(),
        aliases=("% выборки", "доля выборки", "охват выборки"),
        **_optional(
            help="Не загружается: портал считает его сам и сверяет с анкетами и базой."
        ),
    )
    satisfied_share = FormField(
        column_name="Доля удовлетворённых",
        widget=RuPercentWidget(),
        aliases=("удовлетворенность", "доля удовлетворенных получателей"),
        **_optional(help="Не загружается: портал считает её сам из ответов «да»."),
    )

    class Meta:
        model = DecadeSummary
        fields = (
            "inn",
            "code",
            "organisation_name",
            "base",
            "questionnaires",
            "external_territorial",
            *CHANNEL_KEYS,
            "kind_questionnaire",
            "kind_interview",
            *(f"yes_q{n}" for n in range(1, 16)),
            "sample_percent",
            "satisfied_share",
        )
        import_id_fields = ("inn",)
