"""Every campaign gets its public results page without anyone building the site.

On an empty installation the page tree holds only the home page. When a
campaign goes to the public council or is published, :func:`ensure_results_page`
makes what the public needs, if it is missing:

* the «Независимая оценка качества» section (``/ocenka/``) with its
  «Методика расчёта» page, and the «Организации» directory
  (``/organizacii/``), whose cards show every organisation;
* the campaign's own results page (НОК results or Декада results) in the
  section, as a draft: the council reviews it, and publishing the campaign
  makes it live. Its body is empty, so it shows the summary and the full
  rating (or the Декада's table) by itself; editors add blocks as they wish.

A page that already exists (the demo's, or one an editor made) is left as it
is; nothing here ever changes or moves a page.
"""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page

from evaluation import signals as evaluation_signals
from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.models import Campaign

from .models import (
    AssessmentIndexPage,
    CampaignResultsPage,
    DecadeResultsPage,
    HomePage,
    MethodologyPage,
    OrganisationIndexPage,
)


def _home() -> Page | None:
    return HomePage.objects.order_by("path").first()


def _add(parent: Page, page: Page, *, live: bool) -> Page:
    page.live = live
    parent.add_child(instance=page)
    revision = page.save_revision()
    if live:
        revision.publish()
    return page


def ensure_sections() -> AssessmentIndexPage | None:
    """The assessment section, its methodology page and the directory."""
    home = _home()
    if home is None:
        return None
    section = AssessmentIndexPage.objects.order_by("path").first()
    if section is None:
        section = _add(
            home,
            AssessmentIndexPage(
                title="Независимая оценка качества",
                slug="ocenka",
                show_in_menus=True,
                lead="Результаты независимой оценки качества и Декад качества, "
                "методика расчёта.",
            ),
            live=True,
        )
    if not MethodologyPage.objects.exists():
        _add(
            section,
            MethodologyPage(
                title="Методика расчёта",
                slug="metodika",
                lead="Как из ответов граждан и сведений оператора получаются баллы.",
            ),
            live=True,
        )
    if not OrganisationIndexPage.objects.exists():
        _add(
            home,
            OrganisationIndexPage(
                title="Организации",
                slug="organizacii",
                show_in_menus=True,
                lead="Карточки организаций: баллы, показатели, планы и их выполнение.",
            ),
            live=True,
        )
    return section


def results_page_of(campaign: Campaign) -> Page | None:
    """The campaign's results page, if there is one."""
    model = (
        DecadeResultsPage
        if campaign.kind == CampaignKind.DECADE
        else CampaignResultsPage
    )
    return model.objects.filter(campaign=campaign).order_by("path").first()


def _slug(section: Page, campaign: Campaign) -> str:
    base = campaign.slug or f"{campaign.kind}-{campaign.year}"
    slug, n = base, 1
    while section.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def ensure_results_page(campaign: Campaign) -> Page | None:
    """The campaign's results page, made as a draft if missing (see module doc)."""
    page = results_page_of(campaign)
    if page is not None:
        return page
    section = ensure_sections()
    if section is None:
        return None
    if campaign.kind == CampaignKind.DECADE:
        page = DecadeResultsPage(
            title=campaign.title,
            slug=_slug(section, campaign),
            campaign=campaign,
            lead="Итоги опроса получателей услуг: сколько анкет собрано, "
            "достаточна ли выборка и насколько люди удовлетворены.",
        )
    else:
        page = CampaignResultsPage(
            title=f"Результаты: {campaign.title}",
            slug=_slug(section, campaign),
            campaign=campaign,
            lead="Рейтинг организаций социального обслуживания по итогам "
            f"независимой оценки качества {campaign.year} года.",
        )
    return _add(section, page, live=False)


def publish_results_page(campaign: Campaign) -> None:
    """Make the campaign's results page live (made first if missing)."""
    page = ensure_results_page(campaign)
    if page is not None and not page.live:
        page.get_latest_revision().publish()


def on_results_published(sender, campaign: Campaign, **kwargs) -> None:
    publish_results_page(campaign)


def on_status_changed(sender, campaign: Campaign, **kwargs) -> None:
    # A Декада has no results version: its publication is this status.
    if campaign.kind == CampaignKind.DECADE and (
        campaign.status == CampaignStatus.PUBLISHED
    ):
        publish_results_page(campaign)


def connect() -> None:
    evaluation_signals.results_published.connect(
        on_results_published, dispatch_uid="qp-campaign-page-published"
    )
    evaluation_signals.campaign_status_changed.connect(
        on_status_changed, dispatch_uid="qp-campaign-page-status"
    )
