"""Fixtures shared by the publications tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture
def page_cache(settings):
    """The public page content cache on (ten minutes), empty before and after."""
    settings.QP_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()
