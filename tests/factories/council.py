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
    """Approve the campaign's results page the council was sent.

    Without a site (a transactional test before may have emptied the page
    tree) no page was made, and the council step was the status change alone.
    """
    from wagtail.models import Site

    from publications import review
    from publications.campaign_pages import results_page_of

    page = results_page_of(campaign)
    if page is None:
        assert not Site.objects.exists(), "the campaign was not sent to the council"
        return
    review.council_approve(page, council_member(), comment=comment)
