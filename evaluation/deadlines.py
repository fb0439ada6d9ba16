"""Working-day deadlines of a Декада качества (METHOD.md §4, seed 000 §3.2–3.9).

Pure Python, no ORM: the Russian production calendar comes from the
``holidays`` package, whose RU calendar knows the moved days off and the
working Saturdays (``workalendar`` gets 2024 wrong).

Counting rule: "в течение N рабочих дней после проведения Декады" ends on the
N-th working day *strictly after* the Декада's last day, so a Декада ending on
Friday 19 April 2024 owes its +10 documents by 7 May 2024 (the May holidays and
the moved days off of 29–30 April are skipped; Saturday 27 April is a working
day and counts).

The production calendar of a year is fixed by a government decree in the
autumn before; years the installed ``holidays`` release does not know yet
contain only the statutory holidays. Keep the package up to date.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

# --------------------------------------------------------------------------
# Calendar


@dataclass(frozen=True)
class _YearCalendar:
    """Non-working days of one year, frozen for fast, thread-safe look-ups."""

    days_off: frozenset[date]
    working_weekend_days: frozenset[date]


@lru_cache(maxsize=256)
def _year_calendar(year: int) -> _YearCalendar:
    # ``holidays`` mutates itself when it meets a new year; building one
    # snapshot per year keeps look-ups free of shared mutable state.
    source = holidays.country_holidays("RU", years=year)
    return _YearCalendar(
        days_off=frozenset(day for day in source if day.year == year),
        working_weekend_days=frozenset(
            day for day in source.weekend_workdays if day.year == year
        ),
    )


def _check_count(count: int, what: str) -> None:
    if isinstance(count, bool) or not isinstance(count, int):
        raise ValueError(f"{what} должно быть целым числом, получено: {count!r}.")
    if count < 0:
        raise ValueError(f"{what} не может быть отрицательным: {count}.")


class WorkingCalendar:
    """The Russian production calendar: holidays, moved days off, working Saturdays.

    Each year's data is built once from the ``holidays`` RU calendar and
    cached per year for the whole process, so instances are cheap, immutable
    and safe to share between threads. ``years`` only preloads years; any other
    year is loaded on first use.

    Args:
        years: Years to load at once (e.g. the Декада's year and the next).
    """

    def __init__(self, years: Iterable[int] = ()) -> None:
        for year in years:
            _year_calendar(year)

    def is_working_day(self, day: date) -> bool:
        """Whether ``day`` is a working day of the official production calendar.

        A Saturday or Sunday is a working day only when a decree moved a
        working day onto it (Saturday 27 April 2024); a weekday is a working
        day unless it is a holiday or a moved day off (Monday 29 April 2024).
        """
        data = _year_calendar(day.year)
        if day.weekday() >= 5:
            return day in data.working_weekend_days
        return day not in data.days_off

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day strictly after ``start``.

        ``start`` itself never counts, whether or not it is a working day;
        ``n == 0`` returns ``start`` unchanged.

        Raises:
            ValueError: ``n`` is negative or not an integer.
        """
        _check_count(n, "Число рабочих дней")
        day = start
        remaining = n
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in the half-open interval ``(a, b]``.

        The inverse of :meth:`add_working_days`: if
        ``add_working_days(a, n) == b`` then ``working_days_between(a, b) == n``.
        When ``b`` is earlier than ``a`` the result is minus the working days
        in ``(b, a]``; equal dates give 0.
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        day = a
        while day < b:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


#: The shared calendar used by the rules and by :func:`submission_state`.
CALENDAR = WorkingCalendar()


# --------------------------------------------------------------------------
# Rules of the regulation


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline of the Декада regulation.

    Exactly one way of counting is set:

    * ``working_days``: that many working days after the Декада's last day,
      or after the due date of the rule named by ``after`` (a period that runs
      "from receipt" of another document starts, at the latest, on that
      document's deadline); see :meth:`due_after` to count from the actual
      receipt date instead;
    * ``month`` and ``day``: a fixed date in the year after the Декада, kept
      as written even when it falls on a day off (1 February 2025 is a
      Saturday).

    Attributes:
        code: Stable code, stored with submissions; never rename.
        label: Russian name of what is due.
        who: Russian "who → to whom".
        clause: Clause of the regulation (seed 000) the rule comes from.

    Raises:
        ValueError: the counting fields are missing, mixed or impossible.
    """

    code: str
    label: str
    who: str
    clause: str
    working_days: int | None = None
    after: str | None = None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        fixed = (self.month, self.day)
        if self.working_days is not None:
            _check_count(self.working_days, "Число рабочих дней")
            if fixed != (None, None):
                raise ValueError(
                    f"Срок «{self.code}»: укажите либо число рабочих дней, "
                    "либо фиксированную дату, но не то и другое."
                )
            return
        if self.after is not None:
            raise ValueError(
                f"Срок «{self.code}»: отсчёт от другого срока возможен только "
                "в рабочих днях."
            )
        if None in fixed:
            raise ValueError(
                f"Срок «{self.code}»: укажите число рабочих дней "
                "или месяц и день фиксированной даты."
            )
        try:
            date(2001, self.month, self.day)  # type: ignore[arg-type]
        except (TypeError, ValueError) as error:
            raise ValueError(
                f"Срок «{self.code}»: несуществующая дата "
                f"(месяц {self.month}, день {self.day})."
            ) from error

    @property
    def is_fixed(self) -> bool:
        """True for a fixed calendar date in the next year."""
        return self.working_days is None

    def due_after(self, start: date) -> date:
        """The due date counted from ``start`` (working-day rules only).

        For a rule that runs from receipt of another document, pass the actual
        receipt date; for the others, the Декада's last day.

        Raises:
            ValueError: the rule is a fixed date.
        """
        if self.working_days is None:
            raise ValueError(
                f"Срок «{self.code}» — фиксированная дата, а не число рабочих дней."
            )
        return CALENDAR.add_working_days(start, self.working_days)


DECADE_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        "institution_documents",
        "Сводная информация об итогах Декады качества с пояснительной запиской "
        "и план мероприятий по повышению качества учреждения",
        "Учреждения → КГКУ «РМЦ»",
        "п. 3.2.3",
        working_days=10,
    ),
    DeadlineRule(
        "uszn_summary",
        "Сводная информация КГКУ «УСЗН» в разрезе территориальных отделений "
        "с пояснительной запиской",
        "КГКУ «УСЗН» → КГКУ «РМЦ»",
        "п. 3.3",
        working_days=20,
    ),
    DeadlineRule(
        "uszn_plan",
        "План мероприятий КГКУ «УСЗН» по повышению качества и эффективности "
        "деятельности с учётом мнения граждан",
        "КГКУ «УСЗН» → КГКУ «РМЦ»",
        "п. 3.3",
        working_days=25,
    ),
    DeadlineRule(
        "rmc_review",
        "Анализ сведений учреждений, контроль их полноты и корректности",
        "КГКУ «РМЦ»",
        "п. 3.4",
        working_days=15,
        after="institution_documents",
    ),
    DeadlineRule(
        "sector_summary",
        "Сводная информация и сводный план мероприятий по отрасли",
        "КГКУ «РМЦ» → отдел министерства",
        "п. 3.4",
        working_days=15,
        after="uszn_summary",
    ),
    DeadlineRule(
        "publication_materials",
        "Материалы о результатах Декады качества для публикации на сайте "
        "министерства и в журнале «Социальное развитие: Регион 24»",
        "Отдел министерства",
        "п. 3.5",
        working_days=10,
        after="sector_summary",
    ),
    DeadlineRule(
        "fulfilment_reports",
        "Отчёт о реализации плана мероприятий по повышению качества",
        "Учреждения и КГКУ «УСЗН» → КГКУ «РМЦ»",
        "п. 3.8",
        month=2,
        day=1,
    ),
    DeadlineRule(
        "sector_report",
        "Сводный отчёт отрасли о реализации планов мероприятий",
        "КГКУ «РМЦ» → министерство",
        "п. 3.9",
        month=3,
        day=1,
    ),
)

RULES_BY_CODE: Mapping[str, DeadlineRule] = MappingProxyType(
    {rule.code: rule for rule in DECADE_RULES}
)


@dataclass(frozen=True)
class Deadline:
    """A rule applied to one Декада: what is due, from whom, and when."""

    code: str
    label: str
    who: str
    clause: str
    due: date


def decade_deadlines(
    period_end: date, rules: Iterable[DeadlineRule] = DECADE_RULES
) -> list[Deadline]:
    """Every deadline of a Декада that ended on ``period_end``, in rule order.

    Working-day rules count from ``period_end`` or, with ``after``, from the
    due date of an earlier rule; fixed rules fall in ``period_end.year + 1``.

    >>> [d.due.isoformat() for d in decade_deadlines(date(2024, 4, 19))][:3]
    ['2024-05-07', '2024-05-23', '2024-05-30']

    Raises:
        ValueError: a rule counts from a rule that is not listed before it, or
            two rules share a code.
    """
    due: dict[str, date] = {}
    result: list[Deadline] = []
    for rule in rules:
        if rule.code in due:
            raise ValueError(f"Срок «{rule.code}» указан дважды.")
        if rule.working_days is None:
            day = date(period_end.year + 1, rule.month, rule.day)  # type: ignore[arg-type]
        elif rule.after is None:
            day = rule.due_after(period_end)
        elif rule.after in due:
            day = rule.due_after(due[rule.after])
        else:
            raise ValueError(
                f"Срок «{rule.code}» отсчитывается от срока «{rule.after}», "
                "который должен быть указан раньше."
            )
        due[rule.code] = day
        result.append(Deadline(rule.code, rule.label, rule.who, rule.clause, day))
    return result


# --------------------------------------------------------------------------
# State of a submission


class SubmissionState(enum.StrEnum):
    """Where a document owed by an organisation stands on a given day."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PENDING = "pending"

    @property
    def label(self) -> str:
        """Russian label for lists and badges."""
        return _STATE_LABELS[self]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs for form and filter fields."""
        return [(state.value, state.label) for state in cls]


_STATE_LABELS: Mapping[SubmissionState, str] = MappingProxyType(
    {
        SubmissionState.ON_TIME: "В срок",
        SubmissionState.LATE: "С опозданием",
        SubmissionState.OVERDUE: "Не представлено (просрочено)",
        SubmissionState.DUE_SOON: "Срок истекает",
        SubmissionState.PENDING: "Ожидается",
    }
)


def submission_state(
    deadline: date,
    received_on: date | None,
    today: date,
    *,
    soon_days: int = 3,
) -> SubmissionState:
    """State of one submission on ``today``.

    The deadline day itself is still in time. Rules, in order:

    * received on or before ``deadline``: ``ON_TIME``; after it: ``LATE``
      (whatever ``today`` is);
    * not received and ``today`` is after ``deadline``: ``OVERDUE``;
    * not received and at most ``soon_days`` working days remain, i.e.
      ``working_days_between(today, deadline) <= soon_days`` (the deadline is
      today or one of the next ``soon_days`` working days): ``DUE_SOON``;
    * otherwise ``PENDING``.

    With the default of 3, on Friday 3 May 2024 (a day off) a deadline of
    Wednesday 8 May is due soon (6, 7 and 8 May are the working days left),
    while one of Monday 13 May is pending: 9 and 10 May are days off, so it is
    the fourth working day.

    Raises:
        ValueError: ``soon_days`` is negative.
    """
    _check_count(soon_days, "Число рабочих дней до срока")
    if received_on is not None:
        return (
            SubmissionState.ON_TIME if received_on <= deadline else SubmissionState.LATE
        )
    if today > deadline:
        return SubmissionState.OVERDUE
    if CALENDAR.working_days_between(today, deadline) <= soon_days:
        return SubmissionState.DUE_SOON
    return SubmissionState.PENDING
