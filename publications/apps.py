from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    """Page types, documents and council review."""

    name = "publications"
    label = "qp_publications"
    verbose_name = "Публикации"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import campaign_pages, campaign_review, review, signals

        signals.connect()
        review.connect()
        campaign_review.connect()
        campaign_pages.connect()
        register_review_files()


def register_review_files() -> None:
    """Documents under review are private until the council's decision is public."""
    from evaluation.files import register

    from .models import ReviewDocument
    from .review import may_read

    register(
        "review",
        ReviewDocument,
        "file",
        may_read,
        public=lambda document: bool(
            document.live and document.decision_id and document.decision.is_published
        ),
    )
