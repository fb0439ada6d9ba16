"""Wagtail admin adapters of the evaluation domain: the only package here that imports Wagtail."""
