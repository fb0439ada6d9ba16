"""Use cases of the online questionnaire: submit, review, moderate, erase, purge.

The submit path is the hot one (hundreds per second during a campaign): the
campaign's questionnaire is kept in a short per-process cache, the three
abuse counters are one SQL statement over indexed ranges, and a submission is
two inserts in one transaction. Rate limits are counted in the database, so
they hold across server worker processes.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from evaluation.audit import record
from evaluation.conf import evaluation_settings, ip_salt
from evaluation.decade import summary as decade
from evaluation.decade.sample_bases import freeze_bases, stored_bases
from evaluation.enums import DataSource, SurveyChannel, SurveyKind
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    AuditEvent,
    Campaign,
    DecadeSummary,
    ImportRecord,
    IndicatorInput,
    OnlineQuestionnaire,
    OnlineSubmission,
    ReviewStatus,
    SuggestionStatus,
    SurveyResponse,
)
from evaluation.questionnaire import abuse
from evaluation.questionnaire.definitions import (
    AGE_GROUPS,
    DEFAULT_SET,
    SEXES,
    SUGGESTION_MAX,
    QuestionSetDef,
    answers_fingerprint,
    clean_answers,
    parse_definition,
)

# --------------------------------------------------------------------------
# Errors


class QuestionnaireError(EvaluationError):
    """Base class of the questionnaire's errors."""


class QuestionnaireClosedError(QuestionnaireError):
    """The campaign does not accept questionnaires now."""


class QuestionnaireInvalidError(QuestionnaireError):
    """Answers are missing or invalid; ``errors`` maps field → Russian message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Анкета заполнена не полностью.")
        self.errors = errors


class QuestionnaireRejectedError(QuestionnaireError):
    """An abuse rule refused the questionnaire; nothing was stored.

    ``rule`` is one of ``honeypot``, ``ticket``, ``too_fast``, ``expired``,
    ``ip_limit``, ``organisation_limit``.
    """

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


# --------------------------------------------------------------------------
# The campaign's questionnaire (cached per process for a few seconds)

CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class ActiveQuestionnaire:
    """What the submit path needs to know about a campaign's questionnaire."""

    campaign_id: int
    campaign_title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    question_set: QuestionSetDef

    def is_open(self, now: dt.datetime) -> bool:
        """Whether questionnaires are accepted at ``now``."""
        return self.opens_at <= now < self.closes_at


@dataclass
class _Cache:
    entries: dict[int, tuple[float, ActiveQuestionnaire | None]] = field(
        default_factory=dict
    )
    lock: threading.Lock = field(default_factory=threading.Lock)


_cache = _Cache()


def forget_questionnaires() -> None:
    """Drop this process's cached questionnaires (after an edit)."""
    with _cache.lock:
        _cache.entries.clear()


def question_set_of(questionnaire: OnlineQuestionnaire | None) -> QuestionSetDef:
    """The question set a campaign's questionnaire uses (675н by default)."""
    if questionnaire is None or questionnaire.question_set is None:
        return DEFAULT_SET
    stored = questionnaire.question_set
    return parse_definition(stored.code, stored.version, stored.title, stored.questions)


