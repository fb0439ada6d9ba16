"""Past results as they were published: К1–К5 and the total per organisation.

A region has years of НОК results published before the portal (orders of the
ministry, rating tables on its site). This form loads one or more years of
those figures as they were published, never recomputed:

* each year becomes a published НОК campaign of its own (slug
  ``nok-<year>-published``) with one publication, so cards, trends, the API
  and open data read the figures like any other publication;
* each row is a :class:`~evaluation.models.PublishedResult` whose
  ``input_source`` is :data:`~evaluation.nok.selectors.PUBLISHED_ELSEWHERE`
  and whose ``input_reference`` is the source (a URL or a document's title),
  given per row (column «Источник») or once per file (a line «Источник: …»
  under the table).

A total that is not the mean of К1–К5 at the precision it was published with
(METHOD.md: half up) is a warning naming both numbers; a file on another scale
(values above 100, a header naming the old 10- or 160-point methods, or no
score above 10) is refused with that reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.formatting import format_number, plural_form
from evaluation.imports import values
from evaluation.imports.errors import CellError, ImportFileError
from evaluation.imports.reading import HeaderMatch
from evaluation.imports.sheets.base import OLD_SCALE_HEADER, ImportForm
from evaluation.imports.sheets.common import (
    NAMED_ORGANISATION_FIELDS,
    Context,
    Converter,
    Field,
    Row,
    WritePlan,
    named_organisation_title,
    sort_rows,
)
from evaluation.models import Campaign, Publication, PublishedResult
from evaluation.nok.selectors import PUBLISHED_ELSEWHERE

SCORE_KEYS = ("k1", "k2", "k3", "k4", "k5", "total")
CRITERIA_KEYS = SCORE_KEYS[:5]
_SOURCE_LINE = re.compile(r"^\s*источник(?:и)?(?:\s+данных)?\s*[:—-]\s*", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_CRITERION_NAMES = (
    "открытость и доступность информации об организации",
    "комфортность условий предоставления услуг",
    "доступность услуг для инвалидов",
    "доброжелательность вежливость работников организации",
    "удовлетворенность условиями оказания услуг",
)


def _text(max_length: int) -> Converter:
    def convert(value: object) -> object:
        return values.to_text(value, max_length=max_length)

    return convert


def past_slug(year: int) -> str:
    """The slug of the campaign holding a year's published values."""
    return f"nok-{year}-published"


def _score(value: object) -> object:
    """A published score: a number from 0 to 100, kept to two places."""
    number = values.to_decimal(value, places=None)
    if number < 0:
        raise ValueError(f"отрицательный балл ({_shown(number)}); баллы от 0 до 100")
    return number


def _year(value: object) -> object:
    year = values.to_int(value)
    if not 2000 <= year <= date.today().year:
        raise ValueError(
            f"год {year} вне диапазона 2000–{date.today().year}; укажите год оценки"
        )
    return year


def _shown(number: Decimal) -> str:
    """A number as it was written: "87,4", "90" (no exponent, no padding)."""
    text = format(number.normalize(), "f")
    return format_number(number, len(text.partition(".")[2]))


def _places(number: Decimal) -> int:
    """Decimal places a number was published with (trailing zeros aside, so
    87.40 in one format and 87.4 in another read the same)."""
    return max(0, -number.normalize().as_tuple().exponent)


def _points(number: Decimal) -> str:
    """ "142,5 балла", "150 баллов", "101 балл"."""
    if number != number.to_integral_value():
        return f"{_shown(number)} балла"
    return f"{_shown(number)} " + plural_form(int(number), "балл", "балла", "баллов")


def _criterion_field(n: int) -> Field:
    return Field(
        f"k{n}",
        f"К{n}",
        (
            f"k{n}",
            f"критерий {n}",
            f"критерий к{n}",
            f"к{n} {_CRITERION_NAMES[n - 1]}",
            _CRITERION_NAMES[n - 1],
        ),
        _score,
        help=f"Опубликованное значение критерия К{n} (от 0 до 100).",
    )


