"""``manage.py rate INPUT.json``: the rating calculator on the command line.

Reads one organisation's counts in the calculator JSON of METHOD.md §6 from a
file (or from standard input with ``-``), rates it with
:mod:`evaluation.rating` and prints the result JSON to standard output.

Exit status: 0 with the result (even when some values are "нет данных");
2 when the input cannot be read, is not JSON or is invalid; then every problem
is printed to standard error in Russian, each naming its field.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any, NoReturn

from django.core.management.base import BaseCommand

from evaluation.rating import RatingInputError, parse_inputs, rate

EXIT_INVALID_INPUT = 2
STDIN = "-"


class _UnreadableInputError(Exception):
    """The input could not be read or decoded; the message is Russian."""


class _ConstantError(ValueError):
    """``NaN``/``Infinity`` in the input: not JSON, though Python accepts it."""


def _reject_constant(name: str) -> NoReturn:
    raise _ConstantError(name)


def _describe_source(source: str) -> str:
    return "стандартного ввода" if source == STDIN else f"файла «{source}»"


def _read_bytes(source: str) -> bytes:
    """Return the raw input of ``source`` (a path, or ``-`` for stdin)."""
    if source == STDIN:
        stream = sys.stdin
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            raw: bytes = buffer.read()
            return raw
        return stream.read().encode("utf-8")
    try:
        with open(source, "rb") as file:
            return file.read()
    except FileNotFoundError:
        reason = "файл не найден"
    except IsADirectoryError:
        reason = "это каталог, а не файл"
    except PermissionError:
        reason = "нет прав на чтение"
    except OSError as error:
        reason = f"ошибка ввода-вывода (код {error.errno})"
    raise _UnreadableInputError(f"Не удалось прочитать файл «{source}»: {reason}.")


def _load_json(source: str) -> Any:
    """Read and decode the JSON document of ``source``."""
    raw = _read_bytes(source)
    where = _describe_source(source)
    try:
        # utf-8-sig: spreadsheet tools on Windows often save a BOM.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _UnreadableInputError(
            f"Содержимое {where} не в кодировке UTF-8 (байт {error.start + 1})."
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        problem = f"строка {error.lineno}, столбец {error.colno}"
    except _ConstantError as error:
        problem = f"недопустимое значение {error}"
    except ValueError:
        problem = "число слишком длинное или другое недопустимое значение"
    raise _UnreadableInputError(
        f"Содержимое {where} не является корректным JSON: {problem}."
    )


class Command(BaseCommand):
    """Rate one organisation from a calculator JSON file (METHOD.md §6)."""

    help = (
        "Рассчитывает показатели, критерии и итоговый балл одной организации "
        "(методика приказа Минтруда России № 344н) по исходным данным в JSON "
        "и выводит результат в JSON. При ошибках во входных данных выводит их "
        "в stderr и завершается с кодом 2."
    )
    # Pure arithmetic over the given file: no database, nothing to check.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the input argument."""
        parser.add_argument(
            "input",
            metavar="INPUT.json",
            help="файл с исходными данными (METHOD.md §6); «-» — читать из stdin",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Read, validate and rate the input; print the result or the errors."""
        source: str = options["input"]
        try:
            data = _load_json(source)
        except _UnreadableInputError as error:
            self._fail([str(error)])
        try:
            result = rate(parse_inputs(data))
        except RatingInputError as error:
            self._fail(
                [f"Ошибки в исходных данных из {_describe_source(source)}:"]
                + [f"  {problem}" for problem in error.errors]
            )
        self.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2))

    def _fail(self, lines: list[str]) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        # SystemExit, not CommandError: call_command callers and the shell
        # both see status 2, and the messages are already printed.
        raise SystemExit(EXIT_INVALID_INPUT)