def active_questionnaire(campaign_id: int) -> ActiveQuestionnaire | None:
    """The campaign's online questionnaire, or ``None`` when it has none."""
    now = time.monotonic()
    cached = _cache.entries.get(campaign_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    item = (
        OnlineQuestionnaire.objects.select_related("campaign", "question_set")
        .filter(campaign_id=campaign_id)
        .first()
    )
    value = (
        None
        if item is None
        else ActiveQuestionnaire(
            campaign_id=campaign_id,
            campaign_title=item.campaign.title,
            opens_at=item.opens_at,
            closes_at=item.closes_at,
            question_set=question_set_of(item),
        )
    )
    with _cache.lock:
        _cache.entries[campaign_id] = (now + CACHE_SECONDS, value)
    return value


def open_questionnaire_for(organisation, now: dt.datetime | None = None):
    """The organisation's campaign questionnaire open at ``now``, else the latest.

    Returns:
        An :class:`OnlineQuestionnaire` (with its campaign) or ``None``.
    """
    now = now or timezone.now()
    candidates = OnlineQuestionnaire.objects.select_related(
        "campaign", "question_set"
    ).filter(campaign__organisations=organisation)
    current = (
        candidates.filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at")
        .first()
    )
    return current or candidates.order_by("-closes_at").first()


# --------------------------------------------------------------------------
# Submitting


@dataclass(frozen=True)
class Submitted:
    """The outcome of an accepted submission.

    ``review`` is ``accepted`` or ``flagged`` (a probable duplicate, stored but
    not counted until an editor accepts it); ``repeated`` is true when the
    same form was sent again and the first submission is returned.
    """

    response_id: int
    campaign_id: int
    organisation_id: int
    review: str
    repeated: bool = False


# The three counters, bounded by LIMIT so a busy organisation costs no more
# than its limit in index entries.
_COUNTS_SQL = """
  (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
     WHERE ip_hash = %s AND created_at >= %s LIMIT %s) AS by_ip) AS by_ip,
  (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
     WHERE organisation_id = %s AND created_at >= %s LIMIT %s) AS by_organisation)
     AS by_organisation,
  (SELECT COUNT(*) FROM (SELECT 1 FROM {table}
     WHERE network_hash = %s AND fingerprint = %s AND created_at >= %s LIMIT 1)
     AS duplicates) AS duplicates
"""


def _demographics(sex: str, age_group: str) -> dict[str, str]:
    errors = {}
    if sex and sex not in dict(SEXES):
        errors["sex"] = "Пол: выберите один из вариантов или оставьте без ответа."
    if age_group and age_group not in dict(AGE_GROUPS):
        errors["age_group"] = (
            "Возраст: выберите один из вариантов или оставьте без ответа."
        )
    return errors


def submit_online_response(
    *,
    ticket: str,
    answers: Mapping[str, object],
    suggestion: str = "",
    sex: str = "",
    age_group: str = "",
    honeypot: str = "",
    address: str = "",
    now: dt.datetime | None = None,
) -> Submitted:
    """Store one questionnaire sent on the portal (channel "online form").

    Checks, in order: the honeypot field is empty; the form ticket is genuine,
    its campaign accepts questionnaires now, and it was filled in no faster
    than the minimum fill time (and no later than the ticket's lifetime);
    every asked question is answered (skips applied); the address and the
    organisation are under their rate limits. Same answers from the same
    network within the duplicate window are stored **flagged** (excluded
    until an editor accepts them), never dropped. Sending the same form again
    returns the first submission.

    Args:
        ticket: The signed form ticket (:func:`abuse.issue_ticket`).
        answers: Question code → ``"yes"``/``"no"``.
        suggestion: Q16 free text (moderated before any display).
        sex: ``""``, ``"f"`` or ``"m"``.
        age_group: ``""`` or a code of :data:`AGE_GROUPS`.
        honeypot: The hidden field people leave empty.
        address: The client's IP address (hashed here, never stored).
        now: The time of the submission (default: now).

    Raises:
        QuestionnaireRejectedError: an abuse rule refused it (nothing stored).
        QuestionnaireClosedError: the campaign does not accept questionnaires.
        QuestionnaireInvalidError: answers missing or invalid, per field.
    """
    now = now or timezone.now()
    if honeypot:
        raise QuestionnaireRejectedError("honeypot", "Анкета не принята.")
    try:
        form = abuse.read_ticket(ticket)
    except abuse.TicketError as error:
        raise QuestionnaireRejectedError(
            "ticket", "Форма анкеты повреждена: откройте анкету заново."
        ) from error
    questionnaire = active_questionnaire(form.campaign_id)
    if questionnaire is None or not questionnaire.is_open(now):
        raise QuestionnaireClosedError(
            "Приём анкет по этой кампании закрыт: ответы не сохранены."
        )
    fill_seconds = int(now.timestamp()) - form.issued_at
    if fill_seconds > evaluation_settings.QUESTIONNAIRE_MAX_AGE:
        raise QuestionnaireRejectedError(
            "expired", "Форма анкеты устарела: откройте анкету заново."
        )
    # Unanswered questions come first: a person who pressed «Отправить» on a
    # half-filled form needs to know what is missing, not that it was fast.
    cleaned = clean_answers(questionnaire.question_set, answers)
    suggestion = " ".join((suggestion or "").split())
    errors = {**cleaned.errors, **_demographics(sex, age_group)}
    if len(suggestion) > SUGGESTION_MAX:
        errors["suggestion"] = (
            f"Предложения: не более {SUGGESTION_MAX} знаков (сейчас {len(suggestion)})."
        )
    if errors:
        raise QuestionnaireInvalidError(errors)
    if fill_seconds < evaluation_settings.QUESTIONNAIRE_MIN_SECONDS:
        raise QuestionnaireRejectedError(
            "too_fast",
            "Проверьте ответы и отправьте анкету ещё раз: все ответы сохранены "
            "в форме.",
        )

    salt = ip_salt()
    ip_hash = abuse.address_hash(address or "unknown", salt)
    network_hash = abuse.address_hash(abuse.network_of(address) or "unknown", salt)
    fingerprint = answers_fingerprint(cleaned.answers, suggestion)
    flag_reason = (
        "Те же ответы из той же сети за последние "
        f"{evaluation_settings.QUESTIONNAIRE_DUPLICATE_WINDOW // 60} мин."
    )
    # Column values, not model instances: building two instances costs more
    # than the PostgreSQL statement's parameters need. The flagged fields are
    # set by _store when the duplicate check says so.
    response = {
        "campaign_id": form.campaign_id,
        "organisation_id": form.organisation_id,
        "answers": cleaned.answers,
        "suggestion": suggestion,
        "channel": SurveyChannel.ONLINE_FORM,
        "kind": SurveyKind.QUESTIONNAIRE,
        "sex": sex,
        "age_group": age_group,
        "collected_on": timezone.localdate(now),
        "source": DataSource.SURVEY,
        "excluded": False,
        "exclusion_reason": "",
        "created_at": now,
    }
    submission = {
        "campaign_id": form.campaign_id,
        "organisation_id": form.organisation_id,
        "question_set": questionnaire.question_set.label,
        "nonce": form.nonce,
        "ip_hash": ip_hash,
        "network_hash": network_hash,
        "fingerprint": fingerprint,
        "fill_seconds": fill_seconds,
        "review": ReviewStatus.ACCEPTED,
        "flag_reason": "",
        "suggestion_status": (
            SuggestionStatus.PENDING if suggestion else SuggestionStatus.NONE
        ),
        "created_at": now,
    }
    try:
        stored = _store(response, submission, now, flag_reason)
    except IntegrityError:
        first = OnlineSubmission.objects.filter(nonce=form.nonce).first()
        if first is None:
            raise
        return Submitted(
            first.response_id,
            first.campaign_id,
            first.organisation_id,
            first.review,
            repeated=True,
        )
    if stored.response_id is None:
        if stored.by_ip >= evaluation_settings.QUESTIONNAIRE_IP_LIMIT:
            raise QuestionnaireRejectedError(
                "ip_limit",
                "С этого адреса отправлено слишком много анкет. Попробуйте позже.",
            )
        raise QuestionnaireRejectedError(
            "organisation_limit",
            "По этой организации сейчас поступает слишком много анкет. "
            "Попробуйте позже.",
        )
    review = ReviewStatus.FLAGGED if stored.duplicate else ReviewStatus.ACCEPTED
    return Submitted(stored.response_id, form.campaign_id, form.organisation_id, review)


@dataclass(frozen=True)
class _Stored:
    by_ip: int
    by_organisation: int
    duplicate: bool
    response_id: int | None


def _store(
    response: dict[str, Any],
    submission: dict[str, Any],
    now: dt.datetime,
    flag_reason: str,
) -> _Stored:
    """Check the limits and the duplicate rule and store, atomically.

    Nothing is stored (``response_id`` None) when a limit is reached; a
    duplicate is stored flagged and excluded. On PostgreSQL this is one
    statement (one round trip): the counts, then a data-modifying CTE that
    inserts the questionnaire and its submission record only under the
    limits. Elsewhere: the counts query, then two inserts in a transaction.
    Neither path sends save signals: nothing listens to these models' saves,
    and Wagtail's reference index on a plain ``save()`` costs more than the
    insert itself.

    Raises:
        IntegrityError: the form's nonce was used already.
    """
    ip_limit = evaluation_settings.QUESTIONNAIRE_IP_LIMIT
    organisation_limit = evaluation_settings.QUESTIONNAIRE_ORGANISATION_LIMIT
    rate_since = now - dt.timedelta(
        seconds=evaluation_settings.QUESTIONNAIRE_RATE_WINDOW
    )
    duplicate_since = now - dt.timedelta(
        seconds=evaluation_settings.QUESTIONNAIRE_DUPLICATE_WINDOW
    )
    count_params = [
        submission["ip_hash"],
        rate_since,
        ip_limit,
        submission["organisation_id"],
        rate_since,
        organisation_limit,
        submission["network_hash"],
        submission["fingerprint"],
        duplicate_since,
    ]
    if connection.vendor == "postgresql":
        return _store_postgresql(
            response,
            submission,
            count_params,
            ip_limit,
            organisation_limit,
            flag_reason,
        )
    table = connection.ops.quote_name(OnlineSubmission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_COUNTS_SQL.format(table=table)}", count_params)
        by_ip, by_organisation, duplicates = cursor.fetchone()
    if by_ip >= ip_limit or by_organisation >= organisation_limit:
        return _Stored(by_ip, by_organisation, bool(duplicates), None)
    if duplicates:
        response = {
            **response,
            "excluded": True,
            "exclusion_reason": f"Ожидает проверки: {flag_reason}",
        }
        submission = {
            **submission,
            "review": ReviewStatus.FLAGGED,
            "flag_reason": flag_reason,
        }
    with transaction.atomic():
        (stored,) = SurveyResponse.objects.bulk_create([SurveyResponse(**response)])
        OnlineSubmission.objects.bulk_create(
            [OnlineSubmission(response_id=stored.pk, **submission)]
        )
    return _Stored(by_ip, by_organisation, bool(duplicates), int(stored.pk))


# Columns whose value depends on the duplicate check, as SQL over ``counts``.
_FLAGGED_RESPONSE = {
    "excluded": ("counts.duplicates > 0", 0),
    "exclusion_reason": ("CASE WHEN counts.duplicates > 0 THEN %s ELSE '' END", 1),
}
_FLAGGED_SUBMISSION = {
    "review": ("CASE WHEN counts.duplicates > 0 THEN %s ELSE %s END", 2),
    "flag_reason": ("CASE WHEN counts.duplicates > 0 THEN %s ELSE '' END", 1),
}


#: Fields whose Python value goes to the driver unchanged.
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
    models.DateField,
)


