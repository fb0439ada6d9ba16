"""A campaign's results before the public council: its results page goes through
the council review workflow («Рассмотрение общественным советом»).

:func:`evaluation.nok.lifecycle.send_to_council` sends
``campaign_council_step(step="send")``: the campaign's results pages (НОК or
Декада) are submitted to the council workflow, so they appear in «Очередь
совета» and the council approves them or returns them as any other document
(:mod:`publications.review`; an approval records the council's decision with
the campaign). ``step="return"`` cancels a review still in progress. Until the
council approves, :func:`evaluation.nok.lifecycle.publish` is refused with a
reason (:func:`council_refusal`). A campaign without a results page has
nothing for the council to open, so one is made first
(:func:`publications.campaign_pages.ensure_results_page`).
"""

from __future__ import annotations

from wagtail.models import WorkflowState

from evaluation import signals as evaluation_signals
from evaluation.models import Campaign
from evaluation.nok import lifecycle

from . import review
from .campaign_pages import ensure_results_page
from .models import CampaignResultsPage, DecadeResultsPage


def results_pages(campaign: Campaign) -> list:
    """The site's results pages of ``campaign``."""
    return [
        *CampaignResultsPage.objects.filter(campaign=campaign),
        *DecadeResultsPage.objects.filter(campaign=campaign),
    ]


def on_council_step(sender, campaign: Campaign, actor=None, step: str = "", **kwargs):
    if step == "send":
        # The council reviews the page the public will see: made if missing.
        ensure_results_page(campaign)
    for page in results_pages(campaign):
        state = page.current_workflow_state
        if step == "send":
            if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
                continue  # already before the council
            council = review.ensure_council_workflow()
            if page.get_workflow() != council:  # e.g. Wagtail's default moderation
                review.assign_council_workflow_to_page(page)
            review.submit_for_review(page, actor)
        elif step == "return" and state is not None:
            state.cancel(user=actor)


def council_refusal(campaign: Campaign) -> str | None:
    """Why the council's review holds ``campaign`` back from publication, or None."""
    for page in results_pages(campaign):
        state = page.current_workflow_state
        if state is None:
            continue
        if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            return (
                f"Общественный совет вернул страницу «{page.title}» на доработку: "
                "верните кампанию на доработку, исправьте и направьте в совет снова."
            )
        return (
            f"Страница «{page.title}» ещё на рассмотрении общественного совета "
            "(«Очередь совета»): дождитесь его решения, затем опубликуйте."
        )
    return None


def connect() -> None:
    evaluation_signals.campaign_council_step.connect(
        on_council_step, dispatch_uid="qp-campaign-council-step"
    )
    lifecycle.register_council_check(council_refusal)
