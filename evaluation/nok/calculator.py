"""The public rating calculator: ``POST /api/v1/calculator/`` (METHOD.md §6).

The view is a thin shell over :mod:`evaluation.rating`: the request body goes
to :func:`~evaluation.rating.parse_inputs` unchanged, so the rating package is
the single place that validates the input and its Russian messages are the
ones the client sees. The serializers below only describe the contract for
drf-spectacular; they never validate a request.

Responses:

* 200 — :meth:`RatingResult.to_json` of the rating package.
* 400 — ``{"errors": [{"field": …, "message": …}, …]}``: every problem found
  (:meth:`RatingInputError.to_json`); ``field`` is the dotted JSON path
  (``"yes.q5"``, ``"info_stand.present"``) or ``""`` for the whole body
  (malformed JSON, a body that is not JSON or not an object).
* 405 (any method but POST) and 429 (throttled) keep DRF's ``{"detail": …}``.

Throttling uses the scope ``"calculator"`` of ``REST_FRAMEWORK
["DEFAULT_THROTTLE_RATES"]``; while no rate is configured for it, requests are
not throttled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from evaluation.rating import (
    DEFAULT_METHOD_CODE,
    METHODS,
    QUESTIONS,
    RatingInputError,
    get_method,
    parse_inputs,
    rate,
)

THROTTLE_SCOPE = "calculator"

MALFORMED_JSON_MESSAGE = "Тело запроса не является корректным JSON"
NOT_JSON_MESSAGE = (
    "Тело запроса должно быть объектом JSON с заголовком "
    "Content-Type: application/json (получен тип «{media_type}»)."
)

# What each "yes" count is the answer to, and the indicator it feeds (METHOD.md §1).
QUESTION_HELP = {
    "q1": "Пользовались информационными стендами (база показателя 1.3, стенды)",
    "q2": "Удовлетворены информацией на стендах (показатель 1.3); спрашивают только ответивших «да» на вопрос 1",
    "q3": "Пользовались официальным сайтом (база показателя 1.3, сайт)",
    "q4": "Удовлетворены информацией на сайте (показатель 1.3); спрашивают только ответивших «да» на вопрос 3",
    "q5": "Услуга предоставлена своевременно (показатель 2.2)",
    "q6": "Удовлетворены комфортностью условий (показатель 2.3)",
    "q7": "Имеют группу инвалидности (база показателя 3.3)",
    "q8": "Удовлетворены доступностью для инвалидов (показатель 3.3); спрашивают только ответивших «да» на вопрос 7",
    "q9": "Работники вежливы при первичном контакте (показатель 4.1)",
    "q10": "Работники, оказывающие услугу, вежливы (показатель 4.2)",
    "q11": "Пользовались дистанционными способами взаимодействия (база показателя 4.3)",
    "q12": "Работники вежливы при дистанционном взаимодействии (показатель 4.3); спрашивают только ответивших «да» на вопрос 11",
    "q13": "Готовы рекомендовать организацию (показатель 5.1)",
    "q14": "Удовлетворены организационными условиями (показатель 5.2)",
    "q15": "Удовлетворены условиями оказания услуг в целом (показатель 5.3)",
}
# Asked only after a "yes" to a filter question: may be omitted when that is 0.
DEPENDENT_QUESTIONS = ("q2", "q4", "q8", "q12")

# The API's documented examples: worked examples A and B of METHOD.md §3 in the
# input shape of METHOD.md §6 (tests/evaluation/examples.py reads the same file).
EXAMPLES_FILE = Path(__file__).with_name("calculator_examples.json")
EXAMPLES: dict[str, dict[str, Any]] = json.loads(EXAMPLES_FILE.read_text("utf-8"))


class CalculatorThrottle(ScopedRateThrottle):
    """Scoped throttle that stays off while its scope has no configured rate.

    DRF's :class:`ScopedRateThrottle` raises ``ImproperlyConfigured`` for a
    scope missing from ``DEFAULT_THROTTLE_RATES`` and reads the rates once at
    import; this one reads them on every request and lets the request through
    when the scope is not configured.
    """

    def get_rate(self) -> str | None:
        """Return the configured rate of the view's scope, or ``None``."""
        rates = api_settings.DEFAULT_THROTTLE_RATES or {}
        rate_: str | None = rates.get(self.scope)
        return rate_


