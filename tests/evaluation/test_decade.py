"""Декада survey summaries and sample adequacy (METHOD.md §4, seed 000 §3.1).

Pure Python over dictionaries, plain objects and unsaved model instances: no
database is touched.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.decade.summary import (
    QUESTIONS,
    QUESTIONS_BY_CODE,
    parse_answer,
    sample_adequacy,
    sample_threshold,
    summarise,
)
from evaluation.enums import OrganisationKind, SurveyChannel, SurveyKind
from evaluation.models import SurveyResponse
from evaluation.rating import get_method

INSTITUTION = OrganisationKind.COMPLEX_CENTRE
USZN = OrganisationKind.USZN_OFFICE


def response(channel: str = SurveyChannel.OFFICE, **fields: Any) -> dict[str, Any]:
    return {"channel": channel, "answers": {}, **fields}


# --------------------------------------------------------------------------
# Sample adequacy


@pytest.mark.parametrize(
    ("kind", "counted", "base", "share", "adequate"),
    [
        (INSTITUTION, 300, 1000, Decimal("30.00"), True),
        (INSTITUTION, 299, 1000, Decimal("29.90"), False),
        (INSTITUTION, 301, 1000, Decimal("30.10"), True),
        (OrganisationKind.RESIDENTIAL_HOME, 3, 10, Decimal("30.00"), True),
        (OrganisationKind.OTHER, 2, 10, Decimal("20.00"), False),
        (USZN, 50, 10000, Decimal("0.50"), True),
        (USZN, 49, 10000, Decimal("0.49"), False),
        # 300 questionnaires would be plenty for an office, far too few for an
        # institution of the same size.
        (USZN, 300, 10000, Decimal("3.00"), True),
        (INSTITUTION, 300, 10000, Decimal("3.00"), False),
        (INSTITUTION, 0, 100, Decimal("0.00"), False),
    ],
)
def test_adequacy_at_the_thresholds(
    kind: OrganisationKind, counted: int, base: int, share: Decimal, adequate: bool
) -> None:
    result = sample_adequacy(kind, counted, base)
    assert result.share == share
    assert str(result.share) == str(share)  # always two decimal places
    assert result.adequate is adequate
    assert ("меньше норматива" in result.note) is not adequate


def test_thresholds_per_kind() -> None:
    assert sample_threshold(USZN) == Decimal("0.5")
    for kind in OrganisationKind:
        if kind != USZN:
            assert sample_threshold(kind) == Decimal(30), kind


def test_share_is_rounded_half_up() -> None:
    # 1 of 20 000 is exactly 0.005 %: half-up gives 0.01 (half-even would not).
    assert sample_adequacy(USZN, 1, 20000).share == Decimal("0.01")
    assert sample_adequacy(INSTITUTION, 1, 3).share == Decimal("33.33")
    assert sample_adequacy(INSTITUTION, 2, 3).share == Decimal("66.67")


def test_a_share_rounded_up_to_the_threshold_is_still_short() -> None:
    result = sample_adequacy(INSTITUTION, 29995, 100000)  # 29.995 %
    assert result.share == Decimal("30.00")
    assert result.adequate is False
    assert "округлением" in result.note


@pytest.mark.parametrize(("base", "words"), [(None, "не указана"), (0, "равна нулю")])
def test_missing_or_zero_base_gives_no_share_and_a_note(
    base: int | None, words: str
) -> None:
    for kind, base_words in ((INSTITUTION, "получатели"), (USZN, "на учёте")):
        result = sample_adequacy(kind, 12, base)
        assert result.share is None
        assert result.adequate is None
        assert words in result.note
        assert base_words in result.note


def test_more_questionnaires_than_the_base_is_flagged() -> None:
    result = sample_adequacy(INSTITUTION, 120, 100)
    assert result.share == Decimal("120.00")
    assert result.adequate is True
    assert "проверьте базу" in result.note


def test_adequate_sample_has_no_note() -> None:
    assert sample_adequacy(INSTITUTION, 40, 100).note == ""


@pytest.mark.parametrize(
    ("counted", "base"), [(-1, 100), (10, -5), (1.5, 100), (10, True)]
)
def test_nonsense_counts_are_refused(counted: Any, base: Any) -> None:
    with pytest.raises(ValueError, match=r"отрицательным|целым числом"):
        sample_adequacy(INSTITUTION, counted, base)


def test_unknown_organisation_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="Неизвестный вид организации"):
        sample_adequacy("school", 10, 100)


@given(
    counted=st.integers(min_value=0, max_value=10**6),
    base=st.integers(min_value=1, max_value=10**7),
    uszn=st.booleans(),
)
def test_adequacy_agrees_with_exact_arithmetic(
    counted: int, base: int, uszn: bool
) -> None:
    kind = USZN if uszn else INSTITUTION
    result = sample_adequacy(kind, counted, base)
    threshold = Decimal("0.5") if uszn else Decimal(30)
    assert result.adequate is (Decimal(counted * 100) >= threshold * base)
    assert result.share is not None
    assert abs(result.share - Decimal(counted * 100) / Decimal(base)) <= Decimal(
        "0.005"
    )


# --------------------------------------------------------------------------
# Summary


def test_external_territorial_and_excluded_questionnaires_are_not_counted() -> None:
    responses = [
        response(answers={"q13": True}),
        response(answers={"q13": True}),
        response(
            SurveyChannel.STREET, external_territorial=True, answers={"q13": False}
        ),
        response(SurveyChannel.STREET, excluded=True, answers={"q13": False}),
    ]
    summary = summarise(responses, INSTITUTION, base=10)
    assert summary.received == 4
    assert summary.counted == 2
    assert summary.external_territorial == 1
    assert summary.excluded == 1
    assert summary.by_channel[SurveyChannel.STREET] == 0
    assert summary.question("q13").share == Decimal("100.00")
    # 2 of 10 counted: short of 30 %, although 3 of 10 would have reached it.
    assert summary.sample.counted == 2
    assert summary.sample.share == Decimal("20.00")
    assert summary.sample.adequate is False
    assert any("Внешне-территориальных анкет: 1" in note for note in summary.notes)


def test_counts_by_channel_and_kind_list_every_choice_in_order() -> None:
    responses = [
        response(SurveyChannel.MFC),
        response(SurveyChannel.MFC, kind=SurveyKind.INTERVIEW),
        response(SurveyChannel.ONLINE_FORM),
        response(SurveyChannel.OFFICE, kind=SurveyKind.INTERVIEW),
    ]
    summary = summarise(responses, INSTITUTION, base=None)
    assert list(summary.by_channel) == list(SurveyChannel)
    assert summary.by_channel == {
        **dict.fromkeys(SurveyChannel, 0),
        SurveyChannel.MFC: 2,
        SurveyChannel.ONLINE_FORM: 1,
        SurveyChannel.OFFICE: 1,
    }
    assert list(summary.by_kind.items()) == [
        (SurveyKind.QUESTIONNAIRE, 2),
        (SurveyKind.INTERVIEW, 2),
    ]


def test_zero_base_summary_keeps_the_counts_and_explains_the_share() -> None:
    summary = summarise([response(), response()], USZN, base=0)
    assert summary.counted == 2
    assert summary.sample.share is None
    assert summary.sample.adequate is None
    assert "равна нулю" in summary.sample.note


def test_satisfaction_share_is_among_those_who_answered() -> None:
    responses = [
        response(answers={"q5": True, "q13": True}),
        response(answers={"q5": "да", "q13": "нет"}),
        response(answers={"q5": "Нет", "q13": None}),
        response(answers={"q5": "", "q13": True}),
    ]
    summary = summarise(responses, INSTITUTION, base=None)
    q5, q13 = summary.question("q5"), summary.question("q13")
    assert (q5.answered, q5.satisfied, q5.share) == (3, 2, Decimal("66.67"))
    assert (q13.answered, q13.satisfied, q13.share) == (3, 2, Decimal("66.67"))
    assert q5.note == ""


def test_dependent_question_counts_only_after_a_yes_to_its_filter() -> None:
    responses = [
        response(answers={"q1": True, "q2": True}),
        response(answers={"q1": True, "q2": False}),
        response(answers={"q1": False, "q2": True}),  # should have skipped Q2
        response(answers={"q2": True}),  # Q1 unanswered: Q2 was not asked
        response(answers={"q1": False}),
    ]
    summary = summarise(responses, INSTITUTION, base=None)
    q2 = summary.question("q2")
    assert (q2.answered, q2.satisfied, q2.ignored) == (2, 1, 2)
    assert q2.share == Decimal("50.00")
    assert "не учтено ответов — 2" in q2.note
    stands = next(item for item in summary.filters if item.code == "q1")
    assert (stands.answered, stands.yes, stands.share) == (4, 2, Decimal("50.00"))


def test_question_nobody_answered_has_no_share_and_a_note() -> None:
    responses = [response(answers={"q7": False, "q9": True})]
    summary = summarise(responses, INSTITUTION, base=None)
    q8 = summary.question("q8")
    assert q8.answered == 0
    assert q8.share is None
    assert "нет данных" in q8.note
    assert "вопрос 7" in q8.note
    q14 = summary.question("q14")
    assert q14.share is None
    assert "ответов нет" in q14.note
    assert summary.question("q9").share == Decimal("100.00")


def test_filter_questions_are_not_satisfaction_questions() -> None:
    summary = summarise([], INSTITUTION, base=None)
    assert [item.code for item in summary.satisfaction] == [
        "q2", "q4", "q5", "q6", "q8", "q9", "q10", "q12", "q13", "q14", "q15",
    ]  # fmt: skip
    assert [item.code for item in summary.filters] == ["q1", "q3", "q7", "q11"]
    with pytest.raises(KeyError):
        summary.question("q1")


def test_questionnaire_skips_match_the_rating_method() -> None:
    method = get_method("344n-social")
    bases = {
        part.question: part.base for parts in method.surveys.values() for part in parts
    }
    for question in QUESTIONS:
        if question.is_filter:
            assert question.code in bases.values(), question.code
        else:
            assert bases[question.code] == question.asked_if, question.code
    assert len(QUESTIONS) == 15


def test_suggestions_are_cleaned_and_deduplicated_in_order() -> None:
    responses = [
        response(suggestion="  Сделайте пандус у второго входа. "),
        response(suggestion=""),
        response(suggestion="Спасибо   социальному\nработнику!"),
        response(suggestion="сделайте ПАНДУС у второго входа."),
        response(suggestion="—"),
        response(suggestion=None),
        response(suggestion="Нужен приём по субботам", external_territorial=True),
        response(suggestion="Спасибо социальному работнику!"),
    ]
    summary = summarise(responses, INSTITUTION, base=None)
    assert summary.suggestions == (
        "Сделайте пандус у второго входа.",
        "Спасибо социальному работнику!",
    )


def test_plain_objects_and_model_instances_are_summarised_alike() -> None:
    fields = {
        "channel": SurveyChannel.POST_OFFICE,
        "kind": SurveyKind.INTERVIEW,
        "answers": {"q13": True, "q15": False},
        "suggestion": "Больше мест в зоне ожидания",
    }
    as_object = SimpleNamespace(external_territorial=False, excluded=False, **fields)
    as_model = SurveyResponse(collected_on=date(2024, 4, 10), **fields)
    expected = summarise([fields], USZN, base=200)
    for item in (as_object, as_model):
        assert summarise([item], USZN, base=200) == expected
    assert expected.by_channel[SurveyChannel.POST_OFFICE] == 1
    assert expected.by_kind[SurveyKind.INTERVIEW] == 1
    assert expected.question("q15").share == Decimal("0.00")
    assert expected.sample.share == Decimal("0.50")
    assert expected.sample.adequate is True


def test_unknown_channel_is_refused_in_russian() -> None:
    with pytest.raises(ValueError, match=r"канал.*«pigeon»"):
        summarise([response("pigeon")], INSTITUTION, base=None)


def test_unknown_answer_is_refused_naming_the_question() -> None:
    with pytest.raises(ValueError, match=r"вопрос 5.*«может быть»"):
        summarise([response(answers={"q5": "может быть"})], INSTITUTION, base=None)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (" Да ", True),
        ("НЕТ", False),
        ("yes", True),
        (None, None),
        ("", None),
        ("пропуск", None),
    ],
)
def test_answer_spellings(value: object, parsed: bool | None) -> None:
    assert parse_answer(value, "q1") is parsed


@pytest.mark.parametrize("value", [2, "возможно", 0.5, ["да"]])
def test_unreadable_answers_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="вопрос 3"):
        parse_answer(value, "q3")


def test_every_question_label_is_russian_and_codes_are_q1_to_q15() -> None:
    assert list(QUESTIONS_BY_CODE) == [f"q{number}" for number in range(1, 16)]
    for question in QUESTIONS:
        assert any("а" <= char <= "я" for char in question.label.lower())
