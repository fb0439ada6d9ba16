"""Method versions: every [S] rule of the rating method stored as data.

METHOD.md marks rules read in Приказ Минтруда № 344н as [V] and rules of
established practice as [S]; the [S] ones (points per item, caps, criterion
weights, the halves of 1.1 and 1.3, rounding) are settings of a
:class:`MethodVersion`, so a later practice can be added as a new version
without rewriting stored results. Results of pre-2018 methods (10- or
160-point scales) are not comparable and are rejected here (METHOD.md §2,
"Method version").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from evaluation.rating.errors import FieldError, RatingInputError

DEFAULT_METHOD_CODE = "344n-social"
FIRST_COMPARABLE_YEAR = 2018
SCALE_MAX = Decimal(100)

PRE_2018_MESSAGE = (
    "Результаты по методике до 2018 года (10- или 160-балльная шкала) несопоставимы "
    "с оценкой по приказу Минтруда России № 344н (шкала 0–100) и не рассчитываются."
)

# Codes of the pre-2018 methods: "10-point", "160-балльная", "scale-160", …
_PRE_2018_CODE = re.compile(
    r"(?<!\d)(10|160)(?!\d)\D{0,3}(point|pt|балл|scale)"
    r"|(point|pt|балл|scale)\D{0,3}(?<!\d)(10|160)(?!\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class CountRule:
    """A "count of items present" indicator: ``min(cap, points × count)`` [S].

    Attributes:
        field: The input field holding the count (``OrganisationInputs``).
        points: Points per item present.
        cap: The most the indicator can score.
        max_items: Size of the check-list when it is closed (3.1: 5, 3.2: 6);
            a larger count is invalid input. ``None`` for open lists.
    """

    field: str
    points: Decimal
    cap: Decimal
    max_items: int | None = None


@dataclass(frozen=True)
class ChecklistPart:
    """One half of indicator 1.1: information items present ÷ required.

    Attributes:
        field: The input object holding ``present`` and ``required``.
        label: Russian "по …" phrase for notes, e.g. ``"по стендам"``.
        name: Russian name of the part for messages, e.g. ``"Стенды"``.
        genitive: The name after "для", e.g. ``"стендов"``.
    """

    field: str
    label: str
    name: str
    genitive: str


@dataclass(frozen=True)
class SurveyPart:
    """One survey share: yes answers to ``question`` ÷ its base.

    Attributes:
        question: The question whose "yes" answers are counted (``"q2"``).
        base: The filter question whose "yes" answers form the denominator
            (Q2/Q1: only those who used the stands are asked Q2); ``None``
            when the denominator is everyone who answered ``question``.
        label: Russian "по …" phrase for notes when the indicator has
            several parts (1.3: stands and site); empty otherwise.
    """

    question: str
    base: str | None = None
    label: str = ""


# Counts a regional indicator's formula may use: the same counts the federal
# indicators are computed from (``OrganisationInputs``), named as in the
# calculator JSON (METHOD.md §6). Value: the count in words, for pages.
_QUESTION_NUMBERS = tuple(str(number) for number in range(1, 16))
COUNT_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "respondents": "число респондентов",
        "info_stand.present": "число сведений, размещённых на стендах",
        "info_stand.required": "число сведений, требуемых на стендах",
        "info_site.present": "число сведений, размещённых на сайте",
        "info_site.required": "число сведений, требуемых на сайте",
        "remote_channels": "число дистанционных способов взаимодействия",
        "comfort_conditions": "число комфортных условий",
        "premises_access": "число элементов оборудования помещений для инвалидов",
        "service_access": "число условий доступности услуг для инвалидов",
        **{f"yes.q{n}": f"число ответов «да» на вопрос {n}" for n in _QUESTION_NUMBERS},
        **{
            f"answered.q{n}": f"число ответивших на вопрос {n}"
            for n in _QUESTION_NUMBERS
        },
    }
)


def _check_count(owner: str, name: str) -> None:
    if name not in COUNT_NAMES:
        raise ValueError(
            f"Региональный показатель {owner}: неизвестный счётчик «{name}»; "
            "допустимы respondents, info_stand.present, info_site.required, "
            "remote_channels, yes.q1…yes.q15, answered.q1…answered.q15 и другие "
            "поля исходных данных расчёта."
        )


@dataclass(frozen=True)
class CountRatio:
    """A regional formula: ``numerator ÷ denominator × scale`` over counts.

    A zero denominator gives "нет данных", as for the federal shares.

    Attributes:
        numerator: A count name from :data:`COUNT_NAMES` (``"yes.q3"``).
        denominator: A count name (``"answered.q3"``).
        scale: The multiplier, 100 for a percentage.
    """

    numerator: str
    denominator: str
    scale: Decimal = Decimal(100)

    @property
    def counts(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def describe(self) -> str:
        """The formula in words: «(число … ÷ число …) × 100»."""
        return (
            f"({COUNT_NAMES[self.numerator]} ÷ {COUNT_NAMES[self.denominator]}) "
            f"× {_plain(self.scale)}"
        )


@dataclass(frozen=True)
class CountSum:
    """A regional formula: ``Σ points × count``, at most ``cap``.

    Attributes:
        terms: ``(count name, points per unit)`` pairs.
        cap: The most the indicator can score; ``None`` for no cap.
    """

    terms: tuple[tuple[str, Decimal], ...]
    cap: Decimal | None = None

    @property
    def counts(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.terms)

    def describe(self) -> str:
        """The formula in words: «2 × число … + 1 × число …, не более 100»."""
        text = " + ".join(
            f"{_plain(points)} × {COUNT_NAMES[name]}" for name, points in self.terms
        )
        return text if self.cap is None else f"{text}, не более {_plain(self.cap)}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f").replace(".", ",")


@dataclass(frozen=True)
class RegionalIndicator:
    """An additional indicator set by the region [R] (seed 001, Part II, item 2).

    Computed from the same counts as the federal indicators and rounded
    half-up to ``decimals`` places. It is shown separately and never enters
    the federal total, unless ``enters_criterion`` names a criterion: then the
    version's :attr:`MethodVersion.criterion_weights` of that criterion list
    it with its weight, and only that criterion (and so the total) changes.

    Attributes:
        code: The regional code, e.g. ``"Р1"`` (never a federal code).
        name: Russian name, e.g. «Доля получателей услуг, …».
        formula: A :class:`CountRatio` or :class:`CountSum`.
        unit: Russian unit for pages: ``"%"`` or ``"баллов"``.
        decimals: Places kept when rounding half-up.
        enters_criterion: ``None`` (shown separately) or the criterion code.
        basis: The regional act that set it (shown on the method page).
    """

    code: str
    name: str
    formula: CountRatio | CountSum
    unit: str = "%"
    decimals: int = 2
    enters_criterion: str | None = None
    basis: str = ""

    def __post_init__(self) -> None:
        for name in self.formula.counts:
            _check_count(self.code, name)
        if self.decimals < 0:
            raise ValueError(
                f"Региональный показатель {self.code}: число знаков после запятой "
                "не может быть отрицательным."
            )


def _frozen(mapping: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class MethodVersion:
    """One version of the rating method, its [S] rules held as data.

    The formula *shapes* (share, capped count, weighted mean) are fixed in
    :mod:`evaluation.rating.compute`; everything a practice may change is here.

    Attributes:
        code: Stable identifier stored with every result (``"344n-social"``).
        title: Russian title for pages and exports.
        valid_from_year: First assessment year the version applies to.
        scale_max: Top of the 0–… scale; must be 100 (pre-2018 scales are
            rejected).
        rounding_decimals: Decimal places kept at every level (METHOD.md §2).
        rounding: A :mod:`decimal` rounding mode, ``ROUND_HALF_UP``.
        checklists: Indicator → its equally weighted check-list parts (1.1).
        counts: Indicator → its :class:`CountRule` (1.2, 2.1, 3.1, 3.2).
        surveys: Indicator → its equally weighted survey parts (1.3 has two,
            the other survey indicators one).
        criterion_weights: Criterion → indicator → weight (METHOD.md §2).
        has_2_2: Whether the sector has indicator 2.2 (waiting time); when
            not, 2.2 is not applicable and K2 uses ``k2_weights_without_2_2``.
        k2_weights_without_2_2: K2 weights for sectors without 2.2.
        total_weights: Criterion → weight in the total; equal weights give the
            arithmetic mean of the five criteria (the 2018 draft weights were
            never adopted and are not provided).
        filter_reasons: Filter question → Russian reason shown when nobody
            answered it "yes" (the share built on it has no data).
        regional: The region's additional indicators
            (:class:`RegionalIndicator`); one that enters a criterion is also
            listed with its weight in that criterion's ``criterion_weights``.
        region: The region whose version this is (empty for the federal one).
        extends: The code of the version this one adds regional indicators
            to; both read the same counts, so data prepared for that version
            are data for this one too.
    """

    code: str
    title: str
    checklists: Mapping[str, tuple[ChecklistPart, ...]]
    counts: Mapping[str, CountRule]
    surveys: Mapping[str, tuple[SurveyPart, ...]]
    criterion_weights: Mapping[str, Mapping[str, Decimal]]
    k2_weights_without_2_2: Mapping[str, Decimal]
    total_weights: Mapping[str, Decimal]
    filter_reasons: Mapping[str, str]
    has_2_2: bool = True
    valid_from_year: int = FIRST_COMPARABLE_YEAR
    scale_max: Decimal = SCALE_MAX
    rounding_decimals: int = 2
    rounding: str = ROUND_HALF_UP
    regional: tuple[RegionalIndicator, ...] = ()
    region: str = ""
    extends: str = ""

    def accepts_inputs_of(self, code: str) -> bool:
        """Whether data prepared for the version ``code`` are this version's."""
        return code in (self.code, self.extends)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regional", tuple(self.regional))
        self._check_regional()
        if self.scale_max != SCALE_MAX or self.valid_from_year < FIRST_COMPARABLE_YEAR:
            raise RatingInputError([FieldError("method", PRE_2018_MESSAGE)])
        if is_pre_2018_code(self.code):
            raise RatingInputError([FieldError("method", PRE_2018_MESSAGE)])
        kinds = (self.checklists, self.counts, self.surveys)
        for code in self.indicator_codes:
            if sum(code in kind for kind in kinds) != 1:
                raise ValueError(
                    f"Методика «{self.code}»: для показателя {code} должна быть "
                    "задана ровно одна формула."
                )
        object.__setattr__(self, "checklists", MappingProxyType(dict(self.checklists)))
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))
        object.__setattr__(self, "surveys", MappingProxyType(dict(self.surveys)))
        object.__setattr__(
            self,
            "criterion_weights",
            MappingProxyType(
                {key: _frozen(value) for key, value in self.criterion_weights.items()}
            ),
        )
        object.__setattr__(
            self, "k2_weights_without_2_2", _frozen(self.k2_weights_without_2_2)
        )
        object.__setattr__(self, "total_weights", _frozen(self.total_weights))
        object.__setattr__(
            self, "filter_reasons", MappingProxyType(dict(self.filter_reasons))
        )

    def _check_regional(self) -> None:
        codes = [indicator.code for indicator in self.regional]
        if len(set(codes)) != len(codes):
            raise ValueError(
                f"Методика «{self.code}»: коды региональных показателей повторяются."
            )
        formulas = (self.checklists, self.counts, self.surveys, self.criterion_weights)
        for indicator in self.regional:
            if any(indicator.code in kind for kind in formulas):
                raise ValueError(
                    f"Методика «{self.code}»: код регионального показателя "
                    f"{indicator.code} совпадает с кодом федерального показателя "
                    "или критерия."
                )
            criterion = indicator.enters_criterion
            listed = [
                c
                for c, weights in self.criterion_weights.items()
                if indicator.code in weights
            ]
            if criterion is None and listed:
                raise ValueError(
                    f"Методика «{self.code}»: региональный показатель "
                    f"{indicator.code} не входит в критерий, но указан в весах "
                    f"критерия {listed[0]}."
                )
            if criterion is not None:
                if listed != [criterion]:
                    raise ValueError(
                        f"Методика «{self.code}»: региональный показатель "
                        f"{indicator.code} входит в критерий {criterion} — укажите "
                        "его вес в весах этого критерия."
                    )
                if indicator.decimals > self.rounding_decimals:
                    raise ValueError(
                        f"Методика «{self.code}»: региональный показатель "
                        f"{indicator.code} входит в критерий и не может иметь "
                        f"больше {self.rounding_decimals} знаков после запятой."
                    )

    def __hash__(self) -> int:
        return hash(self.code)

    @property
    def regional_codes(self) -> tuple[str, ...]:
        """The regional indicator codes (``"Р1"`` …), in declared order."""
        return tuple(indicator.code for indicator in self.regional)

    def regional_indicator(self, code: str) -> RegionalIndicator:
        """Return the regional indicator ``code`` of this version."""
        for indicator in self.regional:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """The federal indicator codes in criterion order (``"1.1"`` … ``"5.3"``).

        Regional indicators that enter a criterion are not among them (see
        :attr:`regional_codes`).
        """
        regional = set(self.regional_codes)
        return tuple(
            code
            for weights in self.criterion_weights.values()
            for code in weights
            if code not in regional
        )

    @property
    def criterion_codes(self) -> tuple[str, ...]:
        """The criterion codes (``"K1"`` … ``"K5"``)."""
        return tuple(self.criterion_weights)

    def weights_for(self, criterion: str) -> Mapping[str, Decimal]:
        """Return the indicator weights of ``criterion`` for this version.

        K2 of a sector without 2.2 uses :attr:`k2_weights_without_2_2`.
        """
        if criterion == "K2" and not self.has_2_2:
            return self.k2_weights_without_2_2
        return self.criterion_weights[criterion]

    def criterion_of(self, indicator: str) -> str:
        """Return the criterion code an indicator belongs to."""
        for criterion, weights in self.criterion_weights.items():
            if indicator in weights:
                return criterion
        raise KeyError(indicator)


