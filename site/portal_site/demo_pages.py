"""The demo site tree: the НОК section, results pages, directory, council.

Built by ``load_demo_data`` after the demo region, so ``make run`` shows a
complete public section. Pages hold only references and options; every
figure on them is read live from the published data.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw
from wagtail.models import Page, Site

from evaluation.enums import CampaignKind
from evaluation.models import Campaign
from publications.models import (
    AssessmentIndexPage,
    CampaignResultsPage,
    CouncilPage,
    DecadeResultsPage,
    DocumentIndexPage,
    DocumentKind,
    HomePage,
    MethodologyPage,
    MinistrySettings,
    NewsIndexPage,
    NewsPage,
    OrganisationIndexPage,
    PortalDocument,
    StandardPage,
)


def _block(block_type: str, value: object) -> dict[str, object]:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def _text(html: str) -> dict[str, object]:
    return _block("text", html)


def _add(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _pdf(title: str) -> ContentFile:
    """A one-page PDF with the document's title (demo documents are not real)."""
    image = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "DEMO", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", title=title)
    return ContentFile(buffer.getvalue(), name="demo.pdf")


def _document(title: str, kind: str, number: str, issued_on: date) -> PortalDocument:
    return PortalDocument.objects.create(
        title=title,
        file=_pdf(title),
        kind=kind,
        number=number,
        issued_on=issued_on,
        description="Демонстрационный документ.",
    )


def _ministry(site: Site) -> None:
    """The demo ministry's identity: one consistent, plainly fictional set."""
    settings = MinistrySettings.for_site(site)
    settings.full_name = "Министерство социальной политики Красноярского края"
    settings.short_name = "Министерство социальной политики края"
    settings.region = "Красноярский край"
    settings.address = "660000, г. Красноярск, ул. Демонстрационная, д. 1"
    settings.phone = "+7 (391) 000-00-00"
    settings.email = "priemnaya@example.ru"
    settings.reception_hours = (
        "Понедельник — пятница: 9:00–18:00, перерыв 13:00–13:48\n"
        "Приём по личным вопросам: вторник, 14:00–17:00, по записи"
    )
    settings.personal_data_operator = (
        "Министерство социальной политики Красноярского края"
    )
    settings.save()


