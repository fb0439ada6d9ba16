"""Rating blocks: the sortable, filterable, paginated table of a НОК campaign."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.models import Campaign, PublishedResult

from .base import (
    CampaignChooserBlock,
    CampaignKindMixin,
    DistrictBlock,
    KindBlock,
    card_url_builder,
    district_name,
    kind_label,
    request_of,
)

SCORE_COLUMNS = ("k1", "k2", "k3", "k4", "k5", "total")


def decimal_text(value: Decimal | None) -> str | None:
    """Exact decimal as a string for JSON (never a float)."""
    return None if value is None else str(value)


def campaign_json(campaign: Campaign | None) -> dict[str, Any] | None:
    if campaign is None:
        return None
    return {
        "id": campaign.pk,
        "slug": campaign.slug,
        "title": campaign.title,
        "year": campaign.year,
        "kind": campaign.kind,
    }


def result_json(row: PublishedResult) -> dict[str, Any]:
    organisation = row.organisation
    return {
        "rank": row.rank,
        "organisation": {
            "id": organisation.pk,
            "slug": organisation.slug,
            "short_name": organisation.short_name,
            "district": organisation.district.name,
            "kind": organisation.kind,
        },
        **{name: decimal_text(getattr(row, name)) for name in SCORE_COLUMNS},
    }


class RatingTableBlock(CampaignKindMixin, blocks.StructBlock):
    """The rating of a НОК campaign: filters, sortable columns, pages, card links."""

    campaign_kind = CampaignKind.NOK
    campaign_kind_error = _("Рейтинг строится только по кампании НОК, а не по Декаде.")

    campaign = CampaignChooserBlock(label=_("Кампания НОК"))
    district = DistrictBlock(
        help_text=_("Показывать только организации района (посетитель может сменить).")
    )
    kind = KindBlock()
    per_page = blocks.IntegerBlock(
        label=_("Строк на странице"), default=25, min_value=10, max_value=200
    )
    show_criteria = blocks.BooleanBlock(
        label=_("Показывать критерии К1–К5"), default=True, required=False
    )
    allow_filters = blocks.BooleanBlock(
        label=_("Фильтры и сортировка для посетителей"), default=True, required=False
    )

    def filters(self, value, request=None) -> selectors.RatingFilters:
        query = request.GET if (request is not None and value["allow_filters"]) else {}
        return selectors.RatingFilters.from_query(
            query,
            default_district=value.get("district") or "",
            default_kind=value.get("kind") or "",
        )

    def table(self, value, request=None) -> dict[str, Any]:
        campaign = value.get("campaign")
        filters = self.filters(value, request)
        publication = selectors.latest_publication(campaign) if campaign else None
        rows = (
            selectors.rating_rows(campaign, filters)
            if publication
            else PublishedResult.objects.none()
        )
        paginator = selectors.RatingPaginator(
            rows,
            value.get("per_page") or 25,
            publication=publication,
            filters=filters,
        )
        page_number = request.GET.get("page") if request is not None else 1
        page = paginator.get_page(page_number)
        return {
            "campaign": campaign,
            "publication": publication,
            "filters": filters,
            "page_obj": page,
            "rows": list(page.object_list),
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        request = request_of(parent_context)
        table = self.table(value, request)
        filters = table["filters"]
        build_url = card_url_builder(parent_context)
        campaign = table["campaign"]
        base_query = {
            key: getattr(filters, key)
            for key in ("district", "kind")
            if getattr(filters, key)
        }
        columns = []
        for key, (label, _field, natural_desc) in selectors.RATING_SORTS.items():
            if key.startswith("k") and not value["show_criteria"]:
                continue
            if key == "district":
                continue
            active = filters.sort == key
            descending = (not filters.descending) if active else natural_desc
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "numeric": key not in {"name"},
                    "active": active,
                    "aria_sort": (
                        ("descending" if filters.descending else "ascending")
                        if active
                        else None
                    ),
                    "url": "?"
                    + urlencode(
                        {
                            **base_query,
                            "sort": key,
                            "order": "desc" if descending else "asc",
                        }
                    ),
                }
            )
        score_keys = [c["key"] for c in columns if c["key"] not in {"rank", "name"}]
        table["table_rows"] = [
            {
                "row": row,
                "url": build_url(row.organisation, campaign),
                "scores": [getattr(row, key) for key in score_keys],
            }
            for row in table["rows"]
        ]
        sort_query = {
            "sort": filters.sort,
            "order": "desc" if filters.descending else "asc",
        }
        context.update(
            table,
            columns=columns,
            options=selectors.rating_filter_options(campaign) if campaign else {},
            query_prefix=urlencode({**base_query, **sort_query}) + "&",
            anchor=f"#rating-{campaign.pk}" if campaign else "",
            district_label=district_name(filters.district),
            kind_label=kind_label(filters.kind),
        )
        return context

    def get_api_representation(self, value, context=None):
        table = self.table(value, request_of(context))
        page = table["page_obj"]
        filters = table["filters"]
        return {
            "campaign": campaign_json(table["campaign"]),
            "published": table["publication"] is not None,
            "publication_version": (
                table["publication"].version if table["publication"] else None
            ),
            "filters": {
                "district": filters.district,
                "kind": filters.kind,
                "sort": filters.sort,
                "order": "desc" if filters.descending else "asc",
            },
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "per_page": page.paginator.per_page,
            "rows": [result_json(row) for row in table["rows"]],
        }

    class Meta:
        icon = "list-ol"
        label = _("Таблица рейтинга")
        template = "cms_blocks/blocks/rating_table.html"
        help_text = _(
            "Живые данные последней публикации кампании: фильтры по району и типу, "
            "сортировка по столбцам, постраничный вывод, ссылки на карточки."
        )
        description = _("Рейтинг организаций по итогам НОК")
        preview_value = {"per_page": 10, "show_criteria": True, "allow_filters": True}
