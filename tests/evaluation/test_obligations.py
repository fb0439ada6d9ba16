"""Obligations (#21): what opening a campaign makes owed, receipt by import, tracker, reminders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from evaluation import roles
from evaluation.deadlines import CALENDAR, SubmissionState
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    OrganisationKind,
    SubmissionKind,
    SubmissionStatus,
)
from evaluation.imports.engine import import_file
from evaluation.models import Campaign, Obligation, Submission
from evaluation.nok import lifecycle
from evaluation.obligations import owed as obligations
from evaluation.obligations.reminders import ReminderPolicy, send_deadline_reminders
from tests.evaluation.test_imports import PLAN_HEADER, valid_inn, xlsx
from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

KRASNOYARSK = ZoneInfo("Asia/Krasnoyarsk")
SUMMARY_HEADER = [
    "ИНН", "База выборки", "Всего анкет", "Экстерриториальных анкет",
    "Канал: В учреждении (отделении)", "Канал: В МФЦ", "Анкетирование", "Интервью",
    *(f"«Да» на вопрос {n}" for n in range(1, 16)),
]  # fmt: skip
SUMMARY, NOTE, PLAN, REPORT = (
    SubmissionKind.DECADE_SUMMARY,
    SubmissionKind.EXPLANATORY_NOTE,
    SubmissionKind.IMPROVEMENT_PLAN,
    SubmissionKind.FULFILMENT_REPORT,
)


def at(day: dt.date):
    """Freeze the clock on ``day``, 10:00 in Krasnoyarsk."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=KRASNOYARSK), tick=False
    )


