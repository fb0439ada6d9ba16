"""Page types of the public site (except the organisation directory)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import models
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms_blocks.blocks import DecadeResultsBlock, RatingTableBlock
from cms_blocks.streams import BaseStreamBlock, DataStreamBlock, DecadeStreamBlock
from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.models import Campaign, CouncilDecision, Organisation

from ..cache import cached_fragment
from .documents import DocumentKind, PortalDocument


class BasePage(Page):
    """Fields and behaviour every content page of the portal shares.

    Its rendered content (the template's ``content_template``) is cached per
    page version, data version and query string; see :mod:`publications.cache`.
    """

    lead = models.TextField(
        _("вводный абзац"),
        blank=True,
        help_text=_("Одно-два предложения: показываются под заголовком и в поиске."),
    )

    content_panels = [*Page.content_panels, FieldPanel("lead")]
    api_fields = [APIField("lead")]
    search_fields = [*Page.search_fields, index.SearchField("lead")]

    #: The template of the cacheable ``<main>`` content; the page template
    #: itself only adds the chrome (``publications/page.html``).
    content_template = ""

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        # Every page shares the chrome; what differs is ``content_template``.
        return "publications/page.html"

    def has_block(self, block_type: str) -> bool:
        """Whether the body holds a block of this type (without building blocks)."""
        body = getattr(self, "body", None)
        if body is None:
            return False
        return any(item.get("type") == block_type for item in body.raw_data)

    def render_block(self, block, raw: dict[str, Any], request) -> str:
        """Render a block this page shows by default (not stored in its body)."""
        return block.render(
            block.to_python(raw), context={"request": request, "page": self}
        )

    @property
    def css_class(self) -> str:
        """Body class of the page type: ``page-home``, ``page-campaignresults``…"""
        name = self._meta.model_name
        return "page-" + (name[: -len("page")] if name.endswith("page") else name)

    def get_content_context(self, request) -> dict[str, Any]:
        """Extra context of the content template (selectors are called here)."""
        return {}

    def render_content(self, request, context: dict[str, Any]) -> str:
        return render_to_string(
            self.content_template,
            {**context, **self.get_content_context(request)},
            request=request,
        )

    def get_context(self, request, *args, own_content: bool = False, **kwargs):
        """``own_content``: a subpage route renders its own content (an
        organisation's card, a comparison), so the page's is not rendered."""
        context = super().get_context(request, *args, **kwargs)
        if self.content_template and not own_content:
            page_key = f"{self.pk}:{self.latest_revision_id}:{self.content_template}"
            context["content_html"] = cached_fragment(
                request, page_key, lambda: self.render_content(request, context)
            )
        return context

    @cached_property
    def organisation_directory(self):
        """The live organisation directory of the site, or None."""
        from .directory import OrganisationIndexPage

        return OrganisationIndexPage.objects.live().order_by("path").first()

    def organisation_card_url(
        self, organisation: Organisation, campaign: Campaign | None = None
    ) -> str | None:
        """The card URL of an organisation (a campaign's card when given)."""
        directory = self.organisation_directory
        if directory is None:
            return None
        return directory.card_url(organisation, campaign)


class HomePage(BasePage):
    """The site's root page."""

    body = StreamField(DataStreamBlock(), blank=True, verbose_name=_("содержимое"))
    intro = RichTextField(_("приветствие"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    api_fields = [*BasePage.api_fields, APIField("intro"), APIField("body")]

    content_template = "publications/content/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "qp_publications.AssessmentIndexPage",
        "qp_publications.OrganisationIndexPage",
        "qp_publications.CouncilPage",
        "qp_publications.DocumentIndexPage",
        "qp_publications.NewsIndexPage",
        "qp_publications.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("главная страница")
        verbose_name_plural = _("главные страницы")

    def get_content_context(self, request):
        from .directory import OrganisationIndexPage

        latest = selectors.published_campaigns(CampaignKind.NOK).first()
        latest_page = (
            CampaignResultsPage.objects.live().filter(campaign=latest).first()
            if latest
            else None
        )
        return {
            "latest_campaign": latest,
            "latest_region": selectors.aggregates(latest)["region"] if latest else None,
            "latest_page": latest_page,
            "directory": OrganisationIndexPage.objects.live().order_by("path").first(),
            "sections": self.get_children().live().in_menu().specific(),
        }


class StandardPage(BasePage):
    """A plain content page (about the project, contacts, help)."""

    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("содержимое"))

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]
    content_template = "publications/content/standard_page.html"
    parent_page_types = [
        "qp_publications.HomePage",
        "qp_publications.AssessmentIndexPage",
        "qp_publications.StandardPage",
    ]
    subpage_types = ["qp_publications.StandardPage"]

    class Meta:
        verbose_name = _("текстовая страница")
        verbose_name_plural = _("текстовые страницы")


class AssessmentIndexPage(BasePage):
    """The "Независимая оценка качества" section: campaigns, Декады, method."""

    body = StreamField(DataStreamBlock(), blank=True, verbose_name=_("содержимое"))

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    api_fields = [*BasePage.api_fields, APIField("body")]
    content_template = "publications/content/assessment_index_page.html"
    parent_page_types = ["qp_publications.HomePage"]
    subpage_types = [
        "qp_publications.CampaignResultsPage",
        "qp_publications.DecadeResultsPage",
        "qp_publications.MethodologyPage",
        "qp_publications.StandardPage",
    ]

    class Meta:
        verbose_name = _("раздел «Независимая оценка качества»")
        verbose_name_plural = _("разделы «Независимая оценка качества»")

    def get_content_context(self, request):
        children = list(
            self.get_children().live().specific().order_by("-first_published_at")
        )
        return {
            "campaign_pages": [
                p for p in children if isinstance(p, CampaignResultsPage)
            ],
            "decade_pages": [p for p in children if isinstance(p, DecadeResultsPage)],
            "other_pages": [
                p
                for p in children
                if not isinstance(p, CampaignResultsPage | DecadeResultsPage)
            ],
        }


def _campaign_kind_limit(kind: str) -> dict[str, str]:
    return {"kind": kind}


class CampaignResultsPage(BasePage):
    """Results of one НОК campaign: summary, rating and the editor's blocks."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("кампания НОК"),
        limit_choices_to=_campaign_kind_limit(CampaignKind.NOK),
    )
    body = StreamField(
        DataStreamBlock(),
        blank=True,
        verbose_name=_("содержимое"),
        help_text=_(
            "Если таблицы рейтинга в содержимом нет, она выводится после сводки."
        ),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("campaign"),
        FieldPanel("body"),
    ]
    api_fields = [
        *BasePage.api_fields,
        APIField("campaign_summary"),
        APIField("body"),
    ]
    content_template = "publications/content/campaign_results_page.html"
    parent_page_types = ["qp_publications.AssessmentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("результаты НОК")
        verbose_name_plural = _("результаты НОК")

    @property
    def campaign_summary(self) -> dict[str, Any]:
        """Headline figures of the campaign for headless clients."""
        publication = selectors.latest_publication(self.campaign)
        region = selectors.aggregates(self.campaign)["region"] if publication else {}
        return {
            "campaign": {
                "id": self.campaign.pk,
                "slug": self.campaign.slug,
                "title": self.campaign.title,
                "year": self.campaign.year,
                "method_version": self.campaign.method_version,
            },
            "published": publication is not None,
            "publication_version": publication.version if publication else None,
            "published_at": publication.published_at.isoformat()
            if publication
            else None,
            "organisations": region["total"].count if region else 0,
            "region": {
                name: None if figure.mean is None else str(figure.mean)
                for name, figure in region.items()
            },
        }

    def get_content_context(self, request):
        publication = selectors.latest_publication(self.campaign)
        has_rating = self.has_block("rating_table")
        context: dict[str, Any] = {
            "campaign": self.campaign,
            "publication": publication,
            "region": selectors.aggregates(self.campaign)["region"]
            if publication
            else None,
            "show_default_rating": publication is not None and not has_rating,
            "regional_summaries": selectors.campaign_regional(
                self.campaign, publication
            ),
        }
        if context["show_default_rating"]:
            context["default_rating"] = self.render_block(
                RatingTableBlock(),
                {
                    "campaign": self.campaign.pk,
                    "per_page": 25,
                    "show_criteria": True,
                    "allow_filters": True,
                },
                request,
            )
        return context


class DecadeResultsPage(BasePage):
    """Results of a Декада качества."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Декада качества"),
        limit_choices_to=_campaign_kind_limit(CampaignKind.DECADE),
    )
    body = StreamField(
        DecadeStreamBlock(),
        blank=True,
        verbose_name=_("содержимое"),
        help_text=_("Если таблицы итогов Декады в содержимом нет, она выводится сама."),
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("campaign"),
        FieldPanel("body"),
    ]
    api_fields = [*BasePage.api_fields, APIField("campaign_id"), APIField("body")]
    content_template = "publications/content/decade_results_page.html"
    parent_page_types = ["qp_publications.AssessmentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("итоги Декады качества")
        verbose_name_plural = _("итоги Декады качества")

    def get_content_context(self, request):
        context: dict[str, Any] = {"campaign": self.campaign}
        if not self.has_block("decade_results"):
            context["default_results"] = self.render_block(
                DecadeResultsBlock(),
                {"campaign": self.campaign.pk, "per_page": 30},
                request,
            )
        return context


class MethodologyPage(BasePage):
    """The rating method, generated from the method version in force."""

    method_version = models.CharField(
        _("версия методики"),
        max_length=40,
        blank=True,
        help_text=_("Пусто — версия последней опубликованной кампании НОК."),
    )
    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("пояснения"))

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("method_version"),
        FieldPanel("body"),
    ]
    api_fields = [*BasePage.api_fields, APIField("method"), APIField("body")]
    content_template = "publications/content/methodology_page.html"
    parent_page_types = ["qp_publications.AssessmentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("методика")
        verbose_name_plural = _("методики")

    def version_in_force(self) -> str:
        if self.method_version:
            return self.method_version
        latest = selectors.published_campaigns(CampaignKind.NOK).first()
        return latest.method_version if latest else "344n-social"

    @property
    def method(self) -> dict[str, Any]:
        method, criteria = selectors.method_overview(self.version_in_force())
        return {
            "code": method.code,
            "title": method.title,
            "criteria": [
                {
                    "code": c.code,
                    "label": c.label,
                    "weight": str(c.weight),
                    "indicators": [
                        {
                            "code": i.code,
                            "label": i.label,
                            "weight": str(i.weight),
                            "formula": i.formula,
                        }
                        for i in c.indicators
                    ],
                }
                for c in criteria
            ],
            "regional": [
                {
                    "code": r.code,
                    "name": r.name,
                    "formula": r.formula,
                    "placement": r.placement,
                    "basis": r.basis,
                    "kind": r.mark,
                }
                for r in selectors.method_regional(method)
            ],
        }

    def get_content_context(self, request):
        method, criteria = selectors.method_overview(self.version_in_force())
        return {
            "method": method,
            "criteria": criteria,
            "regional": selectors.method_regional(method),
        }


class CouncilPage(BasePage):
    """The public council: members, meetings, decisions with documents."""

    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("о совете"))

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("body"),
        InlinePanel("members", label=_("Члены совета"), heading=_("Состав")),
        InlinePanel("meetings", label=_("Заседания"), heading=_("Заседания")),
    ]
    api_fields = [
        *BasePage.api_fields,
        APIField("body"),
        APIField("members"),
        APIField("meetings"),
        APIField("decisions"),
    ]
    content_template = "publications/content/council_page.html"
    parent_page_types = ["qp_publications.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("общественный совет")
        verbose_name_plural = _("общественные советы")

    @property
    def decisions(self) -> list[dict[str, Any]]:
        return [
            {
                "number": d.number,
                "decided_on": d.decided_on.isoformat(),
                "title": d.title,
                "text": d.text,
                "campaign": d.campaign.slug if d.campaign else None,
            }
            for d in self.published_decisions()
        ]

    def published_decisions(self):
        return CouncilDecision.objects.filter(is_published=True).select_related(
            "campaign", "organisation"
        )

    def get_content_context(self, request):
        decisions = list(self.published_decisions())
        meetings = list(
            self.meetings.select_related("protocol", "decision_document").order_by(
                "-held_on"
            )
        )
        by_date: dict[Any, list[CouncilDecision]] = {}
        for decision in decisions:
            by_date.setdefault(decision.decided_on, []).append(decision)
        return {
            "members": self.members.all(),
            "meetings": [
                {"meeting": m, "decisions": by_date.pop(m.held_on, [])}
                for m in meetings
            ],
            "other_decisions": [d for group in by_date.values() for d in group],
        }


class CouncilMember(Orderable):
    page = ParentalKey(CouncilPage, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("ФИО"), max_length=200)
    role = models.CharField(_("роль в совете"), max_length=200, blank=True)
    affiliation = models.CharField(
        _("место работы, должность"), max_length=300, blank=True
    )

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("affiliation")]
    api_fields = [APIField("name"), APIField("role"), APIField("affiliation")]

    class Meta(Orderable.Meta):
        verbose_name = _("член совета")
        verbose_name_plural = _("члены совета")


