"""PDF and DOCX documents: their text against the pages' figures, drafts, failures.

The PDFs are read back with pypdf (text, metadata, fonts, page size); the
DOCX files with python-docx (headings, tables and their repeated header
rows). Two flows: the demo region (``published_region``) and an empty
installation that runs a campaign from recompute to publication.
"""

from __future__ import annotations

import io
import re
import sys
from datetime import date

import pytest
from django.utils import timezone

from cms_blocks.formatting import format_date
from evaluation import roles, selectors
from evaluation.enums import PAPER_SURVEY_CHANNELS, SurveyChannel
from evaluation.files import private_storage
from evaluation.formatting import format_number
from evaluation.models import CouncilDecision
from evaluation.nok import lifecycle, services
from evaluation.questionnaire.definitions import DEFAULT_SET
from publications.documents import printable
from publications.qr import qr_svg, questionnaire_qr_title
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.evaluation import OrganisationFactory
from tests.factories.helpers import recomputed_nok_2025
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
A4 = (595, 842)


def read_pdf(content: bytes):
    from pypdf import PdfReader

    assert content.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(content))


def flat(text: str) -> str:
    """Whitespace (with no-break spaces) squeezed to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def pdf_text(content: bytes) -> str:
    return flat("\n".join(page.extract_text() for page in read_pdf(content).pages))


def n(value, places: int = 2) -> str:
    """A number as the site writes it, with plain spaces (as pypdf reads it)."""
    return format_number(value, places).replace("\u00a0", " ")


def embedded_fonts(content: bytes) -> set[str]:
    fonts = set()
    for page in read_pdf(content).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            if any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                fonts.add(str(font["/BaseFont"]).split("+")[-1])
    return fonts


def stored_documents(folder: str) -> list[str]:
    storage = private_storage()
    if not storage.exists(folder):
        return []
    found = []
    pending = [folder]
    while pending:
        current = pending.pop()
        dirs, files = storage.listdir(current)
        found += [f"{current}/{name}" for name in files]
        pending += [f"{current}/{name}" for name in dirs]
    return sorted(found)


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    """A private storage of the test's own: stored documents never leak."""
    private = settings.STORAGES["private"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            **private,
            "OPTIONS": {**private.get("OPTIONS", {}), "location": str(tmp_path)},
        },
    }
    return tmp_path


def _publish(campaign, editor, django_user_model) -> None:
    """Through the council's review to publication, as an empty site does it."""
    from publications import review
    from publications.campaign_pages import results_page_of

    lifecycle.send_to_council(campaign, editor)
    council = role_user("council", roles.COUNCIL)
    review.council_approve(results_page_of(campaign), council, comment="Проверено.")
    lifecycle.publish(campaign, editor, note="Первая публикация")


# ------------------------------------------------------------- demo region


