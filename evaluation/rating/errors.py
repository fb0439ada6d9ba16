"""Errors of the rating calculator: field-level, with Russian messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field.

    Attributes:
        field: Dotted path of the field in the calculator JSON (METHOD.md §6),
            e.g. ``"yes.q2"`` or ``"info_site.present"``; ``""`` for the whole
            document.
        message: What is wrong, in Russian, naming the field for a reader.
    """

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class RatingInputError(ValueError):
    """Inputs (or a method version) the calculator cannot rate.

    Carries every problem found, not only the first, so a form, an import or
    the API can show them all at once (HTTP 400, exit status 2).

    Attributes:
        errors: The problems, in the order they were found.
        context: Optional label of what was being rated (e.g. the
            organisation's short name), prefixed to the string form.
    """

    def __init__(self, errors: Iterable[FieldError], context: str | None = None):
        self.errors: tuple[FieldError, ...] = tuple(errors)
        self.context = context
        super().__init__(str(self))

    def __str__(self) -> str:
        text = "; ".join(str(error) for error in self.errors)
        return f"{self.context}: {text}" if self.context else text

    def to_json(self) -> list[dict[str, str]]:
        """Return the errors as ``[{"field": …, "message": …}, …]`` for the API."""
        return [{"field": e.field, "message": e.message} for e in self.errors]