@functools.cache
def _store_statement() -> tuple[list, list, str, dict[str, Any]]:
    """The fields and the SQL of the PostgreSQL store (built once per process)."""
    quote = connection.ops.quote_name

    def fields(model, skip: str = "") -> list:
        return [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and f.attname != skip
        ]

    response_fields = fields(SurveyResponse)
    submission_fields = fields(OnlineSubmission, skip="response_id")

    def values(model_fields, flagged) -> str:
        return ", ".join(
            flagged[f.attname][0] if f.attname in flagged else "%s"
            for f in model_fields
        )

    table = quote(OnlineSubmission._meta.db_table)
    # Identifiers from model metadata only; every value is a parameter.
    sql = (
        f"WITH counts AS (SELECT {_COUNTS_SQL.format(table=table)}), "  # noqa: S608
        f"response AS (INSERT INTO {quote(SurveyResponse._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in response_fields)}) "
        f"SELECT {values(response_fields, _FLAGGED_RESPONSE)} FROM counts "
        "WHERE counts.by_ip < %s AND counts.by_organisation < %s "
        f"RETURNING {quote(SurveyResponse._meta.pk.column)} AS id), "
        f"submission AS (INSERT INTO {table} "
        f"({quote('response_id')}, "
        f"{', '.join(quote(f.column) for f in submission_fields)}) "
        f"SELECT response.id, {values(submission_fields, _FLAGGED_SUBMISSION)} "
        "FROM response, counts RETURNING response_id) "
        "SELECT counts.by_ip, counts.by_organisation, counts.duplicates, "
        "(SELECT response_id FROM submission) FROM counts"
    )
    # Values of the columns a submission does not set (e.g. ``number``).
    defaults = {f.attname: f.get_default() for f in response_fields}
    defaults.update({f.attname: f.get_default() for f in submission_fields})
    return response_fields, submission_fields, sql, defaults