class PastResultsForm(ImportForm):
    """Published НОК results of past years, stored as published."""

    name = "past_results"
    title = "Опубликованные результаты прошлых лет"
    description = (
        "Одна строка — организация в одном году: ИНН или код, год, опубликованные "
        "К1–К5 и итоговый балл, источник (адрес страницы или название документа). "
        "Значения хранятся как опубликованы и не пересчитываются."
    )
    model = PublishedResult
    fields = (
        Field(
            "position",
            "№ п/п",
            ("n", "№", "n п п", "номер"),
            _text(20),
            required=False,
            blank=True,
            help="Номер строки в опубликованной таблице (не загружается).",
        ),
        *NAMED_ORGANISATION_FIELDS,
        Field(
            "year",
            "Год",
            ("год оценки", "год проведения оценки", "отчетный год", "год нок"),
            _year,
            required=False,
            blank=True,
            help="Год оценки (если его нет в строке «Источник: …» под таблицей).",
        ),
        *(_criterion_field(n) for n in range(1, 6)),
        Field(
            "total",
            "Итоговый балл",
            (
                "итоговый показатель",
                "итоговое значение",
                "общий балл",
                "итоговый показатель оценки качества",
                "интегральный показатель",
            ),
            _score,
            help="Опубликованный итоговый балл (от 0 до 100).",
        ),
        Field(
            "rank",
            "Место в рейтинге",
            ("место", "рейтинг", "место в рейтинге организаций"),
            values.to_int,
            required=False,
            blank=True,
            help="Место, как опубликовано (можно не заполнять).",
        ),
        Field(
            "source",
            "Источник",
            (
                "источник данных",
                "ссылка на источник",
                "источник публикации",
                "документ",
                "ссылка",
            ),
            _text(300),
            required=False,
            blank=True,
            help=(
                "Адрес страницы или название документа, где опубликованы значения; "
                "один источник на весь файл можно указать строкой «Источник: …» "
                "под таблицей."
            ),
        ),
    )
    signed = True

    def __init__(self, context: Context) -> None:
        super().__init__(context)
        self.file_source = ""
        #: Years the portal ran its own НОК campaign: not loaded as past values.
        self.own_campaigns = {
            campaign.year: campaign
            for campaign in Campaign.objects.filter(kind=CampaignKind.NOK).exclude(
                slug__endswith="-published"
            )
        }

    # -- the whole file ------------------------------------------------------

    def check_scale(
        self, data: Sequence[tuple[int, list[object]]], match: HeaderMatch
    ) -> None:
        """Refuse a file on another scale: a header naming the old 10- or
        160-point methods, or a published value above 100."""
        super().check_scale(data, match)
        for key in SCORE_KEYS:
            title = match.titles.get(key)
            if title and OLD_SCALE_HEADER.search(title.lower()):
                raise ImportFileError(
                    f"Файл заполнен по другой шкале: столбец «{title}» — баллы по "
                    "прежней 10- или 160-балльной методике, а портал хранит "
                    "результаты по шкале от 0 до 100 баллов (приказ Минтруда "
                    "№ 344н). Такие значения нельзя сравнивать с нынешними: "
                    "загрузите опубликованные значения по шкале от 0 до 100 или "
                    "не загружайте этот год."
                )
        highest: Decimal | None = None
        for number, cells in data:
            for key in SCORE_KEYS:
                column = match.positions.get(key)
                if column is None or column >= len(cells):
                    continue
                try:
                    score = values.to_decimal(cells[column], places=None)
                except ValueError:
                    continue
                highest = score if highest is None else max(highest, score)
                if score > 100:
                    title = match.titles.get(key, self.field(key).title)
                    raise ImportFileError(
                        f"Файл заполнен по другой шкале: в столбце «{title}» строки "
                        f"{number} стоит {_points(score)}, а по методике приказа "
                        "Минтруда № 344н баллы бывают только от 0 до 100 (больше "
                        "100 бывает в отчётах по старым 10- и 160-балльным "
                        "методикам). Такие значения нельзя сравнивать с нынешними: "
                        "загрузите опубликованные значения по шкале от 0 до 100 или "
                        "не загружайте этот год."
                    )
        if highest is not None and 0 < highest <= 10:
            # On the 0–100 scale no published table has every К and total
            # at 10 or below; on the old 10-point method every table has.
            raise ImportFileError(
                "Файл заполнен по другой шкале: все баллы в нём не больше "
                f"{_points(highest)}, так бывает в отчётах по старой 10-балльной "
                "методике, а портал хранит результаты по шкале от 0 до 100 баллов "
                "(приказ Минтруда № 344н). Загрузите опубликованные значения по "
                "шкале от 0 до 100 или не загружайте этот год."
            )

    def prepare_rows(self, data, positions):
        """Take the file's source line («Источник: …») from under the table,
        then warn about totals that are not the mean of К1–К5."""
        for index, (_number, cells) in enumerate(data):
            first = next((cell for cell in cells if cell is not None), None)
            if first.__class__ is str and _SOURCE_LINE.match(first):
                text = _SOURCE_LINE.sub("", first, count=1).strip()
                rest = [c for c in cells if c is not None][1:]
                self.file_source = " ".join([text, *map(str, rest)]).strip()[:300]
                data = data[:index] + data[index + 1 :]
                break
        data, notes = super().prepare_rows(data, positions)
        return data, notes + self._mean_warnings(data, positions)

    def _mean_warnings(
        self, data: Sequence[tuple[int, list[object]]], positions: Mapping[str, int]
    ) -> list[str]:
        warnings = []
        for number, cells in data:
            scores = {}
            for key in SCORE_KEYS:
                column = positions.get(key)
                try:
                    scores[key] = values.to_decimal(
                        cells[column] if column < len(cells) else None, places=None
                    )
                except (TypeError, ValueError):
                    break
            else:
                total = scores["total"]
                places = _places(total)
                mean = (sum(scores[key] for key in CRITERIA_KEYS) / 5).quantize(
                    Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP
                )
                if mean != total:
                    warnings.append(
                        f"Строка {number}: итоговый балл {_shown(total)} не равен "
                        f"среднему К1–К5 — {format_number(mean, places)} при той же "
                        "точности (округление половины вверх). Проверьте значения по "
                        "источнику; если они так и опубликованы, подтвердите загрузку: "
                        "портал сохранит их как опубликованы."
                    )
        return warnings

    # -- rows ---------------------------------------------------------------

    def build_row(self, number, converted, titles):
        organisation, errors = self.organisation_of(number, converted, titles)
        source = converted.get("source") or self.file_source
        if not source:
            errors.append(
                CellError(
                    number,
                    titles.get("source", "Источник"),
                    "не указан источник; заполните столбец «Источник» (адрес "
                    "страницы или название документа) или добавьте под таблицей "
                    "строку «Источник: …»",
                )
            )
        year = converted.get("year")
        if year is None:
            found = set(_YEAR.findall(self.file_source))
            if len(found) == 1:
                year = int(found.pop())
            else:
                errors.append(
                    CellError(
                        number,
                        titles.get("year", "Год"),
                        "не указан год оценки; добавьте столбец «Год» или назовите "
                        "год в строке «Источник: …» под таблицей",
                    )
                )
        own = self.own_campaigns.get(year)
        if own is not None:
            errors.append(
                CellError(
                    number,
                    titles.get("year", "Год"),
                    f"за {year} год на портале есть своя кампания «{own}»: её "
                    "результаты считает портал; опубликованные значения загружаются "
                    "только за годы без кампании на портале",
                )
            )
        if errors:
            return None, errors
        row_values: dict[str, Any] = {
            key: converted[key].quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for key in SCORE_KEYS
        }
        row_values["rank"] = converted.get("rank")
        row_values["input_reference"] = source
        return Row(number, (organisation.pk, year), row_values, organisation), []

    def key_title(self, titles):
        return named_organisation_title(titles)

    # -- writing ------------------------------------------------------------

    def plan(self, rows: list[Row]) -> WritePlan:
        years = {row.key[1] for row in rows}
        existing = {
            (result.organisation_id, result.publication.campaign.year): result
            for result in PublishedResult.objects.filter(
                publication__campaign__slug__in=[past_slug(year) for year in years],
                publication__version=1,
            ).select_related("publication__campaign")
        }
        return sort_rows(rows, existing)

    def _publication(self, year: int, changes: list[dict[str, Any]]) -> Publication:
        campaign = Campaign.objects.filter(slug=past_slug(year)).first()
        if campaign is None:
            campaign = Campaign.objects.create(
                kind=CampaignKind.NOK,
                year=year,
                title=f"НОК {year} (опубликованные значения)",
                slug=past_slug(year),
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                status=CampaignStatus.PUBLISHED,
            )
            changes.append({"model": "campaign", "pk": campaign.pk, "before": None})
        publication = campaign.publications.filter(version=1).first()
        if publication is None:
            publication = Publication.objects.create(
                campaign=campaign,
                version=1,
                note="Значения, опубликованные до портала; портал их не пересчитывает.",
                published_by=self.context.user
                if getattr(self.context.user, "pk", None)
                else None,
            )
            changes.append(
                {"model": "publication", "pk": publication.pk, "before": None}
            )
        return publication

    def write(self, plan: WritePlan) -> list[dict[str, Any]]:
        _register_undo()
        changes: list[dict[str, Any]] = []
        publications: dict[int, Publication] = {}
        for row in plan.new:
            organisation_id, year = row.key
            if year not in publications:
                publications[year] = self._publication(year, changes)
            publication = publications[year]
            publication.campaign.organisations.add(organisation_id)
            result = PublishedResult.objects.create(
                publication=publication,
                organisation_id=organisation_id,
                method_version=publication.campaign.method_version,
                input_source=PUBLISHED_ELSEWHERE,
                **row.values,
            )
            changes.append(
                {"model": "publishedresult", "pk": result.pk, "before": None}
            )
        for row, current in plan.updated:
            changes.append(
                {
                    "model": "publishedresult",
                    "pk": current.pk,
                    "before": {
                        key: _plain(getattr(current, key)) for key in row.values
                    },
                }
            )
            PublishedResult.objects.filter(pk=current.pk).update(**row.values)
        return changes


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Decimal) else value


def _register_undo() -> None:
    """Let :func:`evaluation.imports.engine.undo_import` revert this form's
    rows (the engine imports the forms, so it is told here, at write time)."""
    from evaluation.imports import engine

    for key, model in (
        ("campaign", Campaign),
        ("publication", Publication),
        ("publishedresult", PublishedResult),
    ):
        engine.UNDO_MODELS.setdefault(key, model)