def is_pre_2018_code(code: str) -> bool:
    """Tell whether a method code names a pre-2018 (10- or 160-point) scale."""
    return bool(_PRE_2018_CODE.search(code))


def _w(value: str) -> Decimal:
    return Decimal(value)


METHOD_344N_SOCIAL = MethodVersion(
    code="344n-social",
    title=(
        "Единый порядок расчёта показателей НОК (приказ Минтруда России "
        "от 31.05.2018 № 344н), сфера социального обслуживания"
    ),
    checklists={
        "1.1": (
            ChecklistPart("info_stand", "по стендам", "Стенды", "стендов"),
            ChecklistPart("info_site", "по сайту", "Сайт", "сайта"),
        ),
    },
    counts={
        "1.2": CountRule("remote_channels", Decimal(30), Decimal(100)),
        "2.1": CountRule("comfort_conditions", Decimal(20), Decimal(100)),
        "3.1": CountRule("premises_access", Decimal(20), Decimal(100), max_items=5),
        "3.2": CountRule("service_access", Decimal(20), Decimal(100), max_items=6),
    },
    surveys={
        "1.3": (
            SurveyPart("q2", base="q1", label="по стендам"),
            SurveyPart("q4", base="q3", label="по сайту"),
        ),
        "2.2": (SurveyPart("q5"),),
        "2.3": (SurveyPart("q6"),),
        "3.3": (SurveyPart("q8", base="q7"),),
        "4.1": (SurveyPart("q9"),),
        "4.2": (SurveyPart("q10"),),
        "4.3": (SurveyPart("q12", base="q11"),),
        "5.1": (SurveyPart("q13"),),
        "5.2": (SurveyPart("q14"),),
        "5.3": (SurveyPart("q15"),),
    },
    criterion_weights={
        "K1": {"1.1": _w("0.3"), "1.2": _w("0.3"), "1.3": _w("0.4")},
        "K2": {"2.1": _w("0.3"), "2.2": _w("0.4"), "2.3": _w("0.3")},
        "K3": {"3.1": _w("0.3"), "3.2": _w("0.4"), "3.3": _w("0.3")},
        "K4": {"4.1": _w("0.4"), "4.2": _w("0.4"), "4.3": _w("0.2")},
        "K5": {"5.1": _w("0.3"), "5.2": _w("0.2"), "5.3": _w("0.5")},
    },
    k2_weights_without_2_2={"2.1": _w("0.5"), "2.3": _w("0.5")},
    total_weights={code: Decimal(1) for code in ("K1", "K2", "K3", "K4", "K5")},
    filter_reasons={
        "q1": "никто не пользовался информационными стендами",
        "q3": "никто не пользовался сайтом",
        "q7": "нет респондентов с инвалидностью",
        "q11": "никто не пользовался дистанционными способами взаимодействия",
    },
)

