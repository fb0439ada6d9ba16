"""Right to reply: filing window, own organisation only, answers, publication."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile

from evaluation import roles
from evaluation.enums import CampaignStatus
from evaluation.models import AuditEvent, Objection, ObjectionOutcome, Result
from evaluation.nok import objections
from tests.evaluation.test_imports import region

__all__ = ["region"]

pytestmark = pytest.mark.django_db


def _member(django_user_model, username: str, role: str | None = None):
    user = django_user_model.objects.create_user(username, password="x")
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def users(region, django_user_model):
    institution = _member(django_user_model, "kcson-a", roles.INSTITUTION)
    region["a"].users.add(institution)
    return {
        "institution": institution,
        "council": _member(django_user_model, "council", roles.COUNCIL),
        "editor": _member(django_user_model, "editor", roles.EDITOR),
        "stranger": _member(django_user_model, "stranger"),
    }


def test_an_institution_files_an_objection_with_an_attachment(region, users) -> None:
    objection = objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="  Показатель 1.1 занижен  ",
        user=users["institution"],
        attachment=ContentFile(b"%PDF-1.4", name="stend.pdf"),
    )
    assert objection.text == "Показатель 1.1 занижен"
    assert objection.attachment.name.startswith("objections/")
    assert objection.filed_by == users["institution"]
    assert not objection.is_answered
    event = AuditEvent.objects.get(action="objection.filed")
    assert (event.actor, event.object_id) == (users["institution"], str(objection.pk))
    # One or more per organisation and campaign.
    objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="Второе",
        user=users["institution"],
    )
    assert Objection.objects.filter(organisation=region["a"]).count() == 2


def test_filing_closes_when_the_campaign_is_published(region, users) -> None:
    assert objections.filing_open(region["nok"])
    region["nok"].status = CampaignStatus.PUBLISHED
    region["nok"].save(update_fields=["status"])
    assert not objections.filing_open(region["nok"])
    with pytest.raises(objections.ObjectionError, match="уже опубликованы"):
        objections.file_objection(
            campaign=region["nok"],
            organisation=region["a"],
            text="Поздно",
            user=users["institution"],
        )
    assert not Objection.objects.exists()


@pytest.mark.parametrize("who", ["institution", "council", "editor", "stranger"])
def test_only_the_organisations_own_users_file_for_it(region, users, who) -> None:
    with pytest.raises(objections.ObjectionError, match="только по своей организации"):
        objections.file_objection(
            campaign=region["nok"],
            organisation=region["b"],
            text="Чужая",
            user=users[who],
        )
    assert not Objection.objects.exists()


def test_organisation_must_take_part_and_text_must_not_be_empty(region, users) -> None:
    region["nok"].organisations.remove(region["a"])
    with pytest.raises(objections.ObjectionError, match="не участвует"):
        objections.file_objection(
            campaign=region["nok"],
            organisation=region["a"],
            text="Текст",
            user=users["institution"],
        )
    region["nok"].organisations.add(region["a"])
    with pytest.raises(objections.ObjectionError, match="пустым"):
        objections.file_objection(
            campaign=region["nok"],
            organisation=region["a"],
            text="   ",
            user=users["institution"],
        )


def test_council_or_editor_answers_and_nobody_else(region, users) -> None:
    objection = objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="Текст",
        user=users["institution"],
    )
    for who in ("institution", "stranger"):
        with pytest.raises(objections.ObjectionError, match="Отвечать"):
            objections.answer_objection(
                objection,
                answer="Нет",
                outcome=ObjectionOutcome.REJECTED,
                user=users[who],
            )
    with pytest.raises(objections.ObjectionError, match="решение"):
        objections.answer_objection(
            objection, answer="Да", outcome="maybe", user=users["council"]
        )
    with pytest.raises(objections.ObjectionError, match="пустым"):
        objections.answer_objection(
            objection,
            answer=" ",
            outcome=ObjectionOutcome.ACCEPTED,
            user=users["council"],
        )
    objection.refresh_from_db()
    assert not objection.is_answered

    objections.answer_objection(
        objection,
        answer="Принято, пересчитано",
        outcome=ObjectionOutcome.ACCEPTED,
        user=users["council"],
    )
    objection.refresh_from_db()
    assert (objection.outcome, objection.answer, objection.answered_by) == (
        "accepted", "Принято, пересчитано", users["council"],
    )  # fmt: skip
    assert objection.answered_at is not None
    objections.answer_objection(
        objection,
        answer="Отклонено после проверки",
        outcome=ObjectionOutcome.REJECTED,
        user=users["editor"],
    )
    objection.refresh_from_db()
    assert (objection.outcome, objection.answered_by) == ("rejected", users["editor"])
    assert AuditEvent.objects.filter(action="objection.answered").count() == 2


def test_who_sees_which_objections_and_figures(region, users) -> None:
    own = objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="А",
        user=users["institution"],
    )
    other = Objection.objects.create(
        campaign=region["nok"], organisation=region["b"], text="Б"
    )
    assert list(objections.objections_of(users["institution"])) == [own]
    assert set(objections.objections_of(users["council"])) == {own, other}
    assert list(objections.objections_of(users["stranger"])) == []
    assert objections.working_figures(region["nok"], region["a"]) is None
    result = Result.objects.create(
        campaign=region["nok"], organisation=region["a"], method_version="x", total=80
    )
    assert objections.working_figures(region["nok"], region["a"]) == result


def test_only_answered_objections_of_published_campaigns_are_public(
    region, users
) -> None:
    answered = objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="С ответом",
        user=users["institution"],
    )
    objections.file_objection(
        campaign=region["nok"],
        organisation=region["a"],
        text="Без ответа",
        user=users["institution"],
    )
    objections.answer_objection(
        answered,
        answer="Ответ",
        outcome=ObjectionOutcome.REJECTED,
        user=users["council"],
    )
    assert objections.published_objections(region["a"]) == []
    region["nok"].status = CampaignStatus.PUBLISHED
    region["nok"].save(update_fields=["status"])
    assert objections.published_objections(region["a"]) == [answered]
    assert objections.published_objections(region["a"], region["decade"]) == []
    assert objections.published_objections(region["b"]) == []