def test_results_report_pdf_and_docx_carry_the_pages_figures(
    published_region, client
) -> None:
    campaign = published_region.latest
    page = client.get(published_region.results_page.url).content.decode()
    pdf_url = f"/documents/campaigns/{campaign.slug}/report.pdf"
    docx_url = f"/documents/campaigns/{campaign.slug}/report.docx"
    assert f'href="{pdf_url}"' in page and ">Скачать PDF</a>" in page
    assert f'href="{docx_url}"' in page and ">Скачать DOCX</a>" in page

    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    content = response.content
    reader = read_pdf(content)
    title = f"Результаты независимой оценки качества: {campaign.title}"
    assert reader.metadata.title == title
    assert reader.trailer["/Root"]["/Lang"] == "ru"
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert {"DejaVu-Sans", "DejaVu-Sans-Bold"} <= embedded_fonts(content)
    pages = len(reader.pages)
    assert all(
        (round(p.mediabox.width), round(p.mediabox.height)) == A4 for p in reader.pages
    )
    text = pdf_text(content)
    region = selectors.aggregates(campaign)["region"]
    # The summary cards of the page, in the same words and numbers.
    assert n(region["total"].mean) in flat(page)
    assert f"Средний итоговый балл по краю {n(region['total'].mean)}" in text
    assert f"Оценено организаций {region['total'].count}" in text
    assert (
        f"Наименьший и наибольший балл {n(region['total'].min)} — "
        f"{n(region['total'].max)}" in text
    )
    publication = selectors.latest_publication(campaign)
    assert f"Версия публикации {publication.version} от" in text
    # Every line of the ranking, in the page's order and figures.
    for row in selectors.rating_rows(campaign):
        figures = " ".join(
            n(getattr(row, field)) for field in ("k1", "k2", "k3", "k4", "k5", "total")
        )
        assert f"{row.organisation.short_name} " in text
        assert figures in text, row.organisation.short_name
    # District averages, the chart (vector: its labels are text), the pages.
    for slug, figures in selectors.aggregates(campaign, group_by="district").items():
        assert n(figures["total"].mean) in text, slug
    assert "К1 Открытость и доступность информации" in text
    assert f"Страница 1 из {pages}" in text and f"Страница {pages} из {pages}" in text
    assert "ПРОЕКТ" not in text
    for image in (img for p in reader.pages for img in p.images):
        pytest.fail(f"a raster image in the report: {image.name}")

    # Built once per publication version: stored, and served again as stored.
    stored = stored_documents(f"documents/results/{campaign.slug}")
    assert len(stored) == 1 and stored[0].endswith(".pdf")
    assert f"/v{publication.version}-" in stored[0]
    assert client.get(pdf_url).content == content

    # The Word version: real headings, tables with repeated header rows.
    import docx

    response = client.get(docx_url)
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    document = docx.Document(io.BytesIO(response.content))
    assert document.core_properties.title == title
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Сводка",
        "Методика",
        "Рейтинг организаций",
        "Средние по районам",
        "Средние по типам организаций",
        "Планы по устранению недостатков",
    ]
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [title]
    rating = document.tables[1]
    header = [cell.text for cell in rating.rows[0].cells]
    assert header == [
        "Место",
        "Организация",
        "Район",
        "К1",
        "К2",
        "К3",
        "К4",
        "К5",
        "Итог",
    ]
    assert rating.rows[0]._tr.trPr.xpath("./w:tblHeader")
    rows = list(selectors.rating_rows(campaign))
    assert len(rating.rows) == len(rows) + 1
    for table_row, row in zip(rating.rows[1:], rows, strict=True):
        assert [cell.text for cell in table_row.cells] == [
            str(row.rank),
            row.organisation.short_name,
            row.organisation.district.name,
            *(
                format_number(getattr(row, f), 2)
                for f in ("k1", "k2", "k3", "k4", "k5", "total")
            ),
        ]
    assert [c.text for c in document.tables[0].rows[1].cells] == [
        "Средний итоговый балл по краю",
        format_number(region["total"].mean, 2),
    ]

    # A new publication version gets a new document.
    services.publish_campaign(campaign, note="Исправление")
    client.get(pdf_url)
    newer = stored_documents(f"documents/results/{campaign.slug}")
    assert len([name for name in newer if name.endswith(".pdf")]) == 2
    assert any(f"/v{publication.version + 1}-" in name for name in newer)


