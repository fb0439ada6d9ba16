"""Retention: ``purge_survey_responses`` deletes questionnaires a year after
their campaign's end, keeps the aggregates, and is safe to run daily."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import ModelLogEntry

from evaluation.enums import CampaignKind, CampaignStatus, SurveyChannel
from evaluation.models import (
    AuditEvent,
    Campaign,
    DecadeSummary,
    ImportRecord,
    IndicatorInput,
    SurveyResponse,
)
from evaluation.nok import services
from tests.evaluation.examples import EXAMPLE_A
from tests.factories.questionnaire import ALL_YES, organisation

pytestmark = pytest.mark.django_db

#: The 2024 Декада ended on Friday 19 April 2024; 2025 is not a leap year, so
#: its questionnaires are kept through 19 April 2025 (365 days) and purged
#: from 20 April 2025 on.
END_2024 = dt.date(2024, 4, 19)


def decade(year: int, end: dt.date) -> Campaign:
    return Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=year,
        title=f"Декада качества {year}",
        slug=f"decade-{year}",
        period_start=end - dt.timedelta(days=11),
        period_end=end,
        status=CampaignStatus.PUBLISHED,
    )


def questionnaires(campaign, org, count: int, **answers) -> None:
    for n in range(count):
        SurveyResponse.objects.create(
            campaign=campaign,
            organisation=org,
            number=f"{org.code}-{n}",
            answers={**ALL_YES, **answers},
            channel=SurveyChannel.OFFICE,
            collected_on=campaign.period_end,
        )


@pytest.fixture
def archive():
    old = decade(2024, END_2024)
    fresh = decade(2025, dt.date(2025, 4, 18))
    a, b = organisation("A"), organisation("B")
    questionnaires(old, a, 3)
    questionnaires(old, b, 2, q13="no")
    questionnaires(fresh, a, 4)
    # A's summary was imported: it stays exactly as sent, not recomputed.
    imported = DecadeSummary.objects.create(
        campaign=old,
        organisation=a,
        base=500,
        questionnaires=120,
        yes={"q1": 100},
        source_reference="сводная А.xlsx",
    )
    nok = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=2023,
        title="НОК 2023",
        slug="nok-2023",
        period_start=dt.date(2023, 3, 1),
        period_end=dt.date(2023, 10, 31),
        status=CampaignStatus.PUBLISHED,
    )
    services.save_indicator_inputs(nok, a, EXAMPLE_A)
    return {"old": old, "fresh": fresh, "a": a, "b": b, "imported": imported}


def run(*args: str) -> str:
    out = StringIO()
    call_command("purge_survey_responses", *args, stdout=out)
    return out.getvalue()


def test_kept_for_a_year_after_the_campaign_end(archive):
    assert "Удалено анкет: 0." in run("--today", "2025-04-19")
    assert SurveyResponse.objects.count() == 9
    assert not AuditEvent.objects.filter(action="questionnaire.purge").exists()


def test_dry_run_lists_and_changes_nothing(archive):
    text = run("--today", "2025-04-20", "--dry-run")
    assert "Декада качества 2024: анкет 5" in text
    assert "Будет удалено анкет: 5." in text
    assert SurveyResponse.objects.count() == 9
    assert DecadeSummary.objects.count() == 1
    assert not AuditEvent.objects.filter(action="questionnaire.purge").exists()


def test_purge_keeps_aggregates_and_is_logged(archive):
    inputs_before = list(IndicatorInput.objects.values())
    text = run("--today", "2025-04-20")
    assert "Удалено анкет: 5." in text
    assert set(SurveyResponse.objects.values_list("campaign", flat=True)) == {
        archive["fresh"].pk
    }
    # The imported summary is untouched; B's is frozen from its questionnaires.
    kept = DecadeSummary.objects.get(organisation=archive["a"])
    assert (kept.questionnaires, kept.base, kept.yes) == (120, 500, {"q1": 100})
    assert kept.updated_at == archive["imported"].updated_at
    frozen = DecadeSummary.objects.get(organisation=archive["b"])
    assert frozen.questionnaires == 2
    assert frozen.yes["q13"] == 0
    assert frozen.yes["q1"] == 2
    assert list(IndicatorInput.objects.values()) == inputs_before
    event = AuditEvent.objects.get(action="questionnaire.purge")
    assert event.object_id == str(archive["old"].pk)
    assert event.data == {"deleted": 5, "files": 0}
    (entry,) = ModelLogEntry.objects.filter(action="qp.questionnaire.purge")
    assert entry.object_id == str(archive["old"].pk)
    assert entry.data["summary"] == event.summary


def test_daily_reruns_change_nothing(archive):
    run("--today", "2025-04-20")
    assert "Удалено анкет: 0." in run("--today", "2025-04-21")
    assert SurveyResponse.objects.count() == 4
    assert AuditEvent.objects.filter(action="questionnaire.purge").count() == 1
    assert DecadeSummary.objects.count() == 2


def test_bad_date_is_refused():
    with pytest.raises(CommandError, match="ГГГГ-ММ-ДД"):
        run("--today", "20.04.2025")


def _survey_upload(campaign, name: str) -> ImportRecord:
    record = ImportRecord(form="survey_responses", campaign=campaign, filename=name)
    record.file.save(name, ContentFile(b"number;q1\n1;yes\n"), save=True)
    return record


def test_purge_deletes_the_original_questionnaire_files_and_says_so(
    archive, django_capture_on_commit_callbacks
):
    old = _survey_upload(archive["old"], "анкеты 2024.csv")
    fresh = _survey_upload(archive["fresh"], "анкеты 2025.csv")
    other = ImportRecord(form="plans", campaign=archive["old"], filename="план.csv")
    other.file.save("план.csv", ContentFile(b"x"), save=True)
    storage, old_name = old.file.storage, old.file.name
    assert storage.exists(old_name)

    dry = run("--today", "2025-04-20", "--dry-run")
    assert "Будет удалено исходных файлов анкет: 1." in dry
    assert storage.exists(old_name)

    with django_capture_on_commit_callbacks(execute=True):
        text = run("--today", "2025-04-20")
    assert "Удалено исходных файлов анкет: 1." in text
    old.refresh_from_db()
    assert old.file.name == "" and not storage.exists(old_name)
    assert old.filename == "анкеты 2024.csv"  # the history row stays
    fresh.refresh_from_db()
    other.refresh_from_db()
    assert storage.exists(fresh.file.name) and storage.exists(other.file.name)
    event = AuditEvent.objects.get(action="questionnaire.purge")
    assert event.data == {"deleted": 5, "files": 1}
    assert "исходных файлов анкет: 1" in event.summary
