"""The online questionnaire's domain: skips, validation, abuse rules, privacy,
moderation, exclusion and the effect of responses on indicators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from evaluation.enums import CampaignKind, DataSource, SurveyChannel
from evaluation.models import (
    AuditEvent,
    DecadeSummary,
    IndicatorInput,
    OnlineSubmission,
    QuestionSet,
    Result,
    ReviewStatus,
    SuggestionStatus,
    SurveyResponse,
)
from evaluation.nok import services
from evaluation.questionnaire import abuse, selectors
from evaluation.questionnaire import services as q
from evaluation.questionnaire.definitions import (
    DEFAULT_SET,
    DefinitionError,
    clean_answers,
    parse_definition,
)
from tests.evaluation.examples import EXAMPLE_A
from tests.factories.questionnaire import ALL_YES, open_survey, organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    return open_survey()


@pytest.fixture
def limits(settings):
    """Small limits so each rule is reached in a few submissions."""

    def apply(**values):
        settings.QP_EVALUATION = {
            f"QUESTIONNAIRE_{key.upper()}": value for key, value in values.items()
        }

    return apply


def submit(survey, answers=None, address="203.0.113.5", **extra):
    extra.setdefault("ticket", survey.ticket())
    return q.submit_online_response(
        answers=ALL_YES if answers is None else answers, address=address, **extra
    )


# --------------------------------------------------------------------------- skips


def test_no_to_a_filter_question_skips_its_dependant_and_drops_an_answer_to_it():
    cleaned = clean_answers(DEFAULT_SET, {**ALL_YES, "q1": "no", "q2": "yes"})
    assert cleaned.errors == {}
    assert cleaned.answers["q1"] is False
    assert cleaned.answers["q2"] is None
    assert cleaned.answers["q3"] is True


@pytest.mark.parametrize(
    ("filter_code", "dependant"),
    [("q1", "q2"), ("q3", "q4"), ("q7", "q8"), ("q11", "q12")],
)
def test_each_skip_of_the_675n_questionnaire(filter_code, dependant):
    raw = {**ALL_YES, filter_code: "no"}
    del raw[dependant]
    cleaned = clean_answers(DEFAULT_SET, raw)
    assert cleaned.errors == {}
    assert cleaned.answers[dependant] is None
    skipped = [code for code, value in cleaned.answers.items() if value is None]
    assert skipped == [dependant]


def test_yes_to_a_filter_question_makes_its_dependant_required():
    raw = dict(ALL_YES)
    del raw["q8"]
    cleaned = clean_answers(DEFAULT_SET, raw)
    assert cleaned.errors == {"q8": "Ответьте на вопрос 8: выберите «Да» или «Нет»."}


def test_unknown_answer_is_an_error_naming_the_question():
    cleaned = clean_answers(DEFAULT_SET, {**ALL_YES, "q5": "может быть"})
    assert cleaned.errors == {"q5": "Вопрос 5: допустимые ответы — «Да» или «Нет»."}


def test_custom_question_set_must_point_skips_at_an_earlier_question():
    with pytest.raises(DefinitionError, match="условие «q3»"):
        parse_definition(
            "own",
            1,
            "Своя анкета",
            [
                {"code": "q1", "text": "Первый?"},
                {"code": "q2", "text": "Второй?", "asked_if": "q3"},
                {"code": "q3", "text": "Третий?"},
            ],
        )
    with pytest.raises(DefinitionError, match="повторяется"):
        parse_definition(
            "own", 1, "Своя", [{"code": "q1", "text": "а"}, {"code": "q1", "text": "б"}]
        )


def test_campaign_uses_its_own_versioned_question_set(survey):
    own = QuestionSet.objects.create(
        code="short",
        version=2,
        title="Короткая анкета",
        questions=[
            {"code": "q13", "text": "Порекомендуете организацию?"},
            {"code": "q15", "text": "Довольны в целом?"},
        ],
    )
    survey.questionnaire.question_set = own
    survey.questionnaire.save()
    done = submit(survey, {"q13": "no", "q15": "yes"})
    response = SurveyResponse.objects.get(pk=done.response_id)
    assert response.answers == {"q13": False, "q15": True}
    assert response.online.question_set == "short@2"


# ---------------------------------------------------------------------- validation


def test_valid_submission_is_stored_as_an_online_form_without_the_address(survey):
    done = submit(
        survey,
        {**ALL_YES, "q7": "no"},
        suggestion="  Больше   скамеек в холле ",
        sex="f",
        age_group="65-79",
    )
    response = SurveyResponse.objects.get(pk=done.response_id)
    assert done.review == ReviewStatus.ACCEPTED
    assert response.channel == SurveyChannel.ONLINE_FORM
    assert response.source == DataSource.SURVEY
    assert response.organisation == survey.organisation
    assert response.answers["q7"] is False
    assert response.answers["q8"] is None
    assert response.suggestion == "Больше скамеек в холле"
    assert (response.sex, response.age_group) == ("f", "65-79")
    assert response.excluded is False
    online = response.online
    assert online.suggestion_status == SuggestionStatus.PENDING
    assert online.fill_seconds >= 119
    assert len(online.ip_hash) == 32
    assert online.ip_hash != online.network_hash
    stored = " ".join(str(v) for v in online.__dict__.values())
    assert "203.0.113" not in stored


def test_missing_answers_and_bad_demographics_are_reported_per_field(survey):
    with pytest.raises(q.QuestionnaireInvalidError) as caught:
        submit(survey, {"q1": "yes"}, sex="x", age_group="old")
    errors = caught.value.errors
    # Q3, Q7 and Q11 unanswered: their dependants are skipped, not required.
    asked = {2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15}
    assert set(errors) == {f"q{n}" for n in asked} | {"sex", "age_group"}
    assert SurveyResponse.objects.count() == 0


def test_too_long_suggestion_is_refused(survey):
    with pytest.raises(q.QuestionnaireInvalidError) as caught:
        submit(survey, suggestion="а" * 2001)
    assert "не более 2000 знаков" in caught.value.errors["suggestion"]


# --------------------------------------------------------------------- abuse rules


def test_honeypot_filled_is_refused_and_nothing_stored(survey):
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, honeypot="http://spam.example")
    assert caught.value.rule == "honeypot"
    assert SurveyResponse.objects.count() == 0


def test_faster_than_the_minimum_fill_time_is_refused(survey, limits):
    limits(min_seconds=15)
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, ticket=survey.ticket(seconds_ago=5))
    assert caught.value.rule == "too_fast"
    assert submit(survey, ticket=survey.ticket(seconds_ago=16)).response_id


def test_forged_or_stale_ticket_is_refused(survey):
    genuine = survey.ticket()
    forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, ticket=forged)
    assert caught.value.rule == "ticket"
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, ticket=survey.ticket(seconds_ago=2 * 24 * 3600))
    assert caught.value.rule == "expired"
    assert SurveyResponse.objects.count() == 0


def test_rate_limit_per_address(survey, limits):
    limits(ip_limit=2)
    submit(survey, {**ALL_YES, "q5": "no"})
    submit(survey, {**ALL_YES, "q6": "no"})
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, {**ALL_YES, "q9": "no"})
    assert caught.value.rule == "ip_limit"
    assert submit(survey, address="198.51.100.7").response_id
    assert SurveyResponse.objects.count() == 3


def test_rate_limit_per_address_expires_with_its_window(survey, limits):
    limits(ip_limit=1, rate_window=3600)
    submit(survey)
    later = timezone.now() + dt.timedelta(hours=1, minutes=1)
    done = submit(survey, {**ALL_YES, "q5": "no"}, now=later)
    assert done.review == ReviewStatus.ACCEPTED


def test_rate_limit_per_organisation(survey, limits):
    limits(organisation_limit=2)
    submit(survey, address="198.51.100.1")
    submit(survey, address="198.51.101.1")
    with pytest.raises(q.QuestionnaireRejectedError) as caught:
        submit(survey, address="198.51.102.1")
    assert caught.value.rule == "organisation_limit"
    other = organisation("KCSON-2")
    survey.campaign.organisations.add(other)
    done = submit(
        survey, address="198.51.103.1", ticket=survey.ticket(organisation=other)
    )
    assert SurveyResponse.objects.get(pk=done.response_id).organisation == other


def test_same_answers_from_the_same_network_are_stored_flagged(survey):
    first = submit(survey, address="192.0.2.10")
    second = submit(survey, address="192.0.2.77")
    assert first.review == ReviewStatus.ACCEPTED
    assert second.review == ReviewStatus.FLAGGED
    flagged = SurveyResponse.objects.get(pk=second.response_id)
    assert flagged.excluded is True
    assert flagged.exclusion_reason.startswith("Ожидает проверки")
    assert list(selectors.flagged_submissions()) == [flagged.online]
    # Another network, or different answers, or later: not a duplicate.
    assert submit(survey, address="192.0.3.10").review == ReviewStatus.ACCEPTED
    assert (
        submit(survey, {**ALL_YES, "q6": "no"}, address="192.0.2.11").review
        == ReviewStatus.ACCEPTED
    )
    later = timezone.now() + dt.timedelta(minutes=31)
    assert (
        submit(survey, address="192.0.2.12", now=later).review == ReviewStatus.ACCEPTED
    )
    assert SurveyResponse.objects.count() == 5


def test_closed_or_not_yet_open_campaign_refuses(survey):
    survey.questionnaire.closes_at = timezone.now() - dt.timedelta(minutes=1)
    survey.questionnaire.opens_at = timezone.now() - dt.timedelta(days=10)
    survey.questionnaire.save()
    with pytest.raises(q.QuestionnaireClosedError):
        submit(survey)
    survey.questionnaire.opens_at = timezone.now() + dt.timedelta(days=1)
    survey.questionnaire.closes_at = timezone.now() + dt.timedelta(days=10)
    survey.questionnaire.save()
    with pytest.raises(q.QuestionnaireClosedError):
        submit(survey)
    assert SurveyResponse.objects.count() == 0


def test_the_same_form_sent_twice_is_stored_once(survey):
    ticket = survey.ticket()
    first = submit(survey, ticket=ticket)
    again = submit(survey, ticket=ticket)
    assert again.repeated is True
    assert again.response_id == first.response_id
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    ("meta", "proxies", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, 0, "10.0.0.1"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"},
            1,
            "1.2.3.4",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "9.9.9.9, 1.2.3.4"},
            2,
            "9.9.9.9",
        ),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "junk"}, 1, ""),
        ({"REMOTE_ADDR": "10.0.0.1"}, 1, "10.0.0.1"),
    ],
)
def test_client_address_trusts_forwarded_for_only_when_configured(
    meta, proxies, expected
):
    assert abuse.client_address(meta, proxies) == expected


def test_networks_group_addresses():
    assert abuse.network_of("192.0.2.77") == "192.0.2.0/24"
    assert abuse.network_of("2001:db8:1:2:3::1") == "2001:db8:1::/56"


# ------------------------------------------------------------------------ privacy


def test_address_hashes_are_erased_after_the_abuse_window(limits):
    limits(ip_hash_keep=2 * 24 * 3600)
    survey = open_survey(opens_at=timezone.now() - dt.timedelta(days=10))
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    old = submit(
        survey,
        now=three_days_ago,
        ticket=abuse.issue_ticket(
            survey.campaign.pk, survey.organisation.pk, three_days_ago.timestamp() - 60
        ),
    )
    recent = submit(survey, {**ALL_YES, "q5": "no"})
    assert q.erase_address_hashes() == 1
    erased = OnlineSubmission.objects.get(response_id=old.response_id)
    kept = OnlineSubmission.objects.get(response_id=recent.response_id)
    assert (erased.ip_hash, erased.network_hash) == ("", "")
    assert kept.ip_hash and kept.network_hash
    assert AuditEvent.objects.filter(action="questionnaire.erase_ip").count() == 1
    assert q.erase_address_hashes() == 0


def test_retention_purge_dry_run_then_delete_keeping_aggregates(survey):
    submit(survey)
    submit(survey, {**ALL_YES, "q13": "no"}, address="198.51.100.9")
    fresh = open_survey(year=2027, organisation_code="KCSON-9")
    submit(fresh)
    day_after_retention = survey.campaign.period_end + dt.timedelta(days=366)

    plan = q.purge_expired_responses(day_after_retention, dry_run=True)
    assert [(c.pk, n) for c, n in plan.campaigns] == [(survey.campaign.pk, 2)]
    assert SurveyResponse.objects.count() == 3

    assert (
        q.purge_expired_responses(
            survey.campaign.period_end + dt.timedelta(days=365)
        ).total
        == 0
    )
    plan = q.purge_expired_responses(day_after_retention)
    assert plan.total == 2
    assert list(SurveyResponse.objects.values_list("campaign_id", flat=True)) == [
        fresh.campaign.pk
    ]
    summary = DecadeSummary.objects.get(campaign=survey.campaign)
    assert summary.questionnaires == 2
    assert summary.yes["q13"] == 1
    assert summary.by_channel == {SurveyChannel.ONLINE_FORM: 2}
    event = AuditEvent.objects.get(action="questionnaire.purge")
    assert event.data == {"deleted": 2, "files": 0}


# ------------------------------------------------------- review, exclusion, moderation


def test_flagged_response_accepted_or_excluded_with_audit(survey, admin_user):
    submit(survey, address="192.0.2.1")
    flagged = OnlineSubmission.objects.get(
        response_id=submit(survey, address="192.0.2.2").response_id
    )
    with pytest.raises(q.QuestionnaireError, match="причину"):
        q.review_online_response(flagged, accept=False, actor=admin_user)
    q.review_online_response(flagged, accept=True, actor=admin_user)
    flagged.refresh_from_db()
    assert flagged.review == ReviewStatus.ACCEPTED
    assert flagged.reviewed_by == admin_user
    assert flagged.response.excluded is False
    event = AuditEvent.objects.get(action="questionnaire.accept")
    assert event.actor == admin_user
    assert event.data["before"] == ReviewStatus.FLAGGED


def test_editor_excludes_any_response_with_a_reason(survey, admin_user):
    online = SurveyResponse.objects.get(pk=submit(survey).response_id)
    imported = SurveyResponse.objects.create(
        campaign=survey.campaign,
        organisation=survey.organisation,
        answers={"q1": True},
        channel=SurveyChannel.OFFICE,
        collected_on=dt.date(2026, 4, 1),
        source=DataSource.IMPORT,
    )
    with pytest.raises(q.QuestionnaireError):
        q.exclude_response(imported, reason="  ", actor=admin_user)
    q.exclude_response(imported, reason="Заполнена сотрудником", actor=admin_user)
    q.exclude_response(online, reason="Ответы противоречивы", actor=admin_user)
    imported.refresh_from_db()
    online.refresh_from_db()
    assert (imported.excluded, imported.exclusion_reason) == (
        True,
        "Заполнена сотрудником",
    )
    assert online.excluded is True
    assert online.online.review == ReviewStatus.EXCLUDED
    reasons = sorted(
        AuditEvent.objects.filter(action="questionnaire.exclude").values_list(
            "data__reason", flat=True
        )
    )
    assert reasons == ["Заполнена сотрудником", "Ответы противоречивы"]


def test_suggestions_are_moderated_before_reaching_the_note(survey, admin_user):
    good = submit(survey, suggestion="Нужен пандус у входа", address="198.51.100.1")
    bad = submit(survey, suggestion="Реклама", address="198.51.101.1")
    submit(survey, {**ALL_YES, "q6": "no"}, address="198.51.102.1")
    assert [s.response_id for s in selectors.pending_suggestions()] == [
        good.response_id,
        bad.response_id,
    ]
    assert selectors.approved_suggestions(survey.campaign, survey.organisation) == []
    q.moderate_suggestion(
        OnlineSubmission.objects.get(response_id=good.response_id),
        approve=True,
        actor=admin_user,
    )
    q.moderate_suggestion(
        OnlineSubmission.objects.get(response_id=bad.response_id),
        approve=False,
        actor=admin_user,
    )
    assert selectors.approved_suggestions(survey.campaign, survey.organisation) == [
        "Нужен пандус у входа"
    ]
    assert list(selectors.pending_suggestions()) == []
    without = OnlineSubmission.objects.get(suggestion_status="")
    with pytest.raises(q.QuestionnaireError):
        q.moderate_suggestion(without, approve=True)
    assert AuditEvent.objects.filter(action__startswith="suggestion.").count() == 2


# ------------------------------------------------------------------ indicators


def test_online_responses_change_the_indicators_after_a_recompute(survey):
    services.save_indicator_inputs(survey.campaign, survey.organisation, EXAMPLE_A)
    services.recompute_campaign(survey.campaign)
    before = Result.objects.get(campaign=survey.campaign)
    assert before.indicators["5.1"] == "93.00"

    submit(survey, address="198.51.100.1")
    submit(survey, {**ALL_YES, "q13": "no"}, address="198.51.101.1")
    submit(survey, {**ALL_YES, "q11": "no", "q13": "no"}, address="198.51.102.1")
    submit(survey, {**ALL_YES, "q12": "no"}, address="198.51.103.1")
    # A flagged duplicate does not count until accepted.
    flagged = submit(survey, address="198.51.100.2")
    assert flagged.review == ReviewStatus.FLAGGED

    assert q.apply_survey_counts(survey.campaign) == 1
    inputs = IndicatorInput.objects.get(campaign=survey.campaign)
    assert inputs.respondents == 4
    assert inputs.yes["q11"] == 3
    assert inputs.yes["q12"] == 2
    assert inputs.source == DataSource.SURVEY
    services.recompute_campaign(survey.campaign)
    after = Result.objects.get(campaign=survey.campaign)
    assert after.indicators["5.1"] == "50.00"
    assert after.indicators["4.3"] == "66.67"
    assert after.indicators["1.1"] == before.indicators["1.1"]
    assert after.total != before.total
    assert Decimal(after.indicators["5.3"]) == Decimal("100.00")


def test_online_responses_count_in_a_decade_summary():
    survey = open_survey(kind=CampaignKind.DECADE)
    submit(survey)
    submit(survey, {**ALL_YES, "q15": "no"}, address="198.51.100.1")
    from evaluation.selectors import decade_summary

    summary = decade_summary(survey.campaign, survey.organisation)
    assert summary.by_channel[SurveyChannel.ONLINE_FORM] == 2
    assert summary.question("q15").satisfied == 1


def test_window_closes_by_the_clock_for_a_form_opened_before(survey):
    closes = survey.questionnaire.closes_at
    ticket = abuse.issue_ticket(
        survey.campaign.pk, survey.organisation.pk, closes.timestamp() - 600
    )
    with (
        time_machine.travel(closes + dt.timedelta(seconds=1)),
        pytest.raises(q.QuestionnaireClosedError),
    ):
        q.submit_online_response(ticket=ticket, answers=ALL_YES, address="192.0.2.1")
    assert SurveyResponse.objects.count() == 0
