"""The public council approves a campaign's results, as in «Очередь совета»."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from evaluation import roles
from evaluation.models import Campaign


def council_member(username: str = "council-member"):
    """A member of the public council (created once)."""
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        # get_or_create: a transactional test may have emptied the groups.
        user.groups.add(Group.objects.get_or_create(name=roles.COUNCIL)[0])
    return user


def council_approves(campaign: Campaign, comment: str = "Проверено.") -> None:
    """Approve the campaign's results page the council was sent (if it was)."""
    from publications import review
    from publications.campaign_pages import results_page_of

    page = results_page_of(campaign)
    assert page is not None, "the campaign was not sent to the council"
    review.council_approve(page, council_member(), comment=comment)
