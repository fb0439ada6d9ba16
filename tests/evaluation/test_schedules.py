"""Deadline phrases of seed 001 → schedules → due dates and states (2016–2018)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from evaluation.regional.schedules import (
    PeriodState,
    ScheduleError,
    ScheduleKind,
    parse_schedule,
    period_state,
)

Y = (2016, 2018)


@pytest.mark.parametrize(
    ("phrase", "kind", "dues"),
    [
        (
            "2 раза в год 2016 - 2018 годов",
            ScheduleKind.TIMES_A_YEAR,
            [
                "2016-06-30",
                "2016-12-31",
                "2017-06-30",
                "2017-12-31",
                "2018-06-30",
                "2018-12-31",
            ],
        ),
        (
            "1 квартал 2016 года, далее - ежегодно",
            ScheduleKind.YEARLY,
            ["2016-03-31", "2017-03-31", "2018-03-31"],
        ),
        (
            "ежегодно, 4 квартал",
            ScheduleKind.YEARLY,
            ["2016-12-31", "2017-12-31", "2018-12-31"],
        ),
        (
            "ежегодно, 1 квартал",
            ScheduleKind.YEARLY,
            ["2016-03-31", "2017-03-31", "2018-03-31"],
        ),
        ("ежегодно", ScheduleKind.YEARLY, ["2016-12-31", "2017-12-31", "2018-12-31"]),
        ("по мере необходимости", ScheduleKind.AS_NEEDED, []),
        ("1 квартал 2016 года", ScheduleKind.ONCE, ["2016-03-31"]),
        (
            "постоянно",
            ScheduleKind.PERMANENT,
            ["2016-12-31", "2017-12-31", "2018-12-31"],
        ),
        (
            "постоянно (по мере необходимости)",
            ScheduleKind.PERMANENT,
            ["2016-12-31", "2017-12-31", "2018-12-31"],
        ),
        (
            "4 квартал 2016 года 4 квартал 2017 года",
            ScheduleKind.ONCE,
            ["2016-12-31", "2017-12-31"],
        ),
        (
            "1 квартал 2017 года 1 квартал 2018 года",
            ScheduleKind.ONCE,
            ["2017-03-31", "2018-03-31"],
        ),
        ("в сроки, установленные планом мероприятий", ScheduleKind.BY_OTHER_PLAN, []),
    ],
)
def test_every_seed_phrase_maps_to_its_due_dates(phrase, kind, dues) -> None:
    schedule = parse_schedule(phrase)
    assert schedule.kind == kind
    assert [p.due.isoformat() for p in schedule.periods(*Y)] == dues
    assert (
        parse_schedule(phrase).as_json()
        == type(schedule).from_json(schedule.as_json()).as_json()
    )


def test_twice_a_year_splits_the_year_into_halves() -> None:
    periods = parse_schedule("2 раза в год 2016 - 2018 годов").periods(2017, 2017)
    assert [(p.start, p.due, p.label) for p in periods] == [
        (date(2017, 1, 1), date(2017, 6, 30), "1 полугодие 2017"),
        (date(2017, 7, 1), date(2017, 12, 31), "2 полугодие 2017"),
    ]


def test_a_year_range_limits_the_periods() -> None:
    schedule = parse_schedule("2 раза в год 2016 - 2017 годов")
    assert {p.due.year for p in schedule.periods(2015, 2019)} == {2016, 2017}


@pytest.mark.parametrize(
    ("today", "done_on", "state"),
    [
        (date(2017, 9, 30), None, PeriodState.UPCOMING),
        (date(2017, 10, 1), None, PeriodState.DUE),
        (date(2017, 12, 31), None, PeriodState.DUE),
        (date(2018, 1, 1), None, PeriodState.OVERDUE),
        (date(2018, 1, 1), date(2017, 12, 20), PeriodState.DONE),
    ],
)
def test_yearly_fourth_quarter_states(today, done_on, state) -> None:
    period = parse_schedule("ежегодно, 4 квартал").periods(2017, 2017)[0]
    assert period_state(period, done_on, today) == state


@pytest.mark.parametrize(
    "phrase", ["", "когда-нибудь", "5 раз в год", "2018 - 2016 годы ежегодно"]
)
def test_unknown_phrases_are_refused_in_russian(phrase) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(phrase)
    assert any(word in str(caught.value) for word in ("срок", "раз", "наоборот"))


@pytest.mark.django_db
def test_item_states_under_frozen_time() -> None:
    from evaluation.models import PlanExecution, PlanItem, RegionalPlan
    from evaluation.regional.selectors import plan_status

    plan = RegionalPlan.objects.create(title="План", first_year=2016, last_year=2018)
    q4 = PlanItem.objects.create(
        plan=plan,
        number="1",
        position=100,
        measure="Итоги",
        deadline_text="ежегодно, 4 квартал",
    )
    once = PlanItem.objects.create(
        plan=plan,
        number="3",
        position=300,
        measure="Анкета",
        deadline_text="1 квартал 2016 года",
    )
    twice = PlanItem.objects.create(
        plan=plan,
        number="2",
        position=200,
        measure="Заседания",
        deadline_text="2 раза в год 2016 - 2018 годов",
    )
    forever = PlanItem.objects.create(
        plan=plan, number="4", position=400, measure="Сайт", deadline_text="постоянно"
    )
    PlanExecution.objects.create(
        item=twice,
        period_due=date(2017, 6, 30),
        done_on=date(2017, 5, 20),
        summary="Заседание",
    )
    PlanExecution.objects.create(
        item=forever, done_on=date(2017, 3, 1), summary="Обновлено"
    )
    with time_machine.travel(date(2017, 11, 15), tick=False):
        status = plan_status(plan)
    by_number = {row.item.number: row for row in status.items}
    assert status.year == 2017
    assert by_number["1"].state == PeriodState.DUE
    assert [p.state for p in by_number["2"].periods] == [
        PeriodState.DONE,
        PeriodState.DUE,
    ]
    assert by_number["3"].periods == []  # due in 2016 only
    assert by_number["4"].state == PeriodState.DONE
    assert by_number["4"].last_done == date(2017, 3, 1)
    with time_machine.travel(date(2018, 1, 10), tick=False):
        status = plan_status(plan, year=2017)
    by_number = {row.item.number: row for row in status.items}
    assert by_number["1"].state == PeriodState.OVERDUE
    assert [p.state for p in by_number["2"].periods] == [
        PeriodState.DONE,
        PeriodState.OVERDUE,
    ]
    assert status.counts["overdue"] == 2
    assert once.get_schedule().kind == ScheduleKind.ONCE
    assert q4.schedule["quarter"] == 4


@pytest.mark.parametrize(
    ("phrase", "kind", "dues"),
    [
        ("IV квартал 2025 г.", ScheduleKind.ONCE, ["2025-12-31"]),
        ("II кв. 2026", ScheduleKind.ONCE, ["2026-06-30"]),
        ("декабрь 2025", ScheduleKind.ONCE, ["2025-12-31"]),
        ("Февраль 2024 г.", ScheduleKind.ONCE, ["2024-02-29"]),
        ("март 2026", ScheduleKind.ONCE, ["2026-03-31"]),
        ("май 2026", ScheduleKind.ONCE, ["2026-05-31"]),
        ("до 1 марта 2026 года", ScheduleKind.ONCE, ["2026-03-01"]),
        ("в течение 2025 года", ScheduleKind.ONCE, ["2025-12-31"]),
        (
            "в течение года",
            ScheduleKind.YEARLY,
            ["2024-12-31", "2025-12-31", "2026-12-31"],
        ),
    ],
)
def test_improvement_plan_phrases(phrase, kind, dues) -> None:
    schedule = parse_schedule(phrase)
    assert schedule.kind == kind
    assert [p.due.isoformat() for p in schedule.periods(2024, 2026)] == dues
