"""The registry of public datasets: what each is, and how a request reads one.

Every table the site shows is also a dataset here, with a stable slug, a
Russian title and description, typed columns and a reader (one module per
dataset under :mod:`evaluation.opendata.readers`). Readers see only published
data: the latest publication of a НОК campaign, Декады whose status is
"published", approved plans, published council decisions, active
organisations. The writers live in :mod:`evaluation.opendata.exports`, the
stored files in :mod:`evaluation.opendata.store`, the campaign ZIP in
:mod:`evaluation.opendata.dump`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, BinaryIO

from django.conf import settings

from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.exceptions import EvaluationError
from evaluation.models import Campaign, Publication
from evaluation.opendata import exports
from evaluation.opendata.exports import Column
from evaluation.opendata.readers import (
    aggregates,
    decade,
    decisions,
    measures,
    organisations,
    regional_plan,
    results,
    submissions,
    targets,
)
from evaluation.opendata.readers.common import Row

__all__ = [
    "LICENCE",
    "Dataset",
    "DatasetError",
    "Licence",
    "Table",
    "campaign_datasets",
    "campaigns_for",
    "get_dataset",
    "licence_text",
    "public_campaign",
    "public_campaigns",
    "publisher_name",
    "registry",
]


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
    """One dataset read for a campaign (or for none), ready to be written.

    The rows are not held: :meth:`iter_rows` reads them again, one at a time.

    Attributes:
        dataset: The dataset read.
        campaign: The campaign asked for; None for datasets not bound to one.
        publication: The campaign's latest publication (НОК), or None.
    """

    dataset: Dataset
    campaign: Campaign | None
    publication: Publication | None

    def iter_rows(self) -> Iterator[Row]:
        """The rows, mappings column key → value, read lazily."""
        return iter(self.dataset.reader(self.campaign, self.publication))

    @property
    def rows(self) -> list[Row]:
        """Every row in a list (small tables and tests; files use :meth:`write`)."""
        return list(self.iter_rows())

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

    @property
    def title(self) -> str:
        """The dataset's title, with the campaign's when it has one."""
        if self.campaign is None:
            return self.dataset.title
        return f"{self.dataset.title}: {self.campaign.title}"

    def write(self, file: BinaryIO, fmt: str) -> int:
        """Write the table in ``csv``, ``xlsx`` or ``json``, row by row.

        Returns the number of rows written.

        Raises:
            KeyError: unknown format.
        """
        return exports.write_to(
            file,
            fmt,
            self.dataset.columns,
            self.dataset.resource_class().values(self.iter_rows()),
            title=self.title,
            sheet_name=self.dataset.sheet_name,
        )


Reader = Callable[[Campaign | None, Publication | None], Iterable[Row]]


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
        stored: True when a built file is kept in the private storage, once
            per publication and version of the organisations register
            (:mod:`evaluation.opendata.store`); other datasets hold states
            "on the day of the download" and are built for each request.
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
    stored: bool = False
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
        """The table of an already resolved campaign (or of none)."""
        publication = None
        if campaign is not None and campaign.kind == CampaignKind.NOK:
            publication = selectors.latest_publication(campaign)
        return Table(dataset=self, campaign=campaign, publication=publication)

    def table(self, *, campaign: str | None = None) -> Table:
        """The dataset for the campaign slug given (if it needs one).

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


_NOK = (CampaignKind.NOK.value,)
_ANY_CAMPAIGN = (CampaignKind.NOK.value, CampaignKind.DECADE.value)


@functools.cache
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
            columns=organisations.OrganisationsResource.columns(),
            reader=organisations.rows,
            stored=True,
            sheet_name="Организации",
            resource=organisations.OrganisationsResource,
        ),
        Dataset(
            slug="results",
            title="Результаты независимой оценки качества",
            description=(
                "Опубликованные результаты кампании НОК (последняя версия "
                "публикации): 15 показателей, критерии К1–К5, итоговый балл и "
                "место. Одна строка — одна организация."
            ),
            columns=results.columns(),
            reader=results.rows,
            campaign_kinds=_NOK,
            frozen=True,
            stored=True,
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
            columns=aggregates.columns(),
            reader=aggregates.rows,
            campaign_kinds=_NOK,
            frozen=True,
            stored=True,
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
            columns=decade.columns(),
            reader=decade.rows,
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
            columns=measures.columns(),
            reader=measures.rows,
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
            columns=submissions.columns(),
            reader=submissions.rows,
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
            columns=targets.columns(),
            reader=targets.rows,
            sheet_name="Целевые показатели",
        ),
        Dataset(
            slug="decisions",
            title="Решения общественного совета",
            description=(
                "Опубликованные решения общественного совета по независимой "
                "оценке качества. Одна строка — одно решение."
            ),
            columns=decisions.columns(),
            reader=decisions.rows,
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
            columns=regional_plan.columns(),
            reader=regional_plan.rows,
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
