"""Register the evaluation admin screens and permission policies with Wagtail."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import register_permission_policy

from evaluation.admin import (  # noqa: F401  (each registers its own hooks)
    audit,
    lifecycle,
    notes,
    tracker,
)
from evaluation.admin.imports import import_urls
from evaluation.admin.instructions import can_use as can_use_instructions
from evaluation.admin.instructions import instruction_urls
from evaluation.admin.letters import LettersViewSetGroup
from evaluation.admin.regional import monitoring_urls
from evaluation.admin.viewsets import (
    READ_ONLY_MODELS,
    EvaluationViewSetGroup,
    ReadOnlyPermissionPolicy,
    campaign_chooser_viewset,
    organisation_chooser_viewset,
)

for _model in READ_ONLY_MODELS:
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


@hooks.register("register_admin_viewset")
def register_evaluation_viewsets() -> EvaluationViewSetGroup:
    return EvaluationViewSetGroup()


@hooks.register("register_admin_viewset")
def register_letters_viewsets() -> LettersViewSetGroup:
    return LettersViewSetGroup()


@hooks.register("register_admin_viewset")
def register_campaign_chooser():
    return campaign_chooser_viewset


@hooks.register("register_admin_viewset")
def register_organisation_chooser():
    return organisation_chooser_viewset


@hooks.register("register_admin_urls")
def register_import_urls():
    return import_urls()


@hooks.register("register_admin_urls")
def register_monitoring_urls():
    return monitoring_urls()


@hooks.register("register_admin_menu_item")
def register_import_menu_item() -> MenuItem:
    return MenuItem(
        "Загрузка файлов", reverse("qp_import"), icon_name="upload", order=210
    )


@hooks.register("register_admin_urls")
def register_instruction_urls():
    return instruction_urls(WagtailAdminTemplateMixin)


class InstructionsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_use_instructions(request.user)


@hooks.register("register_admin_menu_item")
def register_instructions_menu_item() -> MenuItem:
    return InstructionsMenuItem(
        "Поручения министерства",
        reverse("qp_instructions"),
        name="qp-instructions",
        icon_name="tasks",
        order=225,
    )