def _execute_prepared(sql: str, params: list) -> tuple:
    """Run ``sql`` as a server-side prepared statement and return its one row.

    Django's PostgreSQL cursors bind parameters on the client (the whole
    statement is re-quoted, parsed and planned on every call). This one
    statement runs on every submission, so it goes through a server-binding
    psycopg cursor with ``prepare=True``: PostgreSQL parses and plans it once
    per connection. Wrapped in Django's error translation so an integrity
    error is still Django's ``IntegrityError``.
    """
    import psycopg

    connection.ensure_connection()
    with (
        connection.wrap_database_errors,
        psycopg.Cursor(connection.connection) as cursor,
    ):
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def _store_postgresql(
    response: dict[str, Any],
    submission: dict[str, Any],
    count_params: list,
    ip_limit: int,
    organisation_limit: int,
    flag_reason: str,
) -> _Stored:
    response_fields, submission_fields, sql, defaults = _store_statement()
    flagged_values = {
        "exclusion_reason": [f"Ожидает проверки: {flag_reason}"],
        "review": [ReviewStatus.FLAGGED.value, ReviewStatus.ACCEPTED.value],
        "flag_reason": [flag_reason],
        "excluded": [],
    }
    params: list = list(count_params)
    for values, model_fields in (
        (response, response_fields),
        (submission, submission_fields),
    ):
        for f in model_fields:
            if f.attname in flagged_values:
                params.extend(flagged_values[f.attname])
                continue
            value = values.get(f.attname, defaults[f.attname])
            if isinstance(f, _PLAIN_FIELDS):
                # The driver adapts these values as they are (created_at is
                # set explicitly, so auto_now_add has nothing to add).
                params.append(value)
            else:
                params.append(f.get_db_prep_save(value, connection))
        if values is response:
            params.extend([ip_limit, organisation_limit])
    if connection.in_atomic_block:
        # Inside a caller's transaction a failed statement needs a savepoint.
        with transaction.atomic():
            row = _execute_prepared(sql, params)
    else:
        row = _execute_prepared(sql, params)
    by_ip, by_organisation, duplicates, response_id = row
    return _Stored(
        int(by_ip),
        int(by_organisation),
        bool(duplicates),
        None if response_id is None else int(response_id),
    )


