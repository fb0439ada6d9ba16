"""КГКУ «УСЗН» as a parent organisation of its territorial offices (seed 000 §3.3, #21)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError

from evaluation import roles
from evaluation.enums import SubmissionKind
from evaluation.imports.engine import import_file
from evaluation.models import DecadeSummary, Organisation, Submission
from evaluation.nok import lifecycle
from evaluation.obligations.reminders import ReminderPolicy, send_deadline_reminders
from tests.evaluation.test_imports import PLAN_HEADER, valid_inn, xlsx
from tests.evaluation.test_obligations import SUMMARY_HEADER
from tests.factories.evaluation import (
    DecadeCampaignFactory,
    DistrictFactory,
)

pytestmark = pytest.mark.django_db

PARENT_INN, ACHINSK_INN, KANSK_INN, CENTRE_INN = (
    valid_inn(n) for n in (40, 41, 42, 43)
)


def _register() -> bytes:
    header = ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
              "Район", "Код организации", "ИНН вышестоящей организации",
              "Состоит на учёте", "Получателей услуг"]  # fmt: skip
    office = "Территориальное отделение КГКУ «УСЗН»"
    rows = [
        [PARENT_INN, "Краевое государственное казённое учреждение «Управление социальной "
         "защиты населения»", "КГКУ «УСЗН»", "Другая организация", "Ачинский район",
         "USZN", None, None, None],
        [ACHINSK_INN, "ТО КГКУ «УСЗН» по Ачинскому району", "ТО УСЗН Ачинск", office,
         "Ачинский район", "U-1", PARENT_INN, 10_000, None],
        [KANSK_INN, "ТО КГКУ «УСЗН» по Канскому району", "ТО УСЗН Канск", office,
         "Канский район", "U-2", PARENT_INN, 8_000, None],
        [CENTRE_INN, "КГБУ СО «КЦСОН «Ачинский»", "КЦСОН Ачинский",
         "Комплексный центр социального обслуживания", "Ачинский район", "K-1", None,
         None, 100],
    ]  # fmt: skip
    return xlsx([header, *rows])


@pytest.fixture
def region():
    DistrictFactory(name="Ачинский район", slug="achinskij")
    DistrictFactory(name="Канский район", slug="kanskij")
    report = import_file("organisations", _register(), "reestr.xlsx")
    assert report.ok, report.errors
    parent = Organisation.objects.get(code="USZN")
    user = get_user_model().objects.create_user("uszn", "uszn@example.ru", "pw")
    user.groups.add(Group.objects.get(name=roles.INSTITUTION))
    parent.users.add(user)
    offices = list(Organisation.objects.filter(code__in=["U-1", "U-2"]))
    campaign = DecadeCampaignFactory(
        organisations=[*offices, Organisation.objects.get(code="K-1")]
    )
    lifecycle.open_campaign(campaign)
    return campaign, parent, user


def test_the_register_sets_the_parent(region):
    _campaign, parent, _user = region
    assert sorted(parent.branches.values_list("code", flat=True)) == ["U-1", "U-2"]
    assert Organisation.objects.get(code="K-1").parent is None


def test_the_parent_owes_the_documents_of_its_offices(region):
    campaign, _parent, _user = region
    owed = sorted(
        Submission.objects.filter(campaign=campaign).values_list(
            "organisation__code", "kind", "deadline"
        )
    )
    assert owed == [
        ("K-1", SubmissionKind.DECADE_SUMMARY, dt.date(2024, 5, 7)),
        ("K-1", SubmissionKind.EXPLANATORY_NOTE, dt.date(2024, 5, 7)),
        ("K-1", SubmissionKind.FULFILMENT_REPORT, dt.date(2025, 2, 1)),
        ("K-1", SubmissionKind.IMPROVEMENT_PLAN, dt.date(2024, 5, 7)),
        ("USZN", SubmissionKind.FULFILMENT_REPORT, dt.date(2025, 2, 1)),
        ("USZN", SubmissionKind.USZN_PLAN, dt.date(2024, 5, 30)),
        ("USZN", SubmissionKind.USZN_SUMMARY, dt.date(2024, 5, 23)),
    ]


def test_the_parents_users_see_and_submit_for_the_offices(region):
    campaign, parent, user = region
    assert sorted(roles.organisations_of(user).values_list("code", flat=True)) == [
        "U-1",
        "U-2",
        "USZN",
    ]
    assert sorted(roles.visible_organisations(user).values_list("code", flat=True)) == [
        "U-1",
        "U-2",
        "USZN",
    ]
    scope = roles.manageable_organisations(user).values_list("pk", flat=True)
    # One summary broken down by office: a row per office in one file.
    rows = [
        SUMMARY_HEADER,
        [ACHINSK_INN, None, 60, 2, 50, 10, 60, 0, *([55] * 15)],
        [KANSK_INN, None, 30, 0, 30, 0, 20, 10, *([25] * 15)],
    ]
    report = import_file(
        "decade_summary",
        xlsx(rows),
        "svod-uszn.xlsx",
        campaign=campaign,
        user=user,
        allowed_organisations=scope,
    )
    assert report.ok, report.errors
    assert sorted(
        DecadeSummary.objects.filter(campaign=campaign).values_list(
            "organisation__code", "questionnaires"
        )
    ) == [("U-1", 60), ("U-2", 30)]
    received = Submission.objects.get(
        organisation=parent, kind=SubmissionKind.USZN_SUMMARY
    )
    assert received.received_on is not None
    # The parent's one plan, its measures by office.
    plan = [
        PLAN_HEADER,
        [ACHINSK_INN, 1, "1.1", "Нет графика приёма", "Разместить график", "01.06.2024",
         "Петрова П. П., начальник отделения", None, None],
        [KANSK_INN, 1, "1.1", "Нет графика приёма", "Разместить график", "01.06.2024",
         "Сидорова С. С., начальник отделения", None, None],
    ]  # fmt: skip
    report = import_file(
        "improvement_plan",
        xlsx(plan, title_rows=2),
        "plan-uszn.xlsx",
        campaign=campaign,
        user=user,
        allowed_organisations=scope,
    )
    assert report.ok, report.errors
    assert (
        Submission.objects.get(
            organisation=parent, kind=SubmissionKind.USZN_PLAN
        ).received_on
        is not None
    )
    # An institution's row is still refused to the parent's user.
    bad = [SUMMARY_HEADER, [CENTRE_INN, None, 30, 0, 30, 0, 30, 0, *([25] * 15)]]
    report = import_file(
        "decade_summary",
        xlsx(bad),
        "chuzhoe.xlsx",
        campaign=campaign,
        user=user,
        allowed_organisations=scope,
    )
    assert not report.ok
    assert "загружать можно только данные своей организации" in report.errors[0].message


def test_the_parents_users_are_reminded_of_the_offices_documents(region):
    _campaign, _parent, _user = region
    mail.outbox.clear()
    # Three working days before the УСЗН summary is due (23 May 2024).
    send_deadline_reminders(dt.date(2024, 5, 20), policy=ReminderPolicy())
    letters = [m for m in mail.outbox if m.to == ["uszn@example.ru"]]
    assert len(letters) == 1
    assert "Сводная информация УСЗН по территориальным отделениям" in letters[0].body
    assert "КГКУ «УСЗН»" in letters[0].body


def test_the_parents_total_row_must_equal_its_offices(region):
    campaign, _parent, user = region
    scope = roles.manageable_organisations(user).values_list("pk", flat=True)
    total = [PARENT_INN, None, 90, 2, 80, 10, 80, 10, *([80] * 15)]
    rows = [
        SUMMARY_HEADER,
        total,
        [ACHINSK_INN, None, 60, 2, 50, 10, 60, 0, *([55] * 15)],
        [KANSK_INN, None, 30, 0, 30, 0, 20, 10, *([25] * 15)],
    ]
    report = import_file(
        "decade_summary", xlsx(rows), "svod.xlsx", campaign=campaign, user=user,
        allowed_organisations=scope, dry_run=True,
    )  # fmt: skip
    assert report.ok, report.errors
    assert report.new == 2
    total[2] = 91
    report = import_file(
        "decade_summary", xlsx(rows), "svod.xlsx", campaign=campaign, user=user,
        allowed_organisations=scope,
    )  # fmt: skip
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (
            2,
            "Всего анкет",
            "по «КГКУ «УСЗН»» 91, а сумма по территориальным отделениям 90; "
            "исправьте итоговую строку или строки отделений",
        )
    ]
    assert not DecadeSummary.objects.exists()


def test_an_organisation_cannot_be_its_own_parent(region):
    _campaign, parent, _user = region
    header = ["ИНН", "Полное наименование", "Краткое наименование", "Вид организации",
              "Район", "ИНН вышестоящей организации"]  # fmt: skip
    row = [PARENT_INN, parent.name, parent.short_name, "Другая организация",
           "Ачинский район", PARENT_INN]  # fmt: skip
    report = import_file("organisations", xlsx([header, row]), "reestr.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "ИНН вышестоящей организации")
    ]
    assert "вышестоящей для самой себя" in report.errors[0].message
    parent.parent = parent.branches.first()
    with pytest.raises(ValidationError, match="не может подчиняться"):
        parent.full_clean()
