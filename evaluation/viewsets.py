"""Wagtail admin screens for the evaluation models (admin adapter only)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from evaluation.models import (
    AuditEvent,
    Campaign,
    CouncilDecision,
    DecadeSummary,
    District,
    ImportRecord,
    ImprovementPlan,
    IndicatorInput,
    Organisation,
    PublishedResult,
    Result,
    Submission,
    SurveyResponse,
    TargetIndicator,
)


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


class ReadOnlyViewSet(ModelViewSet):
    """A listing with inspect views and no add, edit, copy or delete.

    Its model's :class:`ReadOnlyPermissionPolicy` is registered in
    ``wagtail_hooks`` (:data:`READ_ONLY_MODELS`).
    """

    inspect_view_enabled = True
    add_view_enabled = False
    copy_view_enabled = False


class DistrictViewSet(ModelViewSet):
    model = District
    icon = "site"
    menu_label = _("Районы")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    search_backend_name = None
    form_fields = ["name", "slug"]
    copy_view_enabled = False


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Организации")
    list_display = ["short_name", "kind", "district", "inn", "code"]
    list_filter = ["kind", "district", "has_online_questionnaire", "is_active"]
    search_fields = ["name", "short_name", "inn", "code"]
    search_backend_name = None
    list_export = ["name", "short_name", "kind", "district", "inn", "code", "website"]
    export_filename = "organisations"
    inspect_view_enabled = True
    copy_view_enabled = False
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
    ]


class CampaignViewSet(ModelViewSet):
    model = Campaign
    icon = "date"
    menu_label = _("Кампании")
    list_display = ["title", "kind", "year", "status", "method_version"]
    list_filter = ["kind", "year", "status"]
    search_fields = ["title"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = [
        "kind",
        "year",
        "title",
        "slug",
        "period_start",
        "period_end",
        "method_version",
        "status",
        "organisations",
    ]


class IndicatorInputViewSet(ModelViewSet):
    model = IndicatorInput
    icon = "table"
    menu_label = _("Исходные данные")
    list_display = ["organisation", "campaign", "respondents", "source", "updated_at"]
    list_filter = ["campaign", "source"]
    search_fields = ["organisation__short_name"]
    search_backend_name = None
    copy_view_enabled = False
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
    search_backend_name = None
    inspect_view_enabled = True
    add_view_enabled = False
    copy_view_enabled = False
    form_fields = ["rank"]


class PublishedResultViewSet(ReadOnlyViewSet):
    model = PublishedResult
    icon = "tick-inverse"
    menu_label = _("Опубликованные результаты")
    list_display = ["organisation", "publication", "total", "rank"]
    list_filter = ["publication__campaign"]
    search_fields = ["organisation__short_name"]
    search_backend_name = None
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["publication"]


class SurveyResponseViewSet(ModelViewSet):
    model = SurveyResponse
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
    search_backend_name = None
    copy_view_enabled = False
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


class ImprovementPlanViewSet(ModelViewSet):
    model = ImprovementPlan
    icon = "doc-full"
    menu_label = _("Планы мероприятий")
    list_display = ["organisation", "campaign", "year", "status"]
    list_filter = ["status", "year", "campaign"]
    search_fields = ["organisation__short_name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = ["organisation", "campaign", "year", "status", "approved_on"]


class SubmissionViewSet(ModelViewSet):
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
    search_backend_name = None
    copy_view_enabled = False
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


class TargetIndicatorViewSet(ModelViewSet):
    model = TargetIndicator
    icon = "pick"
    menu_label = _("Целевые показатели")
    list_display = ["title", "unit", "position"]
    search_fields = ["title"]
    search_backend_name = None
    form_fields = ["title", "unit", "position"]


class CouncilDecisionViewSet(ModelViewSet):
    model = CouncilDecision
    icon = "openquote"
    menu_label = _("Решения совета")
    list_display = ["number", "decided_on", "title", "is_published"]
    list_filter = ["is_published", "campaign"]
    search_fields = ["number", "title", "text"]
    search_backend_name = None
    form_fields = [
        "number",
        "decided_on",
        "title",
        "text",
        "campaign",
        "organisation",
        "is_published",
    ]


class AuditEventViewSet(ReadOnlyViewSet):
    model = AuditEvent
    icon = "history"
    menu_label = _("Журнал действий")
    list_display = ["created_at", "action", "summary", "actor"]
    list_filter = ["action"]
    search_fields = ["summary"]
    search_backend_name = None
    inspect_view_enabled = True
    add_view_enabled = False
    copy_view_enabled = False
    form_fields = ["summary"]


class DecadeSummaryViewSet(ModelViewSet):
    model = DecadeSummary
    icon = "table"
    menu_label = _("Сводная информация Декады")
    list_display = ["organisation", "campaign", "questionnaires", "base", "updated_at"]
    list_filter = ["campaign"]
    search_fields = ["organisation__short_name"]
    search_backend_name = None
    copy_view_enabled = False
    form_fields = [
        "campaign",
        "organisation",
        "base",
        "questionnaires",
        "external_territorial",
        "by_channel",
        "by_kind",
        "yes",
    ]


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
    search_backend_name = None
    form_fields = ["filename"]


READ_ONLY_MODELS = (Result, PublishedResult, AuditEvent, ImportRecord)


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
        DecadeSummaryViewSet,
        ImprovementPlanViewSet,
        SubmissionViewSet,
        TargetIndicatorViewSet,
        CouncilDecisionViewSet,
        ImportRecordViewSet,
        AuditEventViewSet,
    )


class CampaignChooserViewSet(ChooserViewSet):
    """The modal that picks a campaign for a page field or a live-data block."""

    model = Campaign
    icon = "date"
    choose_one_text = _("Выбрать кампанию")
    choose_another_text = _("Выбрать другую кампанию")
    edit_item_text = _("Изменить кампанию")
    page_title = _("Выбор кампании")
    per_page = 30


class OrganisationChooserViewSet(ChooserViewSet):
    """The modal that picks an organisation for a live-data block."""

    model = Organisation
    icon = "group"
    choose_one_text = _("Выбрать организацию")
    choose_another_text = _("Выбрать другую организацию")
    edit_item_text = _("Изменить организацию")
    page_title = _("Выбор организации")
    per_page = 30


campaign_chooser_viewset = CampaignChooserViewSet("qp_campaign_chooser")
organisation_chooser_viewset = OrganisationChooserViewSet("qp_organisation_chooser")
