"""Summary of a Декада качества survey (METHOD.md §1 questionnaire, §4; seed 000 §3.1).

Pure functions over plain data: ``responses`` are any objects or mappings with
the fields of :class:`evaluation.models.SurveyResponse` (``channel``, ``kind``,
``external_territorial``, ``excluded``, ``answers``, ``suggestion``), so a
queryset (``.iterator()`` for big ones), ``.values()`` rows and test
dictionaries all work without the database.

``answers`` maps ``"q1"`` … ``"q15"`` to ``True``/``False`` (or "да"/"нет",
1/0) and ``None``, an empty string or a missing key for a skipped question.

What is counted:

* questionnaires marked ``excluded`` by staff are left out entirely;
* external-territorial questionnaires (taken outside the organisation, seed 000
  §3.1) are left out of the sample and of every figure of the summary, and
  their number is reported;
* everything else is *counted*: by channel, by kind, per question and for the
  sample share.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

from evaluation.enums import OrganisationKind, SurveyChannel, SurveyKind
from evaluation.formatting import format_percent

_Choice = TypeVar("_Choice", SurveyChannel, SurveyKind)

# --------------------------------------------------------------------------
# The questionnaire


@dataclass(frozen=True)
class Question:
    """One yes/no question of the questionnaire (the 675н model, METHOD.md §1).

    Attributes:
        code: Key in ``SurveyResponse.answers`` (``"q2"``).
        label: Short Russian wording for tables.
        satisfied_answer: The answer that means "satisfied"; ``None`` for a
            filter question (used the stands, has a disability group…), whose
            "yes" is a fact, not an opinion.
        asked_if: The filter question that must be answered "yes" for this
            one to be asked (Q1 "no" → skip to Q3); ``None`` when everyone is
            asked.
    """

    code: str
    label: str
    satisfied_answer: bool | None
    asked_if: str | None = None

    @property
    def number(self) -> int:
        """The question's number (2 for ``"q2"``)."""
        return int(self.code[1:])

    @property
    def is_filter(self) -> bool:
        """True for a filter question, which measures use, not satisfaction."""
        return self.satisfied_answer is None


# Every question of the model questionnaire is worded so that "да" is the
# favourable answer, so "satisfied" means "yes" for all eleven opinion
# questions; the four filter questions only route respondents. The dependent
# pairs match the rating method's survey bases (q2/q1, q4/q3, q8/q7, q12/q11).
QUESTIONS: tuple[Question, ...] = (
    Question("q1", "Пользовались информацией на стендах в организации", None),
    Question(
        "q2",
        "Удовлетворены открытостью и полнотой информации на стендах",
        True,
        asked_if="q1",
    ),
    Question("q3", "Пользовались официальным сайтом организации", None),
    Question(
        "q4",
        "Удовлетворены открытостью и полнотой информации на сайте",
        True,
        asked_if="q3",
    ),
    Question("q5", "Услуга предоставлена своевременно", True),
    Question("q6", "Удовлетворены комфортностью условий предоставления услуг", True),
    Question("q7", "Имеют установленную группу инвалидности", None),
    Question(
        "q8",
        "Удовлетворены доступностью услуг для инвалидов",
        True,
        asked_if="q7",
    ),
    Question(
        "q9",
        "Удовлетворены вежливостью работников при первичном контакте",
        True,
    ),
    Question(
        "q10",
        "Удовлетворены вежливостью работников, оказывающих услугу",
        True,
    ),
    Question("q11", "Пользовались дистанционными способами взаимодействия", None),
    Question(
        "q12",
        "Удовлетворены вежливостью работников при дистанционном взаимодействии",
        True,
        asked_if="q11",
    ),
    Question("q13", "Готовы рекомендовать организацию родственникам и знакомым", True),
    Question(
        "q14",
        "Удовлетворены организационными условиями предоставления услуг",
        True,
    ),
    Question("q15", "Удовлетворены условиями оказания услуг в целом", True),
)
QUESTIONS_BY_CODE: Mapping[str, Question] = MappingProxyType(
    {question.code: question for question in QUESTIONS}
)

