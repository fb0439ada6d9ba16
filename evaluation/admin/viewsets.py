"""Wagtail admin screens for the evaluation models (admin adapter only)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, FileField, JSONField, ManyToManyField, Q
from django.forms import ModelChoiceField, modelform_factory
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.views.generic.models import CreateView as ModelCreateView
from wagtail.admin.views.generic.models import (
    DeleteView,
    EditView,
    IndexView,
    InspectView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

import evaluation.plans.instructions as instruction_services
from evaluation import roles
from evaluation.admin import display as admin_display
from evaluation.decade import sample_bases
from evaluation.models import (
    AuditEvent,
    Campaign,
    CouncilDecision,
    DecadeSummary,
    District,
    ImportRecord,
    ImprovementPlan,
    IndicatorInput,
    OnlineQuestionnaire,
    OnlineSubmission,
    Organisation,
    PlanExecution,
    PlanItem,
    PublishedResult,
    QuestionSet,
    RegionalPlan,
    Result,
    ReviewStatus,
    SampleBase,
    Submission,
    SuggestionStatus,
    SurveyResponse,
    TargetIndicator,
    WebsiteCheck,
)
from evaluation.questionnaire import services as questionnaire_services
from evaluation.regional.website import CHANNELS, SITE_ITEM_CHOICES
from evaluation.uploads import validate_upload_size


class ScopedViewMixin:
    """Rows and objects limited to what :mod:`evaluation.roles` lets the user see.

    Listings (and their exports) show only the user's rows; opening another
    organisation's object by its address is a 404, changing or deleting one
    outside the user's scope too; choice fields offer only the user's
    organisations and campaigns.
    """

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if getattr(queryset, "model", None) is self.model:
            queryset = roles.scope_queryset(self.request.user, queryset)
        return queryset

    def get_object(self, *args, **kwargs):
        # Wagtail's history and usage views call get_object() without a
        # queryset; the edit and delete views pass one.
        obj = super().get_object(*args, **kwargs)
        if isinstance(obj, self.model):
            for_change = isinstance(self, (EditView, DeleteView))
            allowed = roles.can_change_object if for_change else roles.can_view_object
            if not allowed(self.request.user, obj):
                raise Http404
        return obj

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        _scope_choices(self.request.user, form)
        return form

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        # Yes/no fields read «Да»/«Нет» in listings (Wagtail prints True/False).
        if column_class is Column and _is_boolean(self.model, field_name):
            column_class = YesNoColumn
        return super()._get_custom_column(field_name, column_class, **kwargs)

    def get_field_display_value(self, field_name, field):
        # The inspect view: stored JSON as labelled Russian lists, codes as
        # their labels, «Да»/«Нет» and «—» instead of True/False/None.
        if isinstance(field, JSONField):
            return admin_display.readable(field_name, getattr(self.object, field_name))
        if isinstance(field, ManyToManyField) and field.related_model is (
            get_user_model()
        ):
            people = getattr(self.object, field_name).all()
            return ", ".join(admin_display.person_label(user) for user in people) or "—"
        if isinstance(field, FileField):
            return admin_display.stored_file(getattr(self.object, field_name))
        if field_name == "method_version":
            return admin_display.method_title(self.object.method_version)
        if field_name == "input_source":
            return admin_display.source_label(self.object.input_source)
        value = super().get_field_display_value(field_name, field)
        return _russian_value(value)

    @cached_property
    def filters(self):
        # The listing's filter sidebar offers only the user's organisations and
        # campaigns (no titles of other campaigns, drafts included).
        filterset = super().filters
        if filterset is not None:
            _scope_choices(self.request.user, filterset.form)
        return filterset


def _is_boolean(model, field_name: str) -> bool:
    try:
        field = model._meta.get_field(field_name)
    except FieldDoesNotExist:
        return False
    return isinstance(field, BooleanField)


def _russian_value(value):
    if value is True:
        return "Да"
    if value is False:
        return "Нет"
    if value is None or value == "":
        return "—"
    return value


class YesNoColumn(Column):
    """A yes/no field as «Да»/«Нет» (an empty value as «—»)."""

    def get_value(self, instance):
        return _russian_value(super().get_value(instance))


def _scope_choices(user, form) -> None:
    """Limit a form's organisation and campaign choices to the user's own."""
    if roles.is_editor(user):
        return
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField) and field.queryset.model in (
            Organisation,
            Campaign,
        ):
            field.queryset = roles.scope_queryset(user, field.queryset)


class ScopedModelViewSet(ModelViewSet):
    """A model viewset whose every view is scoped by the roles policy.

    Listings search the database (no Wagtail search index) and rows are not
    copied unless a viewset says so. ``base_form_class``, where set, is the
    form the create and edit forms are built on.
    """

    search_backend_name = None
    copy_view_enabled = False
    base_form_class = None

    def get_form_class(self, for_update=False):
        if self.base_form_class is None:
            return super().get_form_class(for_update)
        return modelform_factory(
            self.model,
            form=self.base_form_class,
            fields=self.get_form_fields(),
            exclude=self.get_exclude_form_fields(),
            formfield_callback=self.formfield_for_dbfield,
        )

    def formfield_for_dbfield(self, db_field, **kwargs):
        # A stored private file is named «файл PDF», not by its random path;
        # a new one is refused over the upload limit.
        if isinstance(db_field, FileField):
            kwargs.setdefault("widget", admin_display.StoredFileInput)
            kwargs.setdefault("validators", [validate_upload_size])
        return super().formfield_for_dbfield(db_field, **kwargs)

    def construct_view(self, view_class, **kwargs):
        if not issubclass(view_class, ScopedViewMixin):
            view_class = type(
                f"Scoped{view_class.__name__}", (ScopedViewMixin, view_class), {}
            )
        return super().construct_view(view_class, **kwargs)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View-only access: computed, published and audit records never change by hand."""

    WRITE_ACTIONS = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        if action in self.WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.WRITE_ACTIONS]
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


