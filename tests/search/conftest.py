"""Fixtures of the search tests: a real Elasticsearch backend per test."""

from __future__ import annotations

import uuid

import pytest

from search.backends.elastic import ElasticsearchBackend


@pytest.fixture
def es_backend(elasticsearch_url):
    """An Elasticsearch backend with an index prefix of its own, removed afterwards."""
    backend = ElasticsearchBackend(
        elasticsearch_url, index_prefix=f"qptest-{uuid.uuid4().hex[:10]}"
    )
    yield backend
    backend.clear()