class CouncilMeeting(Orderable):
    page = ParentalKey(CouncilPage, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("дата заседания"))
    agenda = models.TextField(_("повестка"))
    protocol = models.ForeignKey(
        PortalDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("протокол"),
    )
    decision_document = models.ForeignKey(
        PortalDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("документ с решениями"),
    )

    panels = [
        FieldPanel("held_on"),
        FieldPanel("agenda"),
        MultiFieldPanel([FieldPanel("protocol"), FieldPanel("decision_document")]),
    ]
    api_fields = [APIField("held_on"), APIField("agenda"), APIField("protocol_id")]

    class Meta(Orderable.Meta):
        verbose_name = _("заседание")
        verbose_name_plural = _("заседания")


class DocumentIndexPage(BasePage):
    """Published documents: orders, regulations, plans, reports, decisions."""

    kinds = models.CharField(
        _("виды документов"),
        max_length=200,
        blank=True,
        help_text=_("Коды видов через запятую; пусто — все документы."),
    )

    content_panels = [*BasePage.content_panels, FieldPanel("kinds")]
    api_fields = [*BasePage.api_fields, APIField("kinds")]
    content_template = "publications/content/document_index_page.html"
    parent_page_types = ["qp_publications.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("документы")
        verbose_name_plural = _("страницы документов")

    def get_content_context(self, request):
        documents = PortalDocument.objects.order_by("-issued_on", "-created_at", "-pk")
        allowed = [k.strip() for k in self.kinds.split(",") if k.strip()]
        if allowed:
            documents = documents.filter(kind__in=allowed)
        kind = request.GET.get("kind", "")
        if kind in DocumentKind.values:
            documents = documents.filter(kind=kind)
        page = Paginator(documents, 20).get_page(request.GET.get("page"))
        return {
            "page_obj": page,
            "kinds": [
                (value, label)
                for value, label in DocumentKind.choices
                if not allowed or value in allowed
            ],
            "kind": kind if kind in DocumentKind.values else "",
            "query_prefix": f"kind={kind}&" if kind in DocumentKind.values else "",
        }


class NewsIndexPage(BasePage):
    """News of the assessment: campaigns opened, results published."""

    content_template = "publications/content/news_index_page.html"
    parent_page_types = ["qp_publications.HomePage"]
    subpage_types = ["qp_publications.NewsPage"]

    class Meta:
        verbose_name = _("новости")
        verbose_name_plural = _("разделы новостей")

    def get_content_context(self, request):
        news = NewsPage.objects.child_of(self).live().order_by("-date", "-pk")
        page = Paginator(news, 10).get_page(request.GET.get("page"))
        return {"page_obj": page, "query_prefix": ""}


class NewsPage(BasePage):
    """A news item."""

    date = models.DateField(_("дата"))
    body = StreamField(BaseStreamBlock(), verbose_name=_("текст"))

    content_panels = [*BasePage.content_panels, FieldPanel("date"), FieldPanel("body")]
    api_fields = [*BasePage.api_fields, APIField("date"), APIField("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    content_template = "publications/content/news_page.html"
    parent_page_types = ["qp_publications.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("новость")
        verbose_name_plural = _("новости")