def owed(campaign) -> dict[tuple[str, str], dt.date]:
    return {
        (s.organisation.code, s.kind): s.deadline
        for s in Submission.objects.filter(campaign=campaign).select_related(
            "organisation"
        )
    }


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("editor", "editor@x.org", "pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


@pytest.fixture
def decade():
    """Two institutions and a УСЗН office in the Декада of 8–19 April 2024 (set up)."""
    a = OrganisationFactory(code="A", inn=valid_inn(1), short_name="КЦСОН А")
    b = OrganisationFactory(code="B", inn=valid_inn(2), short_name="КЦСОН Б")
    uszn = OrganisationFactory(
        code="U",
        short_name="ТО КГКУ «УСЗН» по Ачинску",
        kind=OrganisationKind.USZN_OFFICE,
    )
    return DecadeCampaignFactory(organisations=[a, b, uszn])


def test_opening_a_decade_creates_the_owed_documents_with_working_day_deadlines(
    decade, editor
):
    assert not Submission.objects.exists()
    lifecycle.open_campaign(decade, actor=editor)

    may7, feb1 = dt.date(2024, 5, 7), dt.date(2025, 2, 1)
    assert owed(decade) == {
        # Institutions: +10 working days after 19 April 2024 (§3.2.3), report 01.02 (§3.8).
        ("A", SUMMARY): may7, ("A", NOTE): may7, ("A", PLAN): may7, ("A", REPORT): feb1,
        ("B", SUMMARY): may7, ("B", NOTE): may7, ("B", PLAN): may7, ("B", REPORT): feb1,
        # The УСЗН office: summary +20, plan +25 working days (§3.3).
        ("U", SubmissionKind.USZN_SUMMARY): dt.date(2024, 5, 23),
        ("U", SubmissionKind.USZN_PLAN): dt.date(2024, 5, 30),
        ("U", REPORT): feb1,
    }  # fmt: skip
    duties = {o.code: (o.owner, o.clause, o.deadline) for o in decade.obligations.all()}
    assert duties == {
        "information_work": ("КГКУ «УСЗН» и учреждения", "п. 3.2.1", dt.date(2024, 4, 1)),
        "rmc_review": ("КГКУ «РМЦ»", "п. 3.4", dt.date(2024, 5, 30)),
        "sector_summary": ("КГКУ «РМЦ»", "п. 3.4", dt.date(2024, 6, 14)),
        "publication_materials": ("Отдел министерства", "п. 3.5", dt.date(2024, 6, 28)),
        "sector_report": ("КГКУ «РМЦ»", "п. 3.9", dt.date(2025, 3, 1)),
    }  # fmt: skip


def test_opening_again_or_adding_organisations_creates_only_what_is_missing(
    decade, editor
):
    lifecycle.open_campaign(decade, actor=editor)
    first = Submission.objects.get(campaign=decade, organisation__code="A", kind=NOTE)
    obligations.mark_received(decade, first.organisation, NOTE, on=dt.date(2024, 5, 6))
    assert obligations.open_obligations(decade) == 0
    assert Submission.objects.count() == 11 and Obligation.objects.count() == 5

    OrganisationFactory(code="C", inn=valid_inn(3))
    membership = lifecycle.change_organisations(decade, editor, keys="C")
    assert membership.added == 1
    assert Submission.objects.count() == 15
    assert Submission.objects.filter(organisation__code="C").count() == 4
    first.refresh_from_db()
    assert first.received_on == dt.date(2024, 5, 6)
    assert Obligation.objects.count() == 5


def test_a_draft_campaign_owes_nothing_until_it_is_opened(decade, editor):
    lifecycle.change_organisations(
        decade, editor, keys=OrganisationFactory(code="D").code
    )
    assert not Submission.objects.exists() and not Obligation.objects.exists()


def test_importing_a_summary_marks_it_received_and_a_late_one_stays_late(
    decade, editor
):
    lifecycle.open_campaign(decade, actor=editor)
    row = [valid_inn(1), 100, 35, 2, 30, 5, 33, 2, *([30] * 15)]
    with at(dt.date(2024, 5, 8)):  # one working day after the deadline
        report = import_file(
            "decade_summary", xlsx([SUMMARY_HEADER, row]), "svod.xlsx", campaign=decade
        )
    assert report.ok, report.errors
    summary = Submission.objects.get(organisation__code="A", kind=SUMMARY)
    assert summary.received_on == dt.date(2024, 5, 8)
    assert summary.status == SubmissionStatus.RECEIVED
    assert summary.state(dt.date(2024, 6, 1)) == SubmissionState.LATE
    # Nothing else arrived with it.
    assert not Submission.objects.filter(
        received_on__isnull=False, organisation__code="B"
    ).exists()
    assert Submission.objects.get(organisation__code="A", kind=PLAN).received_on is None

    # A corrected file later keeps the first date of receipt.
    row[2:8] = [36, 3, 31, 5, 34, 2]
    with at(dt.date(2024, 5, 20)):
        report = import_file(
            "decade_summary", xlsx([SUMMARY_HEADER, row]), "svod2.xlsx", campaign=decade
        )
    assert report.ok, report.errors
    summary.refresh_from_db()
    assert summary.received_on == dt.date(2024, 5, 8)


def test_a_uszn_office_summary_counts_as_the_uszn_summary(decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    office = decade.organisations.get(code="U")
    assert obligations.mark_received(decade, office, SUMMARY, on=dt.date(2024, 5, 20))
    item = Submission.objects.get(organisation=office, kind=SubmissionKind.USZN_SUMMARY)
    assert item.received_on == dt.date(2024, 5, 20)
    assert item.state(dt.date(2024, 5, 20)) == SubmissionState.ON_TIME
    # The РМЦ's sector summary runs 15 working days from that receipt (§3.4),
    # and the department's publication 10 more (§3.5).
    sector = decade.obligations.get(code="sector_summary")
    assert sector.deadline == CALENDAR.add_working_days(dt.date(2024, 5, 20), 15)
    publication = decade.obligations.get(code="publication_materials")
    assert publication.deadline == CALENDAR.add_working_days(sector.deadline, 10)


def test_the_rmc_review_runs_from_the_last_institution_receipt(decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    review = decade.obligations.get(code="rmc_review")
    assert review.deadline == dt.date(2024, 5, 30)  # 15 after the due date 7 May
    a, b = decade.organisations.get(code="A"), decade.organisations.get(code="B")
    for kind in (SUMMARY, NOTE, PLAN):
        obligations.mark_received(decade, a, kind, on=dt.date(2024, 4, 25))
    for kind in (SUMMARY, NOTE):
        obligations.mark_received(decade, b, kind, on=dt.date(2024, 4, 26))
    review.refresh_from_db()
    # B's plan is still missing: the review cannot start before the due date.
    assert review.deadline == dt.date(2024, 5, 30)
    obligations.mark_received(decade, b, PLAN, on=dt.date(2024, 5, 13))  # late
    review.refresh_from_db()
    assert review.deadline == CALENDAR.add_working_days(dt.date(2024, 5, 13), 15)
    assert review.deadline == dt.date(2024, 6, 3)


def test_opening_a_nok_creates_plans_and_reports_and_a_plan_import_marks_it(editor):
    a = OrganisationFactory(code="A", inn=valid_inn(1))
    nok = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2024, title="НОК 2024", slug="nok-2024",
        period_start=dt.date(2024, 3, 1), period_end=dt.date(2024, 9, 30),
    )  # fmt: skip
    nok.organisations.set([a])
    lifecycle.open_campaign(nok, actor=editor)
    assert owed(nok) == {
        ("A", PLAN): dt.date(2024, 12, 31),  # seed 001 item 8: «4 квартал»
        ("A", REPORT): dt.date(2026, 2, 1),  # until a plan sets its own dates
    }
    assert not nok.obligations.exists()
    rows = [
        PLAN_HEADER,
        [valid_inn(1), 1, "1.1", "Нет сведений о вакансиях на стенде", "Дополнить стенд", "01.03.2025", "Иванова И. И., заместитель директора", None, None],
    ]  # fmt: skip
    with at(dt.date(2024, 12, 2)):
        report = import_file("improvement_plan", xlsx(rows), "plan.xlsx", campaign=nok)
    assert report.ok, report.errors
    plan = Submission.objects.get(campaign=nok, kind=PLAN)
    assert plan.received_on == dt.date(2024, 12, 2)
    assert plan.state(dt.date(2024, 12, 2)) == SubmissionState.ON_TIME
    report_owed = Submission.objects.get(campaign=nok, kind=REPORT)
    assert report_owed.received_on is None
    # Seed 001 item 9: fulfilment «в сроки, установленные планом мероприятий».
    assert report_owed.deadline == dt.date(2025, 3, 1)


def test_a_failed_import_marks_nothing(decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    bad = [valid_inn(1), 100, 35, 0, 30, 4, 35, 0, *([36] + [30] * 14)]
    report = import_file(
        "decade_summary", xlsx([SUMMARY_HEADER, bad]), "svod.xlsx", campaign=decade
    )
    assert not report.ok
    assert not Submission.objects.filter(received_on__isnull=False).exists()


def test_tracker_shows_received_late_missing_and_the_rmc_duties(client, decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    a, b = decade.organisations.get(code="A"), decade.organisations.get(code="B")
    obligations.mark_received(decade, a, SUMMARY, on=dt.date(2024, 5, 6))
    obligations.mark_received(decade, b, SUMMARY, on=dt.date(2024, 5, 8))
    client.force_login(editor)
    with at(dt.date(2024, 5, 8)):
        response = client.get(
            reverse("qp_tracker"), {"campaign": decade.pk, "kind": SUMMARY}
        )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    documents, duties = soup.select("table.listing")
    states = {
        row.th.get_text(strip=True): row.find_all("td")[-1].get_text(strip=True)
        for row in documents.select("tbody tr")
    }
    assert states == {"КЦСОН А": "В срок", "КЦСОН Б": "С опозданием"}
    with at(dt.date(2024, 5, 8)):
        response = client.get(
            reverse("qp_tracker"), {"campaign": decade.pk, "kind": PLAN}
        )
    soup = BeautifulSoup(response.content, "html.parser")
    documents, duties = soup.select("table.listing")
    assert {
        row.find_all("td")[-1].get_text(strip=True)
        for row in documents.select("tbody tr")
    } == {"Не представлено (просрочено)"}
    lines = {
        row.th.get_text(strip=True): [
            td.get_text(" ", strip=True) for td in row.find_all("td")
        ]
        for row in duties.select("tbody tr")
    }
    review = lines["Анализ сведений учреждений, контроль их полноты и корректности"]
    # Б's summary came a day late and the rest is missing: the review cannot
    # start before that receipt, 8 May (+15 working days → 31 May).
    assert review[0] == "КГКУ «РМЦ»" and review[2] == "31.05.2024"
    assert "Отметить исполнение" in review[3]

    # The РМЦ's sector summary done early moves the department's 10 days (§3.5).
    sector = decade.obligations.get(code="sector_summary")
    response = client.post(
        reverse("qp_tracker"), {"obligation": sector.pk, "done_on": "03.06.2024"}
    )
    assert response.status_code == 302
    sector.refresh_from_db()
    assert sector.done_on == dt.date(2024, 6, 3)
    publication = decade.obligations.get(code="publication_materials")
    assert publication.deadline == CALENDAR.add_working_days(dt.date(2024, 6, 3), 10)
    response = client.post(
        reverse("qp_tracker"), {"obligation": publication.pk, "done_on": "завтра"}
    )
    publication.refresh_from_db()
    assert publication.done_on is None


def test_only_editors_mark_a_duty_done(client, decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    institution = get_user_model().objects.create_user("inst", "i@x.org", "pw")
    institution.user_permissions.add(Permission.objects.get(codename="access_admin"))
    institution.groups.add(Group.objects.get_or_create(name=roles.INSTITUTION)[0])
    client.force_login(institution)
    sector = decade.obligations.get(code="sector_summary")
    response = client.post(
        reverse("qp_tracker"), {"obligation": sector.pk, "done_on": "03.06.2024"}
    )
    assert response.status_code == 302  # Wagtail sends the refused to the dashboard
    assert response["Location"] == reverse("wagtailadmin_home")
    sector.refresh_from_db()
    assert sector.done_on is None


def test_editors_are_reminded_of_the_rmc_duties_once(decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    # Tuesday 28 May 2024: the РМЦ review (due Thursday 30 May) is 2 working days away.
    run = send_deadline_reminders(dt.date(2024, 5, 28), policy=ReminderPolicy())
    assert [d.obligation.code for d in run.obligations] == ["rmc_review"]
    letters = [m for m in mail.outbox if "РМЦ" in m.subject]
    assert [m.to for m in letters] == [["editor@x.org"]]
    assert "Анализ сведений учреждений" in letters[0].body
    assert "до срока осталось 2 рабочих дня" in letters[0].body
    again = send_deadline_reminders(dt.date(2024, 5, 28), policy=ReminderPolicy())
    assert again.obligations == []
    # Done duties are not reminded of.
    obligations.mark_done(
        decade.obligations.get(code="rmc_review"), on=dt.date(2024, 5, 29)
    )
    later = send_deadline_reminders(dt.date(2024, 6, 4), policy=ReminderPolicy())
    assert "rmc_review" not in [d.obligation.code for d in later.obligations]


def test_a_withdrawn_or_draft_campaign_is_not_opened_twice(decade, editor):
    lifecycle.open_campaign(decade, actor=editor)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.open_campaign(decade, actor=editor)
    assert Campaign.objects.get(pk=decade.pk).status == CampaignStatus.COLLECTING
    assert Submission.objects.count() == 11
