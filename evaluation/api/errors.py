"""One JSON error shape for the whole API, with Russian messages.

``{"error": {"status": 404, "code": "not_found", "message": "…",
"fields": {"campaign": ["…"]}}}`` — ``fields`` only for validation errors.

DRF's own messages come in Russian from its catalogue, completed by
``evaluation/locale`` where it has none; the few DRF builds from English
text (the throttle's wait, parser errors) are rewritten here.
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler

from evaluation.obligations.reminders import plural

#: Parser errors DRF words in English, by the start of their text.
PARSE_ERRORS = {
    "JSON parse error": "Тело запроса не является корректным JSON.",
    "Multipart form parse error": "Не удалось разобрать тело запроса "
    "(multipart/form-data).",
    "FileUpload parse error": "Не удалось принять загруженный файл.",
}


def throttled_message(wait: float | None) -> str:
    """The 429 message: «Слишком много запросов. Повторите через 2 секунды.»"""
    if wait is None:
        return "Слишком много запросов. Повторите позже."
    seconds = max(1, math.ceil(wait))
    unit = plural(seconds, "секунду", "секунды", "секунд")
    return f"Слишком много запросов. Повторите через {seconds} {unit}."


def _messages(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [
            str(item) if not isinstance(item, dict | list) else _messages(item)
            for item in detail
        ]
    return [str(detail)]


def api_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's handler, with its body rewritten into the portal's error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Запись не найдена.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    code = "error"
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    error: dict[str, Any] = {"status": response.status_code, "code": code}
    if isinstance(exc, exceptions.ValidationError):
        error["message"] = "Запрос содержит ошибки."
        detail = exc.detail
        error["fields"] = (
            _messages(detail)
            if isinstance(detail, dict)
            else {"non_field_errors": _messages(detail)}
        )
    else:
        detail = getattr(exc, "detail", str(exc))
        error["message"] = str(detail)
    if isinstance(exc, exceptions.Throttled):
        error["message"] = throttled_message(exc.wait)
    elif isinstance(exc, exceptions.ParseError):
        for prefix, message in PARSE_ERRORS.items():
            if error["message"].startswith(prefix):
                error["message"] = message
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        error["retry_after"] = int(exc.wait)
    response.data = {"error": error}
    return response
