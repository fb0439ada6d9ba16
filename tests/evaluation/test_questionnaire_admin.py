"""Admin review of online questionnaires, exclusion with a reason, the commands."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.admin.viewsets import OnlineSubmissionViewSet, SurveyResponseViewSet
from evaluation.models import (
    AuditEvent,
    OnlineSubmission,
    ReviewStatus,
    SuggestionStatus,
    SurveyResponse,
)
from evaluation.questionnaire import services as q
from tests.factories.questionnaire import ALL_YES, open_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "pw"
    )
    client.force_login(user)
    return client, user


@pytest.fixture
def flagged():
    survey = open_survey()
    for address in ("192.0.2.1", "192.0.2.2"):
        done = q.submit_online_response(
            ticket=survey.ticket(),
            answers=ALL_YES,
            suggestion="Нужен пандус",
            address=address,
        )
    submission = OnlineSubmission.objects.get(response_id=done.response_id)
    assert submission.review == ReviewStatus.FLAGGED
    return submission


def edit_url(viewset_class, pk) -> str:
    return reverse(viewset_class().get_url_name("edit"), args=[pk])


def test_excluding_a_flagged_questionnaire_needs_a_reason(editor, flagged):
    client, user = editor
    url = edit_url(OnlineSubmissionViewSet, flagged.pk)
    assert client.get(url).status_code == 200
    refused = client.post(
        url, {"review": "excluded", "suggestion_status": "pending", "reason": ""}
    )
    assert refused.status_code == 200
    assert "Укажите причину исключения анкеты." in refused.content.decode()
    flagged.refresh_from_db()
    assert flagged.review == ReviewStatus.FLAGGED

    done = client.post(
        url,
        {
            "review": "excluded",
            "suggestion_status": "rejected",
            "reason": "Повтор с того же устройства",
        },
    )
    assert done.status_code == 302
    flagged.refresh_from_db()
    assert flagged.review == ReviewStatus.EXCLUDED
    assert flagged.suggestion_status == SuggestionStatus.REJECTED
    assert flagged.response.exclusion_reason == "Повтор с того же устройства"
    actions = set(
        AuditEvent.objects.filter(actor=user).values_list("action", flat=True)
    )
    assert actions == {"questionnaire.exclude", "suggestion.reject"}


def test_accepting_a_flagged_questionnaire_counts_it(editor, flagged):
    client, user = editor
    response = client.post(
        edit_url(OnlineSubmissionViewSet, flagged.pk),
        {"review": "accepted", "suggestion_status": "approved", "reason": ""},
    )
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.response.excluded is False
    assert flagged.suggestion_status == SuggestionStatus.APPROVED
    assert AuditEvent.objects.get(action="questionnaire.accept").actor == user


def survey_response_form(response: SurveyResponse, **changes) -> dict:
    data = {
        "campaign": response.campaign_id,
        "organisation": response.organisation_id,
        "answers": json.dumps(response.answers),
        "suggestion": response.suggestion,
        "channel": response.channel,
        "kind": response.kind,
        "sex": response.sex,
        "age_group": response.age_group,
        "collected_on": response.collected_on.isoformat(),
        "exclusion_reason": "",
    }
    data.update(changes)
    return data


def test_editor_excludes_any_questionnaire_with_a_reason_in_the_log(editor, flagged):
    client, user = editor
    response = SurveyResponse.objects.exclude(pk=flagged.response_id).get()
    url = edit_url(SurveyResponseViewSet, response.pk)
    refused = client.post(url, survey_response_form(response, excluded="on"))
    assert refused.status_code == 200
    assert "Укажите причину исключения анкеты." in refused.content.decode()
    done = client.post(
        url,
        survey_response_form(
            response, excluded="on", exclusion_reason="Заполнена сотрудником"
        ),
    )
    assert done.status_code == 302
    response.refresh_from_db()
    assert (response.excluded, response.exclusion_reason) == (
        True,
        "Заполнена сотрудником",
    )
    event = AuditEvent.objects.get(action="questionnaire.exclude")
    assert (event.actor, event.data["reason"]) == (user, "Заполнена сотрудником")
    assert response.online.review == ReviewStatus.EXCLUDED

    client.post(url, survey_response_form(response))
    response.refresh_from_db()
    assert response.excluded is False
    assert AuditEvent.objects.get(action="questionnaire.include").data == {
        "previous_reason": "Заполнена сотрудником"
    }


def test_commands_erase_hashes_and_purge_with_a_dry_run():
    survey = open_survey(year=2020)
    q.submit_online_response(
        ticket=survey.ticket(), answers=ALL_YES, address="192.0.2.1"
    )
    OnlineSubmission.objects.update(
        created_at=survey.questionnaire.opens_at - dt.timedelta(days=10)
    )
    out = StringIO()
    call_command("erase_questionnaire_ips", stdout=out)
    assert "Удалены хеши адресов: 1 анкет." in out.getvalue()
    assert OnlineSubmission.objects.get().ip_hash == ""

    out = StringIO()
    call_command("purge_survey_responses", "--dry-run", stdout=out)
    assert "Будет удалено анкет: 1." in out.getvalue()
    assert SurveyResponse.objects.count() == 1
    out = StringIO()
    call_command("purge_survey_responses", stdout=out)
    assert "Удалено анкет: 1." in out.getvalue()
    assert SurveyResponse.objects.count() == 0
    assert OnlineSubmission.objects.count() == 0
