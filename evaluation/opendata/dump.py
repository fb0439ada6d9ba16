"""A published campaign's open data in one ZIP: every dataset, the data
dictionary and a Russian README.

The archive is written to a temporary file entry by entry; each entry is
copied from its table's file (the stored one where the dataset is kept, see
:mod:`evaluation.opendata.store`), so no table is held whole in memory.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.utils import timezone

from evaluation.models import Campaign, Publication
from evaluation.opendata import exports
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import Row
from evaluation.opendata.registry import (
    LICENCE,
    Dataset,
    Table,
    campaign_datasets,
    licence_text,
    public_campaign,
    publisher_name,
)
from evaluation.opendata.store import open_table
from evaluation.rating import RatingInputError, get_method

#: The files of each dataset in the archive.
FORMATS = ("csv", "xlsx")


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
    """A ZIP of every dataset of a published campaign.

    Attributes:
        campaign: The campaign.
        publication: Its latest publication (НОК), or None.
        filename: ``opendata-<campaign>.zip``.
        file: The archive, opened for reading at its start; a temporary file
            deleted when closed (a ``FileResponse`` closes it).
    """

    campaign: Campaign
    publication: Publication | None
    filename: str
    file: BinaryIO


def _method_title(code: str) -> str:
    try:
        return get_method(code).title
    except RatingInputError:
        return ""


def _readme(
    campaign: Campaign,
    publication: Publication | None,
    tables: Sequence[tuple[Table, int]],
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
    for table, count in tables:
        lines.append(
            f"  {table.dataset.slug}.csv, {table.dataset.slug}.xlsx — "
            f"{table.dataset.title} (строк: {count})"
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
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    try:
        with zipfile.ZipFile(
            archive_file, "w", compression=zipfile.ZIP_DEFLATED
        ) as archive:

            def entry(name: str) -> BinaryIO:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                return archive.open(info, "w")

            counts: dict[str, int] = {}
            for table in tables:
                for fmt in FORMATS:
                    source, counts[table.dataset.slug] = open_table(table, fmt)
                    with source, entry(f"{table.dataset.slug}.{fmt}") as target:
                        shutil.copyfileobj(source, target, 1 << 20)
            with entry("data-dictionary.csv") as target:
                exports.write_csv(
                    target, dictionary_columns(), dictionary_rows(datasets)
                )
            readme = _readme(
                campaign,
                publication,
                [(table, counts[table.dataset.slug]) for table in tables],
                source_url=source_url,
                generated_at=generated_at,
            )
            with entry("README.txt") as target:
                target.write(readme.encode("utf-8"))
        archive_file.seek(0)
    except BaseException:
        archive_file.close()
        raise
    return Dump(
        campaign=campaign,
        publication=publication,
        filename=f"opendata-{campaign.slug}.zip",
        file=archive_file,
    )
