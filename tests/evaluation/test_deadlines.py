"""Working-day deadlines of the Декада (METHOD.md §4, seed 000 §3.2–3.9).

Pure Python: no database is touched.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.deadlines import (
    CALENDAR,
    DECADE_RULES,
    RULES_BY_CODE,
    DeadlineRule,
    SubmissionState,
    WorkingCalendar,
    decade_deadlines,
    submission_state,
)

RUSSIAN = re.compile("[А-Яа-яЁё]")
DECADE_2024_END = date(2024, 4, 19)


# --------------------------------------------------------------------------
# Calendar


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (10, date(2024, 5, 7)),
        (15, date(2024, 5, 16)),
        (20, date(2024, 5, 23)),
        (25, date(2024, 5, 30)),
    ],
)
def test_method_examples_after_the_2024_decade(n: int, expected: date) -> None:
    assert CALENDAR.add_working_days(DECADE_2024_END, n) == expected


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2024, 4, 27), True),  # Saturday made a working day
        (date(2024, 11, 2), True),  # Saturday made a working day
        (date(2024, 12, 28), True),  # Saturday made a working day
        (date(2024, 4, 20), False),  # an ordinary Saturday
        (date(2024, 4, 21), False),  # an ordinary Sunday
        (date(2024, 4, 29), False),  # Monday, day off moved from 27 April
        (date(2024, 4, 30), False),  # Tuesday, day off moved from 2 November
        (date(2024, 5, 1), False),  # Праздник Весны и Труда
        (date(2024, 5, 2), True),
        (date(2024, 5, 8), True),
        (date(2024, 5, 9), False),  # День Победы
        (date(2024, 5, 10), False),  # Friday, day off moved from 6 January
        (date(2024, 6, 12), False),  # День России
        (date(2024, 12, 30), False),  # Monday, day off moved from 28 December
        (date(2024, 12, 31), False),
        (date(2025, 1, 8), False),
        (date(2025, 1, 9), True),
        (date(2024, 4, 17), True),  # an ordinary Wednesday
    ],
)
def test_production_calendar_of_2024(day: date, working: bool) -> None:
    assert CALENDAR.is_working_day(day) is working


def test_working_saturday_counts_and_the_may_days_off_do_not() -> None:
    friday = date(2024, 4, 26)
    assert CALENDAR.add_working_days(friday, 1) == date(2024, 4, 27)
    # 28 April is Sunday; 29 April – 1 May are days off.
    assert CALENDAR.add_working_days(friday, 2) == date(2024, 5, 2)


def test_counting_starts_strictly_after_a_working_start_day() -> None:
    wednesday = date(2024, 4, 17)
    assert CALENDAR.add_working_days(wednesday, 1) == date(2024, 4, 18)


def test_counting_from_a_day_off_starts_at_the_next_working_day() -> None:
    assert CALENDAR.add_working_days(date(2024, 5, 1), 1) == date(2024, 5, 2)
    assert CALENDAR.add_working_days(date(2024, 5, 9), 1) == date(2024, 5, 13)


def test_zero_working_days_is_the_start_itself() -> None:
    sunday = date(2024, 4, 21)
    assert CALENDAR.add_working_days(sunday, 0) == sunday


def test_counting_crosses_the_new_year_holidays() -> None:
    # 28 December 2024 is a working Saturday; 29 December – 8 January are off.
    assert CALENDAR.add_working_days(date(2024, 12, 27), 2) == date(2025, 1, 9)


@pytest.mark.parametrize("n", [-1, -10])
def test_negative_working_days_are_refused_in_russian(n: int) -> None:
    with pytest.raises(ValueError, match="отрицательным") as error:
        CALENDAR.add_working_days(DECADE_2024_END, n)
    assert str(n) in str(error.value)


@pytest.mark.parametrize("n", [1.5, True, "10"])
def test_non_integer_working_days_are_refused(n: object) -> None:
    with pytest.raises(ValueError, match="целым числом"):
        CALENDAR.add_working_days(DECADE_2024_END, n)  # type: ignore[arg-type]


def test_working_days_between_counts_the_half_open_interval() -> None:
    assert CALENDAR.working_days_between(DECADE_2024_END, date(2024, 5, 7)) == 10
    assert CALENDAR.working_days_between(date(2024, 5, 7), DECADE_2024_END) == -10
    assert CALENDAR.working_days_between(date(2024, 5, 7), date(2024, 5, 7)) == 0
    # From a working Friday to the following Monday: only Monday counts.
    assert CALENDAR.working_days_between(date(2024, 4, 19), date(2024, 4, 22)) == 1
    # The whole May break 29 April – 1 May plus the weekend: nothing counts.
    assert CALENDAR.working_days_between(date(2024, 4, 27), date(2024, 5, 1)) == 0


def test_preloading_years_changes_nothing() -> None:
    preloaded = WorkingCalendar(years=[2024, 2025])
    days = [DECADE_2024_END + timedelta(days=offset) for offset in range(400)]
    assert [preloaded.is_working_day(day) for day in days] == [
        CALENDAR.is_working_day(day) for day in days
    ]


DATES = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))


@given(start=DATES, n=st.integers(min_value=1, max_value=80))
def test_the_nth_working_day_is_a_working_day_n_days_away(start: date, n: int) -> None:
    due = CALENDAR.add_working_days(start, n)
    assert CALENDAR.is_working_day(due)
    assert due > start
    assert CALENDAR.working_days_between(start, due) == n
    assert CALENDAR.working_days_between(due, start) == -n


@given(
    start=DATES,
    m=st.integers(min_value=0, max_value=40),
    k=st.integers(min_value=1, max_value=40),
)
def test_adding_working_days_is_monotonic_and_composes(
    start: date, m: int, k: int
) -> None:
    first = CALENDAR.add_working_days(start, m)
    assert CALENDAR.add_working_days(start, m + k) > first
    assert CALENDAR.add_working_days(first, k) == CALENDAR.add_working_days(
        start, m + k
    )


# --------------------------------------------------------------------------
# Rules


def test_deadlines_of_the_2024_decade() -> None:
    due = {d.code: d.due for d in decade_deadlines(DECADE_2024_END)}
    assert due == {
        "institution_documents": date(2024, 5, 7),  # §3.2.3: +10
        "uszn_summary": date(2024, 5, 23),  # §3.3: +20
        "uszn_plan": date(2024, 5, 30),  # §3.3: +25
        "rmc_review": date(2024, 5, 30),  # §3.4: +15 from the +10 documents
        "sector_summary": date(2024, 6, 14),  # §3.4: +15 from УСЗН's summary
        "publication_materials": date(2024, 6, 28),  # §3.5: +10 more
        "fulfilment_reports": date(2025, 2, 1),  # §3.8
        "sector_report": date(2025, 3, 1),  # §3.9
    }


def test_deadlines_are_listed_in_rule_order_with_russian_labels() -> None:
    deadlines = decade_deadlines(DECADE_2024_END)
    assert [d.code for d in deadlines] == [rule.code for rule in DECADE_RULES]
    for deadline in deadlines:
        assert RUSSIAN.search(deadline.label), deadline.code
        assert RUSSIAN.search(deadline.who), deadline.code
        assert deadline.clause.startswith("п. 3."), deadline.code


def test_a_december_decade_runs_into_the_next_year() -> None:
    due = {d.code: d.due for d in decade_deadlines(date(2024, 12, 20))}
    # 23–28 December are six working days (Saturday 28th included), then 9,
    # 10, 13 and 14 January 2025.
    assert due["institution_documents"] == date(2025, 1, 14)
    assert due["fulfilment_reports"] == date(2025, 2, 1)


def test_every_rule_code_used_by_the_submission_service_exists() -> None:
    from evaluation.obligations.owed import INSTITUTION_SUBMISSIONS, USZN_SUBMISSIONS

    used = {rule for _, rule in (*INSTITUTION_SUBMISSIONS, *USZN_SUBMISSIONS)}
    assert used <= set(RULES_BY_CODE)


def test_rule_counted_from_actual_receipt() -> None:
    review = RULES_BY_CODE["rmc_review"]
    # Documents received on Thursday 2 May: 15 working days are 3, 6–8 and
    # 13–17 May (9 and 10 May are off), 20–24 and 27 May.
    assert review.due_after(date(2024, 5, 2)) == date(2024, 5, 27)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"working_days": 10, "month": 2, "day": 1},
        {"month": 2},
        {"month": 2, "day": 30},
        {"month": 13, "day": 1},
        {"month": 2, "day": 1, "after": "institution_documents"},
        {"working_days": -1},
    ],
)
def test_impossible_rules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=RUSSIAN):
        DeadlineRule("x", "Срок", "Кто", "п. 0", **kwargs)  # type: ignore[arg-type]


def test_fixed_rule_cannot_be_counted_in_working_days() -> None:
    with pytest.raises(ValueError, match="фиксированная дата"):
        RULES_BY_CODE["sector_report"].due_after(DECADE_2024_END)


def test_rule_counted_from_an_unlisted_rule_is_refused() -> None:
    orphan = DeadlineRule("x", "Срок", "Кто", "п. 0", working_days=5, after="nope")
    with pytest.raises(ValueError, match="«nope»"):
        decade_deadlines(DECADE_2024_END, rules=[orphan])


def test_duplicate_rule_codes_are_refused() -> None:
    rule = DECADE_RULES[0]
    with pytest.raises(ValueError, match="дважды"):
        decade_deadlines(DECADE_2024_END, rules=[rule, rule])


# --------------------------------------------------------------------------
# Submission state

DUE = date(2024, 5, 7)  # Tuesday; the +10 deadline of the 2024 decade


@pytest.mark.parametrize(
    ("received_on", "today", "state"),
    [
        (date(2024, 4, 25), date(2024, 4, 25), SubmissionState.ON_TIME),
        (DUE, date(2024, 6, 1), SubmissionState.ON_TIME),
        (date(2024, 5, 8), date(2024, 5, 8), SubmissionState.LATE),
        (date(2024, 5, 8), date(2024, 6, 1), SubmissionState.LATE),
        (None, date(2024, 5, 8), SubmissionState.OVERDUE),
        (None, DUE, SubmissionState.DUE_SOON),  # the deadline day is in time
        # 3, 6 and 7 May are the three working days left: due soon.
        (None, date(2024, 5, 2), SubmissionState.DUE_SOON),
        # From the 1 May holiday four working days are left: pending.
        (None, date(2024, 5, 1), SubmissionState.PENDING),
        (None, date(2024, 4, 22), SubmissionState.PENDING),
    ],
)
def test_submission_state_at_the_boundaries(
    received_on: date | None, today: date, state: SubmissionState
) -> None:
    assert submission_state(DUE, received_on, today) is state


def test_due_soon_counts_working_days_not_calendar_days() -> None:
    today = date(2024, 5, 3)  # Friday
    assert submission_state(date(2024, 5, 8), None, today) is SubmissionState.DUE_SOON
    # 13 May is only six calendar days later but the fourth working day.
    assert submission_state(date(2024, 5, 13), None, today) is SubmissionState.PENDING


def test_soon_days_is_configurable() -> None:
    assert submission_state(DUE, None, date(2024, 5, 6), soon_days=0) is (
        SubmissionState.PENDING
    )
    assert submission_state(DUE, None, DUE, soon_days=0) is SubmissionState.DUE_SOON
    assert submission_state(DUE, None, date(2024, 5, 1), soon_days=4) is (
        SubmissionState.DUE_SOON
    )


def test_negative_soon_days_is_refused() -> None:
    with pytest.raises(ValueError, match="отрицательным"):
        submission_state(DUE, None, DUE, soon_days=-1)


def test_states_have_the_russian_labels() -> None:
    assert dict(SubmissionState.choices()) == {
        "on_time": "В срок",
        "late": "С опозданием",
        "overdue": "Не представлено (просрочено)",
        "due_soon": "Срок истекает",
        "pending": "Ожидается",
    }
    assert SubmissionState.LATE.label == "С опозданием"
    assert SubmissionState("overdue") is SubmissionState.OVERDUE
