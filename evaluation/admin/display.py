"""Stored JSON shown as Russian text in the admin's inspect views.

Results keep their indicators, notes and a snapshot of the inputs they were
computed from as JSON; website checks keep the codes of the items and
channels found. Wagtail's inspect view would print them as Python reprs
(``{'respondents': 387, …}``); these helpers turn them into definition lists
and lists with Russian labels, numbers formatted by
:mod:`evaluation.formatting`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from evaluation.enums import DataSource
from evaluation.formatting import MISSING, format_number, format_score
from evaluation.rating.method import METHODS
from evaluation.regional.website import CHANNELS, SITE_ITEM_CHOICES

#: Labels of the keys of an inputs snapshot (the calculator's JSON, METHOD.md §6).
SNAPSHOT_LABELS: dict[str, str] = {
    "method": "Версия методики",
    "respondents": "Респондентов",
    "info_stand": "Информация на стендах",
    "info_site": "Информация на сайте",
    "present": "размещено",
    "required": "требуется",
    "not_applicable": "не применяется",
    "remote_channels": "Дистанционных способов связи",
    "comfort_conditions": "Комфортных условий",
    "premises_access": "Условий доступности помещений (из 5)",
    "service_access": "Условий доступности услуг (из 6)",
    "yes": "Ответы «да» по вопросам",
    "answered": "Ответивших на вопрос",
    "source": "Источник данных",
    "source_reference": "Ссылка на источник",
}

#: Lists of codes and the labels of their codes, by field name.
CODE_LABELS: dict[str, dict[str, str]] = {
    "items": dict(SITE_ITEM_CHOICES),
    "channels": dict(CHANNELS),
}


def person_label(user) -> str:
    """A user as choices and inspect views name them: the name and e-mail.

    The login shows only for a user without a name (it is no Russian text).
    """
    name = user.get_full_name().strip() or user.get_username()
    return f"{name} ({user.email})" if user.email else name


def method_title(code: str) -> str:
    """The title of a method version (its code if it is not known)."""
    method = METHODS.get(code)
    return method.title if method is not None else code


def source_label(code: str) -> str:
    """A data source code as its Russian label (``demo`` → «Демонстрационные данные»)."""
    labels = dict(DataSource.choices)
    return str(labels.get(code, code)) if code else MISSING


def _question(key: str) -> str:
    return f"вопрос {key[1:]}" if key[:1] == "q" and key[1:].isdigit() else key


_DECIMAL = re.compile(r"-?\d+\.(\d+)")


def _number(value) -> str:
    """A stored value as text: whole numbers grouped, decimals with a comma."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, int):
        return format_number(value, places=0)
    if isinstance(value, Decimal | float):
        return format_number(value, places=len(str(value).partition(".")[2]))
    text = str(value)
    match = _DECIMAL.fullmatch(text)
    if match:  # "86.30" as stored JSON keeps its places: «86,30»
        return format_number(Decimal(text), places=len(match.group(1)))
    return text


def _definition_list(rows: list[tuple[str, object]]) -> SafeString | str:
    if not rows:
        return MISSING
    return format_html(
        '<dl class="qp-inspect-data">{}</dl>',
        format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows),
    )


def _counts(mapping: Mapping) -> SafeString | str:
    """``{"q1": 354, …}`` as «вопрос 1: 354; вопрос 2: 332…»."""
    if not mapping:
        return MISSING
    return "; ".join(
        f"{_question(str(key))}: {_number(value)}" for key, value in mapping.items()
    )


def snapshot(data: Mapping) -> SafeString | str:
    """The inputs a result was computed from, as a labelled list."""
    rows: list[tuple[str, object]] = []
    for key, value in data.items():
        label = SNAPSHOT_LABELS.get(key, key)
        if key == "method":
            shown: object = method_title(str(value))
        elif key == "source":
            shown = source_label(str(value))
        elif key in {"yes", "answered"}:
            shown = _counts(value or {})
        elif isinstance(value, Mapping):
            shown = ", ".join(
                f"{SNAPSHOT_LABELS.get(part, part)} {_number(amount)}"
                for part, amount in value.items()
            )
        else:
            shown = _number(value) if value not in (None, "") else MISSING
        rows.append((label, shown))
    return _definition_list(rows)


def indicators(data: Mapping) -> SafeString | str:
    """Indicator scores, ``{"1.1": "89.01"}`` → «Показатель 1.1 — 89,01»."""
    rows = []
    for code, value in data.items():
        try:
            shown = format_score(Decimal(str(value)))
        except (InvalidOperation, ValueError):
            shown = str(value)
        rows.append((f"Показатель {code}", shown))
    return _definition_list(rows)


def text_list(items: Sequence) -> SafeString | str:
    """A list of texts (a result's notes) as a bulleted list."""
    if not items:
        return MISSING
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((str(i),) for i in items))
    )


def codes(field_name: str, items: Sequence) -> str:
    """Codes of a check-list as their labels, one per line."""
    if not items:
        return MISSING
    labels = CODE_LABELS.get(field_name, {})
    return "; ".join(labels.get(str(code), str(code)) for code in items)


def readable(field_name: str, value) -> object:
    """The display of a JSON field of an evaluation model, by its name."""
    if field_name == "inputs_snapshot" and isinstance(value, Mapping):
        return snapshot(value)
    if field_name == "indicators" and isinstance(value, Mapping):
        return indicators(value)
    if field_name in CODE_LABELS and isinstance(value, list):
        return codes(field_name, value)
    if field_name in {"yes", "answered"} and isinstance(value, Mapping):
        return _counts(value)
    if isinstance(value, list):
        return text_list(value)
    if isinstance(value, Mapping):
        return _definition_list(
            [
                (SNAPSHOT_LABELS.get(str(k), str(k)), _number(v))
                for k, v in value.items()
            ]
        )
    return value


# ------------------------------------------------------------------ stored files


def stored_file_label(file) -> str:
    """A stored file as its reader sees it: «файл PDF», not its random name.

    Private files are kept under non-guessable names
    (:func:`evaluation.files.random_name`); the name means nothing to a
    reader and only the extension is kept from the upload.
    """
    extension = file.name.rpartition(".")[2] if "." in file.name else ""
    return f"файл {extension.upper()}" if extension else "файл"


def stored_file(file) -> SafeString | str:
    """The inspect view's link to a stored file, or «—»."""
    if not file:
        return MISSING
    return format_html('<a href="{}">Скачать {}</a>', file.url, stored_file_label(file))


class _ShownFile:
    """A stored file for the form widget: its link and a readable name."""

    def __init__(self, file) -> None:
        self.url = file.url
        self.label = stored_file_label(file)

    def __str__(self) -> str:
        return self.label


class StoredFileInput(forms.ClearableFileInput):
    """Django's file input naming a stored file «файл PDF», not its storage path."""

    def format_value(self, value):
        if self.is_initial(value):
            return _ShownFile(value)
        return super().format_value(value)
