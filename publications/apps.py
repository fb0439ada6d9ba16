from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    """Page types, documents and council review."""

    name = "publications"
    label = "qp_publications"
    verbose_name = "Публикации"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import campaign_pages, campaign_review, signals

        signals.connect()
        campaign_review.connect()
        campaign_pages.connect()
        register_review_files()


def register_review_files() -> None:
    """Documents under review are private until the council's decision is public."""
    from evaluation import roles
    from evaluation.files import register

    from .models import ReviewDocument

    def can_view(user, document) -> bool:
        return (
            roles.is_editor(user)
            or roles.is_council_member(user)
            or (user.is_authenticated and document.author_id == user.pk)
            or roles.can_manage_organisation(user, document.organisation)
        )

    register(
        "review",
        ReviewDocument,
        "file",
        can_view,
        public=lambda document: bool(
            document.live and document.decision_id and document.decision.is_published
        ),
    )
