"""The inputs of one organisation and their validation (METHOD.md §1 and §6).

:func:`parse_inputs` reads the calculator JSON of METHOD.md §6;
:meth:`OrganisationInputs.find_errors` checks a parsed (or directly built)
value. Every problem is collected, each as a :class:`FieldError` whose field is
the dotted JSON path and whose message is Russian.

Decisions on the contract:

* Counts are JSON integers; an integral JSON number such as ``180.0`` (what a
  spreadsheet export often produces) is read as ``180``. Booleans, strings,
  fractional numbers and negative numbers are rejected.
* ``answered`` is optional per question; an omitted question means every
  respondent answered it. ``answered`` counts are never above ``respondents``
  and never below the question's ``yes`` count.
* Skip logic of the questionnaire (Q1 no → Q3, Q3 no → Q5, Q7 no → Q9,
  Q11 no → Q13): Q2, Q4, Q8 and Q12 are asked only of those who answered
  "yes" to Q1, Q3, Q7 and Q11, which are the denominators of 1.3, 3.3 and 4.3.
  So ``yes.q2 ≤ yes.q1`` (and likewise q4/q3, q8/q7, q12/q11), and an
  explicit ``answered.q2`` is at most ``yes.q1``. When nobody answered the
  filter question "yes", its dependent ``yes`` count may be omitted (it is 0).
* No percentage fields are accepted: the calculator takes counts only.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from evaluation.rating.errors import FieldError, RatingInputError
from evaluation.rating.method import (
    DEFAULT_METHOD_CODE,
    METHODS,
    MethodVersion,
    get_method,
)

QUESTIONS: tuple[str, ...] = tuple(f"q{number}" for number in range(1, 16))
_QUESTION_SET = frozenset(QUESTIONS)
CHECKLIST_KEYS = ("present", "required")
_CHECKLIST_SET = frozenset(CHECKLIST_KEYS)
TOP_LEVEL_KEYS = (
    "method",
    "respondents",
    "info_stand",
    "info_site",
    "remote_channels",
    "comfort_conditions",
    "premises_access",
    "service_access",
    "yes",
    "answered",
)

_LABELS = {
    "respondents": "Число респондентов",
    "info_stand.present": "Стенды: размещено сведений",
    "info_stand.required": "Стенды: требуется сведений",
    "info_site.present": "Сайт: размещено сведений",
    "info_site.required": "Сайт: требуется сведений",
    "remote_channels": "Число дистанционных способов взаимодействия (показатель 1.2)",
    "comfort_conditions": "Число комфортных условий (показатель 2.1)",
    "premises_access": "Оборудование помещений для инвалидов (показатель 3.1)",
    "service_access": "Условия доступности услуг для инвалидов (показатель 3.2)",
    **{f"yes.{q}": f"Число ответов «да» на вопрос {q[1:]}" for q in QUESTIONS},
    **{f"answered.{q}": f"Число ответивших на вопрос {q[1:]}" for q in QUESTIONS},
}


def _number(question: str) -> str:
    return question.removeprefix("q")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "логическое значение"
    if isinstance(value, str):
        return f"строка «{value}»"
    if isinstance(value, float):
        return f"дробное число {value}"
    if value is None:
        return "пустое значение"
    if isinstance(value, int):
        return f"число {value}"
    if isinstance(value, Mapping):
        return "объект"
    if isinstance(value, list | tuple):
        return "список"
    return f"значение типа {type(value).__name__}"


class _Checker:
    """Collects field errors while reading counts."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def count(self, path: str, value: object) -> int | None:
        """Return ``value`` if it is a count (integer ≥ 0), else record why not."""
        label = _LABELS.get(path, path)
        if value is None:
            self.add(path, f"{label}: обязательное поле не заполнено.")
        elif isinstance(value, bool) or not isinstance(value, int):
            self.add(
                path, f"{label}: ожидается целое число, получено {_describe(value)}."
            )
        elif value < 0:
            self.add(path, f"{label}: не может быть отрицательным ({value}).")
        else:
            return value
        return None

    def answers(self, prefix: str, values: object, *, required: bool) -> dict[str, int]:
        """Return the valid per-question counts of ``yes`` or ``answered``."""
        checked: dict[str, int] = {}
        if not isinstance(values, Mapping):
            self.add(prefix, "Ожидается объект с числами по вопросам q1…q15.")
            return checked
        for key in values:
            if key not in QUESTIONS:
                self.add(
                    f"{prefix}.{key}", f"Неизвестный вопрос «{key}»: допустимы q1…q15."
                )
        for question in QUESTIONS:
            if question in values or required:
                value = self.count(f"{prefix}.{question}", values.get(question))
                if value is not None:
                    checked[question] = value
        return checked