_YES = frozenset({"да", "д", "yes", "y", "true", "1"})
_NO = frozenset({"нет", "н", "no", "n", "false", "0"})
_SKIPPED = frozenset({"", "-", "—", "пропуск", "нет ответа", "skip", "none", "null"})


def parse_answer(value: object, question: str = "") -> bool | None:
    """Normalise one stored answer: ``True`` (да), ``False`` (нет) or ``None``.

    Accepts booleans, 1/0 and the words "да"/"нет" (any case, Russian or
    English); ``None``, an empty string or "пропуск" mean a skipped question.

    Raises:
        ValueError: the value is none of these; the message names the question.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
        if word in _SKIPPED:
            return None
    where = f"вопрос {question[1:]}: " if question.startswith("q") else ""
    raise ValueError(
        f"Анкета, {where}непонятный ответ «{value}»: ожидается «да», «нет» или пропуск."
    )


# --------------------------------------------------------------------------
# Sample adequacy

#: Minimum sample share, percent (seed 000 §3.1).
INSTITUTION_THRESHOLD = Decimal("30")
USZN_THRESHOLD = Decimal("0.5")

_INSTITUTION_BASE = "получатели услуг на момент опроса"
_USZN_BASE = "граждане, состоящие на учёте на начало года"


@dataclass(frozen=True)
class SampleAdequacy:
    """Whether enough questionnaires were counted (seed 000 §3.1).

    Attributes:
        organisation_kind: The organisation's kind.
        counted: Questionnaires counted (external-territorial ones excluded).
        base: People the share is taken of; ``None`` when unknown.
        share: ``counted / base`` in percent, rounded half-up to 2 places;
            ``None`` when the base is unknown or zero.
        threshold: The minimum share in percent: 0.5 for УСЗН territorial
            offices, 30 for institutions.
        adequate: ``share ≥ threshold`` compared on exact values (a share
            rounded up to the threshold is still short); ``None`` when the
            share cannot be computed.
        base_label: Russian name of the base.
        note: Russian explanation when the share is missing, short of the
            threshold or suspicious; empty when all is well.
    """

    organisation_kind: OrganisationKind
    counted: int
    base: int | None
    share: Decimal | None
    threshold: Decimal
    adequate: bool | None
    base_label: str
    note: str


def sample_threshold(organisation_kind: str) -> Decimal:
    """The minimum sample share in percent for a kind of organisation.

    Raises:
        ValueError: the kind is unknown.
    """
    kind = _organisation_kind(organisation_kind)
    return (
        USZN_THRESHOLD
        if kind == OrganisationKind.USZN_OFFICE
        else INSTITUTION_THRESHOLD
    )


def sample_adequacy(
    organisation_kind: str, counted: int, base: int | None
) -> SampleAdequacy:
    """Check the sample share of one organisation against its threshold.

    The base is the number of people receiving services at the time of the
    survey for institutions, and the number registered at the start of the
    year for УСЗН territorial offices. A missing or zero base gives
    ``share=None``, ``adequate=None`` and a note — never a silent 0 %.

    Raises:
        ValueError: the kind is unknown, or a count is negative or not an
            integer.
    """
    kind = _organisation_kind(organisation_kind)
    _check_count(counted, "Число учтённых анкет")
    if base is not None:
        _check_count(base, "База выборки")
    is_uszn = kind == OrganisationKind.USZN_OFFICE
    threshold = USZN_THRESHOLD if is_uszn else INSTITUTION_THRESHOLD
    base_label = _USZN_BASE if is_uszn else _INSTITUTION_BASE

    def result(
        share: Decimal | None, adequate: bool | None, note: str
    ) -> SampleAdequacy:
        return SampleAdequacy(
            kind, counted, base, share, threshold, adequate, base_label, note
        )

    if base is None or base == 0:
        state = "не указана" if base is None else "равна нулю"
        return result(
            None,
            None,
            f"База выборки ({base_label}) {state}: доля выборки не рассчитана, "
            "соответствие нормативу не определено.",
        )
    exact = Fraction(counted * 100, base)
    share = _round_percent(exact)
    adequate = exact >= Fraction(threshold)
    if counted > base:
        note = (
            f"Учтённых анкет ({counted}) больше, чем {base_label} ({base}): "
            "проверьте базу выборки."
        )
    elif not adequate and share >= threshold:
        note = (
            f"Выборка {_percent_text(share)} получена округлением: точное "
            f"значение меньше норматива {_percent_text(threshold)}."
        )
    elif not adequate:
        note = (
            f"Выборка {_percent_text(share)} меньше норматива "
            f"{_percent_text(threshold)}."
        )
    else:
        note = ""
    return result(share, adequate, note)


# --------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class QuestionShare:
    """Satisfaction with one opinion question among those who answered it.

    Attributes:
        code: ``"q2"`` … ``"q15"``.
        label: Russian wording.
        answered: Valid answers (for a dependent question, only from those
            who answered its filter question "yes").
        satisfied: Answers equal to the question's satisfied answer.
        share: ``satisfied / answered`` in percent, rounded half-up to 2
            places; ``None`` when nobody answered.
        ignored: Answers given although the skip rule says the question was
            not asked (filter not answered "yes"); not counted.
        note: Russian explanation when ``share`` is ``None`` or answers were
            ignored; empty otherwise.
    """

    code: str
    label: str
    answered: int
    satisfied: int
    share: Decimal | None
    ignored: int
    note: str


@dataclass(frozen=True)
class FilterShare:
    """Answers to a filter question (used the site, has a disability group…).

    ``share`` is the percent of "yes" among those who answered, ``None`` when
    nobody did; it measures use, not satisfaction.
    """

    code: str
    label: str
    answered: int
    yes: int
    share: Decimal | None


@dataclass(frozen=True)
class DecadeSummary:
    """One organisation's Декада results, ready for the summary form (annex 2).

    Attributes:
        received: Every questionnaire given to :func:`summarise`.
        excluded: Questionnaires excluded by staff (``excluded=True``).
        external_territorial: External-territorial questionnaires, not
            counted (seed 000 §3.1).
        counted: The rest: ``received - excluded - external_territorial``.
        by_channel: Counted questionnaires per channel, every
            :class:`SurveyChannel` in enum order, zeros included.
        by_kind: Counted questionnaires per :class:`SurveyKind`, likewise.
        satisfaction: One :class:`QuestionShare` per opinion question, in
            questionnaire order.
        filters: One :class:`FilterShare` per filter question.
        suggestions: Q16 texts of counted questionnaires for the explanatory
            note: whitespace collapsed, empty ones dropped, repeats (ignoring
            case) dropped, first-seen order kept.
        sample: The sample share check.
        notes: Russian remarks on what was left out.
    """

    received: int
    excluded: int
    external_territorial: int
    counted: int
    by_channel: Mapping[SurveyChannel, int]
    by_kind: Mapping[SurveyKind, int]
    satisfaction: tuple[QuestionShare, ...]
    filters: tuple[FilterShare, ...]
    suggestions: tuple[str, ...]
    sample: SampleAdequacy
    notes: tuple[str, ...]

    def question(self, code: str) -> QuestionShare:
        """The satisfaction share of one question (``"q13"``).

        Raises:
            KeyError: ``code`` is not an opinion question.
        """
        for item in self.satisfaction:
            if item.code == code:
                return item
        raise KeyError(code)


def summarise(
    responses: Iterable[Any], organisation_kind: str, base: int | None
) -> DecadeSummary:
    """Summarise one organisation's Декада questionnaires.

    Args:
        responses: Objects or mappings with the fields of ``SurveyResponse``.
            ``channel`` is required; ``kind`` defaults to a questionnaire,
            ``external_territorial`` and ``excluded`` to ``False``.
        organisation_kind: The organisation's :class:`OrganisationKind`.
        base: The sample base (``recipients_count`` for institutions,
            ``registered_count`` for УСЗН offices); ``None`` when unknown.

    Raises:
        ValueError: a questionnaire has an unknown channel, kind or answer, or
            the kind or base is invalid; the message says which.
    """
    kind = _organisation_kind(organisation_kind)
    by_channel = dict.fromkeys(SurveyChannel, 0)
    by_kind = dict.fromkeys(SurveyKind, 0)
    answered = dict.fromkeys(QUESTIONS_BY_CODE, 0)
    favourable = dict.fromkeys(QUESTIONS_BY_CODE, 0)
    ignored = dict.fromkeys(QUESTIONS_BY_CODE, 0)
    suggestions: dict[str, str] = {}
    received = excluded = external = 0

    for response in responses:
        received += 1
        if _field(response, "excluded", False):
            excluded += 1
            continue
        if _field(response, "external_territorial", False):
            external += 1
            continue
        by_channel[
            _choice(SurveyChannel, _field(response, "channel", None), "канал")
        ] += 1
        survey_kind = _field(response, "kind", None) or SurveyKind.QUESTIONNAIRE
        by_kind[_choice(SurveyKind, survey_kind, "форма опроса")] += 1
        answers = _answers(_field(response, "answers", None))
        for question in QUESTIONS:
            answer = answers.get(question.code)
            if answer is None:
                continue
            if (
                question.asked_if is not None
                and answers.get(question.asked_if) is not True
            ):
                ignored[question.code] += 1
                continue
            answered[question.code] += 1
            wanted = True if question.is_filter else question.satisfied_answer
            favourable[question.code] += answer is wanted
        text = _clean_text(_field(response, "suggestion", ""))
        if text:
            suggestions.setdefault(text.casefold(), text)

    counted = received - excluded - external
    notes = [_external_note(external)] if external else []
    if excluded:
        notes.append(f"Исключено анкет: {excluded}; в итогах не учтены.")
    return DecadeSummary(
        received=received,
        excluded=excluded,
        external_territorial=external,
        counted=counted,
        by_channel=MappingProxyType(by_channel),
        by_kind=MappingProxyType(by_kind),
        satisfaction=_satisfaction(answered, favourable, ignored),
        filters=_filters(answered, favourable),
        suggestions=tuple(suggestions.values()),
        sample=sample_adequacy(kind, counted, base),
        notes=tuple(notes),
    )


def from_aggregate(
    *,
    questionnaires: int,
    external_territorial: int,
    by_channel: Mapping[str, int],
    by_kind: Mapping[str, int],
    yes: Mapping[str, int],
    answered: Mapping[str, int],
    organisation_kind: str,
    base: int | None,
    note: str,
) -> DecadeSummary:
    """A summary from stored aggregates instead of questionnaires.

    Used where an institution sent only its summary (annex 2) and where the
    questionnaires were deleted after their retention period (the aggregate
    was kept). ``yes`` holds the "yes" answers per question. ``answered``
    holds the valid answers per question when they were kept; where a count
    is missing (an institution's summary has none), a question's base is the
    method's: the "yes" answers to its filter question for a dependent
    question, every counted questionnaire otherwise. Unknown channels, kinds
    and question codes are ignored. Suggestions are not part of an aggregate.

    Raises:
        ValueError: a count is negative or not an integer, or the kind is
            unknown.
    """
    kind = _organisation_kind(organisation_kind)
    _check_count(questionnaires, "Число учтённых анкет")
    _check_count(external_territorial, "Число экстерриториальных анкет")
    channels = dict.fromkeys(SurveyChannel, 0)
    for channel in SurveyChannel:
        channels[channel] = _aggregate_count(by_channel, channel.value)
    kinds = dict.fromkeys(SurveyKind, 0)
    for survey_kind in SurveyKind:
        kinds[survey_kind] = _aggregate_count(by_kind, survey_kind.value)
    yes_counts = {code: _aggregate_count(yes, code) for code in QUESTIONS_BY_CODE}
    bases: dict[str, int] = {}
    for question in QUESTIONS:
        if question.code in answered:
            bases[question.code] = _aggregate_count(answered, question.code)
        elif question.asked_if is not None:
            bases[question.code] = yes_counts[question.asked_if]
        else:
            bases[question.code] = questionnaires
    nobody = dict.fromkeys(QUESTIONS_BY_CODE, 0)
    notes = [note] if note else []
    if external_territorial:
        notes.append(_external_note(external_territorial))
    return DecadeSummary(
        received=questionnaires + external_territorial,
        excluded=0,
        external_territorial=external_territorial,
        counted=questionnaires,
        by_channel=MappingProxyType(channels),
        by_kind=MappingProxyType(kinds),
        satisfaction=_satisfaction(bases, yes_counts, nobody),
        filters=_filters(bases, yes_counts),
        suggestions=(),
        sample=sample_adequacy(kind, questionnaires, base),
        notes=tuple(notes),
    )


def _satisfaction(
    answered: Mapping[str, int],
    favourable: Mapping[str, int],
    ignored: Mapping[str, int],
) -> tuple[QuestionShare, ...]:
    return tuple(
        _question_share(question, answered, favourable, ignored)
        for question in QUESTIONS
        if not question.is_filter
    )


def _filters(
    answered: Mapping[str, int], yes: Mapping[str, int]
) -> tuple[FilterShare, ...]:
    return tuple(
        FilterShare(
            question.code,
            question.label,
            answered[question.code],
            yes[question.code],
            _share(yes[question.code], answered[question.code]),
        )
        for question in QUESTIONS
        if question.is_filter
    )


def _external_note(count: int) -> str:
    return f"Внешне-территориальных анкет: {count}; в выборку и итоги не включены."


def _aggregate_count(mapping: Mapping[str, int], key: str) -> int:
    value = mapping.get(key, 0) if isinstance(mapping, Mapping) else 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return 0
    return value


# --------------------------------------------------------------------------
# Helpers


def _question_share(
    question: Question,
    answered: Mapping[str, int],
    favourable: Mapping[str, int],
    ignored: Mapping[str, int],
) -> QuestionShare:
    code = question.code
    filter_number = question.asked_if[1:] if question.asked_if else ""
    notes = []
    if not answered[code]:
        reason = (
            f"никто не ответил «да» на вопрос {filter_number}"
            if question.asked_if and not favourable[question.asked_if]
            else "ответов нет"
        )
        notes.append(
            f"Вопрос {question.number}: нет данных ({reason}), доля не рассчитана."
        )
    if ignored[code]:
        notes.append(
            f"Вопрос {question.number}: не учтено ответов — {ignored[code]}, "
            f"так как на вопрос {filter_number} не был дан ответ «да» "
            "и этот вопрос не задавался."
        )
    return QuestionShare(
        code=code,
        label=question.label,
        answered=answered[code],
        satisfied=favourable[code],
        share=_share(favourable[code], answered[code]),
        ignored=ignored[code],
        note=" ".join(notes),
    )


def _field(item: Any, name: str, default: Any) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _answers(value: object) -> dict[str, bool | None]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(
            f"Анкета: ответы должны быть словарём q1…q15, получено: {value!r}."
        )
    return {code: parse_answer(value.get(code), code) for code in QUESTIONS_BY_CODE}


def _choice(enum_class: type[_Choice], value: object, what: str) -> _Choice:
    try:
        return enum_class(value)
    except ValueError:
        allowed = ", ".join(enum_class.values)
        raise ValueError(
            f"Анкета: неизвестное значение поля «{what}» — «{value}»; "
            f"допустимы: {allowed}."
        ) from None


def _organisation_kind(value: str) -> OrganisationKind:
    try:
        return OrganisationKind(value)
    except ValueError:
        raise ValueError(f"Неизвестный вид организации: «{value}».") from None


def _check_count(value: object, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} должно быть целым числом, получено: {value!r}.")
    if value < 0:
        raise ValueError(f"{what} не может быть отрицательным: {value}.")


def _round_percent(value: Fraction) -> Decimal:
    """Round an exact percentage half-up to 2 places (METHOD.md §2 rounding)."""
    hundredths = value * 100
    rounded = (2 * hundredths.numerator + hundredths.denominator) // (
        2 * hundredths.denominator
    )
    return Decimal(rounded).scaleb(-2)


def _share(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else _round_percent(Fraction(part * 100, whole))


def _percent_text(value: Decimal) -> str:
    """Russian notation: decimal comma, no-break space before the sign."""
    return format_percent(value, None)


_SPACES = re.compile(r"\s+")


def _clean_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    text = _SPACES.sub(" ", value).strip()
    # Dashes, dots and the like are not suggestions.
    return text if any(char.isalnum() for char in text) else ""


def pooled_shares(summaries: Iterable[DecadeSummary]) -> tuple[QuestionShare, ...]:
    """Region-wide satisfaction: answers pooled over organisations, not averaged.

    Each question's share is ``Σ satisfied / Σ answered`` over the summaries,
    so a large institution weighs as many answers as it collected.
    """
    answered: dict[str, int] = {q.code: 0 for q in QUESTIONS if not q.is_filter}
    satisfied = dict.fromkeys(answered, 0)
    ignored = dict.fromkeys(answered, 0)
    for summary in summaries:
        for share in summary.satisfaction:
            answered[share.code] += share.answered
            satisfied[share.code] += share.satisfied
            ignored[share.code] += share.ignored
    return tuple(
        QuestionShare(
            code=code,
            label=QUESTIONS_BY_CODE[code].label,
            answered=answered[code],
            satisfied=satisfied[code],
            share=_share(satisfied[code], answered[code]),
            ignored=ignored[code],
            note="" if answered[code] else "нет ответов",
        )
        for code in answered
    )


# ------------------------------------------------------------ frozen summaries


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def summary_to_json(summary: DecadeSummary) -> dict[str, Any]:
    """A summary as JSON, exactly: what a published version freezes."""
    sample = summary.sample
    return {
        "received": summary.received,
        "excluded": summary.excluded,
        "external_territorial": summary.external_territorial,
        "counted": summary.counted,
        "by_channel": {str(k): v for k, v in summary.by_channel.items()},
        "by_kind": {str(k): v for k, v in summary.by_kind.items()},
        "satisfaction": [
            [
                s.code,
                s.label,
                s.answered,
                s.satisfied,
                _text(s.share),
                s.ignored,
                s.note,
            ]
            for s in summary.satisfaction
        ],
        "filters": [
            [f.code, f.label, f.answered, f.yes, _text(f.share)]
            for f in summary.filters
        ],
        "suggestions": list(summary.suggestions),
        "sample": {
            "organisation_kind": str(sample.organisation_kind),
            "counted": sample.counted,
            "base": sample.base,
            "share": _text(sample.share),
            "threshold": _text(sample.threshold),
            "adequate": sample.adequate,
            "base_label": sample.base_label,
            "note": sample.note,
        },
        "notes": list(summary.notes),
    }


def summary_from_json(data: Mapping[str, Any]) -> DecadeSummary:
    """The summary :func:`summary_to_json` froze, equal to the original."""
    sample = data["sample"]
    return DecadeSummary(
        received=data["received"],
        excluded=data["excluded"],
        external_territorial=data["external_territorial"],
        counted=data["counted"],
        by_channel=MappingProxyType(
            {SurveyChannel(k): v for k, v in data["by_channel"].items()}
        ),
        by_kind=MappingProxyType(
            {SurveyKind(k): v for k, v in data["by_kind"].items()}
        ),
        satisfaction=tuple(
            QuestionShare(
                code, label, answered, satisfied, _number(share), ignored, note
            )
            for code, label, answered, satisfied, share, ignored, note in data[
                "satisfaction"
            ]
        ),
        filters=tuple(
            FilterShare(code, label, answered, yes, _number(share))
            for code, label, answered, yes, share in data["filters"]
        ),
        suggestions=tuple(data["suggestions"]),
        sample=SampleAdequacy(
            organisation_kind=OrganisationKind(sample["organisation_kind"]),
            counted=sample["counted"],
            base=sample["base"],
            share=_number(sample["share"]),
            threshold=_number(sample["threshold"]),
            adequate=sample["adequate"],
            base_label=sample["base_label"],
            note=sample["note"],
        ),
        notes=tuple(data["notes"]),
    )
