"""Demo: the latest НОК campaign is rated by the regional method version.

The version ``344n-social-krsk-2024`` is the federal method with one regional
indicator (Р1, the share of recipients who used the organisation's website)
shown separately; every federal figure stays the same, so the demo's
published indicators, criteria, totals and ranks do not change. The card, the
results page and the method page then show the «региональный показатель»
block.
"""

from __future__ import annotations

from evaluation.models import Campaign
from evaluation.rating import REGIONAL_METHOD_CODE


def use_regional_method(campaign: Campaign) -> None:
    """Rate ``campaign`` (not yet computed) by the regional method version."""
    campaign.method_version = REGIONAL_METHOD_CODE
    campaign.full_clean(validate_unique=False, validate_constraints=False)
    Campaign.objects.filter(pk=campaign.pk).update(method_version=REGIONAL_METHOD_CODE)
