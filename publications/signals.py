"""Receivers that keep cached page content in step with published data."""

from wagtail.signals import page_published, page_unpublished

from evaluation import signals as evaluation_signals

from .cache import bump_data_version


def connect() -> None:
    """Bump the data version whenever published data or pages change."""
    for signal in (
        evaluation_signals.results_published,
        evaluation_signals.results_recomputed,
        evaluation_signals.campaign_status_changed,
        evaluation_signals.instructions_changed,
        evaluation_signals.public_documents_changed,
        page_published,
        page_unpublished,
    ):
        signal.connect(bump_data_version, dispatch_uid=f"qp-cache-{id(signal)}")
