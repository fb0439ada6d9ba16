"""Read-only public API v1 and the token-authenticated import upload.

Anonymous clients see published data only: campaigns past their draft,
the latest publication's results, approved plans, published decisions.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from evaluation import roles, selectors
from evaluation.api import serializers as api
from evaluation.api.pagination import PortalPagination
from evaluation.decade import versions as decade_versions
from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    MeasureStatus,
    OrganisationKind,
    PlanStatus,
)
from evaluation.exceptions import EvaluationError
from evaluation.imports.background import is_large, run_in_background
from evaluation.imports.engine import import_file, start_import
from evaluation.imports.errors import ImportFileError
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import get_form
from evaluation.models import (
    Campaign,
    CouncilDecision,
    District,
    ImportRecord,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
    Publication,
    PublishedResult,
    Submission,
    TargetIndicator,
)

ANONYMOUS_MAX_AGE = 60


class PublicReadMixin:
    """Cache headers for public reads; anonymous responses may be cached."""

    pagination_class = PortalPagination

    #: Keyset order of ``?cursor=`` pages: an indexed column first (see
    #: :class:`~evaluation.api.pagination.PortalCursorPagination`).
    cursor_ordering: tuple[str, ...] = ("pk",)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in {"GET", "HEAD"} and response.status_code == 200:
            if request.user.is_authenticated:
                response["Cache-Control"] = "private, no-cache"
            else:
                response["Cache-Control"] = f"public, max-age={ANONYMOUS_MAX_AGE}"
            modified = getattr(self, "last_modified", None)
            if modified is not None:
                response["Last-Modified"] = http_date(modified.timestamp())
        return response


def _newest_publication() -> Subquery:
    return Subquery(
        Publication.objects.filter(campaign=OuterRef("campaign"))
        .order_by("-version")
        .values("pk")[:1]
    )


# -------------------------------------------------------------------- filters


class OrganisationFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(
        field_name="district__slug", label="Район (код)"
    )
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices, label="Тип")
    q = django_filters.CharFilter(method="search", label="Поиск по названию и адресу")

    class Meta:
        model = Organisation
        fields = ["district", "kind", "is_active", "has_online_questionnaire"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(short_name__icontains=value)
            | Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(inn=value)
        )


def _year_filter() -> django_filters.NumberFilter:
    return django_filters.NumberFilter(min_value=1900, max_value=2100, label="Год")


class CampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label="Вид")
    year = _year_filter()

    class Meta:
        model = Campaign
        fields = ["kind", "year", "status"]


class ResultFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(
        method="resolved_in_view",
        label="Кампания (код); по умолчанию — последняя опубликованная НОК",
    )
    district = django_filters.CharFilter(
        field_name="organisation__district__slug", label="Район (код)"
    )
    kind = django_filters.ChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices, label="Тип"
    )
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label="Организация (код)"
    )
    version = django_filters.NumberFilter(
        method="resolved_in_view",
        label="Версия публикации; по умолчанию — последняя (прежние версии "
        "исправленных результатов остаются доступными)",
    )

    class Meta:
        model = PublishedResult
        fields = ["campaign", "district", "kind", "organisation", "version"]

    def resolved_in_view(self, queryset, name, value):
        """The view picks the campaign's publication (latest or asked) itself."""
        return queryset


class PlanFilter(django_filters.FilterSet):
    year = _year_filter()
    campaign = django_filters.CharFilter(field_name="campaign__slug")
    organisation = django_filters.CharFilter(field_name="organisation__slug")

    class Meta:
        model = ImprovementPlan
        fields = ["campaign", "organisation", "year"]


class MeasureFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="plan__campaign__slug")
    organisation = django_filters.CharFilter(field_name="plan__organisation__slug")
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices)

    class Meta:
        model = Measure
        fields = ["plan", "campaign", "organisation", "status", "criterion"]


class ReportFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(
        field_name="measure__plan__organisation__slug"
    )
    campaign = django_filters.CharFilter(field_name="measure__plan__campaign__slug")

    class Meta:
        model = MeasureReport
        fields = ["measure", "organisation", "campaign"]


class SubmissionFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug")
    organisation = django_filters.CharFilter(field_name="organisation__slug")

    class Meta:
        model = Submission
        fields = ["campaign", "organisation", "kind", "status"]


class DecisionFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug")
    organisation = django_filters.CharFilter(field_name="organisation__slug")
    year = django_filters.NumberFilter(
        field_name="decided_on__year", min_value=1900, max_value=2100
    )

    class Meta:
        model = CouncilDecision
        fields = ["campaign", "organisation", "year"]


# ---------------------------------------------------------------- resources


class ReadOnly(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.OrderingFilter,
    ]


@extend_schema_view(
    list=extend_schema(summary="Районы", description="Районы края."),
    retrieve=extend_schema(summary="Район"),
)
class DistrictViewSet(ReadOnly):
    queryset = District.objects.order_by("name")
    serializer_class = api.DistrictSerializer
    lookup_field = "slug"
    ordering_fields = ["name"]
    cursor_ordering = ("name",)


@extend_schema_view(
    list=extend_schema(
        summary="Организации",
        description="Реестр организаций социального обслуживания: фильтры по району, "
        "типу и поиск по названию, адресу или ИНН.",
    ),
    retrieve=extend_schema(summary="Организация (по коду для адреса)"),
)
class OrganisationViewSet(ReadOnly):
    queryset = Organisation.objects.select_related("district", "parent").order_by(
        "short_name", "pk"
    )
    serializer_class = api.OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"
    ordering_fields = ["short_name", "name", "updated_at"]
    cursor_ordering = ("short_name",)