def test_card_pdf_and_printable_questionnaire(published_region, client) -> None:
    campaign = published_region.latest
    result = selectors.published_results(campaign).first()
    organisation = result.organisation
    card_page = client.get(
        published_region.directory.card_url(organisation, campaign)
    ).content.decode()
    url = f"/documents/campaigns/{campaign.slug}/organisations/{organisation.slug}.pdf"
    assert f'href="{url}"' in card_page
    response = client.get(url)
    assert response.status_code == 200
    reader = read_pdf(response.content)
    assert 1 <= len(reader.pages) <= 2
    text = pdf_text(response.content)
    card = selectors.organisation_card(organisation, campaign)
    assert organisation.short_name in text
    assert f"Итоговый балл {n(result.total)} из 100" in text
    assert f"Место в рейтинге {result.rank} из {card.ranked} организаций" in text
    for field, code in (("k1", "К1"), ("k2", "К2"), ("k5", "К5")):
        assert (
            f"{n(getattr(result, field))} {n(card.region[field].mean)} "
            f"{n(card.district[field].mean)} {n(card.kind[field].mean)}" in text
        ), code
    assert (
        client.get(
            f"/documents/campaigns/{campaign.slug}/organisations/no-such.pdf"
        ).status_code
        == 404
    )

    # The printable questionnaire, linked from the card when a form is open.
    blank = f"/documents/anketa/{organisation.code}.pdf"
    large = f"/documents/anketa/{organisation.code}-large.pdf"
    if 'href="/q/' in card_page:
        assert f'href="{blank}"' in card_page and f'href="{large}"' in card_page
    a4 = client.get(blank)
    assert a4.status_code == 200
    assert a4["Content-Type"] == PDF
    text = pdf_text(a4.content)
    assert organisation.name in text
    for _value, label in PAPER_SURVEY_CHANNELS:
        assert flat(str(label)) in text
    assert str(SurveyChannel.ONLINE_FORM.label) not in text
    form_url = f"http://testserver/q/{organisation.code}/"
    assert f"Заполнить анкету на портале: {form_url}" in text
    big = client.get(large)
    assert big.status_code == 200
    small_pages, large_pages = (
        len(read_pdf(a4.content).pages),
        len(read_pdf(big.content).pages),
    )
    assert large_pages > small_pages
    assert all(
        (round(p.mediabox.width), round(p.mediabox.height)) == A4
        for p in read_pdf(big.content).pages
    )
    assert organisation.name in pdf_text(big.content)


# --------------------------------------------------------- empty installation


@pytest.fixture
def nok(django_user_model):
    """Two organisations of a campaign recomputed but not yet published."""
    return recomputed_nok_2025()


def test_unpublished_report_is_404_to_the_public_and_a_draft_to_editors(
    nok, client, django_user_model
) -> None:
    campaign, editor = nok
    pdf_url = f"/documents/campaigns/{campaign.slug}/report.pdf"
    docx_url = f"/documents/campaigns/{campaign.slug}/report.docx"
    assert client.get(pdf_url).status_code == 404
    assert client.get(docx_url).status_code == 404

    client.force_login(editor)
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "proekt" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert text.count("ПРОЕКТ") >= 2  # the watermark and the running header
    assert "Проект: результаты не опубликованы" in text
    results = {r.organisation.short_name: r for r in campaign.results.all()}
    for name, result in results.items():
        assert name in text
        assert n(result.total) in text
    import docx

    draft = docx.Document(io.BytesIO(client.get(docx_url).content))
    assert draft.paragraphs[0].text == "ПРОЕКТ"
    assert stored_documents("documents/results") == []  # drafts are never kept

    _publish(campaign, editor, django_user_model)
    client.logout()
    page = client.get("/ocenka/nok-2025/").content.decode()
    assert f'href="{pdf_url}"' in page and f'href="{docx_url}"' in page
    published = client.get(pdf_url)
    assert published.status_code == 200
    text = pdf_text(published.content)
    assert "ПРОЕКТ" not in text
    region = selectors.aggregates(campaign)["region"]
    assert f"Средний итоговый балл по краю {n(region['total'].mean)}" in text
    assert f"Оценено организаций {region['total'].count}" in text