# --------------------------------------------------------------------------
# Editors: review, exclusion, moderation


@transaction.atomic
def review_online_response(
    submission: OnlineSubmission, *, accept: bool, reason: str = "", actor=None
) -> OnlineSubmission:
    """Accept a flagged questionnaire (it counts) or exclude it with a reason.

    Raises:
        QuestionnaireError: excluding without a reason.
    """
    reason = reason.strip()
    if not accept and not reason:
        raise QuestionnaireError("Укажите причину исключения анкеты.")
    submission = OnlineSubmission.objects.select_for_update().get(pk=submission.pk)
    response = submission.response
    before = submission.review
    submission.review = ReviewStatus.ACCEPTED if accept else ReviewStatus.EXCLUDED
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["review", "reviewed_by", "reviewed_at"])
    response.excluded = not accept
    response.exclusion_reason = "" if accept else reason[:300]
    response.save(update_fields=["excluded", "exclusion_reason"])
    record(
        "questionnaire.accept" if accept else "questionnaire.exclude",
        response,
        f"Онлайн-анкета №{response.pk} ({response.organisation_id}): "
        + ("учтена после проверки" if accept else f"исключена — {reason}"),
        actor,
        before=before,
        after=submission.review,
        reason=reason,
    )
    return submission


def _set_excluded(response: SurveyResponse, excluded: bool, reason: str, actor) -> None:
    """Exclude ``response`` (with ``reason``) or count it; its online submission,
    if any, is marked reviewed the same way by ``actor``."""
    response.excluded = excluded
    response.exclusion_reason = reason[:300]
    response.save(update_fields=["excluded", "exclusion_reason"])
    OnlineSubmission.objects.filter(response=response).update(
        review=ReviewStatus.EXCLUDED if excluded else ReviewStatus.ACCEPTED,
        reviewed_by=actor if getattr(actor, "pk", None) else None,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def exclude_response(
    response: SurveyResponse, *, reason: str, actor=None
) -> SurveyResponse:
    """Exclude any questionnaire (imported or online) from the counts, with a reason.

    Raises:
        QuestionnaireError: the reason is empty.
    """
    reason = reason.strip()
    if not reason:
        raise QuestionnaireError("Укажите причину исключения анкеты.")
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    _set_excluded(response, True, reason, actor)
    record(
        "questionnaire.exclude",
        response,
        f"Анкета №{response.pk} исключена: {reason}",
        actor,
        reason=reason,
        channel=response.channel,
    )
    return response


@transaction.atomic
def include_response(
    response: SurveyResponse, *, actor=None, previous_reason: str | None = None
) -> SurveyResponse:
    """Count an excluded questionnaire again (audit event).

    ``previous_reason`` is logged when the reason was already cleared (an
    admin form saves its fields first).
    """
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    reason = response.exclusion_reason if previous_reason is None else previous_reason
    _set_excluded(response, False, "", actor)
    record(
        "questionnaire.include",
        response,
        f"Анкета №{response.pk} снова учитывается",
        actor,
        previous_reason=reason,
    )
    return response


@transaction.atomic
def moderate_suggestion(
    submission: OnlineSubmission, *, approve: bool, actor=None
) -> OnlineSubmission:
    """Approve a Q16 suggestion for the explanatory note, or reject it.

    Raises:
        QuestionnaireError: the questionnaire has no suggestion.
    """
    submission = OnlineSubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.suggestion_status == SuggestionStatus.NONE:
        raise QuestionnaireError("В этой анкете нет предложений для модерации.")
    before = submission.suggestion_status
    submission.suggestion_status = (
        SuggestionStatus.APPROVED if approve else SuggestionStatus.REJECTED
    )
    submission.reviewed_by = actor if getattr(actor, "pk", None) else None
    submission.reviewed_at = timezone.now()
    submission.save(update_fields=["suggestion_status", "reviewed_by", "reviewed_at"])
    record(
        "suggestion.approve" if approve else "suggestion.reject",
        submission,
        f"Предложение анкеты №{submission.response_id}: "
        + ("одобрено" if approve else "отклонено"),
        actor,
        before=before,
    )
    return submission


# --------------------------------------------------------------------------
# Survey counts → indicator inputs


@transaction.atomic
def apply_survey_counts(campaign: Campaign, actor=None) -> int:
    """Put the counted questionnaires' figures into the indicator inputs.

    Every counted questionnaire (imported or online; excluded and
    external-territorial ones left out, skips applied as in
    :func:`evaluation.decade.summary.summarise`) gives ``respondents`` and ``yes`` /
    ``answered`` per question of each organisation that already has indicator
    inputs (the check-list parts come from the operator); a recompute then
    includes them. Returns how many organisations were updated.
    """
    inputs = {
        item.organisation_id: item
        for item in IndicatorInput.objects.filter(campaign=campaign).select_related(
            "organisation"
        )
    }
    grouped: dict[int, list[dict]] = {}
    for row in SurveyResponse.objects.filter(
        campaign=campaign, organisation_id__in=inputs
    ).values(
        "organisation_id",
        "answers",
        "channel",
        "kind",
        "external_territorial",
        "excluded",
    ):
        grouped.setdefault(row.pop("organisation_id"), []).append(row)
    updated = []
    for organisation_id, rows in grouped.items():
        item = inputs[organisation_id]
        summary = decade.summarise(rows, item.organisation.kind, None)
        yes: dict[str, int] = {}
        answered: dict[str, int] = {}
        for share in summary.filters:
            yes[share.code], answered[share.code] = share.yes, share.answered
        for share in summary.satisfaction:
            yes[share.code], answered[share.code] = share.satisfied, share.answered
        item.respondents = summary.counted
        item.yes = yes
        item.answered = answered
        item.source = DataSource.SURVEY
        item.source_reference = f"Анкеты портала и импорта: {summary.counted}"
        updated.append(item)
    IndicatorInput.objects.bulk_update(
        updated, ["respondents", "yes", "answered", "source", "source_reference"]
    )
    record(
        "survey.counts",
        campaign,
        f"Ответы анкет перенесены в исходные данные: {campaign} "
        f"({len(updated)} организаций)",
        actor,
        organisations=len(updated),
    )
    return len(updated)


# --------------------------------------------------------------------------
# Privacy: erasing address hashes, purging old questionnaires


def _log(action: str, summary: str, actor=None, **data) -> None:
    AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        object_type=OnlineSubmission._meta.label_lower,
        object_id="",
        summary=summary[:500],
        data=data,
    )


