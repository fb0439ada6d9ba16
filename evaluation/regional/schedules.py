"""Deadlines of a regional action plan: phrases → schedules → periods → states.

The ministry's plan (seed 001, Part II) gives each measure a deadline in words:
"ежегодно, 4 квартал", "2 раза в год 2016 - 2018 годов", "1 квартал 2016 года,
далее - ежегодно", "4 квартал 2016 года 4 квартал 2017 года", "постоянно",
"по мере необходимости", "в сроки, установленные планом мероприятий".
:func:`parse_schedule` turns such a phrase into a :class:`Schedule`; a schedule
lists its :class:`Period` s for a span of years, each with a due date; and
:func:`period_state` says whether a period is done, due, overdue or still to
come. Pure Python, no ORM: the models store ``Schedule.as_json()``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

QUARTER_END = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}
MONTHS = {
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
}
MONTH_NAMES = (
    "январь",
    "февраль",
    "март",
    "апрель",
    "май",
    "июнь",
    "июль",
    "август",
    "сентябрь",
    "октябрь",
    "ноябрь",
    "декабрь",
)
EXAMPLES = (
    "«ежегодно, 4 квартал», «2 раза в год», «1 квартал 2016 года», "
    "«постоянно», «по мере необходимости»"
)


class ScheduleError(ValueError):
    """A deadline phrase that cannot be understood; the message is Russian."""


class ScheduleKind(StrEnum):
    """How often a measure falls due."""

    ONCE = "once"  # one or more fixed deadlines
    YEARLY = "yearly"  # once a year, in a quarter or by a day
    TIMES_A_YEAR = "times_a_year"  # N equal periods a year
    PERMANENT = "permanent"  # all the time: confirmed at least once a year
    AS_NEEDED = "as_needed"  # no deadline
    BY_OTHER_PLAN = "by_other_plan"  # deadlines set by another plan

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ScheduleKind.ONCE: "в установленный срок",
    ScheduleKind.YEARLY: "ежегодно",
    ScheduleKind.TIMES_A_YEAR: "несколько раз в год",
    ScheduleKind.PERMANENT: "постоянно",
    ScheduleKind.AS_NEEDED: "по мере необходимости",
    ScheduleKind.BY_OTHER_PLAN: "в сроки, установленные другим планом",
}


class PeriodState(StrEnum):
    """The state of one period of a measure on a given day."""

    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    PeriodState.DONE: "выполнено",
    PeriodState.DUE: "срок не истёк",
    PeriodState.OVERDUE: "просрочено",
    PeriodState.UPCOMING: "предстоит",
}


@dataclass(frozen=True)
class Period:
    """One reporting period of a measure: when it runs and when it is due."""

    start: date
    due: date
    label: str

    @property
    def key(self) -> str:
        """The period's identity within a measure: its due date (ISO)."""
        return self.due.isoformat()

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.due


