from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    """The domain: organisations, campaigns, the rating method, plans, deadlines."""

    name = "evaluation"
    label = "qp_evaluation"
    verbose_name = "Оценка качества"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_save

        from evaluation import sqlite
        from evaluation.files import register_evaluation_files
        from evaluation.models import OnlineQuestionnaire, QuestionSet
        from evaluation.plans.letters import register_letter_files
        from evaluation.questionnaire.services import forget_cached_questionnaires

        register_evaluation_files()
        register_letter_files()
        connection_created.connect(sqlite.install, dispatch_uid="qp_sqlite_like")
        for model in (OnlineQuestionnaire, QuestionSet):
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_cached_questionnaires,
                    sender=model,
                    dispatch_uid=f"qp_forget_questionnaires_{signal is post_save}_{model.__name__}",
                )
