"""Wagtail hooks of the publications app: each admin module registers its own."""

from publications import (  # noqa: F401  (register their hooks)
    cabinet,
    dashboard,
    help_admin,
    review_admin,
)
