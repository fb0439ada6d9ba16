from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The domain: organisations, campaigns, the rating method, plans, deadlines."""

    name = "evaluation"
    label = "qp_evaluation"
    verbose_name = "Оценка качества"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from evaluation.files import register_evaluation_files

        register_evaluation_files()
