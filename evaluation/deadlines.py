"""Working-day deadlines of a Декада качества (METHOD.md §4, seed 000 §3.2–3.9).

Pure Python: the Russian production calendar comes from the ``holidays``
package (its RU calendar knows the moved days off and the working Saturdays,
which ``workalendar`` gets wrong for 2024). Deadlines count working days
*after* the last day of the Декада: "в течение 10 рабочих дней после
проведения" ends on the 10th working day after it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays


class WorkingCalendar:
    """Russian working days, with moved days off and working Saturdays."""

    def __init__(self) -> None:
        self._calendar = holidays.country_holidays("RU")

    def is_working_day(self, day: date) -> bool:
        """True for a working day of the official production calendar."""
        return bool(self._calendar.is_working_day(day))

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day strictly after ``start``.

        Raises:
            ValueError: ``count`` is negative.
        """
        if count < 0:
            raise ValueError(
                f"Число рабочих дней не может быть отрицательным: {count}."
            )
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; negative when ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        day, count = start, 0
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


@lru_cache(maxsize=1)
def calendar() -> WorkingCalendar:
    """The shared calendar instance (``holidays`` caches years internally)."""
    return WorkingCalendar()


@dataclass(frozen=True)
class DeadlineRule:
    """One deadline of the regulation.

    Exactly one of ``working_days`` (after the Декада's last day) or
    ``month``/``day`` (a fixed date in the year after the Декада) is set.
    """

    code: str
    label: str
    who: str
    working_days: int | None = None
    month: int | None = None
    day: int | None = None

    def due(self, period_end: date) -> date:
        """The due date for a Декада that ended on ``period_end``."""
        if self.working_days is not None:
            return calendar().add_working_days(period_end, self.working_days)
        assert self.month is not None and self.day is not None  # noqa: S101
        return date(period_end.year + 1, self.month, self.day)


DECADE_RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        "institution_documents",
        "Сводная информация, пояснительная записка и план мероприятий учреждения",
        "учреждения → КГКУ «РМЦ»",
        working_days=10,
    ),
    DeadlineRule(
        "rmc_review",
        "Анализ и контроль полноты сведений учреждений",
        "КГКУ «РМЦ»",
        working_days=15,
    ),
    DeadlineRule(
        "uszn_summary",
        "Сводная информация территориальных отделений с пояснительной запиской",
        "КГКУ «УСЗН» → КГКУ «РМЦ»",
        working_days=20,
    ),
    DeadlineRule(
        "uszn_plan",
        "План мероприятий КГКУ «УСЗН» с учётом мнения граждан",
        "КГКУ «УСЗН» → КГКУ «РМЦ»",
        working_days=25,
    ),
    DeadlineRule(
        "fulfilment_reports",
        "Отчёт о реализации плана мероприятий",
        "учреждения и КГКУ «УСЗН» → КГКУ «РМЦ»",
        month=2,
        day=1,
    ),
    DeadlineRule(
        "sector_report",
        "Сводный отчёт отрасли о реализации планов",
        "КГКУ «РМЦ» → министерство",
        month=3,
        day=1,
    ),
)
RULES_BY_CODE = {rule.code: rule for rule in DECADE_RULES}


@dataclass(frozen=True)
class Deadline:
    """A rule applied to one Декада."""

    code: str
    label: str
    who: str
    due: date


def decade_deadlines(period_end: date) -> list[Deadline]:
    """Every deadline of a Декада that ended on ``period_end``, in order.

    >>> [d.due.isoformat() for d in decade_deadlines(date(2024, 4, 19))][:4]
    ['2024-05-07', '2024-05-16', '2024-05-23', '2024-05-30']
    """
    return [
        Deadline(rule.code, rule.label, rule.who, rule.due(period_end))
        for rule in DECADE_RULES
    ]


class SubmissionState(enum.Enum):
    """Where a document owed by an organisation stands."""

    ON_TIME = "on_time"
    LATE = "late"
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    SubmissionState.ON_TIME: "Представлено в срок",
    SubmissionState.LATE: "Представлено с опозданием",
    SubmissionState.OVERDUE: "Не представлено, срок истёк",
    SubmissionState.DUE_SOON: "Срок истекает",
    SubmissionState.PENDING: "Ожидается",
}


def submission_state(
    deadline: date, received_on: date | None, today: date, *, soon_days: int = 3
) -> SubmissionState:
    """State of one submission on ``today``.

    * received on or before the deadline: on time; after it: late;
    * not received and the deadline has passed: overdue (missing);
    * not received and fewer than ``soon_days`` working days lie between
      today and the deadline (so the deadline is today or within the next
      ``soon_days - 1`` working days): due soon; otherwise pending.
    """
    if received_on is not None:
        return SubmissionState.ON_TIME if received_on <= deadline else SubmissionState.LATE
    if today > deadline:
        return SubmissionState.OVERDUE
    if calendar().working_days_between(today, deadline) < soon_days:
        return SubmissionState.DUE_SOON
    return SubmissionState.PENDING