def test_council_decision_pdf_has_its_number_and_date(nok, client) -> None:
    campaign, editor = nok
    decision = CouncilDecision.objects.create(
        number="7-р",
        decided_on=date(2025, 11, 20),
        title="Об итогах независимой оценки качества 2025 года",
        text="Одобрить результаты.\nРекомендовать планы.",
        campaign=campaign,
    )
    url = f"/documents/decisions/{decision.pk}.pdf"
    assert client.get(url).status_code == 404
    client.force_login(editor)
    assert "ПРОЕКТ" in pdf_text(client.get(url).content)
    client.logout()
    decision.is_published = True
    decision.save()
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Решение № 7-р от 20 ноября 2025 г." in text
    assert "Об итогах независимой оценки качества 2025 года" in text
    assert "Одобрить результаты. Рекомендовать планы." in text
    assert "ПРОЕКТ" not in text
    assert read_pdf(response.content).metadata.title == (
        "Решение общественного совета № 7-р"
    )


def test_a_failed_build_is_a_russian_error_page_and_stores_nothing(
    nok, client, monkeypatch, caplog, django_user_model
) -> None:
    campaign, editor = nok
    _publish(campaign, editor, django_user_model)
    # WeasyPrint cannot be loaded (as without Pango on the machine).
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with caplog.at_level("ERROR", logger="publications.documents"):
        response = client.get(f"/documents/campaigns/{campaign.slug}/report.pdf")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Документ не сформирован" in body
    assert "не установлена библиотека WeasyPrint" in body
    assert "WeasyPrint is not available" in caplog.text
    assert stored_documents("documents") == []
    # The Word version does not need WeasyPrint.
    assert (
        client.get(f"/documents/campaigns/{campaign.slug}/report.docx").status_code
        == 200
    )


def test_questionnaire_qr_is_segno_of_exactly_the_form_url(nok, rf) -> None:
    campaign, _editor = nok
    organisation = campaign.organisations.order_by("pk").first()
    request = rf.get("/", HTTP_HOST="testserver", secure=True)
    context = printable.questionnaire_context(request, organisation, large=False)
    url = f"https://testserver/q/{organisation.code}/"
    assert context["form_url"] == url
    expected = qr_svg(url, questionnaire_qr_title(organisation)).decode()
    assert context["qr_svg"] == expected[expected.index("<svg") :]
    import segno

    assert segno.make(url, error="m").designator in {"3-M", "3-Q", "4-M", "4-Q"}
    assert context["question_set"] == DEFAULT_SET
    assert [q.code for q in context["questions"]] == [f"q{i}" for i in range(1, 16)]
    assert client_unknown_code_is_404()


def client_unknown_code_is_404() -> bool:
    from django.test import Client

    return Client().get("/documents/anketa/NO-SUCH.pdf").status_code == 404


def test_sector_report_says_what_was_done_when_and_what_is_overdue(
    django_user_model, client
) -> None:
    from evaluation.obligations import owed as obligations
    from tests.factories.evaluation import DecadeCampaignFactory

    editor = role_user("editor", roles.EDITOR)
    on_time = OrganisationFactory(short_name="КЦСОН «Вовремя»")
    silent = OrganisationFactory(short_name="КЦСОН «Молчун»")
    campaign = DecadeCampaignFactory(organisations=[on_time, silent])
    lifecycle.open_campaign(campaign, editor)
    duties = list(campaign.obligations.order_by("deadline", "code"))
    assert duties
    done = duties[0]
    obligations.mark_done(done, on=done.deadline)
    owed = campaign.submissions.filter(organisation=on_time).order_by("deadline")
    first = owed.first()
    obligations.mark_received(campaign, on_time, first.kind, on=first.deadline)

    url = f"/documents/campaigns/{campaign.slug}/sector-report.pdf"
    assert client.get(url).status_code == 404  # an internal document
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    today = flat(format_date(timezone.localdate()))
    assert f"Отчёт о ходе кампании «{campaign.title}» на {today}" in text
    done.refresh_from_db()
    # Done, with its date and state; everything past its deadline is overdue.
    when = flat(format_date(done.done_on))
    assert f"{when} В срок" in text
    for duty in duties[1:]:
        duty.refresh_from_db()
        assert duty.done_on is None
        assert (
            flat(f"{duty.owner}: {duty.title} — срок {format_date(duty.deadline)}")
            in text
        )
    for submission in campaign.submissions.filter(organisation=silent):
        assert (
            flat(
                f"КЦСОН «Молчун»: {submission.get_kind_display()} — срок "
                f"{format_date(submission.deadline)}"
            )
            in text
        )
    assert (
        "КЦСОН «Вовремя»: " + str(first.get_kind_display())
        not in text.split("Сроки кампании")[0]
    )

    import docx

    response = client.get(f"/documents/campaigns/{campaign.slug}/sector-report.docx")
    document = docx.Document(io.BytesIO(response.content))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Просрочено",
        "Сроки кампании",
        "Документы учреждений",
    ]
    duties_table, documents_table = document.tables
    assert [c.text for c in duties_table.rows[0].cells] == [
        "Что сделать",
        "Исполнитель",
        "Срок",
        "Исполнено",
        "Состояние",
    ]
    assert duties_table.rows[0]._tr.trPr.xpath("./w:tblHeader")
    assert len(duties_table.rows) == len(duties) + 1
    assert [c.text for c in duties_table.rows[1].cells][2:] == [
        format_date(done.deadline),
        format_date(done.done_on),
        "В срок",
    ]
    assert len(documents_table.rows) == campaign.submissions.count() + 1


def test_decade_results_pdf_has_the_pages_figures(published_region, client) -> None:
    from evaluation.formatting import format_percent
    from publications.documents import reports

    decade = published_region.decade
    page = client.get(published_region.decade_page.url).content.decode()
    url = f"/documents/decades/{decade.slug}.pdf"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    context = reports.decade_results(decade)
    assert context["rows"]
    assert flat(f"Итоги Декады качества: {decade.title}") in text
    for item in context["rows"]:
        summary = item["summary"]
        shares = " ".join(
            flat(format_percent(share.share)) for share in item["headline"]
        )
        assert item["organisation"].short_name in text
        assert shares in text, item["organisation"].short_name
        assert flat(format_percent(summary.sample.share, 2)) in text
    for share in context["region"]:
        assert flat(format_percent(share.share)) in text
    assert client.get("/documents/decades/no-such.pdf").status_code == 404


