"""Errors of the publications app; their messages are Russian and shown to users."""

from evaluation.exceptions import EvaluationError


class ReviewError(EvaluationError):
    """A review step is not possible; the message says why (in Russian)."""
