"""The journal material (DOCX) on a published НОК campaign.

Read back with python-docx: its title, headings, tables with header rows and
the same figures as the results page.
"""

from __future__ import annotations

import io
from collections import defaultdict

import docx
import pytest
from django.utils import timezone

from evaluation import selectors
from evaluation.enums import MeasureStatus, OrganisationKind
from evaluation.formatting import format_number
from tests.publications.test_documents import DOCX, flat, nok, private_root

__all__ = ["nok", "private_root"]

pytestmark = pytest.mark.django_db


def test_journal_material_has_the_pages_figures(published_region, client) -> None:
    from cms_blocks.formatting import format_date

    campaign = published_region.latest
    page = flat(client.get(published_region.results_page.url).content.decode())
    url = f"/documents/campaigns/{campaign.slug}/journal.docx"
    assert f'<a href="{url}" download>Материал для журнала (DOCX)</a>' in page

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    publication = selectors.latest_publication(campaign)
    assert response["Content-Disposition"] == (
        f'attachment; filename="zhurnal-{campaign.slug}-v{publication.version}.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    title = f"Независимая оценка качества {campaign.year} года: итоги"
    assert document.core_properties.title == title
    assert document.core_properties.language == "ru-RU"
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert [text for style, text in styles if style == "Title"] == [title]
    assert [text for style, text in styles if style == "Heading 1"] == [
        "Лучшие организации по типам",
        "Что дальше",
    ]

    # The lead: the page's summary figures, the best and the lowest total.
    region = selectors.aggregates(campaign)["region"]["total"]
    mean, count = format_number(region.mean, 2), format_number(region.count, 0)
    assert f'Средний итоговый балл по краю</p><p class="score">{flat(mean)}</p>' in page
    assert f'Оценено организаций</p><p class="score">{flat(count)}</p>' in page
    lead = document.paragraphs[2].text
    assert f"Число оценённых организаций — {count}." in lead
    assert f"Средний итоговый балл по краю — {mean} из 100." in lead
    results = [r for r in selectors.published_results(campaign) if r.total is not None]
    best = max(results, key=lambda r: r.total)
    lowest = min(results, key=lambda r: r.total)
    assert (best.total, lowest.total) == (region.max, region.min)
    assert (
        f"Наибольший балл — {format_number(region.max, 2)} "
        f"({best.organisation.short_name}), наименьший — "
        f"{format_number(region.min, 2)} ({lowest.organisation.short_name})."
    ) in lead
    respondents = sum(r.inputs_snapshot["respondents"] for r in results)
    assert respondents > 0
    assert (
        f"Число опрошенных получателей услуг — {format_number(respondents, 0)}." in lead
    )

    # The best three of each kind, as ranked on the page.
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "Тип организации",
        "Место",
        "Организация",
        "Итоговый балл",
    ]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    by_kind = defaultdict(list)
    for result in sorted(results, key=lambda r: (-r.total, r.organisation.short_name)):
        by_kind[OrganisationKind(result.organisation.kind).label].append(result)
    expected = [
        [str(kind), str(r.rank), r.organisation.short_name, format_number(r.total, 2)]
        for kind in sorted(by_kind, key=str)
        for r in by_kind[kind][:3]
    ]
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == expected
    for _kind, _rank, name, total in expected:
        assert flat(total) in page and name in page

    # What happens next: the approved plans and their nearest due dates.
    plans = selectors.plan_rows(
        campaign=campaign, today=timezone.localdate(), with_effects=False
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert plans.rows  # the demo approves plans of the latest campaign
    if plans.rows:
        assert (
            f"выполнено {format_number(plans.done, 0)}, просрочено "
            f"{format_number(plans.overdue, 0)}." in text
        )
        pending = sorted(
            (r.measure for r in plans.rows if r.measure.status != MeasureStatus.DONE),
            key=lambda m: (m.planned_date, m.plan.organisation_id),
        )
        due = document.tables[1]
        assert [c.text for c in due.rows[0].cells] == [
            "Организация",
            "Мероприятие",
            "Срок",
        ]
        assert [[c.text for c in row.cells] for row in due.rows[1:]] == [
            [m.plan.organisation.short_name, m.action, format_date(m.planned_date)]
            for m in pending[:5]
        ]
        last = format_date(max(m.planned_date for m in pending))
        assert f"последний плановый срок — {last}." in text
    else:
        assert "Организации составляют планы" in text


def test_journal_material_of_an_unpublished_campaign_is_404(nok, client) -> None:
    campaign, _editor = nok
    url = f"/documents/campaigns/{campaign.slug}/journal.docx"
    assert client.get(url).status_code == 404