@transaction.atomic
def erase_address_hashes(now: dt.datetime | None = None, actor=None) -> int:
    """Erase the address and network hashes older than the abuse window.

    Returns:
        How many submissions were cleared.
    """
    now = now or timezone.now()
    keep = dt.timedelta(seconds=evaluation_settings.QUESTIONNAIRE_IP_HASH_KEEP)
    erased = (
        OnlineSubmission.objects.filter(created_at__lt=now - keep)
        .exclude(ip_hash="", network_hash="")
        .update(ip_hash="", network_hash="")
    )
    if erased:
        _log(
            "questionnaire.erase_ip",
            f"Удалены хеши адресов у {erased} онлайн-анкет",
            actor,
            erased=erased,
        )
    return erased


@dataclass(frozen=True)
class PurgePlan:
    """Questionnaires past their retention, per campaign: (campaign, count).

    ``files`` counts, per campaign in the same order, the original uploaded
    questionnaire files (survey-response imports) that go with them.
    """

    campaigns: tuple[tuple[Campaign, int], ...]
    files: tuple[int, ...] = ()

    @property
    def total(self) -> int:
        """How many questionnaires are (or would be) deleted."""
        return sum(count for _campaign, count in self.campaigns)

    @property
    def total_files(self) -> int:
        """How many original questionnaire files are (or would be) deleted."""
        return sum(self.files)