class ReadOnlyViewSet(ScopedModelViewSet):
    """A listing with inspect views and no add, edit, copy or delete.

    Its model's :class:`ReadOnlyPermissionPolicy` is registered in
    ``wagtail_hooks`` (:data:`READ_ONLY_MODELS`).
    """

    inspect_view_enabled = True
    add_view_enabled = False


class DistrictViewSet(ScopedModelViewSet):
    model = District
    icon = "site"
    menu_label = _("Районы")
    # The address code is a Latin slug: on the edit form, not in the listing.
    list_display = ["name"]
    search_fields = ["name"]
    form_fields = ["name", "slug"]


class OrganisationForm(WagtailAdminModelForm):
    """The organisation, and for editors the institution users bound to it."""

    users = forms.ModelMultipleChoiceField(
        label=_("Пользователи учреждения"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Сотрудники организации (группа «Учреждения»): они видят её данные, "
            "загружают её документы и получают напоминания о сроках."
        ),
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if not (roles.is_editor(for_user) or roles.is_administrator(for_user)):
            del self.fields["users"]  # nobody binds people to their own place
            return
        field = self.fields["users"]
        field.queryset = (
            get_user_model()
            .objects.filter(
                Q(groups__name=roles.INSTITUTION)
                | Q(pk__in=self.instance.users.values("pk") if self.instance.pk else [])
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        field.label_from_instance = admin_display.person_label
        if self.instance.pk:
            self.initial["users"] = list(
                self.instance.users.values_list("pk", flat=True)
            )


class OrganisationViewSet(ScopedModelViewSet):
    model = Organisation
    base_form_class = OrganisationForm
    icon = "group"
    menu_label = _("Организации")
    list_display = ["short_name", "kind", "district", "inn", "code"]
    list_filter = ["kind", "district", "has_online_questionnaire", "is_active"]
    search_fields = ["name", "short_name", "inn", "code"]
    list_export = ["name", "short_name", "kind", "district", "inn", "code", "website"]
    export_filename = "organisations"
    inspect_view_enabled = True
    form_fields = [
        "name",
        "short_name",
        "slug",
        "code",
        "inn",
        "kind",
        "district",
        "parent",
        "address",
        "website",
        "has_online_questionnaire",
        "recipients_count",
        "registered_count",
        "counts_as_of",
        "is_active",
        "users",
    ]


class CampaignViewSet(ScopedModelViewSet):
    model = Campaign
    icon = "date"
    menu_label = _("Кампании")
    list_display = ["title", "kind", "year", "status", "method_version"]
    list_filter = ["kind", "year", "status"]
    search_fields = ["title"]
    form_fields = [
        "kind",
        "year",
        "title",
        "slug",
        "period_start",
        "period_end",
        "method_version",
        "organisations",
    ]


class IndicatorInputViewSet(ScopedModelViewSet):
    model = IndicatorInput
    icon = "table"
    menu_label = _("Исходные данные")
    list_display = ["organisation", "campaign", "respondents", "source", "updated_at"]
    list_filter = ["campaign", "source"]
    search_fields = ["organisation__short_name"]
    form_fields = [
        "campaign",
        "organisation",
        "respondents",
        "info_stand_present",
        "info_stand_required",
        "info_stand_not_applicable",
        "info_site_present",
        "info_site_required",
        "info_site_not_applicable",
        "remote_channels",
        "comfort_conditions",
        "premises_access",
        "service_access",
        "yes",
        "answered",
        "source",
        "source_reference",
    ]


class ResultViewSet(ReadOnlyViewSet):
    model = Result
    icon = "list-ol"
    menu_label = _("Результаты (рабочие)")
    list_display = ["organisation", "campaign", "total", "rank", "computed_at"]
    list_filter = ["campaign"]
    search_fields = ["organisation__short_name"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["rank"]


class PublishedResultViewSet(ReadOnlyViewSet):
    model = PublishedResult
    icon = "tick-inverse"
    menu_label = _("Опубликованные результаты")
    list_display = ["organisation", "publication", "total", "rank"]
    list_filter = ["publication__campaign"]
    search_fields = ["organisation__short_name"]
    inspect_view_enabled = True
    form_fields = ["publication"]


class SurveyResponseForm(WagtailAdminModelForm):
    """A questionnaire's edit form: excluding one needs a reason."""

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("excluded")
            and not (cleaned.get("exclusion_reason") or "").strip()
        ):
            self.add_error("exclusion_reason", _("Укажите причину исключения анкеты."))
        return cleaned


class SurveyResponseEditView(EditView):
    """Saves the form; a change of "excluded" goes through the services (audit log)."""

    def save_instance(self):
        before = (
            SurveyResponse.objects.filter(pk=self.form.instance.pk)
            .values("excluded", "exclusion_reason")
            .first()
            or {}
        )
        was_excluded = bool(before.get("excluded"))
        instance = super().save_instance()
        if instance.excluded and not was_excluded:
            questionnaire_services.exclude_response(
                instance, reason=instance.exclusion_reason, actor=self.request.user
            )
        elif was_excluded and not instance.excluded:
            questionnaire_services.include_response(
                instance,
                actor=self.request.user,
                previous_reason=before.get("exclusion_reason", ""),
            )
        return instance


class SurveyResponseViewSet(ScopedModelViewSet):
    model = SurveyResponse
    base_form_class = SurveyResponseForm
    edit_view_class = SurveyResponseEditView
    icon = "form"
    menu_label = _("Анкеты")
    list_display = [
        "id",
        "organisation",
        "campaign",
        "channel",
        "collected_on",
        "excluded",
    ]
    list_filter = ["campaign", "channel", "kind", "excluded", "external_territorial"]
    search_fields = ["organisation__short_name", "suggestion"]
    form_fields = [
        "campaign",
        "organisation",
        "answers",
        "suggestion",
        "channel",
        "kind",
        "external_territorial",
        "sex",
        "age_group",
        "collected_on",
        "excluded",
        "exclusion_reason",
    ]


class OnlineSubmissionReviewForm(WagtailAdminModelForm):
    """Review of an online questionnaire and moderation of its suggestion."""

    reason = forms.CharField(
        label=_("Причина исключения"),
        required=False,
        max_length=300,
        help_text=_("Обязательна, если анкета исключается; попадает в журнал."),
    )

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("review") == ReviewStatus.EXCLUDED
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Укажите причину исключения анкеты."))
        if (
            cleaned.get("suggestion_status", SuggestionStatus.NONE)
            != SuggestionStatus.NONE
            and not self.instance.response.suggestion
        ):
            self.add_error(
                "suggestion_status", _("В этой анкете нет предложений для модерации.")
            )
        return cleaned


class OnlineSubmissionEditView(EditView):
    """Every decision goes through the services, which write the audit log."""

    def save_instance(self):
        stored = OnlineSubmission.objects.get(pk=self.form.instance.pk)
        data = self.form.cleaned_data
        user = self.request.user
        if data["review"] != stored.review:
            questionnaire_services.review_online_response(
                stored,
                accept=data["review"] != ReviewStatus.EXCLUDED,
                reason=data.get("reason", ""),
                actor=user,
            )
        if data["suggestion_status"] != stored.suggestion_status and data[
            "suggestion_status"
        ] in (SuggestionStatus.APPROVED, SuggestionStatus.REJECTED):
            questionnaire_services.moderate_suggestion(
                stored,
                approve=data["suggestion_status"] == SuggestionStatus.APPROVED,
                actor=user,
            )
        stored.refresh_from_db()
        return stored


class OnlineSubmissionViewSet(ScopedModelViewSet):
    """Online questionnaires: flagged ones to review, suggestions to moderate."""

    model = OnlineSubmission
    base_form_class = OnlineSubmissionReviewForm
    icon = "form"
    menu_label = _("Онлайн-анкеты: проверка")
    list_display = [
        "response",
        "organisation",
        "campaign",
        "created_at",
        "review",
        "flag_reason",
        "suggestion_status",
    ]
    list_filter = ["review", "suggestion_status", "campaign"]
    search_fields = ["organisation__short_name", "response__suggestion"]
    add_view_enabled = False
    inspect_view_enabled = True
    edit_view_class = OnlineSubmissionEditView
    form_fields = ["review", "suggestion_status"]


class QuestionSetViewSet(ScopedModelViewSet):
    model = QuestionSet
    copy_view_enabled = True
    icon = "list-ol"
    menu_label = _("Наборы вопросов анкеты")
    list_display = ["title", "code", "version", "created_at"]
    search_fields = ["title", "code"]
    form_fields = ["code", "version", "title", "questions"]


class OnlineQuestionnaireViewSet(ScopedModelViewSet):
    model = OnlineQuestionnaire
    icon = "date"
    menu_label = _("Онлайн-анкеты кампаний")
    list_display = ["campaign", "opens_at", "closes_at", "question_set"]
    form_fields = [
        "campaign",
        "question_set",
        "opens_at",
        "closes_at",
        "retention_days",
    ]


class ImprovementPlanViewSet(ScopedModelViewSet):
    model = ImprovementPlan
    icon = "doc-full"
    menu_label = _("Планы мероприятий")
    list_display = ["organisation", "campaign", "year", "revision", "status"]
    list_filter = ["status", "year", "campaign"]
    search_fields = ["organisation__short_name"]
    # Status and approval come only from the council's review (and a new
    # revision from an import), never from editing the row.
    form_fields = ["organisation", "campaign", "year"]


class SubmissionViewSet(ScopedModelViewSet):
    model = Submission
    icon = "mail"
    menu_label = _("Представляемые документы")
    list_display = [
        "organisation",
        "campaign",
        "kind",
        "deadline",
        "received_on",
        "status",
    ]
    list_filter = ["campaign", "kind", "status"]
    search_fields = ["organisation__short_name"]
    form_fields = [
        "campaign",
        "organisation",
        "kind",
        "deadline",
        "received_on",
        "status",
        "file",
        "comment",
    ]


class TargetIndicatorViewSet(ScopedModelViewSet):
    model = TargetIndicator
    copy_view_enabled = True
    icon = "pick"
    menu_label = _("Целевые показатели")
    list_display = ["title", "unit", "position", "plan", "source"]
    list_filter = ["plan", "source"]
    search_fields = ["title"]
    form_fields = ["title", "unit", "position", "plan", "source"]


class CouncilDecisionViewSet(ScopedModelViewSet):
    model = CouncilDecision
    copy_view_enabled = True
    icon = "openquote"
    menu_label = _("Решения совета")
    list_display = ["number", "decided_on", "title", "is_published"]
    list_filter = ["is_published", "campaign"]
    search_fields = ["number", "title", "text"]
    form_fields = [
        "number",
        "decided_on",
        "title",
        "text",
        "campaign",
        "organisation",
        "is_published",
    ]


def _audit_labels():
    # Imported when used: the audit adapter connects signals to models that
    # are not loaded yet when this module is first imported.
    from evaluation.admin import audit as audit_admin

    return audit_admin


class AuditEventInspectView(InspectView):
    """An audit event in Russian: labels of the action, the user, the object type.

    The event's ``data`` (the machine-readable details of the change) is not
    shown: its summary says the same in words, and the Wagtail log entry
    keeps it.
    """

    def get_action_display_value(self) -> str:
        return _audit_labels().action_label(self.object.action)

    def get_actor_display_value(self) -> str:
        return _audit_labels().user_label(self.object.actor)

    def get_object_type_display_value(self) -> str:
        return _audit_labels().object_type_label(self.object.object_type)


class AuditEventViewSet(ReadOnlyViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Журнал действий")
    inspect_view_class = AuditEventInspectView
    list_display = [
        "created_at",
        Column(
            "action",
            label=_("Действие"),
            accessor=lambda event: _audit_labels().action_label(event.action),
            sort_key="action",
        ),
        "summary",
        Column(
            "actor",
            label=_("Пользователь"),
            accessor=lambda event: _audit_labels().user_label(event.actor),
            sort_key="actor",
        ),
    ]
    inspect_view_fields = [
        "created_at",
        "action",
        "actor",
        "object_type",
        "object_id",
        "summary",
    ]
    list_filter = ["action"]
    search_fields = ["summary"]
    inspect_view_enabled = True
    add_view_enabled = False
    form_fields = ["summary"]


class DecadeSummaryViewSet(ScopedModelViewSet):
    model = DecadeSummary
    icon = "table"
    menu_label = _("Сводная информация Декады")
    list_display = ["organisation", "campaign", "questionnaires", "base", "updated_at"]
    list_filter = ["campaign"]
    search_fields = ["organisation__short_name"]
    form_fields = [
        "campaign",
        "organisation",
        "base",
        "questionnaires",
        "external_territorial",
        "by_channel",
        "by_kind",
        "yes",
        "answered",
    ]


class SampleBaseEditView(EditView):
    """Edit one stored Декада base; a change after publication gets an audit
    event with the old and new value (:func:`sample_bases.audit_change`)."""

    def save_instance(self):
        before = (
            SampleBase.objects.filter(pk=self.object.pk)
            .values_list("base", flat=True)
            .first()
        )
        instance = super().save_instance()
        if before != instance.base:
            sample_bases.audit_change(instance, before, self.request.user)
        return instance


class SampleBaseViewSet(ScopedModelViewSet):
    """The Декада sample bases fixed with each campaign (seed 000 §3.1)."""

    model = SampleBase
    icon = "table"
    menu_label = _("Базы выборки Декады")
    edit_view_class = SampleBaseEditView
    list_display = ["organisation", "campaign", "base", "source", "updated_at"]
    list_filter = ["campaign", "source"]
    search_fields = ["organisation__short_name"]
    form_fields = ["campaign", "organisation", "base", "source"]


class ImportRecordViewSet(ReadOnlyViewSet):
    model = ImportRecord
    icon = "upload"
    menu_label = _("История импорта")
    list_display = [
        "filename",
        "form",
        "status",
        "campaign",
        "user",
        "created_at",
        "total_rows",
        "new_rows",
        "updated_rows",
        "invalid_rows",
    ]
    list_filter = ["form", "status", "campaign"]
    search_fields = ["filename", "checksum"]
    form_fields = ["filename"]


READ_ONLY_MODELS = (Result, PublishedResult, AuditEvent, ImportRecord)


class RegionalPlanViewSet(ScopedModelViewSet):
    model = RegionalPlan
    icon = "calendar-alt"
    menu_label = _("План организации НОК")
    list_display = ["title", "first_year", "last_year", "is_published"]
    search_fields = ["title"]
    form_fields = [
        "title",
        "approved_by",
        "approved_on",
        "first_year",
        "last_year",
        "base_year",
        "is_published",
    ]


class PlanItemViewSet(ScopedModelViewSet):
    model = PlanItem
    icon = "list-ol"
    menu_label = _("Пункты плана НОК")
    list_display = ["number", "measure", "deadline_text", "plan"]
    list_filter = ["plan", "by_ministry", "by_council", "by_organisations"]
    search_fields = ["number", "measure"]
    form_fields = [
        "plan",
        "parent",
        "number",
        "position",
        "measure",
        "form",
        "deadline_text",
        "by_ministry",
        "by_council",
        "by_organisations",
        "by_operator",
        "executors_text",
    ]


class PlanExecutionViewSet(ScopedModelViewSet):
    model = PlanExecution
    icon = "tick"
    menu_label = _("Исполнение плана НОК")
    list_display = ["item", "period_due", "done_on", "recorded_by"]
    list_filter = ["item__plan"]
    search_fields = ["summary", "item__number"]
    form_fields = [
        "item",
        "period_due",
        "done_on",
        "summary",
        "decision",
        "document_title",
        "document_url",
    ]


class WebsiteCheckForm(WagtailAdminModelForm):
    """The check-list as check boxes rather than JSON."""

    items = forms.MultipleChoiceField(
        label=_("Размещённые сведения (886н)"),
        choices=SITE_ITEM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("Дистанционные способы связи"),
        choices=CHANNELS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class WebsiteCheckIndexView(IndexView):
    """The listing, with the checker and the transfer to a campaign."""

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        user = self.request.user
        if user.has_perm("qp_evaluation.add_websitecheck"):
            buttons.append(
                HeaderButton(
                    _("Проверить сайт автоматически"),
                    url=reverse("qp_website_check"),
                    icon_name="globe",
                )
            )
        if user.has_perm("qp_evaluation.change_indicatorinput"):
            buttons.append(
                HeaderButton(
                    _("Перенести в кампанию"),
                    url=reverse("qp_website_prefill"),
                    icon_name="resubmit",
                )
            )
        return buttons


class _WebsiteCheckFollowUp:
    """«Выдать поручение» on a failed check; a passing recheck closes open ones."""

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        check = getattr(self, "object", None)
        if (
            check is not None
            and instruction_services.can_issue(self.request.user)
            and instruction_services.website_defects(check)
            and instruction_services.open_website_instruction(check) is None
        ):
            url = reverse("qp_instruction_website", args=[check.pk])
            buttons.append(
                HeaderButton(
                    _("Выдать поручение"),
                    url=url,
                    icon_name="tasks",
                    attrs={
                        "data-controller": "w-action",
                        "data-action": "w-action#post",
                        "data-w-action-url-value": url,
                    },
                )
            )
        return buttons

    def save_instance(self):
        instance = super().save_instance()
        instruction_services.close_by_recheck(instance, actor=self.request.user)
        return instance


class WebsiteCheckCreateView(_WebsiteCheckFollowUp, ModelCreateView):
    pass


class WebsiteCheckEditView(_WebsiteCheckFollowUp, EditView):
    pass


class WebsiteCheckViewSet(ScopedModelViewSet):
    model = WebsiteCheck
    base_form_class = WebsiteCheckForm
    index_view_class = WebsiteCheckIndexView
    add_view_class = WebsiteCheckCreateView
    edit_view_class = WebsiteCheckEditView
    icon = "globe"
    menu_label = _("Мониторинг сайтов")
    list_display = ["organisation", "checked_on", "method", "questionnaire_ok"]
    list_filter = ["method", "questionnaire_ok", "organisation__district"]
    search_fields = ["organisation__short_name", "url"]
    inspect_view_enabled = True
    form_fields = [
        "organisation",
        "checked_on",
        "url",
        "method",
        "items",
        "channels",
        "questionnaire_url",
        "questionnaire_ok",
        "notes",
    ]


class EvaluationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Оценка качества")
    menu_icon = "clipboard-list"
    menu_order = 200
    items = (
        OrganisationViewSet,
        DistrictViewSet,
        CampaignViewSet,
        IndicatorInputViewSet,
        ResultViewSet,
        PublishedResultViewSet,
        SurveyResponseViewSet,
        OnlineSubmissionViewSet,
        OnlineQuestionnaireViewSet,
        QuestionSetViewSet,
        DecadeSummaryViewSet,
        SampleBaseViewSet,
        ImprovementPlanViewSet,
        SubmissionViewSet,
        TargetIndicatorViewSet,
        CouncilDecisionViewSet,
        RegionalPlanViewSet,
        PlanItemViewSet,
        PlanExecutionViewSet,
        WebsiteCheckViewSet,
        ImportRecordViewSet,
        AuditEventViewSet,
    )


class ScopedChooseMixin:
    """Chooser listings limited to what the roles policy lets the user see."""

    def get_object_list(self):
        return roles.scope_queryset(self.request.user, super().get_object_list())


class CampaignChooserViewSet(ChooserViewSet):
    """The modal that picks a campaign for a page field or a live-data block.

    Draft campaigns are not public: non-editors are offered only theirs.
    """

    model = Campaign
    choose_view_class = type("CampaignChooseView", (ScopedChooseMixin, ChooseView), {})
    choose_results_view_class = type(
        "CampaignChooseResultsView", (ScopedChooseMixin, ChooseResultsView), {}
    )
    icon = "date"
    choose_one_text = _("Выбрать кампанию")
    choose_another_text = _("Выбрать другую кампанию")
    edit_item_text = _("Изменить кампанию")
    page_title = _("Выбор кампании")
    per_page = 30


class OrganisationChooserFilterForm(BaseFilterForm):
    """Search of the organisation chooser: name, short name or ИНН.

    ``icontains`` folds Cyrillic case on PostgreSQL and, through
    ``evaluation.sqlite``, on SQLite too.
    """

    q = forms.CharField(
        label=_("Поиск"),
        widget=forms.TextInput(attrs={"placeholder": _("Название или ИНН")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(short_name__icontains=query) | Q(name__icontains=query) | Q(inn=query)
            )
            self.is_searching = True
            self.search_query = query
        return objects


class OrganisationChooserViewSet(ChooserViewSet):
    """The modal that picks an organisation for a live-data block."""

    model = Organisation
    # The model is not in Wagtail's index, so the modal searches with the ORM.
    choose_view_class = type(
        "OrganisationChooseView",
        (ChooseView,),
        {"filter_form_class": OrganisationChooserFilterForm},
    )
    choose_results_view_class = type(
        "OrganisationChooseResultsView",
        (ChooseResultsView,),
        {"filter_form_class": OrganisationChooserFilterForm},
    )
    icon = "group"
    choose_one_text = _("Выбрать организацию")
    choose_another_text = _("Выбрать другую организацию")
    edit_item_text = _("Изменить организацию")
    page_title = _("Выбор организации")
    per_page = 30


campaign_chooser_viewset = CampaignChooserViewSet("qp_campaign_chooser")
organisation_chooser_viewset = OrganisationChooserViewSet("qp_organisation_chooser")
