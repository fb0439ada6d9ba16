"""Health of the Elasticsearch backend."""

from __future__ import annotations

import socket

import pytest

from search.backends.elastic import PLUGIN_NAME, ElasticsearchBackend
from tests.factories.search import SearchDocumentFactory


@pytest.mark.elasticsearch
def test_healthy_with_index_and_plugin(es_backend):
    es_backend.index(SearchDocumentFactory.build_batch(3), refresh=True)

    status = es_backend.health()

    assert status.ok is True
    assert status.backend == "elasticsearch"
    assert status.documents == 3
    assert es_backend.generations()[0] in status.detail
    assert "документов: 3" in status.detail


@pytest.mark.elasticsearch
def test_plugin_is_installed_on_the_test_node(es_backend):
    plugins = es_backend.client.nodes.info(metric="plugins")["nodes"]

    for node in plugins.values():
        assert PLUGIN_NAME in {plugin["name"] for plugin in node["plugins"]}


@pytest.mark.elasticsearch
def test_unhealthy_without_the_alias(es_backend):
    status = es_backend.health()

    assert status.ok is False
    assert status.documents is None
    assert status.detail == f"нет индекса за псевдонимом {es_backend.alias}"


def test_unreachable_cluster_is_reported_not_raised():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port once the socket is closed.
    backend = ElasticsearchBackend(f"http://127.0.0.1:{port}", timeout=2)
    backend.client = backend.client.options(max_retries=0)

    status = backend.health()

    assert status.ok is False
    assert status.detail.startswith("Elasticsearch недоступен")
    assert status.documents is None


@pytest.fixture
def es_settings(settings, es_backend, elasticsearch_url):
    settings.QP_SEARCH = {
        **settings.QP_SEARCH,
        "ELASTICSEARCH_URL": elasticsearch_url,
        "INDEX_PREFIX": es_backend.index_prefix,
    }
    return settings


@pytest.mark.elasticsearch
def test_command_reports_healthy_index(es_settings, es_backend):
    from io import StringIO

    from django.core.management import call_command

    es_backend.index(SearchDocumentFactory.build_batch(2), refresh=True)
    out = StringIO()

    call_command("search_health", stdout=out)

    assert out.getvalue().startswith("Поиск исправен. elasticsearch: кластер")
    assert "документов: 2" in out.getvalue()


@pytest.mark.elasticsearch
def test_command_fails_with_exit_code_1_without_index(es_settings, es_backend):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as raised:
        call_command("search_health")

    assert raised.value.returncode == 1
    assert f"нет индекса за псевдонимом {es_backend.alias}" in str(raised.value)