@dataclass(frozen=True)
class OrganisationInputs:
    """Counts for one organisation in one campaign (METHOD.md §1, §6).

    Attributes:
        respondents: People who took the survey.
        info_stand_present: Required information items found on the stands.
        info_stand_required: Items required on the stands ("не применимо"
            items excluded).
        info_site_present: Required information items found on the website.
        info_site_required: Items required on the website.
        remote_channels: Working remote channels on the website (1.2).
        comfort_conditions: Comfort conditions present (2.1).
        premises_access: Premises equipment for disabled people, of 5 (3.1).
        service_access: Conditions of equal access to services, of 6 (3.2).
        yes: "Yes" answers per question, keys ``"q1"`` … ``"q15"``.
        answered: Respondents who answered a question, only where not every
            respondent did; see :meth:`answered_count`.
        method: The method version code the data was prepared for, if given.
    """

    respondents: int
    info_stand_present: int
    info_stand_required: int
    info_site_present: int
    info_site_required: int
    remote_channels: int
    comfort_conditions: int
    premises_access: int
    service_access: int
    yes: Mapping[str, int]
    answered: Mapping[str, int] = field(default_factory=dict)
    method: str | None = None

    def __post_init__(self) -> None:
        for name in ("yes", "answered"):
            value = getattr(self, name)
            # ``type(…) is dict`` first: the ABC check costs more than the copy
            if type(value) is dict or isinstance(value, Mapping):
                object.__setattr__(self, name, MappingProxyType(dict(value)))

    def answered_count(self, question: str) -> int:
        """Return how many respondents answered ``question`` (default: all)."""
        return self.answered.get(question, self.respondents)

    def checklist(self, name: str) -> tuple[int, int]:
        """Return ``(present, required)`` of check-list ``info_stand``/``info_site``."""
        return getattr(self, f"{name}_present"), getattr(self, f"{name}_required")

    def count(self, name: str) -> int:
        """Return a count field by name (``"remote_channels"`` …)."""
        value: int = getattr(self, name)
        return value

    def to_calculator_input(self) -> dict[str, Any]:
        """Return the inputs in the calculator JSON shape (METHOD.md §6)."""
        return calculator_input(self, self.method)

    def find_errors(self, method: MethodVersion | None = None) -> list[FieldError]:
        """Check the inputs against the method's rules; return every problem.

        Args:
            method: The version to rate with; by default the one named by
                :attr:`method`, else ``"344n-social"``.

        Returns:
            The problems in field order, empty when the inputs are valid.
        """
        quick = self._quick_method(method)
        if quick is not None and _quick_valid(self, _rules(quick)):
            object.__setattr__(self, "_valid_for", quick)
            return []
        check = _Checker()
        method = self._resolve_method(method, check.errors)
        respondents = check.count("respondents", self.respondents)
        for parts in method.checklists.values():
            for part in parts:
                present = check.count(
                    f"{part.field}.present", getattr(self, f"{part.field}_present")
                )
                required = check.count(
                    f"{part.field}.required", getattr(self, f"{part.field}_required")
                )
                if present is not None and required is not None and present > required:
                    check.add(
                        f"{part.field}.present",
                        f"{part.name}: размещено сведений ({present}) больше, "
                        f"чем требуется ({required}).",
                    )
        for rule in method.counts.values():
            value = check.count(rule.field, getattr(self, rule.field))
            limit = rule.max_items
            if value is not None and limit is not None and value > limit:
                check.add(
                    rule.field,
                    f"{_LABELS[rule.field]}: указано {value}, "
                    f"а в перечне всего {limit} пунктов.",
                )
        yes = check.answers("yes", self.yes, required=True)
        answered = check.answers("answered", self.answered, required=False)
        for question in QUESTIONS:
            number = _number(question)
            given = answered.get(question)
            if given is not None and respondents is not None and given > respondents:
                check.add(
                    f"answered.{question}",
                    f"Число ответивших на вопрос {number} ({given}) больше "
                    f"числа респондентов ({respondents}).",
                )
            base = answered.get(question, respondents)
            if question in yes and base is not None and yes[question] > base:
                check.add(
                    f"yes.{question}",
                    f"Число ответов «да» на вопрос {number} ({yes[question]}) "
                    f"больше числа ответивших на него ({base}).",
                )
        for parts in method.surveys.values():
            for part in parts:
                if part.base is not None:
                    check.errors.extend(
                        _skip_errors(part.question, part.base, yes, answered)
                    )
        if not check.errors:
            # Inputs and methods are immutable: valid once, valid for good.
            object.__setattr__(self, "_valid_for", method)
        return check.errors

    def validate(
        self, method: MethodVersion | None = None, context: str | None = None
    ) -> None:
        """Raise if the inputs are invalid for ``method``.

        Args:
            method: As for :meth:`find_errors`.
            context: Label of the organisation, prefixed to the message.

        Raises:
            RatingInputError: carrying every problem found.
        """
        if method is not None and self.__dict__.get("_valid_for") is method:
            return  # checked already (``parse_inputs`` validates on reading)
        errors = self.find_errors(method)
        if errors:
            raise RatingInputError(errors, context)

    def _quick_method(self, method: MethodVersion | None) -> MethodVersion | None:
        """The version :meth:`_resolve_method` gives when it finds no error.

        ``None`` when the named version is unknown, not a string or not
        accepted by ``method``: the full check then says why.
        """
        named = self.method
        if named is None:
            return METHODS[DEFAULT_METHOD_CODE] if method is None else method
        if type(named) is not str or named not in METHODS:
            return None
        if method is None:
            return METHODS[named]
        return method if method.accepts_inputs_of(named) else None

    def _resolve_method(
        self, method: MethodVersion | None, errors: list[FieldError]
    ) -> MethodVersion:
        named: MethodVersion | None = None
        if self.method is not None:
            try:
                named = get_method(self.method)
            except RatingInputError as error:
                errors.extend(error.errors)
        if method is None:
            return named or get_method(DEFAULT_METHOD_CODE)
        if (
            self.method is not None
            and named is not None
            and not method.accepts_inputs_of(self.method)
        ):
            errors.append(
                FieldError(
                    "method",
                    f"Данные подготовлены по методике «{self.method}», "
                    f"а расчёт запрошен по методике «{method.code}».",
                )
            )
        return method


