"""The organisation directory and the organisation cards routed from data.

Cards are not hand-made pages: every organisation has a stable URL
``<directory>/<organisation>/`` (its latest published campaign) and
``<directory>/<organisation>/<campaign>/`` per published НОК campaign.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path

from cms_blocks import svg
from cms_blocks.blocks.charts import chart_context
from evaluation import selectors
from evaluation.enums import CampaignKind, Criterion, IndicatorCode, OrganisationKind
from evaluation.formatting import criterion_label
from evaluation.models import Campaign, District, Organisation
from evaluation.questionnaire.services import open_questionnaire_for

from .. import social
from ..cache import cached_fragment
from ..conf import publications_settings
from .pages import BasePage

MAX_COMPARED = 4


def _open_questionnaire_url(organisation: Organisation) -> str:
    """The short link of the organisation's questionnaire while one is open."""
    questionnaire = open_questionnaire_for(organisation)
    now = timezone.now()
    if (
        questionnaire is None
        or not questionnaire.opens_at <= now < questionnaire.closes_at
    ):
        return ""
    return reverse("publications:questionnaire", kwargs={"code": organisation.code})


CRITERIA = (("k1", "K1"), ("k2", "K2"), ("k3", "K3"), ("k4", "K4"), ("k5", "K5"))


