"""Demo letters, a proposal from НОК results and the РМЦ and public-organisation users.

One methodological letter of the ministry (public, about the latest НОК),
one information letter of an organisation's public council to the ministry
(not public), one proposal taken into account in a state programme, and one
user per new role: the РМЦ and a public organisation invited to the latest
НОК, with a remark the council sees. The users cannot sign in (no password).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from evaluation import roles
from evaluation.models import (
    Campaign,
    Letter,
    LetterAuthor,
    LetterKind,
    Organisation,
    Proposal,
    ProposalDocument,
    ProposalStatus,
)
from evaluation.plans import letters


def _user(username: str, first: str, last: str, group: str):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def build_letters(campaign: Campaign, organisations: list[Organisation]) -> None:
    """Letters, a proposal, the РМЦ and a public organisation for ``campaign``."""
    year = campaign.year
    methodological = Letter.objects.create(
        kind=LetterKind.METHODOLOGICAL,
        author_kind=LetterAuthor.MINISTRY,
        number=f"71-{year}",
        dated=date(year + 1, 1, 20),
        subject="О разработке планов мероприятий по итогам независимой оценки "
        f"качества {year} года",
        summary="Министерство напоминает о сроках утверждения планов и о "
        "размещении их на сайтах организаций.",
        campaign=campaign,
        is_public=True,
    )
    methodological.addressees.set(organisations)
    methodological.file.save(
        "pismo.txt", ContentFile("Методическое письмо (демо).".encode()), save=True
    )
    council_letter = Letter.objects.create(
        kind=LetterKind.INFORMATION,
        author_kind=LetterAuthor.COUNCIL,
        author_organisation=organisations[0],
        to_ministry=True,
        number="3",
        dated=date(year, 12, 5),
        subject="О ходе устранения недостатков, выявленных независимой оценкой",
        campaign=campaign,
        organisation=organisations[0],
    )
    council_letter.file.save(
        "info.txt", ContentFile("Информационное письмо (демо).".encode()), save=True
    )
    Proposal.objects.create(
        campaign=campaign,
        text="Предусмотреть средства на оборудование входных групп пандусами и "
        "поручнями в организациях с низкой оценкой доступности.",
        status=ProposalStatus.ACCEPTED,
        document_kind=ProposalDocument.PROGRAMME,
        document_name="Государственная программа края «Развитие системы "
        "социальной поддержки граждан»",
        document_number=f"постановление № 507-п от 30.09.{year + 1}",
        accounted_on=date(year + 1, 9, 30),
        is_public=True,
    )
    _user("rmc-demo", "Ольга", "Белова (РМЦ, демо)", roles.RMC)
    checker = _user(
        "obshchestvo-demo", "Пётр", "Иванов (общественная организация, демо)",
        roles.CHECKER,
    )  # fmt: skip
    letters.invite(
        campaign, checker, "Краевая организация ветеранов", on=date(year, 4, 1)
    )
    letters.add_remark(
        checker,
        campaign,
        "В двух отделениях нет кнопки вызова персонала у входа.",
        organisation=organisations[0],
    )
