"""Register the evaluation admin screens and permission policies with Wagtail."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from evaluation.viewsets import (
    READ_ONLY_MODELS,
    EvaluationViewSetGroup,
    ReadOnlyPermissionPolicy,
)

for _model in READ_ONLY_MODELS:
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets() -> EvaluationViewSetGroup:
    return EvaluationViewSetGroup()
