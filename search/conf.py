"""Settings of the search app, namespaced under ``QP_SEARCH`` with defaults."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class SearchSettings:
    """Resolved search settings."""

    elasticsearch_url: str
    index_prefix: str


def get_settings() -> SearchSettings:
    """Read ``settings.QP_SEARCH`` and fill in the defaults."""
    raw = getattr(settings, "QP_SEARCH", {}) or {}
    return SearchSettings(
        elasticsearch_url=str(raw.get("ELASTICSEARCH_URL", "") or ""),
        index_prefix=str(raw.get("INDEX_PREFIX", "qp") or "qp"),
    )
