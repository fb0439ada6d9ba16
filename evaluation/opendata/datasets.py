"""The public datasets of the portal: the data dictionary and how rows are read.

Every table the site shows is also a dataset here, with a stable slug, a
Russian title and description, typed columns and a reader. Readers see only
published data: the latest publication of a НОК campaign, Декады whose status
is "published", approved plans, published council decisions, active
organisations. The encoders live in :mod:`evaluation.opendata.exports`.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from evaluation import selectors
from evaluation.decade.summary import QUESTIONS
from evaluation.enums import (
    CampaignKind,
    Criterion,
    IndicatorCode,
    MeasureStatus,
    OrganisationKind,
    SubmissionKind,
    SubmissionStatus,
)
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    Organisation,
    Publication,
)
from evaluation.nok.selectors import PUBLISHED_ELSEWHERE, is_published_elsewhere
from evaluation.opendata import exports
from evaluation.opendata.exports import Column, ColumnField, ColumnType
from evaluation.rating import RatingInputError, get_method
from evaluation.regional import selectors as regional

Row = dict[str, Any]


@dataclass(frozen=True)
class Licence:
    """The licence every dataset is published under."""

    code: str
    title: str
    url: str
    text: str


LICENCE = Licence(
    code="CC-BY-4.0",
    title="Creative Commons «Атрибуция» 4.0 Международная (CC BY 4.0)",
    url="https://creativecommons.org/licenses/by/4.0/deed.ru",
    text=(
        "Данные можно свободно копировать, распространять, изменять и "
        "использовать в любых целях, в том числе коммерческих, при условии "
        "указания источника: {publisher}."
    ),
)


def publisher_name() -> str:
    """Who publishes the data (the ministry's site name)."""
    return str(getattr(settings, "WAGTAIL_SITE_NAME", "") or "Портал качества")


def licence_text() -> str:
    """The licence's Russian terms with the publisher named."""
    return LICENCE.text.format(publisher=publisher_name())


class DatasetError(EvaluationError, LookupError):
    """A dataset, or the campaign it was asked for, is not public.

    Attributes:
        code: Machine code for API errors (``unknown_dataset``,
            ``campaign_required``, ``unknown_campaign``).
        message: Russian explanation.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Table:
    """The rows of one dataset, with the campaign and publication they come from.

    Attributes:
        dataset: The dataset read.
        campaign: The campaign asked for; None for datasets not bound to one.
        publication: The campaign's latest publication (НОК), or None.
        rows: Mappings column key → value.
    """

    dataset: Dataset
    campaign: Campaign | None
    publication: Publication | None
    rows: list[Row]

    @property
    def last_modified(self) -> datetime | None:
        """When the rows last changed, known only for rows frozen in a publication."""
        if self.dataset.frozen and self.publication is not None:
            return self.publication.published_at
        return None

    @property
    def filename_stem(self) -> str:
        """``results-nok-2024`` or ``organisations``: stable download names."""
        if self.campaign is None:
            return self.dataset.slug
        return f"{self.dataset.slug}-{self.campaign.slug}"

    def encode(self, fmt: str) -> bytes:
        """The table in ``csv``, ``xlsx`` or ``json``.

        Raises:
            KeyError: unknown format.
        """
        title = self.dataset.title
        if self.campaign is not None:
            title = f"{title}: {self.campaign.title}"
        return exports.write(
            fmt,
            self.dataset.columns,
            self.dataset.resource_class().values(self.rows),
            title=title,
            sheet_name=self.dataset.sheet_name,
        )


Reader = Callable[[Campaign | None, Publication | None], list[Row]]


@dataclass(frozen=True)
class Dataset:
    """A public dataset: its data dictionary and how to read its rows.

    Attributes:
        slug: Stable name in URLs and file names; never renamed.
        title: Russian title.
        description: Russian description of what a row is.
        columns: The data dictionary.
        reader: Reads the rows of a resolved campaign (or of none).
        campaign_kinds: Kinds of campaign the dataset is read for; empty when
            it is not bound to a campaign.
        frozen: True when the rows are frozen in a publication (so the
            publication's date is when they last changed).
        sheet_name: XLSX sheet name.
        resource: The columns declared as a django-import-export Resource
            (:class:`evaluation.opendata.exports.OpenDataResource`); when not given,
            one is declared from ``columns``.
    """

    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    reader: Reader
    campaign_kinds: tuple[str, ...] = ()
    frozen: bool = False
    sheet_name: str = "Данные"
    resource: type[exports.OpenDataResource] | None = None

    @property
    def resource_class(self) -> type[exports.OpenDataResource]:
        """The Resource the files are encoded through."""
        return self.resource or _declared(self.slug, self.columns)

    @property
    def needs_campaign(self) -> bool:
        """True when the ``campaign`` parameter is required."""
        return bool(self.campaign_kinds)

    def resolve_campaign(self, slug: str | None) -> Campaign | None:
        """The public campaign a request names, checked against this dataset.

        Raises:
            DatasetError: the campaign is missing, unknown, not published or
                of a kind this dataset is not read for.
        """
        if not self.needs_campaign:
            return None
        slug = (slug or "").strip()
        if not slug:
            raise DatasetError(
                "campaign_required",
                f"Для набора «{self.title}» укажите кампанию: параметр "
                "campaign=<код кампании>.",
            )
        for kind in self.campaign_kinds:
            campaign = selectors.published_campaigns(kind).filter(slug=slug).first()
            if campaign is not None:
                return campaign
        raise DatasetError(
            "unknown_campaign",
            f"Кампания «{slug}» не найдена или её итоги не опубликованы "
            f"для набора «{self.title}».",
        )

    def read(self, campaign: Campaign | None) -> Table:
        """Read the rows of an already resolved campaign (or of none)."""
        publication = None
        if campaign is not None and campaign.kind == CampaignKind.NOK:
            publication = selectors.latest_publication(campaign)
        return Table(
            dataset=self,
            campaign=campaign,
            publication=publication,
            rows=self.reader(campaign, publication),
        )

    def table(self, *, campaign: str | None = None) -> Table:
        """Read the dataset for the campaign slug given (if it needs one).

        Raises:
            DatasetError: see :meth:`resolve_campaign`.
        """
        return self.read(self.resolve_campaign(campaign))

    def rows(self, **params: Any) -> list[Row]:
        """The rows alone: ``rows(campaign="nok-2024")``.

        Raises:
            DatasetError: see :meth:`resolve_campaign`.
        """
        return self.table(**params).rows


@functools.cache
def _declared(slug: str, columns: tuple[Column, ...]) -> type[exports.OpenDataResource]:
    name = "".join(part.title() for part in slug.split("-")) + "Resource"
    return exports.resource_for(name, columns)


# ------------------------------------------------------------------- helpers

SCORE_UNIT = "балл"
PERCENT = "%"


def _label(choices: type[models.TextChoices], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _kind_label(value: str) -> str:
    return _label(OrganisationKind, value)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _organisation_columns(*, with_slug: bool = True) -> tuple[Column, ...]:
    columns = [
        Column(
            "organisation_id",
            "Идентификатор организации",
            ColumnType.INTEGER,
            "Идентификатор организации на портале (столбец id набора «Организации»).",
        )
    ]
    if with_slug:
        columns.append(
            Column(
                "organisation_slug",
                "Код организации для адреса",
                ColumnType.STRING,
                "Постоянная часть адреса карточки организации.",
            )
        )
    columns += [
        Column(
            "organisation_name",
            "Организация",
            ColumnType.STRING,
            "Краткое наименование организации.",
        ),
        Column(
            "district", "Район", ColumnType.STRING, "Муниципальный район или округ."
        ),
        Column(
            "kind",
            "Тип организации",
            ColumnType.STRING,
            "Тип организации социального обслуживания.",
        ),
    ]
    return tuple(columns)


def _organisation_values(organisation: Organisation, *, with_slug: bool = True) -> Row:
    row: Row = {"organisation_id": organisation.pk}
    if with_slug:
        row["organisation_slug"] = organisation.slug
    row.update(
        organisation_name=organisation.short_name,
        district=organisation.district.name,
        kind=_kind_label(organisation.kind),
    )
    return row


# ------------------------------------------------------------- organisations


class OrganisationsResource(exports.OpenDataResource):
    """The register of organisations (dataset ``organisations``)."""

    id = ColumnField(
        "id",
        "Идентификатор",
        ColumnType.INTEGER,
        "Идентификатор организации на портале; по нему связываются наборы данных.",
    )
    slug = ColumnField(
        "slug",
        "Код для адреса",
        ColumnType.STRING,
        "Постоянная часть адреса карточки организации на сайте.",
    )
    code = ColumnField(
        "code", "Код в реестре", ColumnType.STRING, "Код в реестре поставщиков услуг."
    )
    name = ColumnField("name", "Полное наименование", ColumnType.STRING)
    short_name = ColumnField("short_name", "Краткое наименование", ColumnType.STRING)
    kind = ColumnField(
        "kind",
        "Тип организации",
        ColumnType.STRING,
        "Тип организации социального обслуживания.",
    )
    district = ColumnField(
        "district", "Район", ColumnType.STRING, "Муниципальный район или округ."
    )
    parent_id = ColumnField(
        "parent_id",
        "Вышестоящая организация (идентификатор)",
        ColumnType.INTEGER,
        "Идентификатор вышестоящей организации, если она есть.",
    )
    parent = ColumnField(
        "parent",
        "Вышестоящая организация",
        ColumnType.STRING,
        "Краткое наименование вышестоящей организации.",
    )
    inn = ColumnField(
        "inn", "ИНН", ColumnType.STRING, "Идентификационный номер налогоплательщика."
    )
    address = ColumnField("address", "Адрес", ColumnType.STRING)
    website = ColumnField("website", "Официальный сайт", ColumnType.STRING)

    class Meta:
        fields = (
            "id", "slug", "code", "name", "short_name", "kind", "district",
            "parent_id", "parent", "inn", "address", "website",
        )  # fmt: skip


def _organisation_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    organisations = selectors.organisation_directory().select_related("parent")
    return [
        {
            "id": org.pk,
            "slug": org.slug,
            "code": org.code,
            "name": org.name,
            "short_name": org.short_name,
            "kind": _kind_label(org.kind),
            "district": org.district.name,
            "parent_id": org.parent_id,
            "parent": org.parent.short_name if org.parent_id else None,
            "inn": org.inn or None,
            "address": org.address or None,
            "website": org.website or None,
        }
        for org in organisations
    ]


# ------------------------------------------------------------------- results

_CRITERIA = {"k1": "K1", "k2": "K2", "k3": "K3", "k4": "K4", "k5": "K5"}


def _indicator_key(code: str) -> str:
    return "indicator_" + code.replace(".", "_")


def _result_columns() -> tuple[Column, ...]:
    return (
        *_organisation_columns(),
        *(
            Column(
                _indicator_key(code.value),
                f"Показатель {code.value}",
                ColumnType.DECIMAL,
                str(code.label).split(" ", 1)[1] + " (от 0 до 100).",
                SCORE_UNIT,
            )
            for code in IndicatorCode
        ),
        *(
            Column(
                field,
                f"Критерий {code}".replace("K", "К"),
                ColumnType.DECIMAL,
                f"{Criterion(code).label} (от 0 до 100).",
                SCORE_UNIT,
            )
            for field, code in _CRITERIA.items()
        ),
        Column(
            "total",
            "Итоговый балл",
            ColumnType.DECIMAL,
            "Итоговый показатель оценки качества (от 0 до 100).",
            SCORE_UNIT,
        ),
        Column(
            "rank",
            "Место",
            ColumnType.INTEGER,
            "Место в рейтинге кампании по итоговому баллу.",
        ),
        Column(
            "method_version",
            "Версия методики",
            ColumnType.STRING,
            "Код версии методики расчёта.",
        ),
        Column(
            "publication_version",
            "Версия публикации",
            ColumnType.INTEGER,
            "Номер опубликованной версии результатов (исправления — новые версии).",
        ),
        Column(
            "published_on",
            "Дата публикации",
            ColumnType.DATE,
            "Дата публикации этой версии результатов.",
        ),
        Column(
            "values_source",
            "Происхождение значений",
            ColumnType.STRING,
            "computed — посчитаны порталом по исходным данным; published — "
            "опубликованные значения прошлых лет, загруженные как есть (портал их "
            "не пересчитывает).",
        ),
        Column(
            "values_source_reference",
            "Источник опубликованных значений",
            ColumnType.STRING,
            "Адрес страницы или название документа, где опубликованы значения "
            "published; для computed пусто.",
        ),
    )


def _result_rows(
    campaign: Campaign | None, publication: Publication | None
) -> list[Row]:
    if campaign is None or publication is None:
        return []
    published_on = timezone.localdate(publication.published_at)
    rows = []
    for result in selectors.published_results(campaign):
        row = _organisation_values(result.organisation)
        for code in IndicatorCode:
            row[_indicator_key(code.value)] = _decimal(
                result.indicators.get(code.value)
            )
        for field in (*_CRITERIA, "total"):
            row[field] = getattr(result, field)
        row.update(
            rank=result.rank,
            method_version=result.method_version,
            publication_version=publication.version,
            published_on=published_on,
            values_source=PUBLISHED_ELSEWHERE
            if is_published_elsewhere(result)
            else "computed",
            values_source_reference=result.input_reference
            if is_published_elsewhere(result)
            else None,
        )
        rows.append(row)
    return rows


# ---------------------------------------------------------------- aggregates


def _figure_name(field: str) -> str:
    if field == "total":
        return "Итоговый балл"
    code = _CRITERIA[field]
    return f"{code.replace('K', 'К')} {Criterion(code).label}"


_LEVELS = (
    (None, "region", "Край"),
    ("district", "district", "Район"),
    ("kind", "kind", "Тип организации"),
)


def _aggregate_columns() -> tuple[Column, ...]:
    return (
        Column(
            "level",
            "Уровень",
            ColumnType.STRING,
            "region — весь край, district — район, kind — тип организации.",
        ),
        Column(
            "group_code",
            "Код группы",
            ColumnType.STRING,
            "region, код района или код типа организации.",
        ),
        Column(
            "group_name", "Группа", ColumnType.STRING, "Название края, района или типа."
        ),
        Column(
            "figure",
            "Показатель",
            ColumnType.STRING,
            "k1…k5 — критерии К1–К5, total — итоговый балл.",
        ),
        Column("figure_name", "Наименование показателя", ColumnType.STRING),
        Column(
            "mean",
            "Среднее",
            ColumnType.DECIMAL,
            "Среднее арифметическое, округлённое до сотых (половина вверх).",
            SCORE_UNIT,
        ),
        Column(
            "min", "Минимум", ColumnType.DECIMAL, "Наименьшее значение.", SCORE_UNIT
        ),
        Column(
            "max", "Максимум", ColumnType.DECIMAL, "Наибольшее значение.", SCORE_UNIT
        ),
        Column(
            "count",
            "Число организаций",
            ColumnType.INTEGER,
            "Сколько организаций группы имеют значение показателя.",
        ),
    )


def _aggregate_rows(
    campaign: Campaign | None, publication: Publication | None
) -> list[Row]:
    if campaign is None or publication is None:
        return []
    levels = [
        (level, label, selectors.aggregates(campaign, group_by=group_by))
        for group_by, level, label in _LEVELS
    ]
    district_names = dict(
        District.objects.filter(slug__in=levels[1][2]).values_list("slug", "name")
    )
    names = {
        "region": lambda key: "Край (все организации)",
        "district": lambda key: district_names.get(key, key),
        "kind": _kind_label,
    }
    rows = []
    for level, _label, groups in levels:
        for key, figures in groups.items():
            for field, summary in figures.items():
                rows.append(
                    {
                        "level": level,
                        "group_code": key,
                        "group_name": names[level](key),
                        "figure": field,
                        "figure_name": _figure_name(field),
                        "mean": summary.mean,
                        "min": summary.min,
                        "max": summary.max,
                        "count": summary.count,
                    }
                )
    return rows


# -------------------------------------------------------------------- Декада

_OPINION_QUESTIONS = tuple(q for q in QUESTIONS if not q.is_filter)


def _decade_columns() -> tuple[Column, ...]:
    return (
        *_organisation_columns(),
        Column(
            "counted",
            "Учтено анкет",
            ColumnType.INTEGER,
            "Анкеты, учтённые в выборке (без исключённых и экстерриториальных).",
        ),
        Column(
            "external_territorial",
            "Экстерриториальных анкет",
            ColumnType.INTEGER,
            "Анкеты, собранные вне организации; в выборке не учитываются.",
        ),
        Column(
            "base",
            "База выборки",
            ColumnType.INTEGER,
            "Получатели услуг (учреждения) или граждане на учёте (УСЗН).",
            "чел.",
        ),
        Column(
            "sample_share",
            "Доля выборки",
            ColumnType.DECIMAL,
            "Учтённые анкеты от базы выборки, округлено до сотых.",
            PERCENT,
        ),
        Column(
            "threshold",
            "Норматив выборки",
            ColumnType.DECIMAL,
            "Минимальная доля: 30 % для учреждений, 0,5 % для УСЗН.",
            PERCENT,
        ),
        Column(
            "adequate",
            "Выборка достаточна",
            ColumnType.BOOLEAN,
            "да — доля не меньше норматива; пусто — база выборки неизвестна.",
        ),
        *(
            Column(
                f"{question.code}_share",
                f"Вопрос {question.number}: удовлетворены, %",
                ColumnType.DECIMAL,
                f"{question.label}: доля ответов «да» среди ответивших.",
                PERCENT,
            )
            for question in _OPINION_QUESTIONS
        ),
    )


def _decade_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    if campaign is None:
        return []
    overview = selectors.decade_overview(campaign)
    rows = []
    for pk, summary in overview.summaries.items():
        row = _organisation_values(overview.organisations[pk])
        row.update(
            counted=summary.counted,
            external_territorial=summary.external_territorial,
            base=summary.sample.base,
            sample_share=summary.sample.share,
            threshold=summary.sample.threshold,
            adequate=summary.sample.adequate,
        )
        for share in summary.satisfaction:
            row[f"{share.code}_share"] = share.share
        rows.append(row)
    return rows


# ------------------------------------------------------------------ measures


def _measure_columns() -> tuple[Column, ...]:
    return (
        Column("measure_id", "Идентификатор мероприятия", ColumnType.INTEGER),
        *_organisation_columns(with_slug=False),
        Column("plan_year", "Год реализации плана", ColumnType.INTEGER),
        Column("plan_approved_on", "Дата утверждения плана", ColumnType.DATE),
        Column("position", "№ п/п", ColumnType.INTEGER, "Номер в разделе плана."),
        Column("criterion", "Критерий", ColumnType.STRING, "Код критерия K1–K5."),
        Column("criterion_name", "Раздел плана (критерий)", ColumnType.STRING),
        Column(
            "indicator",
            "Показатель",
            ColumnType.STRING,
            "Код показателя 1.1–5.3, к которому относится недостаток.",
        ),
        Column("deficiency", "Выявленный недостаток", ColumnType.STRING),
        Column("action", "Мероприятие", ColumnType.STRING),
        Column("planned_date", "Плановый срок", ColumnType.DATE),
        Column("responsible_name", "Ответственный (ФИО)", ColumnType.STRING),
        Column("responsible_position", "Должность ответственного", ColumnType.STRING),
        Column("status", "Статус", ColumnType.STRING, "Ход выполнения мероприятия."),
        Column(
            "overdue",
            "Просрочено",
            ColumnType.BOOLEAN,
            "да — не выполнено, а плановый срок прошёл (на дату выгрузки).",
        ),
        Column(
            "reports_count",
            "Отчётов о выполнении",
            ColumnType.INTEGER,
            "Сколько отчётов о выполнении представлено.",
        ),
        Column(
            "reports",
            "Реализованные меры",
            ColumnType.STRING,
            "Тексты отчётов о выполнении через «; », по дате.",
        ),
        Column(
            "actual_date",
            "Фактический срок",
            ColumnType.DATE,
            "Дата последнего отчёта о выполнении.",
        ),
    )


def _measure_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    if campaign is None:
        return []
    table = selectors.plan_rows(campaign=campaign, with_effects=False)
    rows = []
    for item in table.rows:
        measure = item.measure
        plan = measure.plan
        row = {"measure_id": measure.pk}
        row.update(_organisation_values(plan.organisation, with_slug=False))
        row.update(
            plan_year=plan.year,
            plan_approved_on=plan.approved_on,
            position=measure.position,
            criterion=measure.criterion,
            criterion_name=str(Criterion(measure.criterion).label),
            indicator=measure.indicator_code or None,
            deficiency=measure.deficiency,
            action=measure.action,
            planned_date=measure.planned_date,
            responsible_name=measure.responsible_name,
            responsible_position=measure.responsible_position,
            status=_label(MeasureStatus, measure.status),
            overdue=item.overdue,
            reports_count=len(item.reports),
            reports="; ".join(report.done for report in item.reports) or None,
            actual_date=item.reports[-1].actual_date if item.reports else None,
        )
        rows.append(row)
    return rows


# --------------------------------------------------------------- submissions


def _submission_columns() -> tuple[Column, ...]:
    return (
        *_organisation_columns(with_slug=False),
        Column(
            "document", "Документ", ColumnType.STRING, "Вид представляемого документа."
        ),
        Column("deadline", "Срок", ColumnType.DATE, "Срок представления."),
        Column("received_on", "Дата поступления", ColumnType.DATE),
        Column("status", "Статус рассмотрения", ColumnType.STRING),
        Column(
            "state",
            "Состояние",
            ColumnType.STRING,
            "В срок, с опозданием, просрочено, срок истекает или ожидается — на дату "
            "выгрузки.",
        ),
    )


def _submission_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    if campaign is None:
        return []
    tracker = selectors.submissions_tracker(campaign)
    rows = []
    for tracked in tracker.rows:
        for submission, state in tracked.cells:
            if submission is None:
                continue
            row = _organisation_values(tracked.organisation, with_slug=False)
            row.update(
                document=_label(SubmissionKind, submission.kind),
                deadline=submission.deadline,
                received_on=submission.received_on,
                status=_label(SubmissionStatus, submission.status),
                state=state.label if state is not None else None,
            )
            rows.append(row)
    return rows


# ------------------------------------------------------------------- targets


def _target_columns() -> tuple[Column, ...]:
    return (
        Column("indicator_id", "Идентификатор показателя", ColumnType.INTEGER),
        Column("position", "№ п/п", ColumnType.INTEGER),
        Column("title", "Целевой показатель", ColumnType.STRING),
        Column("unit", "Единица измерения", ColumnType.STRING),
        Column("year", "Год", ColumnType.INTEGER),
        Column("planned", "План", ColumnType.DECIMAL, "Плановое значение на год."),
        Column("actual", "Факт", ColumnType.DECIMAL, "Фактическое значение за год."),
        Column(
            "achieved",
            "Достигнуто",
            ColumnType.BOOLEAN,
            "да — факт не меньше плана; пусто — нет плана или факта.",
        ),
    )


def _target_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    table = selectors.target_table()
    rows = []
    for target in table.rows:
        for cell in target.cells:
            if cell.planned is None and cell.actual is None:
                continue
            rows.append(
                {
                    "indicator_id": target.indicator.pk,
                    "position": target.indicator.position,
                    "title": target.indicator.title,
                    "unit": target.indicator.unit,
                    "year": cell.year,
                    "planned": cell.planned,
                    "actual": cell.actual,
                    "achieved": cell.achieved,
                }
            )
    return rows


# ----------------------------------------------------------------- decisions


def _decision_columns() -> tuple[Column, ...]:
    return (
        Column("number", "Номер решения", ColumnType.STRING),
        Column("decided_on", "Дата заседания", ColumnType.DATE),
        Column("title", "Заголовок", ColumnType.STRING),
        Column("text", "Текст решения", ColumnType.STRING),
        Column(
            "campaign",
            "Кампания (код)",
            ColumnType.STRING,
            "Код кампании, к которой относится решение.",
        ),
        Column("campaign_title", "Кампания", ColumnType.STRING),
        Column("organisation_id", "Идентификатор организации", ColumnType.INTEGER),
        Column("organisation_name", "Организация", ColumnType.STRING),
    )


def _decision_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    decisions = (
        CouncilDecision.objects.filter(is_published=True)
        .select_related("campaign", "organisation")
        .order_by("-decided_on", "number", "pk")
    )
    return [
        {
            "number": decision.number,
            "decided_on": decision.decided_on,
            "title": decision.title,
            "text": decision.text,
            "campaign": decision.campaign.slug if decision.campaign else None,
            "campaign_title": decision.campaign.title if decision.campaign else None,
            "organisation_id": decision.organisation_id,
            "organisation_name": (
                decision.organisation.short_name if decision.organisation else None
            ),
        }
        for decision in decisions
    ]


# ------------------------------------------------------------------ registry

_NOK = (CampaignKind.NOK.value,)
_ANY_CAMPAIGN = (CampaignKind.NOK.value, CampaignKind.DECADE.value)


@functools.cache
# ------------------------------------------------------------- regional plan


def _regional_plan_columns() -> tuple[Column, ...]:
    return (
        Column("plan", "План", ColumnType.STRING),
        Column("number", "№ п/п", ColumnType.STRING),
        Column("measure", "Мероприятие", ColumnType.STRING),
        Column("form", "Форма реализации", ColumnType.STRING),
        Column("deadline", "Срок исполнения (как в плане)", ColumnType.STRING),
        Column("executors", "Ответственные исполнители", ColumnType.STRING),
        Column("year", "Год", ColumnType.INTEGER),
        Column("period", "Период", ColumnType.STRING),
        Column("due", "Срок периода", ColumnType.DATE),
        Column(
            "state",
            "Состояние",
            ColumnType.STRING,
            "выполнено, срок не истёк, просрочено, предстоит; пусто — без срока.",
        ),
        Column("done_on", "Дата исполнения", ColumnType.DATE),
    )


def _regional_plan_rows(campaign: Campaign | None, publication: Any) -> list[Row]:
    plan = regional.current_plan()
    if plan is None:
        return []
    rows: list[Row] = []
    for year in plan.years:
        for row in regional.plan_status(plan, year).items:
            item = row.item
            common = {
                "plan": plan.title,
                "number": item.number,
                "measure": item.measure,
                "form": item.form,
                "deadline": item.deadline_text,
                "executors": ", ".join(item.executor_labels),
                "year": year,
            }
            if not row.periods:
                rows.append(common | {"period": row.schedule_label, "due": None,
                                      "state": None, "done_on": None})  # fmt: skip
            for period in row.periods:
                rows.append(
                    common
                    | {
                        "period": period.period.label,
                        "due": period.period.due,
                        "state": period.state.label,
                        "done_on": period.execution.done_on
                        if period.execution
                        else None,
                    }
                )
    return rows


def registry() -> Mapping[str, Dataset]:
    """Every public dataset by slug, in catalogue order.

    Built on first use, once the translation machinery is ready.
    """
    datasets = (
        Dataset(
            slug="organisations",
            title="Организации социального обслуживания",
            description=(
                "Реестр действующих организаций, участвующих в независимой оценке "
                "качества и Декаде качества: наименования, тип, район, ИНН, адрес, "
                "сайт. Одна строка — одна организация."
            ),
            columns=OrganisationsResource.columns(),
            reader=_organisation_rows,
            sheet_name="Организации",
            resource=OrganisationsResource,
        ),
        Dataset(
            slug="results",
            title="Результаты независимой оценки качества",
            description=(
                "Опубликованные результаты кампании НОК (последняя версия "
                "публикации): 15 показателей, критерии К1–К5, итоговый балл и "
                "место. Одна строка — одна организация."
            ),
            columns=_result_columns(),
            reader=_result_rows,
            campaign_kinds=_NOK,
            frozen=True,
            sheet_name="Результаты",
        ),
        Dataset(
            slug="aggregates",
            title="Средние баллы по краю, районам и типам организаций",
            description=(
                "Среднее, минимум, максимум и число организаций по критериям К1–К5 "
                "и итоговому баллу опубликованной кампании НОК: по краю, по каждому "
                "району и по каждому типу организаций."
            ),
            columns=_aggregate_columns(),
            reader=_aggregate_rows,
            campaign_kinds=_NOK,
            frozen=True,
            sheet_name="Средние",
        ),
        Dataset(
            slug="decade",
            title="Итоги Декады качества",
            description=(
                "Опубликованные итоги Декады качества: учтённые анкеты, база и "
                "доля выборки, соответствие нормативу и доля удовлетворённых по "
                "каждому оценочному вопросу анкеты. Одна строка — одна организация."
            ),
            columns=_decade_columns(),
            reader=_decade_rows,
            campaign_kinds=(CampaignKind.DECADE.value,),
            sheet_name="Декада",
        ),
        Dataset(
            slug="measures",
            title="Планы мероприятий по устранению недостатков",
            description=(
                "Мероприятия утверждённых планов, принятых по итогам кампании: "
                "недостаток, мероприятие, срок, ответственный, статус и отчёты о "
                "выполнении. Одна строка — одно мероприятие."
            ),
            columns=_measure_columns(),
            reader=_measure_rows,
            campaign_kinds=_ANY_CAMPAIGN,
            sheet_name="Мероприятия",
        ),
        Dataset(
            slug="submissions",
            title="Представление документов организациями",
            description=(
                "Какие документы организации должны представить в кампании, срок, "
                "дата поступления и состояние (в срок, с опозданием, просрочено). "
                "Одна строка — один документ."
            ),
            columns=_submission_columns(),
            reader=_submission_rows,
            campaign_kinds=_ANY_CAMPAIGN,
            sheet_name="Документы",
        ),
        Dataset(
            slug="targets",
            title="Целевые показатели",
            description=(
                "Плановые и фактические значения целевых показателей региональной "
                "программы по годам. Одна строка — показатель в одном году."
            ),
            columns=_target_columns(),
            reader=_target_rows,
            sheet_name="Целевые показатели",
        ),
        Dataset(
            slug="decisions",
            title="Решения общественного совета",
            description=(
                "Опубликованные решения общественного совета по независимой "
                "оценке качества. Одна строка — одно решение."
            ),
            columns=_decision_columns(),
            reader=_decision_rows,
            sheet_name="Решения",
        ),
        Dataset(
            slug="regional-plan",
            title="План организации независимой оценки качества",
            description=(
                "Пункты плана министерства по организации независимой оценки: "
                "мероприятие, форма, срок, исполнители и исполнение по периодам. "
                "Одна строка — пункт плана в одном периоде."
            ),
            columns=_regional_plan_columns(),
            reader=_regional_plan_rows,
            sheet_name="План НОК",
        ),
    )
    return MappingProxyType({dataset.slug: dataset for dataset in datasets})


def get_dataset(slug: str) -> Dataset:
    """The dataset registered under ``slug``.

    Raises:
        DatasetError: no such dataset.
    """
    try:
        return registry()[slug]
    except KeyError:
        raise DatasetError(
            "unknown_dataset", f"Набор данных «{slug}» не найден."
        ) from None


def public_campaigns() -> dict[str, list[Campaign]]:
    """Published campaigns by kind, newest first (two queries)."""
    return {
        kind: list(selectors.published_campaigns(kind))
        for kind in (CampaignKind.NOK.value, CampaignKind.DECADE.value)
    }


def campaigns_for(
    dataset: Dataset, published: Mapping[str, Sequence[Campaign]]
) -> list[Campaign]:
    """The published campaigns a dataset can be read for, newest first."""
    campaigns = [c for kind in dataset.campaign_kinds for c in published.get(kind, ())]
    return sorted(campaigns, key=lambda c: (c.year, c.period_start), reverse=True)


def public_campaign(slug: str) -> Campaign:
    """A published campaign of any kind.

    Raises:
        DatasetError: the campaign is unknown or not published.
    """
    for kind in _ANY_CAMPAIGN:
        campaign = selectors.published_campaigns(kind).filter(slug=slug).first()
        if campaign is not None:
            return campaign
    raise DatasetError(
        "unknown_campaign", f"Кампания «{slug}» не найдена или не опубликована."
    )


def campaign_datasets(campaign: Campaign) -> list[Dataset]:
    """The datasets of a campaign's dump: the organisations, then its own."""
    return [registry()["organisations"]] + [
        dataset
        for dataset in registry().values()
        if campaign.kind in dataset.campaign_kinds
    ]


# ----------------------------------------------------------------------- dump


def dictionary_columns() -> tuple[Column, ...]:
    """Columns of ``data-dictionary.csv``."""
    return (
        Column("dataset", "Набор данных", ColumnType.STRING, "Код набора (имя файла)."),
        Column("column", "Столбец", ColumnType.STRING, "Ключ столбца (в JSON)."),
        Column(
            "title", "Заголовок", ColumnType.STRING, "Заголовок столбца в CSV и XLSX."
        ),
        Column(
            "type",
            "Тип",
            ColumnType.STRING,
            "string, integer, decimal, date (ДД.ММ.ГГГГ) или boolean (да/нет).",
        ),
        Column("unit", "Единица измерения", ColumnType.STRING),
        Column("description", "Описание", ColumnType.STRING),
    )


def dictionary_rows(datasets: Sequence[Dataset]) -> list[Row]:
    """The data dictionary of several datasets, one row per column."""
    return [
        {
            "dataset": dataset.slug,
            "column": column.key,
            "title": column.title_ru,
            "type": column.type,
            "unit": column.unit or None,
            "description": column.description_ru or None,
        }
        for dataset in datasets
        for column in dataset.columns
    ]


@dataclass(frozen=True)
class Dump:
    """A ZIP of every dataset of a published campaign."""

    campaign: Campaign
    publication: Publication | None
    filename: str
    content: bytes


def _method_title(code: str) -> str:
    try:
        return get_method(code).title
    except RatingInputError:
        return ""


def _readme(
    campaign: Campaign,
    publication: Publication | None,
    tables: Sequence[Table],
    *,
    source_url: str,
    generated_at: datetime,
) -> str:
    period = f"{campaign.period_start:%d.%m.%Y}–{campaign.period_end:%d.%m.%Y}"
    lines = [
        f"Открытые данные: {campaign.title}",
        "",
        "ЧТО ЭТО",
        f"Архив содержит все наборы открытых данных кампании «{campaign.title}» "
        f"(период {period}) в форматах CSV и XLSX и словарь данных.",
        "",
    ]
    for table in tables:
        lines.append(
            f"  {table.dataset.slug}.csv, {table.dataset.slug}.xlsx — "
            f"{table.dataset.title} (строк: {len(table.rows)})"
        )
    lines += [
        "  data-dictionary.csv — словарь данных: набор, столбец, заголовок, тип, "
        "единица измерения, описание",
        "  README.txt — этот файл",
        "",
        "ИСТОЧНИК",
        f"{publisher_name()}: {source_url}",
    ]
    if publication is not None:
        lines.append(
            f"Результаты: версия публикации {publication.version} от "
            f"{timezone.localtime(publication.published_at):%d.%m.%Y}."
        )
        if publication.note:
            lines.append(f"Примечание к версии: {publication.note}")
        title = _method_title(campaign.method_version)
        lines.append(
            f"Версия методики: {campaign.method_version}"
            + (f" ({title})." if title else ".")
        )
    else:
        lines.append(
            "Итоги Декады качества опубликованы без нумерации версий; анкеты "
            "учтены по состоянию на дату выгрузки. Норматив выборки: 30 % "
            "получателей услуг для учреждений, 0,5 % граждан на учёте для УСЗН."
        )
    lines += [
        "Планы мероприятий — только утверждённые; состояние документов и "
        "просрочка мероприятий — на дату выгрузки.",
        f"Дата выгрузки: {timezone.localtime(generated_at):%d.%m.%Y %H:%M}.",
        "",
        "ЛИЦЕНЗИЯ",
        f"{LICENCE.title}, {LICENCE.url}",
        licence_text(),
        "",
        "КАК ОТКРЫТЬ CSV В EXCEL",
        "Файлы CSV записаны в кодировке UTF-8 с меткой BOM, разделитель столбцов — "
        "точка с запятой, десятичный разделитель — запятая, даты — ДД.ММ.ГГГГ. "
        "В Excel с русскими региональными настройками файл открывается двойным "
        "щелчком.",
        "Если столбцы или буквы отображаются неправильно: Данные → Из текстового/"
        "CSV-файла → Источник файла «65001: Юникод (UTF-8)», разделитель «точка с "
        "запятой». Файлы XLSX с теми же данными открываются без настроек.",
        "Текст, начинающийся с символов «=», «+», «-» или «@», записан с апострофом "
        "в начале, чтобы табличный процессор не принял его за формулу. В JSON "
        "(через API) текст приводится без изменений.",
        "",
    ]
    return "\r\n".join(lines)


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)


def campaign_dump(
    slug: str, *, source_url: str = "", now: datetime | None = None
) -> Dump:
    """Every dataset of a published campaign as CSV and XLSX in one ZIP.

    Also holds ``data-dictionary.csv`` and a Russian ``README.txt`` (source,
    publication version and date, method version, licence, how to open CSV
    in Excel).

    Raises:
        DatasetError: the campaign is unknown or not published.
    """
    campaign = public_campaign(slug)
    generated_at = now or timezone.now()
    datasets = campaign_datasets(campaign)
    tables = [
        dataset.read(campaign if dataset.needs_campaign else None)
        for dataset in datasets
    ]
    publication = next(
        (t.publication for t in tables if t.publication is not None), None
    )
    stamp = _zip_time(publication.published_at if publication else generated_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)

        add(
            "README.txt",
            _readme(
                campaign,
                publication,
                tables,
                source_url=source_url,
                generated_at=generated_at,
            ).encode("utf-8"),
        )
        add(
            "data-dictionary.csv",
            exports.to_csv(dictionary_columns(), dictionary_rows(datasets)),
        )
        for table in tables:
            add(f"{table.dataset.slug}.csv", table.encode("csv"))
            add(f"{table.dataset.slug}.xlsx", table.encode("xlsx"))
    return Dump(
        campaign=campaign,
        publication=publication,
        filename=f"opendata-{campaign.slug}.zip",
        content=buffer.getvalue(),
    )
