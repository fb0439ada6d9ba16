"""The admin dashboard: «С чего начать» on an empty install, then each role's queue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from evaluation import roles
from evaluation.enums import SubmissionKind
from evaluation.models import ImportRecord, ImportStatus, Submission
from tests.factories.evaluation import (
    DecadeCampaignFactory,
    OrganisationFactory,
    SubmissionFactory,
)
from tests.factories.users import role_user

pytestmark = pytest.mark.django_db


def _dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_install_shows_the_first_steps_and_ticks_them_off(
    client, django_user_model
) -> None:
    editor = role_user("editor", roles.EDITOR)
    page = _dashboard(client, editor)
    assert "С чего начать" in page
    assert "Выполнено шагов: 0 из 4" in page
    for link in (
        "/admin/district/new/",
        "/admin/import/?form=organisations",
        "/admin/users/new/",
    ):
        assert f'href="{link}"' in page
    assert 'href="/admin/campaign/new/"' in page

    organisation = OrganisationFactory()  # with its district
    page = _dashboard(client, editor)
    assert "Выполнено шагов: 2 из 4" in page
    assert "/admin/district/new/" not in page
    assert "/admin/import/?form=organisations" not in page

    organisation.users.add(role_user("kcson", roles.INSTITUTION))
    DecadeCampaignFactory(organisations=[organisation])
    page = _dashboard(client, editor)
    assert "С чего начать" not in page  # every step done: the list goes


def test_editors_see_overdue_documents_and_refused_files(
    client, django_user_model
) -> None:
    editor = role_user("editor", roles.EDITOR)
    organisation = OrganisationFactory(short_name="КЦСОН «Забота»")
    campaign = DecadeCampaignFactory(organisations=[organisation])
    today = timezone.localdate()
    SubmissionFactory(
        campaign=campaign,
        organisation=organisation,
        kind=SubmissionKind.DECADE_SUMMARY,
        deadline=today - timedelta(days=3),
    )
    SubmissionFactory(
        campaign=campaign,
        organisation=organisation,
        kind=SubmissionKind.IMPROVEMENT_PLAN,
        deadline=today + timedelta(days=30),
    )
    ImportRecord.objects.create(
        form="plans", filename="план с ошибками.xlsx", status=ImportStatus.FAILED
    )
    page = _dashboard(client, editor)
    assert "Просроченные документы: 1" in page
    assert "КЦСОН «Забота»" in page or "КЦСОН &laquo;Забота&raquo;" in page
    assert "Файлы, отклонённые за 30\u00a0дней: 1" in page
    assert "план с ошибками.xlsx" in page
    assert "На рассмотрении общественного совета: 0" in page


def test_an_institution_sees_what_it_owes_and_not_the_editors_queue(
    client, django_user_model
) -> None:
    own, other = OrganisationFactory(), OrganisationFactory()
    campaign = DecadeCampaignFactory(organisations=[own, other])
    user = role_user("kcson", roles.INSTITUTION)
    own.users.add(user)
    for organisation, kind in (
        (own, SubmissionKind.DECADE_SUMMARY),
        (own, SubmissionKind.EXPLANATORY_NOTE),
        (other, SubmissionKind.DECADE_SUMMARY),
    ):
        SubmissionFactory(
            campaign=campaign,
            organisation=organisation,
            kind=kind,
            deadline=date(2024, 5, 6),
        )
    Submission.objects.filter(kind=SubmissionKind.EXPLANATORY_NOTE).update(
        received_on=date(2024, 5, 2)
    )
    page = _dashboard(client, user)
    assert "Что нужно представить: 1" in page
    assert "не представлено (просрочено)" in page
    assert "С чего начать" not in page and "Требует внимания" not in page


def test_council_members_see_their_queue(client, django_user_model) -> None:
    member = role_user("council", roles.COUNCIL)
    page = _dashboard(client, member)
    assert "На рассмотрении совета: 0" in page
    assert "Совету сейчас ничего не направлено." in page
    assert "С чего начать" not in page
