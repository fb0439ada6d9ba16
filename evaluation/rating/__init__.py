"""The НОК rating method as pure functions over plain values.

No Django and no ORM: persisting results is a service's job. The method is
described in ``../shared/domain/METHOD.md``; every [S] rule is data of a
:class:`MethodVersion`.
"""

from evaluation.rating.compute import (
    RatingResult,
    criteria,
    indicators,
    rate,
    regional_indicators,
    round_value,
    total,
)
from evaluation.rating.errors import FieldError, RatingInputError
from evaluation.rating.inputs import (
    COUNT_FIELDS,
    FLAT_FIELDS,
    QUESTIONS,
    OrganisationInputs,
    calculator_input,
    parse_inputs,
)
from evaluation.rating.method import (
    DEFAULT_METHOD_CODE,
    METHODS,
    PRE_2018_MESSAGE,
    REGIONAL_METHOD_CODE,
    ChecklistPart,
    CountRatio,
    CountRule,
    CountSum,
    MethodVersion,
    RegionalIndicator,
    SurveyPart,
    get_method,
    is_pre_2018_code,
)
from evaluation.rating.ranking import Aggregate, aggregate, dense_rank
from evaluation.rating.rounding import quantize_exact

__all__ = [
    "COUNT_FIELDS",
    "DEFAULT_METHOD_CODE",
    "FLAT_FIELDS",
    "METHODS",
    "PRE_2018_MESSAGE",
    "QUESTIONS",
    "REGIONAL_METHOD_CODE",
    "Aggregate",
    "ChecklistPart",
    "CountRatio",
    "CountRule",
    "CountSum",
    "FieldError",
    "MethodVersion",
    "OrganisationInputs",
    "RatingInputError",
    "RatingResult",
    "RegionalIndicator",
    "SurveyPart",
    "aggregate",
    "calculator_input",
    "criteria",
    "dense_rank",
    "get_method",
    "indicators",
    "is_pre_2018_code",
    "parse_inputs",
    "quantize_exact",
    "rate",
    "regional_indicators",
    "round_value",
    "total",
]
