"""DOCX versions of the documents a ministry edits before sending (python-docx).

Real Word styles: ``Title``, ``Heading 1``, ``Heading 2``, tables in the
``Table Grid`` style whose first row is a header row repeated on every page
(``w:tblHeader``). Numbers are the same strings as on the site.
"""

from __future__ import annotations

import io
from typing import Any

from cms_blocks.formatting import format_date
from evaluation.formatting import count_with_noun, criterion_label, format_number


def _mark_header_row(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, header: list[str], rows: list[list[str]], numeric_from: int):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _mark_header_row(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if index >= numeric_from:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _score(value) -> str:
    return format_number(value, 2)


def _count(value) -> str:
    return format_number(value, 0)


def _document(title: str):
    """A new Word document in Russian, titled ``title``, by the ministry."""
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.language = "ru-RU"
    properties.author = "Министерство социальной политики"
    return document


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def results_report_docx(context: dict[str, Any]) -> bytes:
    """The campaign results report as a Word document."""
    document = _document(context["title"])
    document.styles["Normal"].font.name = "Liberation Serif"
    publication = context["publication"]
    region = context["region"]
    if context["draft"]:
        document.add_paragraph("ПРОЕКТ", style="Intense Quote")
    document.add_heading(context["title"], level=0)
    if publication is not None:
        version = f"Версия публикации {publication.version} от {format_date(publication.published_at)}."
    else:
        version = "Проект: результаты не опубликованы, цифры могут измениться."
    document.add_paragraph(version)

    document.add_heading("Сводка", level=1)
    _table(
        document,
        ["Показатель", "Значение"],
        [
            ["Средний итоговый балл по краю", _score(region["total"].mean)],
            ["Оценено организаций", _count(region["total"].count)],
            [
                "Наименьший и наибольший балл",
                f"{_score(region['total'].min)} — {_score(region['total'].max)}",
            ],
        ],
        numeric_from=1,
    )

    document.add_heading("Методика", level=1)
    document.add_paragraph(
        f"{context['method'].title}. Итоговый балл — взвешенная сумма пяти "
        "критериев по шкале от 0 до 100."
    )
    for criterion in context["criteria"]:
        document.add_heading(
            f"{criterion_label(criterion.code)} {criterion.label}", level=2
        )
        for indicator in criterion.indicators:
            document.add_paragraph(
                f"{indicator.code} {indicator.label}", style="List Bullet"
            )

    document.add_heading("Рейтинг организаций", level=1)
    _table(
        document,
        ["Место", "Организация", "Район", "К1", "К2", "К3", "К4", "К5", "Итог"],
        [
            [
                "—" if row.rank is None else str(row.rank),
                row.name,
                row.district,
                *(
                    _score(getattr(row, field))
                    for field in ("k1", "k2", "k3", "k4", "k5", "total")
                ),
            ]
            for row in context["rows"]
        ],
        numeric_from=3,
    )
    for heading, groups, label in (
        ("Средние по районам", context["districts"], "Район"),
        ("Средние по типам организаций", context["kinds"], "Тип организации"),
    ):
        document.add_heading(heading, level=1)
        _table(
            document,
            [label, "Организаций", "К1", "К2", "К3", "К4", "К5", "Итог"],
            [
                [
                    group.label,
                    _count(group.figures["total"].count),
                    *(
                        _score(group.figures[field].mean)
                        for field in ("k1", "k2", "k3", "k4", "k5", "total")
                    ),
                ]
                for group in groups
            ],
            numeric_from=1,
        )

    document.add_heading("Планы по устранению недостатков", level=1)
    plans = context["plans_total"]
    if context["plans"]:
        document.add_paragraph(
            f"Утверждённые планы: "
            f"{count_with_noun(plans.total, 'мероприятие', 'мероприятия', 'мероприятий')}, "
            f"выполнено {_count(plans.done)}, просрочено {_count(plans.overdue)}."
        )
        _table(
            document,
            ["Организация", "Утверждён", "Мероприятий", "Выполнено", "Просрочено"],
            [
                [
                    line["organisation"].short_name,
                    format_date(line["plan"].approved_on),
                    _count(line["measures"]),
                    _count(line["done"]),
                    _count(line["overdue"]),
                ]
                for line in context["plans"]
            ],
            numeric_from=2,
        )
    else:
        document.add_paragraph("Утверждённых планов по этой кампании пока нет.")
    return _bytes(document)


def sector_report_docx(context: dict[str, Any]) -> bytes:
    """The sector report (1 February, 1 March) as a Word document."""
    document = _document(context["title"])
    campaign = context["campaign"]
    document.add_heading(context["title"], level=0)
    document.add_paragraph(
        f"Период кампании: {format_date(campaign.period_start)} — "
        f"{format_date(campaign.period_end)}. Состояние на "
        f"{format_date(context['today'])}."
    )
    document.add_heading("Просрочено", level=1)
    overdue = [
        f"{line['item'].owner}: {line['item'].title} — срок "
        f"{format_date(line['item'].deadline)}"
        for line in context["overdue"]
    ] + [
        f"{line['organisation'].short_name}: {line['kind']} — срок "
        f"{format_date(line['item'].deadline)}"
        for line in context["overdue_submissions"]
    ]
    for text in overdue:
        document.add_paragraph(text, style="List Bullet")
    if not overdue:
        document.add_paragraph("Просроченных сроков нет.")
    document.add_heading("Сроки кампании", level=1)
    _table(
        document,
        ["Что сделать", "Исполнитель", "Срок", "Исполнено", "Состояние"],
        [
            [
                line["item"].title
                + (f" ({line['item'].clause})" if line["item"].clause else ""),
                line["item"].owner,
                format_date(line["item"].deadline),
                format_date(line["item"].done_on),
                line["state"].label,
            ]
            for line in context["obligations"]
        ],
        numeric_from=5,
    )
    document.add_heading("Документы учреждений", level=1)
    if context["counts"]:
        document.add_paragraph(
            "; ".join(
                f"{label}: {format_number(count, 0)}"
                for label, count in context["counts"]
            )
            + "."
        )
    _table(
        document,
        ["Организация", "Документ", "Срок", "Поступил", "Состояние"],
        [
            [
                line["organisation"].short_name,
                line["kind"],
                format_date(line["item"].deadline),
                format_date(line["item"].received_on),
                line["state"].label,
            ]
            for line in context["submissions"]
        ],
        numeric_from=5,
    )
    return _bytes(document)


def journal_material_docx(context: dict[str, Any]) -> bytes:
    """Material for the journal «Социальное развитие: Регион 24» and the site."""
    document = _document(context["title"])
    campaign = context["campaign"]
    region = context["region"]["total"]
    best, lowest = context["best"], context["lowest"]
    document.add_heading(context["title"], level=0)
    document.add_paragraph(
        "Материал для журнала «Социальное развитие: Регион 24» и официального "
        "сайта министерства. Версия публикации результатов "
        f"{context['publication'].version} от "
        f"{format_date(context['publication'].published_at)}.",
        style="Subtitle",
    )
    lead = [
        f"Подведены итоги независимой оценки качества условий оказания услуг "
        f"организациями социального обслуживания ({campaign.title}).",
        f"Число оценённых организаций — {_count(region.count)}.",
        f"Средний итоговый балл по краю — {_score(region.mean)} из 100.",
    ]
    if best is not None and lowest is not None:
        lead.append(
            f"Наибольший балл — {_score(best.total)} "
            f"({best.organisation.short_name}), наименьший — "
            f"{_score(lowest.total)} ({lowest.organisation.short_name})."
        )
    lead.append(
        f"Число опрошенных получателей услуг — {_count(context['respondents'])}."
    )
    document.add_paragraph(" ".join(lead))

    document.add_heading("Лучшие организации по типам", level=1)
    if context["top"]:
        _table(
            document,
            ["Тип организации", "Место", "Организация", "Итоговый балл"],
            [
                [
                    group["kind"],
                    "—" if result.rank is None else str(result.rank),
                    result.organisation.short_name,
                    _score(result.total),
                ]
                for group in context["top"]
                for result in group["results"]
            ],
            numeric_from=3,
        )
    else:
        document.add_paragraph("Опубликованных баллов по этой кампании нет.")

    document.add_heading("Что дальше", level=1)
    plans = context["plans"]
    if plans.rows:
        document.add_paragraph(
            "По итогам оценки организации составили планы по устранению "
            "выявленных недостатков. Утверждено планов: "
            f"{_count(context['plan_count'])}, в них "
            f"{count_with_noun(plans.total, 'мероприятие', 'мероприятия', 'мероприятий')}; "
            f"выполнено {_count(plans.done)}, просрочено {_count(plans.overdue)}."
        )
        if context["due"]:
            document.add_paragraph(
                "Ближайшие сроки невыполненных мероприятий приведены в таблице; "
                f"последний плановый срок — {format_date(context['last_due'])}."
            )
            _table(
                document,
                ["Организация", "Мероприятие", "Срок"],
                [
                    [
                        row.measure.plan.organisation.short_name,
                        row.measure.action,
                        format_date(row.measure.planned_date),
                    ]
                    for row in context["due"]
                ],
                numeric_from=3,
            )
        else:
            document.add_paragraph("Все мероприятия планов выполнены.")
    else:
        document.add_paragraph(
            "Организации составляют планы по устранению выявленных недостатков; "
            "после утверждения министерством планы и ход их выполнения "
            "публикуются на сайте."
        )
    document.add_paragraph(
        "Результаты каждой организации, карточки и планы мероприятий — на "
        "портале качества социальных услуг.",
    )
    return _bytes(document)
