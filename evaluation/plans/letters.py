"""Letters, proposals from НОК results and public organisations' remarks.

The rules: which letters and proposals are public and where they show (an
organisation's card, a campaign's results page, the open data), who may read
a letter's file, and how an invited public organisation leaves a remark the
public council sees. Views and templates only ask these functions.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from evaluation import files, roles, signals
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    CheckerInvitation,
    CheckerRemark,
    Letter,
    Organisation,
    Proposal,
)


class RemarkError(EvaluationError):
    """A remark that cannot be left (not invited, empty text…)."""


# ------------------------------------------------------------------ public


def public_letters(
    *, campaign: Campaign | None = None, organisation: Organisation | None = None
) -> QuerySet:
    """Public letters (marked to be published) about ``campaign`` or ``organisation``.

    An organisation's letters are those about it, written by its public
    council or addressed to it. Letters never marked public never show.
    """
    letters = Letter.objects.filter(is_public=True).select_related(
        "campaign", "author_organisation"
    )
    if campaign is None and organisation is None:
        return letters
    condition = Q(pk__in=[])
    if campaign is not None:
        condition |= Q(campaign=campaign)
    if organisation is not None:
        condition |= (
            Q(organisation=organisation)
            | Q(author_organisation=organisation)
            | Q(addressees=organisation)
        )
    ids = Letter.objects.filter(condition).values("pk")
    return letters.filter(pk__in=ids)


def public_proposals(campaign: Campaign) -> QuerySet:
    """Proposals from ``campaign``'s results marked public, in their order."""
    return Proposal.objects.filter(campaign=campaign, is_public=True).order_by("pk")


def author_line(letter: Letter) -> str:
    """«Министерство», «Ресурсно-методический центр» or «Общественный совет при …»."""
    if letter.author_organisation_id:
        return f"Общественный совет при {letter.author_organisation.short_name}"
    return letter.get_author_kind_display()


# ------------------------------------------------------------------ files


def can_read_letter(user, letter: Letter) -> bool:
    """Whoever the roles policy lets read the letter's row."""
    return roles.can_view_object(user, letter)


def register_letter_files() -> None:
    """Declare the letters' private files and keep page caches fresh."""
    files.register(
        "letters",
        Letter,
        "file",
        can_read_letter,
        public=lambda letter: letter.is_public,
    )
    for model in (Letter, Proposal):
        uid = f"qp-letters-{model._meta.model_name}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _changed, sender=Letter.addressees.through, dispatch_uid="qp-letters-m2m"
    )


def _changed(sender, **kwargs) -> None:
    # At once, not on commit: an extra invalidation costs nothing.
    signals.public_documents_changed.send(sender)


# ------------------------------------------------------------------ checkers


def invite(
    campaign: Campaign, user, organisation_name: str, on: date | None = None
) -> CheckerInvitation:
    """Invite a public organisation's user to check ``campaign``."""
    if not roles.is_checker(user):
        raise RemarkError(
            f"Пользователь {user.get_username()} не входит в группу "
            f"«{roles.CHECKER}»: добавьте его в группу, затем пригласите."
        )
    invitation, _ = CheckerInvitation.objects.update_or_create(
        campaign=campaign,
        user=user,
        defaults={
            "organisation_name": organisation_name,
            "invited_on": on or date.today(),
        },
    )
    return invitation


def may_remark(user, campaign: Campaign) -> bool:
    """Only a public organisation invited to the campaign leaves remarks."""
    return campaigns_open_to_remarks(user).filter(pk=campaign.pk).exists()


def campaigns_open_to_remarks(user) -> QuerySet:
    return roles.campaigns_checked_by(user)


def add_remark(
    user, campaign: Campaign, text: str, organisation: Organisation | None = None
) -> CheckerRemark:
    """Leave a remark on ``campaign`` (and one of its organisations) for the council."""
    text = (text or "").strip()
    if not may_remark(user, campaign):
        raise RemarkError(
            "Замечания оставляют только общественные организации, приглашённые "
            f"к проверке кампании «{campaign.title}»."
        )
    if not text:
        raise RemarkError("Напишите текст замечания: пустое замечание не сохраняется.")
    if (
        organisation is not None
        and not campaign.organisations.filter(pk=organisation.pk).exists()
    ):
        raise RemarkError(
            f"Организация «{organisation.short_name}» не участвует в кампании "
            f"«{campaign.title}»: выберите организацию этой кампании."
        )
    return CheckerRemark.objects.create(
        campaign=campaign, organisation=organisation, text=text, author=user
    )


def remarks_for_council() -> QuerySet:
    """Every remark of public organisations, the newest first, with who left it."""
    return CheckerRemark.objects.select_related(
        "campaign", "organisation", "author"
    ).order_by("-created_at", "-pk")


def invited_organisation_name(remark: CheckerRemark) -> str:
    """The public organisation a remark comes from (its invitation's name)."""
    invitation = CheckerInvitation.objects.filter(
        campaign=remark.campaign_id, user=remark.author_id
    ).first()
    return invitation.organisation_name if invitation else "—"
