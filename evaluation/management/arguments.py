"""Argument types shared by the evaluation commands."""

from __future__ import annotations

from datetime import date

from django.core.management.base import CommandError


def iso_day(value: str) -> date:
    """``--today 2024-05-07`` → a date; a Russian error otherwise."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Дата «{value}» должна быть в виде ГГГГ-ММ-ДД.") from error
