"""Right to reply: objections to a campaign's figures before publication.

Each organisation's users see their working figures while the campaign is
not yet published and may file objections (one or more per campaign). The
council or an editor answers; once the campaign is published, answered
objections are shown on the organisation's public card.
"""

from __future__ import annotations

from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from evaluation import roles
from evaluation.audit import record
from evaluation.enums import CampaignStatus
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    Objection,
    ObjectionOutcome,
    Organisation,
    Result,
)


class ObjectionError(EvaluationError):
    """An objection cannot be filed or answered."""


def filing_open(campaign: Campaign) -> bool:
    """Whether objections may still be filed: the results are not yet published."""
    return campaign.status != CampaignStatus.PUBLISHED


def may_answer(user) -> bool:
    """Council members and editors answer objections."""
    return roles.is_council_member(user) or roles.is_editor(user)


def working_figures(campaign: Campaign, organisation: Organisation) -> Result | None:
    """The organisation's computed, not yet published result in ``campaign``."""
    return Result.objects.filter(campaign=campaign, organisation=organisation).first()


@transaction.atomic
def file_objection(
    *,
    campaign: Campaign,
    organisation: Organisation,
    text: str,
    user,
    attachment: File | None = None,
) -> Objection:
    """File an organisation's objection to its figures in ``campaign``.

    Raises:
        ObjectionError: the campaign is published, the user does not work for
            the organisation, the organisation is not assessed in the
            campaign, or the text is empty.
    """
    if not filing_open(campaign):
        raise ObjectionError(
            f"Результаты кампании «{campaign}» уже опубликованы: возражения "
            "принимаются только до публикации."
        )
    if not roles.organisations_of(user).filter(pk=organisation.pk).exists():
        raise ObjectionError(
            f"Подать возражение можно только по своей организации; "
            f"«{organisation}» к вашим не относится."
        )
    if not campaign.organisations.filter(pk=organisation.pk).exists():
        raise ObjectionError(
            f"Организация «{organisation}» не участвует в кампании «{campaign}»."
        )
    if not text.strip():
        raise ObjectionError("Изложите суть возражения: текст не может быть пустым.")
    objection = Objection(
        campaign=campaign, organisation=organisation, text=text.strip(), filed_by=user
    )
    if attachment is not None:
        objection.attachment.save(attachment.name, attachment, save=False)
    objection.save()
    record(
        "objection.filed",
        objection,
        f"Подано возражение: {organisation} по «{campaign}»",
        user,
        campaign=campaign.pk,
        organisation=organisation.pk,
    )
    return objection


@transaction.atomic
def answer_objection(
    objection: Objection, *, answer: str, outcome: str, user
) -> Objection:
    """Record the council's (or an editor's) answer to an objection.

    Raises:
        ObjectionError: the user is neither a council member nor an editor,
            the answer is empty or the outcome is unknown.
    """
    if not may_answer(user):
        raise ObjectionError(
            "Отвечать на возражения могут члены общественного совета и редакторы."
        )
    if outcome not in ObjectionOutcome.values:
        raise ObjectionError("Укажите решение по возражению: принято или отклонено.")
    if not answer.strip():
        raise ObjectionError("Ответ на возражение не может быть пустым.")
    objection.answer = answer.strip()
    objection.outcome = outcome
    objection.answered_by = user
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "outcome", "answered_by", "answered_at"])
    record(
        "objection.answered",
        objection,
        f"Ответ на возражение {objection.organisation} по «{objection.campaign}»: "
        f"{ObjectionOutcome(outcome).label}",
        user,
        outcome=outcome,
    )
    return objection


def objections_of(user) -> QuerySet[Objection]:
    """Objections the user may see in the admin: all for the council and editors."""
    queryset = Objection.objects.select_related("campaign", "organisation")
    if may_answer(user):
        return queryset
    return queryset.filter(organisation__in=roles.organisations_of(user))


def published_objections(
    organisation: Organisation, campaign: Campaign | None = None
) -> list[Objection]:
    """Answered objections of published campaigns, for the public card."""
    queryset = Objection.objects.filter(
        organisation=organisation, campaign__status=CampaignStatus.PUBLISHED
    ).exclude(outcome="")
    if campaign is not None:
        queryset = queryset.filter(campaign=campaign)
    return list(queryset.select_related("campaign").order_by("campaign", "filed_at"))