def _public_campaigns():
    newest = Publication.objects.filter(campaign=OuterRef("pk")).order_by("-version")
    return (
        Campaign.objects.exclude(status=CampaignStatus.DRAFT)
        .annotate(latest_publication_id=Subquery(newest.values("pk")[:1]))
        .order_by("-year", "kind", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Кампании",
        description="Кампании НОК и Декады качества (кроме черновиков).",
    ),
    retrieve=extend_schema(summary="Кампания (по коду для адреса)"),
)
class CampaignViewSet(ReadOnly):
    serializer_class = api.CampaignSerializer
    filterset_class = CampaignFilter
    lookup_field = "slug"
    ordering_fields = ["year", "title"]

    def get_queryset(self):
        return _public_campaigns()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._attach_publications(page if page is not None else [])
        return page

    def get_object(self):
        campaign = super().get_object()
        self._attach_publications([campaign])
        return campaign

    @staticmethod
    def _attach_publications(campaigns) -> None:
        ids = [c.latest_publication_id for c in campaigns if c.latest_publication_id]
        publications = Publication.objects.in_bulk(ids)
        for campaign in campaigns:
            campaign.latest_publication = publications.get(
                campaign.latest_publication_id
            )

    @extend_schema(
        summary="Средние по краю, районам или типам",
        parameters=[
            OpenApiParameter(
                "group_by",
                str,
                enum=["region", "district", "kind"],
                description="Группировка: край (по умолчанию), район или тип.",
            )
        ],
        responses={
            200: inline_serializer(
                "Aggregates",
                {
                    "campaign": serializers.CharField(),
                    "group_by": serializers.CharField(),
                    "groups": serializers.DictField(
                        child=serializers.DictField(child=serializers.DictField())
                    ),
                },
            ),
            404: OpenApiResponse(
                description="Кампания не найдена или не опубликована."
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def aggregates(self, request: Request, slug: str | None = None) -> Response:
        campaign = self.get_object()
        if campaign.latest_publication is None:
            raise NotFound("Результаты кампании ещё не опубликованы.")
        group_by = request.query_params.get("group_by", "region")
        if group_by not in {"region", "district", "kind"}:
            raise ValidationError({"group_by": ["Допустимо: region, district, kind."]})
        groups = selectors.aggregates(
            campaign, group_by=None if group_by == "region" else group_by
        )
        self.last_modified = campaign.latest_publication.published_at
        return Response(
            {
                "campaign": campaign.slug,
                "group_by": group_by,
                "groups": {
                    key: {
                        name: {
                            "mean": None if a.mean is None else str(a.mean),
                            "min": None if a.min is None else str(a.min),
                            "max": None if a.max is None else str(a.max),
                            "count": a.count,
                        }
                        for name, a in figures.items()
                    }
                    for key, figures in groups.items()
                },
            }
        )

    @extend_schema(
        summary="Итоги Декады качества по организациям",
        description="Без параметра version — итоги последней публикации; с ним — "
        "итоги опубликованной версии с этим номером, как они были опубликованы.",
        parameters=[
            OpenApiParameter(
                "version",
                int,
                description="Номер опубликованной версии итогов (1, 2, …).",
            )
        ],
        responses={
            200: inline_serializer(
                "DecadeResults",
                {
                    "campaign": serializers.CharField(),
                    "counted": serializers.IntegerField(),
                    "organisations": serializers.ListField(
                        child=serializers.DictField()
                    ),
                },
            ),
            400: OpenApiResponse(description="Номер версии — не целое число."),
            404: OpenApiResponse(description="Нет опубликованных итогов Декады."),
        },
    )
    @action(detail=True, methods=["get"])
    def decade(self, request: Request, slug: str | None = None) -> Response:
        campaign = self.get_object()
        if (
            campaign.kind != CampaignKind.DECADE
            or campaign.status != CampaignStatus.PUBLISHED
        ):
            raise NotFound("Итоги этой Декады не опубликованы.")
        version = request.query_params.get("version")
        if version is not None:
            return Response(_decade_version(campaign, version))
        overview = selectors.decade_overview(campaign)
        return Response(
            {
                "campaign": campaign.slug,
                "counted": overview.counted,
                "organisations": [
                    {
                        "organisation": overview.organisations[pk].slug,
                        "counted": summary.counted,
                        "base": summary.sample.base,
                        "sample_share": _text(summary.sample.share),
                        "threshold": _text(summary.sample.threshold),
                        "adequate": summary.sample.adequate,
                        "satisfaction": {
                            share.code: _text(share.share)
                            for share in summary.satisfaction
                        },
                    }
                    for pk, summary in overview.summaries.items()
                ],
            }
        )


def _text(value) -> str | None:
    return None if value is None else str(value)


def _decade_version(campaign, version: str) -> dict[str, Any]:
    """One published version of a Декада, as frozen when it was published."""
    if not version.isdigit():
        raise ValidationError(
            {"version": "Укажите номер версии целым положительным числом, например 1."}
        )
    try:
        publication, rows = decade_versions.version_rows(campaign, int(version))
    except EvaluationError as error:
        raise NotFound(str(error)) from error
    return {
        "campaign": campaign.slug,
        "version": publication.version,
        "note": publication.note,
        "published_at": publication.published_at.isoformat(),
        "counted": sum(row.figures.counted for row in rows),
        "organisations": [
            {
                "organisation": row.organisation.slug,
                "counted": row.figures.counted,
                "base": row.figures.base,
                "sample_share": _text(row.figures.share),
                "adequate": row.figures.adequate,
                "satisfied": _text(row.figures.satisfied),
            }
            for row in rows
        ],
    }


@extend_schema_view(
    list=extend_schema(
        summary="Результаты оценки",
        description="Опубликованные результаты (последняя версия публикации): 15 "
        "показателей, К1–К5, итоговый балл и место. Без параметра campaign — "
        "последняя опубликованная кампания НОК.",
    ),
    retrieve=extend_schema(summary="Результат организации"),
)
class ResultViewSet(ReadOnly):
    serializer_class = api.ResultSerializer
    filterset_class = ResultFilter
    ordering_fields = ["rank", "total", "k1", "k2", "k3", "k4", "k5"]
    ordering = ["rank", "organisation__short_name"]
    cursor_ordering = ("rank",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PublishedResult.objects.none()
        results = PublishedResult.objects.select_related(
            "organisation__district", "publication__campaign"
        ).order_by("rank", "organisation__short_name", "pk")
        if self.action != "list":
            newest = (
                Publication.objects.filter(campaign=OuterRef("publication__campaign"))
                .order_by("-version")
                .values("pk")[:1]
            )
            return results.filter(publication=Subquery(newest))
        # A list reads one publication: resolve it first, so the database
        # filters on an indexed id instead of a correlated subquery per row.
        campaigns = selectors.published_campaigns(CampaignKind.NOK)
        slug = self.request.query_params.get("campaign")
        campaign = campaigns.filter(slug=slug).first() if slug else campaigns.first()
        publication = selectors.latest_publication(campaign) if campaign else None
        version = self.request.query_params.get("version", "")
        if publication is not None and version.isdigit():
            publication = campaign.publications.filter(version=int(version)).first()
        if publication is None:
            return PublishedResult.objects.none()
        self.last_modified = publication.published_at
        return results.filter(publication=publication)

    @extend_schema(
        summary="Как посчитано",
        description="Формула, исходные данные, источник и версия методики для "
        "показателя, критерия или итогового балла.",
        parameters=[
            OpenApiParameter(
                "figure",
                str,
                description="Код показателя (1.1 … 5.3), K1 … K5 или total.",
            )
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="Неизвестный показатель."),
        },
    )
    @action(detail=True, methods=["get"], url_path="how-computed")
    def how_computed(self, request: Request, pk: str | None = None) -> Response:
        result = self.get_object()
        figure = request.query_params.get("figure", "total")
        try:
            return Response(selectors.how_computed(result, figure))
        except KeyError as error:
            raise ValidationError(
                {"figure": [f"Неизвестный показатель: «{figure}»."]}
            ) from error


@extend_schema_view(
    list=extend_schema(summary="Планы мероприятий (утверждённые)"),
    retrieve=extend_schema(summary="План мероприятий"),
)
class PlanViewSet(ReadOnly):
    serializer_class = api.PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["year", "approved_on"]

    def get_queryset(self):
        return (
            ImprovementPlan.objects.filter(status=PlanStatus.APPROVED)
            .select_related("organisation__district", "campaign")
            .annotate(
                measures_total=Count("measures"),
                measures_done=Count(
                    "measures", filter=Q(measures__status=MeasureStatus.DONE)
                ),
            )
            .order_by("-year", "organisation__short_name", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Мероприятия утверждённых планов"),
    retrieve=extend_schema(summary="Мероприятие"),
)
class MeasureViewSet(ReadOnly):
    serializer_class = api.MeasureSerializer
    filterset_class = MeasureFilter
    ordering_fields = ["planned_date", "position"]

    def get_queryset(self):
        return (
            Measure.objects.filter(plan__status=PlanStatus.APPROVED)
            .select_related("plan__organisation__district", "plan__campaign")
            .prefetch_related(
                Prefetch(
                    "reports", queryset=MeasureReport.objects.order_by("actual_date")
                )
            )
            .order_by("plan__organisation__short_name", "criterion", "position", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Отчёты о выполнении мероприятий"),
    retrieve=extend_schema(summary="Отчёт о выполнении"),
)
class ReportViewSet(ReadOnly):
    serializer_class = api.MeasureReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["actual_date", "submitted_at"]

    def get_queryset(self):
        return MeasureReport.objects.filter(
            measure__plan__status=PlanStatus.APPROVED
        ).order_by("-actual_date", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Представление документов",
        description="Что организации должны представить, срок, дата поступления и "
        "состояние на сегодня (в срок, с опозданием, просрочено).",
    ),
    retrieve=extend_schema(summary="Представляемый документ"),
)
class SubmissionViewSet(ReadOnly):
    serializer_class = api.SubmissionSerializer
    filterset_class = SubmissionFilter
    ordering_fields = ["deadline", "received_on"]

    def get_queryset(self):
        return (
            Submission.objects.exclude(campaign__status=CampaignStatus.DRAFT)
            .select_related("organisation__district", "campaign")
            .order_by("deadline", "organisation__short_name", "pk")
        )


@extend_schema_view(
    list=extend_schema(summary="Целевые показатели (план и факт по годам)"),
    retrieve=extend_schema(summary="Целевой показатель"),
)
class TargetIndicatorViewSet(ReadOnly):
    serializer_class = api.TargetIndicatorSerializer
    # Targets of an unpublished regional plan are not public yet.
    queryset = (
        TargetIndicator.objects.filter(
            Q(plan__isnull=True) | Q(plan__is_published=True)
        )
        .prefetch_related("values")
        .order_by("position", "pk")
    )


@extend_schema_view(
    list=extend_schema(summary="Решения общественного совета (опубликованные)"),
    retrieve=extend_schema(summary="Решение общественного совета"),
)
class CouncilDecisionViewSet(ReadOnly):
    serializer_class = api.CouncilDecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["decided_on"]

    def get_queryset(self):
        return (
            CouncilDecision.objects.filter(is_published=True)
            .select_related("campaign", "organisation")
            .order_by("-decided_on", "number", "pk")
        )


# ------------------------------------------------------------------ uploads


@extend_schema_view(
    retrieve=extend_schema(
        summary="Состояние загрузки файла",
        description="Большие файлы обрабатываются в фоне: ответ 202 на загрузку "
        "даёт адрес этого состояния. Видны загрузки своей организации, своих "
        "кампаний и свои.",
        responses={200: api.ImportStatusSerializer},
    )
)
class ImportViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Upload of a spreadsheet through the same import services as the admin.

    Files of at least ``evaluation_settings.IMPORT_BACKGROUND_BYTES`` are
    checked and written by a task (202 with a status URL), as in the admin, so
    a request never waits for a large file; smaller ones are answered at once.
    """

    serializer_class = api.ImportUploadSerializer
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "imports"

    def get_queryset(self):
        return roles.scope_queryset(self.request.user, ImportRecord.objects.all())

    def get_serializer_class(self):
        if self.action == "retrieve":
            return api.ImportStatusSerializer
        return api.ImportUploadSerializer

    def get_throttles(self):
        # Polling the status of an upload is not another upload.
        return [] if self.action == "retrieve" else super().get_throttles()

    @extend_schema(
        summary="Загрузка файла (проверка или импорт)",
        description="Учреждения загружают сводки, планы и отчёты; операторы — "
        "результаты своих кампаний; редакторы — всё. Файл с ошибками не "
        "записывается: ответ 422 перечисляет ошибки со строкой и столбцом. "
        "Аутентификация: заголовок «Authorization: Token <ключ>».",
        responses={
            201: OpenApiTypes.OBJECT,
            200: OpenApiTypes.OBJECT,
            202: OpenApiResponse(
                response=api.ImportStatusSerializer,
                description="Большой файл принят и обрабатывается в фоне; "
                "состояние — по адресу из заголовка Location.",
            ),
            403: OpenApiResponse(description="Нет права загружать эту форму."),
            404: OpenApiResponse(description="Кампания не найдена."),
            422: OpenApiResponse(description="Ошибки в файле; ничего не записано."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            form_class = get_form(data["form"])
        except KeyError as error:
            raise ValidationError(
                {"form": [f"Неизвестная форма «{data['form']}»."]}
            ) from error
        campaign = None
        if data.get("campaign"):
            # A draft campaign the user may not see answers as if it did not
            # exist (others are public anyway; the scope below refuses them).
            visible = roles.visible_campaigns(request.user).values("pk")
            campaign = get_object_or_404(
                Campaign.objects.filter(
                    ~Q(status=CampaignStatus.DRAFT) | Q(pk__in=visible)
                ),
                slug=data["campaign"],
            )
        try:
            scope = import_scope(request.user, form_class, campaign)
        except ImportFileError as error:
            return Response(
                {
                    "error": {
                        "status": 403,
                        "code": "permission_denied",
                        "message": str(error),
                    }
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        file = data["file"]
        if is_large(file.size):
            return self._in_background(request, form_class, campaign, file, data)
        try:
            report = import_file(
                form_class.name,
                file.read(),
                file.name,
                campaign=campaign,
                user=request.user,
                allowed_organisations=scope,
                dry_run=data["dry_run"],
            )
        except ImportFileError as error:
            # E.g. a form for a Декада sent into a НОК campaign: nothing read.
            return Response(
                {"error": {"status": 422, "code": "invalid", "message": str(error)}},
                status=422,
            )
        body = {
            "form": report.form,
            "filename": report.filename,
            "checksum": report.checksum,
            "applied": report.applied,
            "counts": {
                "total": report.total,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "invalid": report.invalid,
            },
            "errors": [
                {"row": e.row, "column": e.column, "message": e.message}
                for e in report.errors
            ],
            "record": report.record.pk if report.record else None,
        }
        if report.errors:
            return Response(
                {
                    "error": {
                        "status": 422,
                        "code": "invalid_file",
                        "message": "В файле есть ошибки; ничего не записано.",
                    },
                    **body,
                },
                status=422,
            )
        return Response(
            body,
            status=status.HTTP_200_OK if data["dry_run"] else status.HTTP_201_CREATED,
        )

    def _in_background(self, request, form_class, campaign, file, data) -> Response:
        """Keep the file, hand it to a task and answer 202 with where to look."""
        try:
            record = start_import(
                form_class.name,
                file.read(),
                file.name,
                campaign=campaign,
                user=request.user,
            )
        except ImportFileError as error:
            return Response(
                {"error": {"status": 422, "code": "invalid", "message": str(error)}},
                status=422,
            )
        stage = "preview" if data["dry_run"] else "import"
        # The task has the record now: answer from the copy in hand (on
        # SQLite a read here could collide with the task's first write).
        run_in_background(record, request.user, stage)
        url = reverse("evaluation-api:import-detail", args=[record.pk], request=request)
        body = {**api.ImportStatusSerializer(record).data, "status_url": url}
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": url}
        )