def build_site(log=print) -> None:
    """Create the public pages under the home page (once)."""
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    if not isinstance(home, HomePage) or home.get_children().exists():
        log("дерево страниц уже есть — не изменяется")
        return
    _ministry(site)
    nok = list(Campaign.objects.filter(kind=CampaignKind.NOK).order_by("year"))
    decade = Campaign.objects.filter(kind=CampaignKind.DECADE).order_by("-year").first()
    latest = nok[-1]

    home.lead = (
        "Как организации социального обслуживания края оценены гражданами и "
        "независимым оператором, что они обещали исправить и что сделали."
    )
    home.body = [
        _block(
            "callout",
            {
                "title": f"Результаты независимой оценки {latest.year} года",
                "text": "Рейтинг организаций, баллы по критериям и планы по "
                "устранению недостатков.",
                "link_url": "/ocenka/",
                "link_text": "Открыть результаты",
            },
        ),
        _block("trend_chart", {"scope": "region"}),
        _block("criterion_chart", {"scope": "region", "campaign": latest.pk}),
    ]
    home.save_revision().publish()

    section = _add(
        home,
        AssessmentIndexPage(
            title="Независимая оценка качества",
            slug="ocenka",
            show_in_menus=True,
            lead="Результаты независимой оценки качества и Декад качества, "
            "методика расчёта и целевые показатели.",
            body=[_block("target_indicators", {})],
        ),
    )
    for campaign in reversed(nok):
        body = [
            _text(
                f"<p>Оценку {campaign.year} года провёл независимый оператор; "
                "результаты утверждены общественным советом.</p>"
            ),
            _block("distribution_chart", {"campaign": campaign.pk, "bin_width": "10"}),
            _block("criterion_chart", {"scope": "region", "campaign": campaign.pk}),
            _block(
                "rating_table",
                {
                    "campaign": campaign.pk,
                    "per_page": 25,
                    "show_criteria": True,
                    "allow_filters": True,
                },
            ),
        ]
        if campaign == latest:
            body.append(
                _block(
                    "plan_table",
                    {"campaign": campaign.pk, "only_overdue": False, "per_page": 30},
                )
            )
        _add(
            section,
            CampaignResultsPage(
                title=f"Результаты НОК {campaign.year} года",
                slug=f"nok-{campaign.year}",
                campaign=campaign,
                lead=f"Рейтинг организаций социального обслуживания по итогам "
                f"независимой оценки качества {campaign.year} года.",
                body=body,
            ),
        )
    if decade is not None:
        _add(
            section,
            DecadeResultsPage(
                title=decade.title,
                slug=decade.slug,
                campaign=decade,
                lead="Итоги опроса получателей услуг: сколько анкет собрано, "
                "достаточна ли выборка и насколько люди удовлетворены.",
                body=[
                    _block("decade_results", {"campaign": decade.pk, "per_page": 30}),
                    _block(
                        "submissions_tracker", {"campaign": decade.pk, "per_page": 30}
                    ),
                ],
            ),
        )
    _add(
        section,
        MethodologyPage(
            title="Методика расчёта",
            slug="metodika",
            lead="Как из ответов граждан и сведений оператора получаются баллы.",
        ),
    )
    _add(
        section,
        StandardPage(
            title="План организации независимой оценки",
            slug="plan-nok",
            lead="План министерства по организации независимой оценки качества: "
            "мероприятия, сроки, исполнение, целевые показатели и мониторинг сайтов.",
            body=[
                _block("plan_targets", {"show_chart": True}),
                _block("regional_plan", {"year": None, "only_open": False}),
                _block(
                    "website_monitoring", {"district": "", "show_organisations": True}
                ),
            ],
        ),
    )
    _add(
        home,
        OrganisationIndexPage(
            title="Организации",
            slug="organizacii",
            show_in_menus=True,
            lead="Карточки организаций: баллы, показатели, планы и их выполнение.",
        ),
    )
    order = _document(
        "О проведении независимой оценки качества",
        DocumentKind.ORDER,
        "215-од",
        date(latest.year, 2, 12),
    )
    protocol = _document(
        "Протокол заседания общественного совета",
        DocumentKind.DECISION,
        f"4/{latest.year}",
        date(latest.year, 11, 20),
    )
    council = CouncilPage(
        title="Общественный совет",
        slug="sovet",
        show_in_menus=True,
        lead="Общественный совет при министерстве проводит независимую оценку "
        "качества и рассматривает её результаты.",
    )
    council.members.add(
        *[
            council.members.model(name=name, role=role, affiliation=place)
            for name, role, place in (
                (
                    "Иванова Мария Петровна",
                    "председатель",
                    "региональная общественная организация инвалидов",
                ),
                (
                    "Сидоров Алексей Викторович",
                    "заместитель председателя",
                    "совет ветеранов",
                ),
                ("Кузнецова Ольга Николаевна", "секретарь", "союз пенсионеров"),
            )
        ]
    )
    council.meetings.add(
        council.meetings.model(
            held_on=date(latest.year, 11, 20),
            agenda="Об утверждении результатов независимой оценки качества.",
            protocol=protocol,
        )
    )
    _add(home, council)
    _add(
        home,
        DocumentIndexPage(
            title="Документы",
            slug="dokumenty",
            show_in_menus=True,
            lead="Приказы, положения, решения совета, планы и отчёты.",
        ),
    )
    news = _add(
        home, NewsIndexPage(title="Новости", slug="novosti", show_in_menus=True)
    )
    _add(
        news,
        NewsPage(
            title=f"Опубликованы результаты независимой оценки {latest.year} года",
            slug=f"nok-{latest.year}-results",
            date=date(latest.year, 11, 25),
            lead="Общественный совет утвердил результаты; организации готовят планы.",
            body=[_text(f"<p>Приказ № {order.number} определил порядок оценки.</p>")],
        ),
    )
    _add(
        home,
        StandardPage(
            title="О портале",
            slug="o-portale",
            lead="Зачем нужен портал и откуда данные.",
            body=[
                _text(
                    "<p>Портал публикует результаты независимой оценки качества "
                    "условий оказания услуг организациями социального обслуживания "
                    "(статья 23.1 Федерального закона № 442-ФЗ).</p>"
                )
            ],
        ),
    )
    log("страницы сайта: созданы")