#: The import form whose originals are questionnaires (kept one year, §3.6).
SURVEY_IMPORT_FORM = "survey_responses"


def _retention_days(campaign: Campaign) -> int:
    questionnaire = OnlineQuestionnaire.objects.filter(campaign=campaign).first()
    return questionnaire.retention_days if questionnaire else 365


def _survey_originals(campaign: Campaign) -> models.QuerySet:
    return ImportRecord.objects.filter(
        campaign=campaign, form=SURVEY_IMPORT_FORM
    ).exclude(file="")


def purge_expired_responses(
    today: dt.date | None = None, *, dry_run: bool = False, actor=None
) -> PurgePlan:
    """Delete questionnaires kept longer than their campaign's retention.

    A campaign's questionnaires are kept ``retention_days`` (one year by
    default) after the campaign's end. Before deleting, each organisation's
    aggregate (a :class:`DecadeSummary` row) is stored unless one exists, so
    figures stay; indicator inputs and results are never touched. The
    original files of imported questionnaires go too (seed 000 §3.6): the
    import's history row stays, without its file.
    """
    today = today or timezone.localdate()
    due: list[tuple[Campaign, int]] = []
    files: list[int] = []
    with_files = ImportRecord.objects.filter(form=SURVEY_IMPORT_FORM).exclude(file="")
    candidates = Campaign.objects.filter(
        models.Q(responses__isnull=False)
        | models.Q(pk__in=with_files.values("campaign"))
    ).distinct()
    for campaign in candidates:
        if campaign.period_end + dt.timedelta(days=_retention_days(campaign)) >= today:
            continue
        due.append((campaign, campaign.responses.count()))
        files.append(_survey_originals(campaign).count())
    plan = PurgePlan(tuple(due), tuple(files))
    if dry_run or not due:
        return plan
    with transaction.atomic():
        for (campaign, count), file_count in zip(due, files, strict=True):
            _freeze_summaries(campaign)
            campaign.responses.all().delete()
            _delete_originals(campaign)
            record(
                "questionnaire.purge",
                campaign,
                f"Удалены анкеты с истёкшим сроком хранения: {campaign} ({count}); "
                f"исходных файлов анкет: {file_count}",
                actor,
                deleted=count,
                files=file_count,
            )
    return plan


