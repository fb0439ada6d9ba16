"""Register the evaluation admin screens with Wagtail."""

from wagtail import hooks

from evaluation.viewsets import EvaluationViewSetGroup


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets() -> EvaluationViewSetGroup:
    return EvaluationViewSetGroup()