def _count(help_text: str, *, required: bool = True, **kwargs: Any) -> Any:
    return serializers.IntegerField(
        min_value=0, required=required, help_text=help_text, **kwargs
    )


def _serializer_class(
    name: str, doc: str, fields: dict[str, serializers.Field]
) -> type[serializers.Serializer]:
    """Build a schema serializer whose field names are not identifiers ("1.1")."""
    attrs: dict[str, Any] = {"__module__": __name__, "__doc__": doc, **fields}
    return type(name, (serializers.Serializer,), attrs)


class CalculatorChecklistSerializer(serializers.Serializer):
    """Schema of one half of indicator 1.1 (stands or website)."""

    present = _count("Сколько обязательных сведений размещено.")
    required = _count(
        "Сколько сведений требуется (пункты «не применимо» не считаются); "
        "не меньше present. При 0 эта половина показателя 1.1 — «нет данных»."
    )


CalculatorYesSerializer = _serializer_class(
    "CalculatorYesSerializer",
    'Schema of the "yes" counts per question.',
    {
        question: _count(
            f"Число ответов «да» на вопрос {question[1:]}: {QUESTION_HELP[question]}."
            + (
                " Можно не указывать, если на вопрос-фильтр никто не ответил «да»."
                if question in DEPENDENT_QUESTIONS
                else ""
            ),
            required=question not in DEPENDENT_QUESTIONS,
        )
        for question in QUESTIONS
    },
)

CalculatorAnsweredSerializer = _serializer_class(
    "CalculatorAnsweredSerializer",
    "Schema of the counts of respondents who answered each question.",
    {
        question: _count(
            f"Сколько респондентов ответили на вопрос {question[1:]}; "
            "если не указано — все респонденты.",
            required=False,
        )
        for question in QUESTIONS
    },
)


class CalculatorInputSerializer(serializers.Serializer):
    """Schema of the calculator input (METHOD.md §6); documentation only."""

    method = serializers.ChoiceField(
        choices=sorted(METHODS),
        required=False,
        default=DEFAULT_METHOD_CODE,
        help_text="Версия методики расчёта.",
    )
    respondents = _count("Число респондентов, прошедших анкетирование.")
    info_stand = CalculatorChecklistSerializer(
        help_text="Показатель 1.1: сведения на информационных стендах."
    )
    info_site = CalculatorChecklistSerializer(
        help_text="Показатель 1.1: сведения на официальном сайте."
    )
    remote_channels = _count(
        "Показатель 1.2: число работающих дистанционных способов взаимодействия "
        "на сайте (30 баллов за каждый, не более 100)."
    )
    comfort_conditions = _count(
        "Показатель 2.1: число комфортных условий (20 баллов за каждое, не более 100)."
    )
    premises_access = _count(
        "Показатель 3.1: оборудование помещений для инвалидов, из 5 пунктов "
        "(20 баллов за каждый).",
        max_value=5,
    )
    service_access = _count(
        "Показатель 3.2: условия доступности услуг для инвалидов, из 6 пунктов "
        "(20 баллов за каждый, не более 100).",
        max_value=6,
    )
    yes = CalculatorYesSerializer(
        help_text="Число ответов «да» по вопросам анкеты q1…q15."
    )
    answered = CalculatorAnsweredSerializer(
        required=False,
        help_text=(
            "Число ответивших на вопрос, только там, где ответили не все "
            "респонденты (знаменатель доли «да»)."
        ),
    )


