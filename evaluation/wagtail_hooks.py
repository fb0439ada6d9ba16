"""Wagtail looks for an app's admin hooks here; they live in :mod:`evaluation.admin.hooks`."""

from evaluation.admin import hooks  # noqa: F401
