"""Prove that backend passes talk to the real services, not a fallback."""

import uuid

import pytest
from django.db import connection

from search.backends.elastic import make_client, server_version


@pytest.mark.postgresql
@pytest.mark.django_db
def test_postgresql_pass_uses_a_real_postgresql_15_server() -> None:
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        (version_num,) = cursor.fetchone()
        cursor.execute("SELECT version()")
        (banner,) = cursor.fetchone()
    assert int(version_num) >= 150000, banner
    assert banner.startswith("PostgreSQL ")


@pytest.mark.elasticsearch
def test_elasticsearch_node_answers_with_its_version_and_finds_a_document(
    elasticsearch_url: str,
) -> None:
    client = make_client(elasticsearch_url)
    version = server_version(client)
    assert version.split(".")[0] == "8", version

    index = f"qp-test-smoke-{uuid.uuid4().hex[:8]}"
    try:
        client.index(
            index=index,
            id="1",
            document={"name": "Комплексный центр социального обслуживания"},
            refresh=True,
        )
        hits = client.search(index=index, query={"match": {"name": "центр"}})
        assert hits["hits"]["total"]["value"] == 1
        missing = client.search(index=index, query={"match": {"name": "больница"}})
        assert missing["hits"]["total"]["value"] == 0
    finally:
        client.indices.delete(index=index, ignore_unavailable=True)