REGIONAL_METHOD_CODE = "344n-social-krsk-2024"

#: The federal version with the additional indicator of Красноярский край
#: (decision of the ministry's public council, seed 001 Part II item 2).
#: Р1 is shown separately: it does not enter any criterion or the total, so
#: every federal figure is the same as under ``344n-social``.
METHOD_344N_SOCIAL_KRSK_2024 = dataclasses.replace(
    METHOD_344N_SOCIAL,
    code=REGIONAL_METHOD_CODE,
    title=(
        "Единый порядок расчёта показателей НОК (приказ Минтруда России "
        "от 31.05.2018 № 344н), сфера социального обслуживания, с региональным "
        "показателем Красноярского края (2024)"
    ),
    valid_from_year=2024,
    region="Красноярский край",
    extends=METHOD_344N_SOCIAL.code,
    regional=(
        RegionalIndicator(
            code="Р1",
            name=(
                "Доля получателей услуг, пользовавшихся официальным сайтом организации"
            ),
            formula=CountRatio("yes.q3", "answered.q3"),
            unit="%",
            basis=(
                "Решение общественного совета при министерстве об актуализации "
                "дополнительных показателей (2024)"
            ),
        ),
    ),
)

METHODS: dict[str, MethodVersion] = {
    METHOD_344N_SOCIAL.code: METHOD_344N_SOCIAL,
    METHOD_344N_SOCIAL_KRSK_2024.code: METHOD_344N_SOCIAL_KRSK_2024,
}


def get_method(code: str) -> MethodVersion:
    """Return the method version stored under ``code``.

    Args:
        code: A method version code, e.g. ``"344n-social"``.

    Raises:
        RatingInputError: ``code`` names a pre-2018 scale (not comparable) or
            is not a known version; the error's field is ``"method"``.
    """
    if not isinstance(code, str):
        raise RatingInputError(
            [FieldError("method", "Версия методики должна быть строкой.")]
        )
    if is_pre_2018_code(code):
        raise RatingInputError([FieldError("method", PRE_2018_MESSAGE)])
    try:
        return METHODS[code]
    except KeyError:
        known = ", ".join(sorted(METHODS))
        raise RatingInputError(
            [
                FieldError(
                    "method",
                    f"Неизвестная версия методики «{code}». Доступные версии: {known}.",
                )
            ]
        ) from None