@dataclass(frozen=True)
class Schedule:
    """A parsed deadline.

    Attributes:
        kind: How often the measure falls due.
        text: The phrase as written in the plan.
        quarter: YEARLY: the quarter (1–4) in which it is due; None with
            ``due_day`` or for "by the end of the year".
        due_day: YEARLY: (month, day) of a fixed yearly date ("до 1 марта").
        times: TIMES_A_YEAR: periods per year (1, 2, 3, 4, 6 or 12).
        dates: ONCE: the due dates.
        first_year: The first year the schedule applies (None: the plan's).
        last_year: The last year it applies (None: the plan's).
    """

    kind: ScheduleKind
    text: str = ""
    quarter: int | None = None
    due_day: tuple[int, int] | None = None
    times: int = 1
    dates: tuple[date, ...] = field(default=())
    first_year: int | None = None
    last_year: int | None = None

    @property
    def has_deadlines(self) -> bool:
        return self.kind not in (ScheduleKind.AS_NEEDED, ScheduleKind.BY_OTHER_PLAN)

    def describe(self) -> str:
        """The schedule in normalised Russian words (for listings and the API)."""
        years = ""
        if self.first_year and self.last_year and self.first_year != self.last_year:
            years = f" ({self.first_year}–{self.last_year})"
        elif self.first_year:
            years = f" (с {self.first_year} года)"
        if self.kind == ScheduleKind.ONCE:
            return ", ".join(_once_label(day) for day in self.dates)
        if self.kind == ScheduleKind.YEARLY:
            if self.quarter:
                return f"ежегодно, {self.quarter} квартал{years}"
            if self.due_day:
                month, day = self.due_day
                return f"ежегодно, до {day} {_genitive(month)}{years}"
            return f"ежегодно{years}"
        if self.kind == ScheduleKind.TIMES_A_YEAR:
            return f"{self.times} {_times_word(self.times)} в год{years}"
        return self.kind.label

    def periods(self, first_year: int, last_year: int) -> list[Period]:
        """The periods due in years ``first_year``…``last_year``, by due date."""
        low = max(first_year, self.first_year or first_year)
        high = min(last_year, self.last_year or last_year)
        years = range(low, high + 1)
        if self.kind == ScheduleKind.ONCE:
            return [
                Period(_quarter_start(day), day, _once_label(day))
                for day in sorted(self.dates)
                if first_year <= day.year <= last_year
            ]
        if self.kind == ScheduleKind.YEARLY:
            return [self._yearly(year) for year in years]
        if self.kind == ScheduleKind.TIMES_A_YEAR:
            return [period for year in years for period in self._split(year)]
        if self.kind == ScheduleKind.PERMANENT:
            return [
                Period(date(year, 1, 1), date(year, 12, 31), f"{year} год")
                for year in years
            ]
        return []

    def _yearly(self, year: int) -> Period:
        if self.quarter:
            month, day = QUARTER_END[self.quarter]
            return Period(
                date(year, month - 2, 1),
                date(year, month, day),
                f"{self.quarter} квартал {year}",
            )
        if self.due_day:
            month, day = self.due_day
            due = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            return Period(date(year, 1, 1), due, f"до {due:%d.%m.%Y}")
        return Period(date(year, 1, 1), date(year, 12, 31), f"{year} год")

    def _split(self, year: int) -> list[Period]:
        months = 12 // self.times
        periods = []
        for index in range(self.times):
            first = index * months + 1
            last = first + months - 1
            due = date(year, last, calendar.monthrange(year, last)[1])
            periods.append(
                Period(date(year, first, 1), due, _part_label(self.times, index, year))
            )
        return periods

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready mapping (stored on the plan item)."""
        return {
            "kind": str(self.kind),
            "text": self.text,
            "quarter": self.quarter,
            "due_day": list(self.due_day) if self.due_day else None,
            "times": self.times,
            "dates": [day.isoformat() for day in self.dates],
            "first_year": self.first_year,
            "last_year": self.last_year,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Schedule:
        """The inverse of :meth:`as_json`."""
        return cls(
            kind=ScheduleKind(data["kind"]),
            text=data.get("text", ""),
            quarter=data.get("quarter"),
            due_day=tuple(data["due_day"]) if data.get("due_day") else None,  # type: ignore[arg-type]
            times=data.get("times", 1),
            dates=tuple(date.fromisoformat(day) for day in data.get("dates", [])),
            first_year=data.get("first_year"),
            last_year=data.get("last_year"),
        )


def period_state(period: Period, done_on: date | None, today: date) -> PeriodState:
    """Done when an execution was recorded for the period; otherwise overdue
    once the due date has passed, due while the period runs, upcoming before."""
    if done_on is not None:
        return PeriodState.DONE
    if today > period.due:
        return PeriodState.OVERDUE
    if today >= period.start:
        return PeriodState.DUE
    return PeriodState.UPCOMING


# ------------------------------------------------------------------ parsing

_QUARTER_YEAR = re.compile(r"\b([1-4])\s*-?\s*(?:й\s*)?кв(?:артал[а-я]*|\.)?\s+(\d{4})")
_QUARTER = re.compile(r"\b([1-4])\s*-?\s*(?:й\s*)?кв(?:артал[а-я]*|\.)?")
_HALF_YEAR = re.compile(r"\b([12])\s*-?\s*(?:е\s*)?полугоди[а-я]*\s+(\d{4})")
_TIMES = re.compile(r"\b(\d{1,2})\s*раз[а]?\s+в\s+год")
_YEAR_RANGE = re.compile(r"\b(\d{4})\s*-\s*(\d{4})")
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\s+(" + "|".join(MONTHS) + r")(?:\s+(\d{4}))?"
)
_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_YEAR = re.compile(r"\b(20\d{2})\s*(?:год|г\b|г\.)")
_MONTH_YEAR = re.compile(
    r"\b(янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)[а-я]*\.?\s+(\d{4})"
)
_MONTH_PREFIXES = {
    **{
        prefix: n
        for n, prefix in enumerate(
            (
                "янв",
                "фев",
                "мар",
                "апр",
                "май",
                "июн",
                "июл",
                "авг",
                "сен",
                "окт",
                "ноя",
                "дек",
            ),
            start=1,
        )
    },
    "мая": 5,
}
_ROMAN_QUARTER = re.compile(r"\b(iv|iii|ii|i)(?=\s*-?\s*(?:й\s*)?кв)")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_DURING_YEAR = re.compile(r"\bв\s+течени[ие]\s+(?:(20\d{2})\s+)?(?:года|г\.)")
_TIMES_WORDS = {
    "ежемесячно": 12,
    "ежеквартально": 4,
    "раз в квартал": 4,
    "раз в полугодие": 2,
    "раз в полгода": 2,
}


def normalise_phrase(text: str) -> str:
    """Lower case, ё → е, one kind of dash, single spaces."""
    text = text.replace("ё", "е").replace("Ё", "Е").lower()
    text = re.sub(r"[‐-―−]", "-", text)
    # Roman quarters ("IV квартал 2025 г.") as the federal forms write them.
    text = _ROMAN_QUARTER.sub(lambda match: _ROMAN[match.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


def parse_schedule(text: str) -> Schedule:
    """Parse a deadline phrase of a plan.

    Raises:
        ScheduleError: the phrase is empty or not understood (Russian message
            with examples of phrases that are).
    """
    original = re.sub(r"\s+", " ", str(text or "")).strip()
    phrase = normalise_phrase(original)
    if not phrase:
        raise ScheduleError(f"срок не указан; пишите, например, {EXAMPLES}")
    if "в сроки" in phrase and "установлен" in phrase:
        return Schedule(ScheduleKind.BY_OTHER_PLAN, original)
    if phrase.startswith("постоянно"):
        return Schedule(ScheduleKind.PERMANENT, original)
    if "по мере необходимости" in phrase or "по мере потребности" in phrase:
        return Schedule(ScheduleKind.AS_NEEDED, original)
    during = _DURING_YEAR.search(phrase)
    if during:  # "в течение года", "в течение 2025 года"
        if during.group(1):
            year = int(during.group(1))
            return Schedule(ScheduleKind.ONCE, original, dates=(date(year, 12, 31),))
        return Schedule(ScheduleKind.YEARLY, original)
    first, last = _year_range(phrase)
    times = _times(phrase)
    if times:
        if 12 % times:
            raise ScheduleError(
                f"«{original}»: год не делится на {times} равных периодов; "
                "поддерживается 1, 2, 3, 4, 6 или 12 раз в год"
            )
        return Schedule(
            ScheduleKind.TIMES_A_YEAR,
            original,
            times=times,
            first_year=first,
            last_year=last,
        )
    yearly = "ежегодно" in phrase or "ежегодн" in phrase
    dated = _dates(phrase)
    if yearly:
        quarter = _QUARTER.search(phrase)
        if dated:  # "1 квартал 2016 года, далее - ежегодно"
            start = min(dated)
            return Schedule(
                ScheduleKind.YEARLY,
                original,
                quarter=_quarter_of(start) if quarter else None,
                due_day=None if quarter else (start.month, start.day),
                first_year=first or start.year,
                last_year=last,
            )
        day_month = _DAY_MONTH_YEAR.search(phrase)
        if quarter:
            return Schedule(
                ScheduleKind.YEARLY,
                original,
                quarter=int(quarter.group(1)),
                first_year=first,
                last_year=last,
            )
        if day_month:
            return Schedule(
                ScheduleKind.YEARLY,
                original,
                due_day=(MONTHS[day_month.group(2)], int(day_month.group(1))),
                first_year=first,
                last_year=last,
            )
        return Schedule(ScheduleKind.YEARLY, original, first_year=first, last_year=last)
    if dated:
        return Schedule(ScheduleKind.ONCE, original, dates=tuple(sorted(set(dated))))
    raise ScheduleError(
        f"«{original}»: срок не распознан; пишите, например, {EXAMPLES}"
    )


def _year_range(phrase: str) -> tuple[int | None, int | None]:
    match = _YEAR_RANGE.search(phrase)
    if match:
        first, last = int(match.group(1)), int(match.group(2))
        if first > last:
            raise ScheduleError(f"«{phrase}»: период {first}–{last} задан наоборот")
        return first, last
    return None, None


def _times(phrase: str) -> int | None:
    match = _TIMES.search(phrase)
    if match:
        times = int(match.group(1))
        if not 1 <= times <= 12:
            raise ScheduleError(f"«{phrase}»: {times} раз в год — слишком часто")
        return times
    for words, times in _TIMES_WORDS.items():
        if words in phrase:
            return times
    return None


def _dates(phrase: str) -> list[date]:
    """Fixed deadlines named in the phrase: quarters, half-years, dates, months
    of a year (the month's last day), years."""
    found: list[date] = []
    taken: list[tuple[int, int]] = []
    for match in _QUARTER_YEAR.finditer(phrase):
        quarter, year = int(match.group(1)), int(match.group(2))
        month, day = QUARTER_END[quarter]
        found.append(date(year, month, day))
        taken.append(match.span())
    for match in _HALF_YEAR.finditer(phrase):
        half, year = int(match.group(1)), int(match.group(2))
        found.append(date(year, 6, 30) if half == 1 else date(year, 12, 31))
        taken.append(match.span())
    for match in _DAY_MONTH_YEAR.finditer(phrase):
        if match.group(3):
            found.append(
                _safe_date(
                    int(match.group(3)),
                    MONTHS[match.group(2)],
                    int(match.group(1)),
                    phrase,
                )
            )
            taken.append(match.span())
    for match in _MONTH_YEAR.finditer(phrase):
        if any(start <= match.start(1) < end for start, end in taken):
            continue  # "31 декабря 2025" was read above with its day
        month = _MONTH_PREFIXES[match.group(1)]
        year = int(match.group(2))
        found.append(date(year, month, calendar.monthrange(year, month)[1]))
        taken.append(match.span())
    for match in _NUMERIC_DATE.finditer(phrase):
        found.append(
            _safe_date(
                int(match.group(3)), int(match.group(2)), int(match.group(1)), phrase
            )
        )
        taken.append(match.span())
    for match in _YEAR.finditer(phrase):
        if not any(
            start <= match.start() < end for start, end in taken
        ) and not _YEAR_RANGE.search(phrase):
            found.append(date(int(match.group(1)), 12, 31))
    return found


def _safe_date(year: int, month: int, day: int, phrase: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ScheduleError(
            f"«{phrase}»: нет такой даты {day:02d}.{month:02d}.{year}"
        ) from None


def _quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * (_quarter_of(day) - 1) + 1, 1)


def _once_label(day: date) -> str:
    quarter = _quarter_of(day)
    if (day.month, day.day) == QUARTER_END[quarter]:
        return f"{quarter} квартал {day.year}"
    return f"до {day:%d.%m.%Y}"


def _part_label(times: int, index: int, year: int) -> str:
    if times == 1:
        return f"{year} год"
    if times == 2:
        return f"{index + 1} полугодие {year}"
    if times == 4:
        return f"{index + 1} квартал {year}"
    if times == 12:
        return f"{MONTH_NAMES[index]} {year}"
    return f"{index + 1}-й период {year}"


def _times_word(times: int) -> str:
    return "раза" if times % 10 in (2, 3, 4) and times not in (12, 13, 14) else "раз"


def _genitive(month: int) -> str:
    return next(name for name, number in MONTHS.items() if number == month)
