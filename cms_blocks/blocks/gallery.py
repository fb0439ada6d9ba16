"""The Декада gallery: images from explanatory notes that editors made public."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation.decade.notes import public_gallery

from .base import CampaignChooserBlock, request_of
from .decade import DecadeCampaignMixin
from .ratings import campaign_json


class DecadeGalleryBlock(DecadeCampaignMixin, blocks.StructBlock):
    """Children's drawings and photos sent with the Декада's explanatory notes.

    Shows only the attachments an editor marked «в галерее на сайте», in the
    editor's order; each with its caption and its text description as alt.
    """

    campaign = CampaignChooserBlock(label=_("Декада качества"))
    title = blocks.CharBlock(
        label=_("Заголовок"),
        required=False,
        default="Рисунки и фотографии участников Декады",
        max_length=200,
    )
    max_items = blocks.IntegerBlock(
        label=_("Не больше изображений"), default=24, min_value=1, max_value=100
    )

    def items(self, value) -> list[Any]:
        return list(public_gallery(value.get("campaign"), value.get("max_items") or 24))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["items"] = self.items(value)
        return context

    def get_api_representation(self, value, context=None):
        request = request_of(context)

        def absolute(url: str) -> str:
            return request.build_absolute_uri(url) if request is not None else url

        return {
            "campaign": campaign_json(value.get("campaign")),
            "title": value.get("title") or "",
            "items": [
                {
                    "id": item.pk,
                    "url": absolute(item.image.url),
                    "width": item.width,
                    "height": item.height,
                    "caption": item.caption,
                    "alt": item.alt_text,
                    "organisation": {
                        "id": item.note.organisation_id,
                        "short_name": item.note.organisation.short_name,
                    },
                }
                for item in self.items(value)
            ],
        }

    class Meta:
        icon = "image"
        label = _("Галерея Декады")
        template = "cms_blocks/blocks/decade_gallery.html"
        help_text = _(
            "Рисунки и фотографии из пояснительных записок учреждений, которые "
            "редактор отметил для публикации; порядок задаётся у изображений."
        )
        description = _("Галерея рисунков детей и фотографий Декады качества")
        preview_value = {"max_items": 24}