class OrganisationIndexPage(RoutablePageMixin, BasePage):
    """Directory of organisations; routes their cards and the comparison."""

    content_template = "publications/content/organisation_index_page.html"
    parent_page_types = ["qp_publications.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("каталог организаций")
        verbose_name_plural = _("каталоги организаций")

    # ------------------------------------------------------------------ URLs

    @cached_property
    def base_url(self) -> str:
        return self.get_url() or self.url_path

    def card_url(
        self, organisation: Organisation, campaign: Campaign | None = None
    ) -> str:
        """The stable URL of an organisation's card."""
        if campaign is None or campaign.kind != CampaignKind.NOK:
            return self.base_url + self.reverse_subpage(
                "card", kwargs={"slug": organisation.slug}
            )
        return self.base_url + self.reverse_subpage(
            "campaign_card",
            kwargs={"slug": organisation.slug, "campaign_slug": campaign.slug},
        )

    def compare_url(self, slugs: list[str], campaign: Campaign | None = None) -> str:
        query = [("org", slug) for slug in slugs]
        if campaign is not None:
            query.append(("campaign", campaign.slug))
        return (
            self.base_url
            + self.reverse_subpage("compare")
            + ("?" + urlencode(query) if query else "")
        )

    def get_sitemap_urls(self, request=None):
        """The directory and the stable card of every active organisation."""
        urls = super().get_sitemap_urls(request)
        if not urls:  # not public (not live, restricted or no site)
            return urls
        root = urls[0]["location"].removesuffix("/") + "/"
        urls.extend(
            {
                "location": root
                + self.reverse_subpage("card", kwargs={"slug": slug}).lstrip("/"),
                "lastmod": self.last_published_at,
            }
            for slug in selectors.organisation_directory().values_list(
                "slug", flat=True
            )
        )
        return urls

    # ------------------------------------------------------------- directory

    @path("", name="directory")
    def directory(self, request):
        return self.render(request)

    def get_content_context(self, request):
        query = request.GET.get("q", "")[:100]
        district = request.GET.get("district", "")[:100]
        kind = request.GET.get("kind", "")
        if kind not in OrganisationKind.values:
            kind = ""
        organisations = selectors.organisation_directory(
            query=query, district=district, kind=kind
        )
        page = Paginator(organisations, 30).get_page(request.GET.get("page"))
        latest = selectors.published_campaigns(CampaignKind.NOK).first()
        totals = {}
        if latest is not None:
            totals = dict(
                selectors.published_results(latest)
                .filter(organisation__in=[o.pk for o in page.object_list])
                .values_list("organisation_id", "total")
            )
        filters = {
            k: v for k, v in (("q", query), ("district", district), ("kind", kind)) if v
        }
        return {
            "page_obj": page,
            "rows": [
                {
                    "organisation": organisation,
                    "url": self.card_url(organisation),
                    "total": totals.get(organisation.pk),
                }
                for organisation in page.object_list
            ],
            "latest_campaign": latest,
            "query": query,
            "district": district,
            "kind": kind,
            "districts": District.objects.order_by("name").values_list("slug", "name"),
            "kinds": OrganisationKind.choices,
            "query_prefix": urlencode(filters) + "&" if filters else "",
            "compare_url": self.compare_url([]),
        }

    # ------------------------------------------------------------------ cards

    def _organisation(self, slug: str) -> Organisation:
        return get_object_or_404(
            Organisation.objects.select_related("district", "parent"),
            slug=slug,
            is_active=True,
        )

    @re_path(r"^(?!compare/)(?P<slug>[-\w]+)/$", name="card")
    def card(self, request, slug):
        organisation = self._organisation(slug)
        campaign = (
            selectors.published_campaigns(CampaignKind.NOK)
            .filter(publications__results__organisation=organisation)
            .first()
        )
        return self._render_card(request, organisation, campaign)

    @re_path(r"^(?P<slug>[-\w]+)/(?P<campaign_slug>[-\w]+)/$", name="campaign_card")
    def campaign_card(self, request, slug, campaign_slug):
        organisation = self._organisation(slug)
        campaign = get_object_or_404(
            selectors.published_campaigns(CampaignKind.NOK), slug=campaign_slug
        )
        return self._render_card(request, organisation, campaign)

    def _render_card(self, request, organisation, campaign):
        version = request.GET.get("version", "")
        if version and not (version.isdigit() and campaign is not None):
            raise Http404("Нет такой версии публикации.")
        version_number = int(version) if version else None

        def render() -> str:
            return render_to_string(
                "publications/content/organisation_card.html",
                {
                    "page": self,
                    "request": request,
                    **self.card_context(organisation, campaign, version_number),
                },
                request=request,
            )

        key = (
            f"card:{self.pk}:{organisation.pk}:{campaign.pk if campaign else 0}"
            f":{version_number or 0}"
        )
        return self.render(
            request,
            template="publications/organisation_card.html",
            own_content=True,
            context_overrides={
                "organisation": organisation,
                "campaign": campaign,
                "content_html": cached_fragment(request, key, render),
                "card_title": organisation.short_name,
                "subpage_title": organisation.short_name,
                "preview_image_url": self.base_url
                + self.reverse_subpage(
                    "preview_image",
                    kwargs={"slug": organisation.slug, "campaign_slug": campaign.slug},
                )
                if campaign
                else "",
                "canonical_url": self.card_url(organisation, campaign),
            },
        )

    def card_context(
        self,
        organisation: Organisation,
        campaign: Campaign | None,
        version: int | None = None,
    ) -> dict[str, Any]:
        """Everything the card template shows, through the selectors."""
        context: dict[str, Any] = {
            "organisation": organisation,
            "campaign": campaign,
            "bus_gov_url": publications_settings.BUS_GOV_SEARCH_URL.format(
                inn=organisation.inn or ""
            )
            if organisation.inn
            else "",
            "compare_url": self.compare_url([organisation.slug], campaign),
            "questionnaire_url": _open_questionnaire_url(organisation),
        }
        from evaluation.nok.objections import published_objections
        from evaluation.plans.instructions import public_instructions
        from publications.review import approved_documents

        context["approved_documents"] = approved_documents(organisation)
        context["objections"] = published_objections(organisation)
        context["instructions"] = public_instructions(organisation)
        if campaign is None:
            context["card"] = None
            return context
        card = selectors.organisation_card(organisation, campaign, version)
        if version is not None and card.result is None:
            raise Http404("Нет такой версии публикации.")
        context["card"] = card
        context["card_url"] = self.card_url(organisation, campaign)
        context["campaign_links"] = [
            (c, self.card_url(organisation, c)) for c in card.campaigns
        ]
        if card.result is not None:
            values = [getattr(card.result, field) for field, _code in CRITERIA]
            region = [card.region[field].mean for field, _code in CRITERIA]
            context["criteria_rows"] = [
                {
                    "code": code,
                    "label": str(Criterion(code).label),
                    "value": value,
                    "region": card.region[field].mean,
                    "district": card.district[field].mean,
                    "kind": card.kind[field].mean,
                }
                for (field, code), value in zip(CRITERIA, values, strict=True)
            ]
            context["criteria_chart"] = svg.criterion_chart(
                title=f"Баллы по критериям: {organisation.short_name}, {campaign.year} год",
                labels=[
                    f"{criterion_label(code)} {Criterion(code).label}"
                    for _f, code in CRITERIA
                ],
                values=values,
                reference=region,
                value_label=organisation.short_name,
                reference_label="Среднее по краю",
                id_prefix="card-criteria",
            )
            context["criteria_csv_href"] = chart_context(
                context["criteria_chart"], "card-criteria"
            )["csv_href"]
        if card.history:
            context["trend_chart"] = svg.trend_chart(
                title=f"Итоговый балл по годам: {organisation.short_name}",
                points=[(str(p.campaign.year), p.value) for p in card.history],
                reference=[
                    (str(p.campaign.year), p.value) for p in card.region_history
                ],
                value_label=organisation.short_name,
                reference_label="Среднее по краю",
                id_prefix="card-trend",
            )
            context["trend_csv_href"] = chart_context(
                context["trend_chart"], "card-trend"
            )["csv_href"]
        context["plan_items"] = [{"row": row, "url": None} for row in card.plan.rows]
        return context

    @re_path(
        r"^(?P<slug>[-\w]+)/(?P<campaign_slug>[-\w]+)/preview/$",
        name="preview_image",
    )
    def preview_image(self, request, slug, campaign_slug):
        """The social preview image (total and criteria), generated once per version."""
        organisation = self._organisation(slug)
        campaign = get_object_or_404(
            selectors.published_campaigns(CampaignKind.NOK), slug=campaign_slug
        )
        publication = selectors.latest_publication(campaign)
        result = (
            selectors.published_results(campaign)
            .filter(organisation=organisation)
            .first()
        )
        if result is None:
            raise Http404("Нет опубликованных результатов")
        name = f"social/{organisation.slug}/{campaign.slug}-v{publication.version}.png"
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as stored:
                data = stored.read()
        else:
            data = social.preview_png(organisation, campaign, result)
            default_storage.save(name, ContentFile(data))
        response = HttpResponse(data, content_type="image/png")
        response["Cache-Control"] = "public, max-age=86400"
        return response

    # ------------------------------------------------------------- comparison

    @path("compare/", name="compare")
    def compare(self, request):
        campaigns = list(selectors.published_campaigns(CampaignKind.NOK))
        chosen = request.GET.get("campaign", "")
        campaign = next((c for c in campaigns if c.slug == chosen), None) or (
            campaigns[0] if campaigns else None
        )
        slugs = list(dict.fromkeys(request.GET.getlist("org")))[:MAX_COMPARED]
        too_many = len(set(request.GET.getlist("org"))) > MAX_COMPARED
        organisations = {
            o.slug: o
            for o in Organisation.objects.filter(slug__in=slugs).select_related(
                "district"
            )
        }
        slugs = [s for s in slugs if s in organisations]
        results = (
            selectors.compare(campaign, [organisations[s].pk for s in slugs])
            if campaign
            else []
        )
        by_org = {r.organisation_id: r for r in results}
        region = selectors.aggregates(campaign)["region"] if campaign else {}
        columns = [
            {
                "organisation": organisations[s],
                "result": by_org.get(organisations[s].pk),
                "url": self.card_url(organisations[s], campaign),
                "remove_url": self.compare_url([x for x in slugs if x != s], campaign),
            }
            for s in slugs
        ]
        figures = [("total", "Итоговый балл")] + [
            (field, f"{code} {Criterion(code).label}") for field, code in CRITERIA
        ]
        table = [
            {
                "label": label,
                "values": [
                    getattr(c["result"], field) if c["result"] else None
                    for c in columns
                ],
                "region": region[field].mean if region else None,
            }
            for field, label in figures
        ]
        indicator_rows = [
            {
                "label": f"{code} {label}",
                "values": [
                    selectors.published_value(c["result"], code)
                    if c["result"]
                    else None
                    for c in columns
                ],
            }
            for code, label in [
                (i.value, str(i.label).split(" ", 1)[1]) for i in IndicatorCode
            ]
        ]
        query = request.GET.get("q", "").strip()[:100]
        candidates = []
        if query and len(slugs) < MAX_COMPARED:
            candidates = [
                {
                    "organisation": o,
                    "add_url": self.compare_url([*slugs, o.slug], campaign),
                }
                for o in selectors.organisation_directory(query=query).exclude(
                    slug__in=slugs
                )[:10]
            ]
        return self.render(
            request,
            template="publications/organisation_compare.html",
            own_content=True,
            context_overrides={
                "campaign": campaign,
                "campaigns": campaigns,
                "columns": columns,
                "table": table,
                "indicator_rows": indicator_rows,
                "slugs": slugs,
                "too_many": too_many,
                "max_compared": MAX_COMPARED,
                "query": query,
                "candidates": candidates,
                "compare_title": "Сравнение организаций",
                "subpage_title": "Сравнение",
            },
        )