@dataclass(frozen=True)
class _Rules:
    """What :meth:`OrganisationInputs.find_errors` checks, prepared per version."""

    checklists: tuple[tuple[str, str], ...]  # (present, required) attributes
    counts: tuple[tuple[str, int | None], ...]  # (attribute, max_items)
    skips: tuple[tuple[str, str], ...]  # (question, filter question)


@functools.lru_cache(maxsize=32)
def _rules(method: MethodVersion) -> _Rules:
    return _Rules(
        checklists=tuple(
            (f"{part.field}_present", f"{part.field}_required")
            for parts in method.checklists.values()
            for part in parts
        ),
        counts=tuple((rule.field, rule.max_items) for rule in method.counts.values()),
        skips=tuple(
            (part.question, part.base)
            for parts in method.surveys.values()
            for part in parts
            if part.base is not None
        ),
    )


def _quick_valid(inputs: OrganisationInputs, rules: _Rules) -> bool:
    """Tell whether ``find_errors`` would find nothing, without collecting.

    True only when every rule of the full check holds, for plain ``int``
    counts; anything else (a wrong type, a broken rule) returns False and the
    full check then names each problem. A shortcut for batch recomputation,
    never a different rule.
    """
    respondents = inputs.respondents
    if type(respondents) is not int or respondents < 0:
        return False
    for present_name, required_name in rules.checklists:
        present = getattr(inputs, present_name)
        required = getattr(inputs, required_name)
        if (
            type(present) is not int
            or type(required) is not int
            or present < 0
            or present > required
        ):
            return False
    for name, limit in rules.counts:
        value = getattr(inputs, name)
        if type(value) is not int or value < 0:
            return False
        if limit is not None and value > limit:
            return False
    yes, answered = inputs.yes, inputs.answered
    # ``__post_init__`` wraps every Mapping; anything else takes the full check.
    if type(yes) is not MappingProxyType or type(answered) is not MappingProxyType:
        return False
    if yes.keys() != _QUESTION_SET or not answered.keys() <= _QUESTION_SET:
        return False
    for value in answered.values():
        if type(value) is not int or value < 0 or value > respondents:
            return False
    for question, value in yes.items():
        if type(value) is not int or value < 0:
            return False
        if value > answered.get(question, respondents):
            return False
    for question, base in rules.skips:
        limit = yes[base]
        if yes[question] > limit or answered.get(question, 0) > limit:
            return False
    return True