def _delete_originals(campaign: Campaign) -> None:
    """Remove the uploaded questionnaire files once the rows are committed."""
    originals = _survey_originals(campaign)
    names = [(record.file.storage, record.file.name) for record in originals]
    originals.update(file="")

    def delete_files() -> None:
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


def _freeze_summaries(campaign: Campaign) -> None:
    kept = set(
        DecadeSummary.objects.filter(campaign=campaign).values_list(
            "organisation_id", flat=True
        )
    )
    grouped: dict[int, list[dict]] = {}
    kinds: dict[int, str] = {}
    for row in campaign.responses.values(
        "organisation_id",
        "organisation__kind",
        "answers",
        "channel",
        "kind",
        "external_territorial",
        "excluded",
    ):
        organisation_id = row.pop("organisation_id")
        kinds[organisation_id] = row.pop("organisation__kind")
        grouped.setdefault(organisation_id, []).append(row)
    freeze_bases(campaign)  # a Декада never published keeps today's register
    bases = stored_bases(campaign)
    for organisation_id, rows in grouped.items():
        if organisation_id in kept:
            continue
        # The base stays with the kept figures, so their sample share does too.
        base = bases.get(organisation_id)
        summary = decade.summarise(rows, kinds[organisation_id], base)
        yes = {share.code: share.yes for share in summary.filters}
        yes.update({share.code: share.satisfied for share in summary.satisfaction})
        answered = {share.code: share.answered for share in summary.filters}
        answered.update({share.code: share.answered for share in summary.satisfaction})
        DecadeSummary.objects.create(
            campaign=campaign,
            organisation_id=organisation_id,
            questionnaires=summary.counted,
            answered=answered,
            external_territorial=summary.external_territorial,
            by_channel={str(k): v for k, v in summary.by_channel.items() if v},
            by_kind={str(k): v for k, v in summary.by_kind.items() if v},
            yes=yes,
            base=base,
            source=DataSource.SURVEY,
            source_reference="Сохранено при удалении анкет по сроку хранения",
        )


def forget_cached_questionnaires(**kwargs) -> None:
    """Receiver: a question set or a window changed (connected in ``apps.py``).

    The submit path caches questionnaires per process for a few seconds; this
    process forgets them at once, the others when their entry expires.
    """
    forget_questionnaires()
