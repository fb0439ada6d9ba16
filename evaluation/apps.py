from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The domain: organisations, campaigns, the rating method, plans, deadlines."""

    name = "evaluation"
    label = "qp_evaluation"
    verbose_name = "Оценка качества"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from evaluation import sqlite
        from evaluation.files import register_evaluation_files
        from evaluation.plans.letters import register_letter_files

        register_evaluation_files()
        register_letter_files()
        connection_created.connect(sqlite.install, dispatch_uid="qp_sqlite_like")
