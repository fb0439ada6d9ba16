"""Serializers of the read-only public API v1 (and the import upload)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from evaluation.conf import evaluation_settings
from evaluation.enums import IndicatorCode
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImportRecord,
    ImportStatus,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
    PublishedResult,
    Submission,
    TargetIndicator,
    TargetIndicatorValue,
)
from evaluation.nok.selectors import PUBLISHED_ELSEWHERE, is_published_elsewhere
from evaluation.rating import RatingInputError, get_method
from evaluation.uploads import check_upload_size

SCORE = {"max_digits": 5, "decimal_places": 2, "allow_null": True, "read_only": True}


class DistrictSerializer(serializers.ModelSerializer):
    class Meta:
        model = District
        fields = ["id", "slug", "name"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    """An organisation inside another resource."""

    district = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "short_name", "kind", "district"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    district = DistrictSerializer(read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "district",
            "parent",
            "inn",
            "address",
            "website",
            "has_online_questionnaire",
            "recipients_count",
            "registered_count",
            "counts_as_of",
            "is_active",
            "updated_at",
        ]


class CampaignSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    publication = serializers.SerializerMethodField(
        help_text="Последняя опубликованная версия результатов (для НОК)."
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "slug",
            "kind",
            "kind_label",
            "year",
            "title",
            "period_start",
            "period_end",
            "status",
            "status_label",
            "method_version",
            "publication",
            "withdrawn_at",
            "withdrawal_note",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "version": {"type": "integer"},
                "published_at": {"type": "string", "format": "date-time"},
                "note": {"type": "string"},
            },
        }
    )
    def get_publication(self, campaign: Campaign) -> dict[str, Any] | None:
        publication = getattr(campaign, "latest_publication", None)
        if publication is None:
            return None
        return {
            "version": publication.version,
            "published_at": publication.published_at.isoformat(),
            "note": publication.note,
        }


INDICATORS_SCHEMA = {
    "type": "object",
    "description": "Значения 15 показателей 1.1–5.3 (строки с точными десятичными).",
    "properties": {
        code.value: {"type": "string", "nullable": True} for code in IndicatorCode
    },
}


REGIONAL_SCHEMA = {
    "type": "array",
    "description": (
        "Региональные показатели версии методики — отдельно от 15 федеральных; "
        "в итоговый балл не входят, если enters_criterion пуст."
    ),
    "items": {
        "type": "object",
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "value": {"type": "string", "nullable": True},
            "unit": {"type": "string"},
            "enters_criterion": {"type": "string", "nullable": True},
            "kind": {"type": "string", "enum": ["региональный показатель"]},
        },
    },
}


def regional_json(result: PublishedResult) -> list[dict[str, Any]]:
    """The result's regional indicators as the API lists them (none: [])."""
    stored = result.regional_indicators or {}
    if not stored:
        return []
    try:
        method = get_method(result.method_version)
    except RatingInputError:
        return []
    return [
        {
            "code": indicator.code,
            "name": indicator.name,
            "value": stored[indicator.code],
            "unit": indicator.unit,
            "enters_criterion": indicator.enters_criterion,
            "kind": "региональный показатель",
        }
        for indicator in method.regional
        if indicator.code in stored
    ]


class ResultSerializer(serializers.ModelSerializer):
    """One organisation's published figures in the latest publication."""

    organisation = OrganisationBriefSerializer(read_only=True)
    campaign = serializers.SlugRelatedField(
        source="publication.campaign", slug_field="slug", read_only=True
    )
    publication_version = serializers.IntegerField(
        source="publication.version", read_only=True
    )
    indicators = serializers.SerializerMethodField()
    regional_indicators = serializers.SerializerMethodField()
    k1 = serializers.DecimalField(**SCORE)
    k2 = serializers.DecimalField(**SCORE)
    k3 = serializers.DecimalField(**SCORE)
    k4 = serializers.DecimalField(**SCORE)
    k5 = serializers.DecimalField(**SCORE)
    total = serializers.DecimalField(**SCORE)
    how_computed = serializers.SerializerMethodField(
        help_text="Ссылка на объяснение расчёта итогового балла («как посчитано»)."
    )
    source = serializers.SerializerMethodField(
        help_text=(
            "Происхождение значений: «computed» — посчитаны порталом по исходным "
            "данным; «published» — опубликованные значения прошлых лет, загруженные "
            "как есть (портал их не пересчитывает)."
        )
    )
    source_reference = serializers.CharField(
        source="input_reference",
        read_only=True,
        help_text=(
            "Для «published» — где опубликованы значения (адрес или документ); "
            "для «computed» — откуда взяты исходные данные."
        ),
    )

    class Meta:
        model = PublishedResult
        fields = [
            "id",
            "organisation",
            "campaign",
            "publication_version",
            "method_version",
            "indicators",
            "regional_indicators",
            "k1",
            "k2",
            "k3",
            "k4",
            "k5",
            "total",
            "rank",
            "notes",
            "input_source",
            "source",
            "source_reference",
            "how_computed",
        ]

    @extend_schema_field({"type": "string", "enum": ["computed", PUBLISHED_ELSEWHERE]})
    def get_source(self, result: PublishedResult) -> str:
        return PUBLISHED_ELSEWHERE if is_published_elsewhere(result) else "computed"

    @extend_schema_field(INDICATORS_SCHEMA)
    def get_indicators(self, result: PublishedResult) -> dict[str, str | None]:
        return {code.value: result.indicators.get(code.value) for code in IndicatorCode}

    @extend_schema_field(REGIONAL_SCHEMA)
    def get_regional_indicators(self, result: PublishedResult) -> list[dict[str, Any]]:
        return regional_json(result)

    @extend_schema_field(OpenApiTypes.URI)
    def get_how_computed(self, result: PublishedResult) -> str:
        return reverse(
            "evaluation-api:result-how-computed",
            kwargs={"pk": result.pk},
            request=self.context.get("request"),
        )


class MeasureReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeasureReport
        fields = ["id", "measure", "done", "actual_date", "submitted_at"]


class MeasureSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(
        source="plan.organisation", read_only=True
    )
    campaign = serializers.SlugRelatedField(
        source="plan.campaign", slug_field="slug", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    reports = MeasureReportSerializer(many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "organisation",
            "campaign",
            "position",
            "criterion",
            "indicator_code",
            "deficiency",
            "action",
            "planned_date",
            "responsible_name",
            "responsible_position",
            "status",
            "status_label",
            "reports",
        ]


class PlanSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    measures_total = serializers.IntegerField(read_only=True)
    measures_done = serializers.IntegerField(read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "organisation",
            "campaign",
            "year",
            "status",
            "approved_on",
            "measures_total",
            "measures_done",
            "updated_at",
        ]


class SubmissionSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)
    campaign = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state = serializers.SerializerMethodField(
        help_text="В срок, с опозданием, просрочено, срок истекает или ожидается."
    )
    state_label = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id",
            "organisation",
            "campaign",
            "kind",
            "kind_label",
            "deadline",
            "received_on",
            "status",
            "state",
            "state_label",
        ]

    @extend_schema_field(
        {
            "type": "string",
            "enum": ["on_time", "late", "overdue", "due_soon", "pending"],
        }
    )
    def get_state(self, submission: Submission) -> str:
        return submission.state().value

    def get_state_label(self, submission: Submission) -> str:
        return submission.state().label


class TargetIndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetIndicatorValue
        fields = ["year", "planned", "actual"]


class TargetIndicatorSerializer(serializers.ModelSerializer):
    values = TargetIndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = TargetIndicator
        fields = ["id", "position", "title", "unit", "values"]


class CouncilDecisionSerializer(serializers.ModelSerializer):
    campaign = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = CouncilDecision
        fields = [
            "id",
            "number",
            "decided_on",
            "title",
            "text",
            "campaign",
            "organisation",
        ]


class ImportStatusSerializer(serializers.ModelSerializer):
    """Where an uploaded file stands: queued, checked, written or refused."""

    status_display = serializers.CharField(source="get_status_display")
    progress = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    applied = serializers.SerializerMethodField()

    class Meta:
        model = ImportRecord
        fields = [
            "id",
            "form",
            "filename",
            "status",
            "status_display",
            "applied",
            "progress",
            "counts",
            "errors",
            "warnings",
            "created_at",
            "applied_at",
        ]

    def get_progress(self, record: ImportRecord) -> dict[str, Any]:
        return {
            "stage": record.progress_stage,
            "done": record.progress_done,
            "total": record.progress_total,
        }

    def get_counts(self, record: ImportRecord) -> dict[str, int]:
        return {
            "total": record.total_rows,
            "new": record.new_rows,
            "updated": record.updated_rows,
            "unchanged": record.unchanged_rows,
            "invalid": record.invalid_rows,
        }

    def get_errors(self, record: ImportRecord) -> list[dict[str, Any]]:
        return list(record.errors[:100])

    def get_applied(self, record: ImportRecord) -> bool:
        return record.status == ImportStatus.APPLIED


class ImportUploadSerializer(serializers.Serializer):
    """A spreadsheet upload by an institution, operator or editor."""

    form = serializers.CharField(help_text="Форма файла, например «decade_summary».")
    campaign = serializers.SlugField(
        required=False, help_text="Код кампании (для форм кампании)."
    )
    file = serializers.FileField(help_text="XLSX, XLS, ODS или CSV.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Только проверить файл, ничего не записывая."
    )

    def validate_file(self, file):
        """Refuse an oversized file at once, before any background task."""
        check_upload_size(
            file.size,
            evaluation_settings.IMPORT_MAX_BYTES,
            filename=file.name,
            error=serializers.ValidationError,
        )
        return file