def test_decade_pdf_has_the_notes_themes_and_only_released_drawings(
    published_region, client, django_user_model
) -> None:
    from PIL import Image

    from evaluation.decade import notes
    from evaluation.decade.models.notes import NoteTheme
    from tests.cms_blocks.test_gallery import png

    decade = published_region.decade
    editor = role_user("notes-editor", roles.EDITOR)
    first, second, third = decade.organisations.order_by("pk")[:3]

    def note(organisation, items, *, submit=True):
        opened = notes.open_note(decade, organisation, editor)
        for theme, text, count in items:
            notes.save_item(
                opened, editor, theme=theme, text=text, count=count, response="Учтено."
            )
        return opened

    a = note(
        first,
        [
            (NoteTheme.FOOD, "Больше фруктов", 3),
            (NoteTheme.STAFF, "Вежливый персонал", 2),
        ],
    )
    drawing = notes.add_attachment(
        a, editor, png((200, 30, 30)), caption="Моя семья", alt_text="Мама и я"
    )
    notes.add_attachment(
        a, editor, png((30, 30, 200)), caption="Личный рисунок", alt_text="Дом"
    )
    notes.set_gallery(drawing, editor, is_public=True, order=1, consent=True)
    notes.submit_note(a, editor, conclusions="Замечания учтены.")
    b = note(second, [(NoteTheme.FOOD, "Горячий чай", 1)])
    notes.submit_note(b, editor, conclusions="Учтено.")
    note(third, [(NoteTheme.LEISURE, "Кружок рисования", 5)])  # a draft: not counted

    response = client.get(f"/documents/decades/{decade.slug}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Темы пояснительных записок" in text
    assert "Замечания и пожелания граждан по темам: 2 представленные записки" in text
    # theme, institutions, items, times raised; in the notes' order of themes
    assert "Персонал 1 1 2 Питание 2 2 4" in text
    assert "Досуг" not in text
    assert f"Моя семья — {first.short_name}. Согласие на публикацию получено." in text
    assert "Личный рисунок" not in text
    # WeasyPrint shares one resource dictionary between pages: count by content.
    images = {
        image.data for page in read_pdf(response.content).pages for image in page.images
    }
    assert len(images) == 1
    picture = Image.open(io.BytesIO(images.pop())).convert("RGB")
    assert picture.size == (80, 60)
    assert picture.getpixel((40, 30)) == (200, 30, 30)


def test_empty_install_documents_carry_the_pages_figures(
    nok, client, django_user_model
) -> None:
    """A campaign run through services on an empty site: every public
    document of it against the figures of its pages."""
    import docx

    from publications.models import OrganisationIndexPage

    campaign, editor = nok
    _publish(campaign, editor, django_user_model)
    region = selectors.aggregates(campaign)["region"]["total"]
    mean, count = format_number(region.mean, 2), format_number(region.count, 0)
    page = flat(client.get("/ocenka/nok-2025/").content.decode())
    assert f'Средний итоговый балл по краю</p><p class="score">{flat(mean)}</p>' in page
    assert f'Оценено организаций</p><p class="score">{count}</p>' in page
    journal_url = f"/documents/campaigns/{campaign.slug}/journal.docx"
    assert f'href="{journal_url}"' in page

    # The results report, PDF and DOCX.
    text = pdf_text(
        client.get(f"/documents/campaigns/{campaign.slug}/report.pdf").content
    )
    assert f"Средний итоговый балл по краю {flat(mean)}" in text
    assert f"Оценено организаций {count}" in text
    for row in selectors.rating_rows(campaign):
        assert f"{row.organisation.short_name} " in text
        assert n(row.total) in text and flat(n(row.total)) in page
    report = docx.Document(
        io.BytesIO(
            client.get(f"/documents/campaigns/{campaign.slug}/report.docx").content
        )
    )
    assert [c.text for c in report.tables[0].rows[1].cells] == [
        "Средний итоговый балл по краю",
        mean,
    ]

    # The journal material: the same figures, the example's respondents.
    journal = docx.Document(io.BytesIO(client.get(journal_url).content))
    lead = journal.paragraphs[2].text
    assert f"Число оценённых организаций — {count}." in lead
    assert f"Средний итоговый балл по краю — {mean} из 100." in lead
    respondents = EXAMPLE_A["respondents"] + EXAMPLE_B["respondents"]
    assert f"Число опрошенных получателей услуг — {respondents}." in lead
    assert "Организации составляют планы" in "\n".join(
        p.text for p in journal.paragraphs
    )
    assert [c.text for c in journal.tables[0].rows[0].cells] == [
        "Тип организации",
        "Место",
        "Организация",
        "Итоговый балл",
    ]

    # Each organisation's card PDF, against its card page.
    directory = OrganisationIndexPage.objects.get()
    for result in selectors.published_results(campaign):
        organisation = result.organisation
        card_page = flat(
            client.get(directory.card_url(organisation, campaign)).content.decode()
        )
        total = format_number(result.total, 2)
        assert f'<p class="score">{flat(total)}</p>' in card_page
        card = client.get(
            f"/documents/campaigns/{campaign.slug}/organisations/{organisation.slug}.pdf"
        )
        assert card.status_code == 200
        card_text = pdf_text(card.content)
        assert organisation.short_name in card_text
        assert f"Итоговый балл {flat(total)} из 100" in card_text