def _skip_errors(
    question: str, base: str, yes: Mapping[str, int], answered: Mapping[str, int]
) -> list[FieldError]:
    """Errors against the skip logic: ``question`` is asked only if ``base`` = yes."""
    if base not in yes:
        return []
    errors = []
    asked, filter_ = _number(question), _number(base)
    rule = f"На вопрос {asked} отвечают только ответившие «да» на вопрос {filter_}"
    if question in yes and yes[question] > yes[base]:
        errors.append(
            FieldError(
                f"yes.{question}",
                f"{rule}: ответов «да» на вопрос {asked} ({yes[question]}) больше, "
                f"чем на вопрос {filter_} ({yes[base]}).",
            )
        )
    if question in answered and answered[question] > yes[base]:
        errors.append(
            FieldError(
                f"answered.{question}",
                f"{rule}: ответивших на вопрос {asked} ({answered[question]}) больше, "
                f"чем ответов «да» на вопрос {filter_} ({yes[base]}).",
            )
        )
    return errors


def _integral(value: object) -> object:
    """Read an integral JSON number (``180.0``) as an integer; leave the rest."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _missing_or_wrong(value: object, expected: str) -> str:
    if value is None:
        return "обязательное поле не заполнено"
    return f"{expected}, получено {_describe(value)}"


def _method_named(code: object) -> MethodVersion:
    """The version named by ``code`` if it is a known one, else the default."""
    if isinstance(code, str) and code in METHODS:
        return METHODS[code]
    return METHODS[DEFAULT_METHOD_CODE]


#: The flat names of the whole-number inputs (respondents and the counts of
#: the information, comfort and accessibility criteria), one column each.
COUNT_FIELDS = (
    "respondents",
    "info_stand_present",
    "info_stand_required",
    "info_site_present",
    "info_site_required",
    "remote_channels",
    "comfort_conditions",
    "premises_access",
    "service_access",
)

#: The flat names of the inputs: fields of :class:`OrganisationInputs` and of
#: the stored inputs model alike.
FLAT_FIELDS = (*COUNT_FIELDS, "yes", "answered")


def calculator_input(values: Any, method: str | None) -> dict[str, Any]:
    """The calculator JSON shape (METHOD.md §6) of anything with the flat fields.

    ``values`` is an :class:`OrganisationInputs` or a stored inputs row; the
    one place the nested shape is written.
    """
    data: dict[str, Any] = {} if method is None else {"method": method}
    data |= {
        "respondents": values.respondents,
        "info_stand": {
            "present": values.info_stand_present,
            "required": values.info_stand_required,
        },
        "info_site": {
            "present": values.info_site_present,
            "required": values.info_site_required,
        },
        "remote_channels": values.remote_channels,
        "comfort_conditions": values.comfort_conditions,
        "premises_access": values.premises_access,
        "service_access": values.service_access,
        "yes": dict(values.yes),
        "answered": dict(values.answered or {}),
    }
    return data


def parse_inputs(data: object, *, context: str | None = None) -> OrganisationInputs:
    """Read one organisation's calculator JSON (METHOD.md §6) and validate it.

    Args:
        data: The decoded JSON object.
        context: Label of the organisation (e.g. its short name), prefixed to
            the error message so a batch recomputation names the culprit.

    Returns:
        The validated inputs.

    Raises:
        RatingInputError: carrying every problem found, each naming its field
            (``"yes.q2"``, ``"info_site.present"``, ``"unknown_key"``…).
    """
    quick = _parse_quick(data)
    if quick is not None:
        return quick
    if not isinstance(data, Mapping):
        raise RatingInputError(
            [
                FieldError(
                    "", "Исходные данные должны быть объектом JSON с полями расчёта."
                )
            ],
            context,
        )
    errors: list[FieldError] = []
    broken: set[str] = set()  # fields whose inner errors would only repeat
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            errors.append(FieldError(str(key), f"Неизвестное поле «{key}»."))

    def required(key: str) -> object:
        if key not in data:
            label = _LABELS.get(key, key)
            errors.append(FieldError(key, f"{label}: обязательное поле не заполнено."))
            broken.add(key)
            return None
        return _integral(data[key])

    def checklist(key: str) -> tuple[object, object]:
        name = "Стенды" if key == "info_stand" else "Сайт"
        value = data.get(key)
        if not isinstance(value, Mapping):
            expected = "ожидается объект с полями present и required"
            problem = _missing_or_wrong(value, expected)
            errors.append(FieldError(key, f"{name}: {problem}."))
            broken.add(key)
            return None, None
        for inner in value:
            if inner not in CHECKLIST_KEYS:
                errors.append(
                    FieldError(f"{key}.{inner}", f"Неизвестное поле «{key}.{inner}».")
                )
        return _integral(value.get("present")), _integral(value.get("required"))

    def answers(key: str, *, optional: bool) -> dict[str, object]:
        value = data.get(key)
        if value is None and optional:
            return {}
        if not isinstance(value, Mapping):
            what = "ответов «да»" if key == "yes" else "ответивших"
            expected = "ожидается объект с числами по вопросам q1…q15"
            problem = _missing_or_wrong(value, expected)
            errors.append(FieldError(key, f"Числа {what}: {problem}."))
            broken.add(key)
            return {}
        return {str(q): _integral(v) for q, v in value.items()}

    method = data.get("method")
    stand_present, stand_required = checklist("info_stand")
    site_present, site_required = checklist("info_site")
    yes = answers("yes", optional=False)
    if "yes" not in broken:
        # A question asked only after a filter answered "yes" by nobody has no
        # answers at all: its count may be omitted.
        for parts in _method_named(method).surveys.values():
            for part in parts:
                if part.base and part.question not in yes and yes.get(part.base) == 0:
                    yes[part.question] = 0
    inputs = OrganisationInputs(
        respondents=required("respondents"),  # type: ignore[arg-type]
        info_stand_present=stand_present,  # type: ignore[arg-type]
        info_stand_required=stand_required,  # type: ignore[arg-type]
        info_site_present=site_present,  # type: ignore[arg-type]
        info_site_required=site_required,  # type: ignore[arg-type]
        remote_channels=required("remote_channels"),  # type: ignore[arg-type]
        comfort_conditions=required("comfort_conditions"),  # type: ignore[arg-type]
        premises_access=required("premises_access"),  # type: ignore[arg-type]
        service_access=required("service_access"),  # type: ignore[arg-type]
        yes=yes,  # type: ignore[arg-type]
        answered=answers("answered", optional=True),  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
    )
    errors.extend(
        error
        for error in inputs.find_errors()
        if error.field.split(".", 1)[0] not in broken
    )
    if errors:
        raise RatingInputError(errors, context)
    return inputs


_TOP_LEVEL_SET = frozenset(TOP_LEVEL_KEYS)
_COUNT_KEYS = (
    "respondents",
    "remote_channels",
    "comfort_conditions",
    "premises_access",
    "service_access",
)


def _parse_quick(data: object) -> OrganisationInputs | None:
    """:func:`parse_inputs` for a plain, complete and valid JSON object.

    Every count a JSON ``int``, every question's ``yes`` given, no unknown
    key, a known method: then the value is built without the per-field
    reading and checked by the quick path of ``find_errors``. Anything else
    returns ``None`` and the full reading reports the problems.
    """
    if type(data) is not dict or not data.keys() <= _TOP_LEVEL_SET:
        return None
    method = data.get("method")
    if method is not None and (type(method) is not str or method not in METHODS):
        return None
    stand, site = data.get("info_stand"), data.get("info_site")
    yes, answered = data.get("yes"), data.get("answered")
    if answered is None:
        answered = {}
    if (
        type(stand) is not dict
        or type(site) is not dict
        or type(yes) is not dict
        or type(answered) is not dict
        or not stand.keys() <= _CHECKLIST_SET
        or not site.keys() <= _CHECKLIST_SET
    ):
        return None
    for key in _COUNT_KEYS:
        if type(data.get(key)) is not int:
            return None
    inputs = OrganisationInputs(
        respondents=data["respondents"],
        info_stand_present=stand.get("present"),  # type: ignore[arg-type]
        info_stand_required=stand.get("required"),  # type: ignore[arg-type]
        info_site_present=site.get("present"),  # type: ignore[arg-type]
        info_site_required=site.get("required"),  # type: ignore[arg-type]
        remote_channels=data["remote_channels"],
        comfort_conditions=data["comfort_conditions"],
        premises_access=data["premises_access"],
        service_access=data["service_access"],
        yes=yes,
        answered=answered,
        method=method,
    )
    quick = inputs._quick_method(None)
    if quick is None or not _quick_valid(inputs, _rules(quick)):
        return None
    object.__setattr__(inputs, "_valid_for", quick)
    return inputs
