"""Demo instruction of the ministry (issue #25, item 1).

One instruction after the latest НОК to the two first organisations: the
first answered with its plan and the ministry accepted it, the second has
not answered yet. It goes through the same services as the admin, issued by
a demo ministry user that cannot sign in (no password).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from evaluation import roles
from evaluation.models import (
    Campaign,
    Instruction,
    InstructionSource,
    Organisation,
    ResponseKind,
)
from evaluation.plans import instructions


def _ministry_user():
    user, created = get_user_model().objects.get_or_create(
        username="minsoc-demo",
        defaults={"first_name": "Министерство", "last_name": "(демо)"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    return user


def build_instructions(campaign: Campaign, organisations: list[Organisation]) -> None:
    """One instruction after ``campaign`` to two organisations (once)."""
    number = f"12-{campaign.year + 1}"
    if Instruction.objects.filter(number=number).exists() or len(organisations) < 2:
        return
    ministry = _ministry_user()
    first, second = organisations[:2]
    issued_on = date(campaign.year + 1, 1, 20)
    instruction = instructions.issue_instruction(
        actor=ministry,
        number=number,
        issued_on=issued_on,
        text="Разработать и утвердить план мероприятий по устранению недостатков, "
        f"выявленных в ходе независимой оценки качества {campaign.year} года, "
        "и разместить его на официальном сайте организации.",
        organisations=[first, second],
        response_kind=ResponseKind.PLAN,
        source=InstructionSource.CAMPAIGN,
        campaign=campaign,
        due_working_days=20,
    )
    answer = instruction.addressees.get(organisation=first)
    answer = instructions.answer_instruction(
        answer,
        actor=ministry,  # a paper answer entered by the ministry
        text="План мероприятий утверждён приказом директора и размещён на сайте.",
        on=date(campaign.year + 1, 2, 5),
    )
    instructions.accept_answer(answer, actor=ministry, on=date(campaign.year + 1, 2, 9))
