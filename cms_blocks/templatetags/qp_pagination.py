"""Pagination helpers for the shared pagination component."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj: Page, on_each_side: int = 2, on_ends: int = 1):
    """Page numbers around the current page with "…" gaps, for long lists."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )
