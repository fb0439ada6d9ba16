"""Wagtail hooks of the publications app: each admin module registers its own."""

from publications import cabinet, review_admin  # noqa: F401  (register their hooks)
