"""Elasticsearch connection through the official 8.x client."""

from elasticsearch import Elasticsearch


def make_client(url: str, *, timeout: float = 10.0) -> Elasticsearch:
    """Create a client for one node or cluster URL.

    Args:
        url: The cluster's HTTP address, e.g. ``http://127.0.0.1:9200``.
        timeout: Request timeout in seconds.
    """
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=True)


def server_version(client: Elasticsearch) -> str:
    """Return the version number the connected node reports about itself.

    Uses the nodes API rather than ``GET /``: minimal distributions (such as the
    integration-test one) do not serve the root endpoint.
    """
    response = client.nodes.info(node_id="_local", metric="_none")
    nodes = response["nodes"]
    return str(next(iter(nodes.values()))["version"])
