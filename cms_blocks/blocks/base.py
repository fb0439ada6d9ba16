"""Shared pieces of the live-data blocks: choosers, option lists, context helpers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from evaluation.admin.viewsets import (
    campaign_chooser_viewset,
    organisation_chooser_viewset,
)
from evaluation.enums import OrganisationKind
from evaluation.models import Campaign, District, Organisation

CampaignChooserBlock = campaign_chooser_viewset.get_block_class(
    name="CampaignChooserBlock", module_path="cms_blocks.blocks.base"
)
OrganisationChooserBlock = organisation_chooser_viewset.get_block_class(
    name="OrganisationChooserBlock", module_path="cms_blocks.blocks.base"
)


class CampaignKindMixin:
    """A StructBlock whose ``campaign``, where chosen, must be of ``campaign_kind``."""

    campaign_kind = ""
    #: The editor's error under the campaign field when it is of another kind.
    campaign_kind_error = ""

    def clean(self, value):
        cleaned = super().clean(value)
        campaign = cleaned.get("campaign")
        if campaign is not None and campaign.kind != self.campaign_kind:
            raise blocks.StructBlockValidationError(
                block_errors={"campaign": ValidationError(self.campaign_kind_error)}
            )
        return cleaned


def district_choices() -> list[tuple[str, str]]:
    """Districts by name; the block stores the slug, a stable reference."""
    return [("", "Все районы"), *District.objects.values_list("slug", "name")]


def kind_choices() -> list[tuple[str, str]]:
    return [("", "Все типы"), *OrganisationKind.choices]


class DistrictBlock(blocks.ChoiceBlock):
    """A district of the region, stored as its slug."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Район"))
        super().__init__(choices=district_choices, **kwargs)


class KindBlock(blocks.ChoiceBlock):
    """A kind of organisation."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Тип организации"))
        super().__init__(choices=kind_choices, **kwargs)


def request_of(context: dict[str, Any] | None) -> Any:
    """The current request from a block's parent context, if any."""
    return (context or {}).get("request")


CardUrl = Callable[[Organisation, Campaign | None], str | None]


def card_url_builder(context: dict[str, Any] | None) -> CardUrl:
    """How to link an organisation to its card on this site.

    Pages provide ``organisation_card_url``; blocks rendered elsewhere (an API
    client, a preview without a page) get no links rather than wrong ones.
    """
    page = (context or {}).get("page")
    builder = getattr(page, "organisation_card_url", None)
    if builder is None:
        return lambda organisation, campaign=None: None
    return builder


def district_name(slug: str) -> str:
    if not slug:
        return ""
    return (
        District.objects.filter(slug=slug).values_list("name", flat=True).first() or ""
    )


def kind_label(value: str) -> str:
    return (
        str(OrganisationKind(value).label) if value in OrganisationKind.values else ""
    )
