"""Public letters and proposals on the site's pages (``{% load qp_letters %}``)."""

from django import template

from evaluation.plans import letters

register = template.Library()


@register.inclusion_tag("evaluation/letters/_public_letters.html")
def public_letters(campaign=None, organisation=None):
    """The public letters about a campaign or an organisation (nothing if none)."""
    rows = [
        {"letter": letter, "author": letters.author_line(letter)}
        for letter in letters.public_letters(
            campaign=campaign, organisation=organisation
        )
    ]
    return {"rows": rows, "heading_id": "letters-org" if organisation else "letters"}


@register.inclusion_tag("evaluation/letters/_public_proposals.html")
def public_proposals(campaign):
    """The public proposals from a campaign's results with where they were used."""
    return {"proposals": list(letters.public_proposals(campaign))}