def _points(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


_METHOD = get_method(DEFAULT_METHOD_CODE)

CalculatorIndicatorsSerializer = _serializer_class(
    "CalculatorIndicatorsSerializer",
    "Schema of the indicator values of a result.",
    {
        code: _points(f"Показатель {code}, баллы 0–100; null — нет данных.")
        for code in _METHOD.indicator_codes
    },
)
CalculatorCriteriaSerializer = _serializer_class(
    "CalculatorCriteriaSerializer",
    "Schema of the criterion values of a result.",
    {
        code: _points(f"Критерий {code}, баллы 0–100; null — нет данных.")
        for code in _METHOD.criterion_codes
    },
)


class CalculatorResultSerializer(serializers.Serializer):
    """Schema of the calculator output (METHOD.md §6); documentation only."""

    indicators = CalculatorIndicatorsSerializer()
    criteria = CalculatorCriteriaSerializer()
    total = _points(
        "Итоговый балл S = (K1 + K2 + K3 + K4 + K5) / 5; null, если какой-либо "
        "критерий не определён."
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Пояснения к значениям «нет данных» и частично рассчитанным.",
    )
    method = serializers.CharField(help_text="Версия методики, по которой рассчитано.")


class CalculatorErrorSerializer(serializers.Serializer):
    """Schema of one input problem."""

    field = serializers.CharField(
        help_text="Путь к полю в JSON (yes.q5, info_stand.present); пусто — весь запрос."
    )
    message = serializers.CharField(help_text="Что не так, по-русски.")


class CalculatorErrorsSerializer(serializers.Serializer):
    """Schema of the 400 response: every problem found."""

    errors = CalculatorErrorSerializer(many=True)


def _errors_response(errors: list[dict[str, str]]) -> Response:
    return Response({"errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def _malformed_json_message(error: ParseError) -> str:
    """Russian message for an unparsable body, with the position when known."""
    cause = error.__context__
    if isinstance(cause, json.JSONDecodeError):
        return (
            f"{MALFORMED_JSON_MESSAGE}: строка {cause.lineno}, столбец {cause.colno}."
        )
    return f"{MALFORMED_JSON_MESSAGE}."


def _documented_examples() -> list[OpenApiExample]:
    """Each worked example as a request and as the response computed from it."""
    examples = []
    for name, example in EXAMPLES.items():
        examples.append(
            OpenApiExample(
                f"Example{name}",
                summary=example["summary"],
                value=example["input"],
                request_only=True,
            )
        )
        examples.append(
            OpenApiExample(
                f"Example{name}",
                summary=example["summary"],
                value=rate(parse_inputs(example["input"])).to_json(),
                response_only=True,
                status_codes=["200"],
            )
        )
    return examples


class CalculatorView(APIView):
    """Rate one organisation from posted counts (METHOD.md §6).

    Public and stateless: no authentication (so no CSRF check either), no
    database. Validation and arithmetic are the rating package's.
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (CalculatorThrottle,)
    throttle_scope = THROTTLE_SCOPE
    parser_classes = (JSONParser,)

    @extend_schema(
        operation_id="calculator_rate",
        tags=["calculator"],
        summary="Калькулятор рейтинга НОК",
        description=(
            "Рассчитывает показатели, критерии и итоговый балл одной организации "
            "по единому порядку расчёта (приказ Минтруда России от 31.05.2018 "
            "№ 344н). Принимает только количества (целые неотрицательные числа). "
            "Показатель без данных (нулевой знаменатель) возвращается как null "
            "с пояснением в notes, а его вес перераспределяется внутри критерия. "
            "При ошибках во входных данных возвращает 400 со списком всех ошибок; "
            "каждая называет поле. Подробно: docs/calculator.md."
        ),
        request=CalculatorInputSerializer,
        responses={
            200: CalculatorResultSerializer,
            400: OpenApiResponse(
                response=CalculatorErrorsSerializer,
                description="Некорректные входные данные или тело запроса не JSON.",
            ),
            405: OpenApiResponse(description="Допустим только метод POST."),
            429: OpenApiResponse(
                description="Слишком много запросов (если настроено ограничение)."
            ),
        },
        examples=[
            *_documented_examples(),
            OpenApiExample(
                "InvalidInput",
                summary="Ошибка во входных данных",
                value={
                    "errors": [
                        {
                            "field": "respondents",
                            "message": "Число респондентов: не может быть "
                            "отрицательным (-1).",
                        }
                    ]
                },
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        """Validate the posted counts and return the rating, or every error."""
        try:
            data = request.data
        except ParseError as error:
            return _errors_response(
                [{"field": "", "message": _malformed_json_message(error)}]
            )
        except UnsupportedMediaType:
            media_type = request.content_type or "не указан"
            return _errors_response(
                [
                    {
                        "field": "",
                        "message": NOT_JSON_MESSAGE.format(media_type=media_type),
                    }
                ]
            )
        try:
            result = rate(parse_inputs(data))
        except RatingInputError as error:
            return _errors_response(error.to_json())
        return Response(result.to_json())
