"""API v1 of the regional НОК plan: plans with item status, targets, monitoring.

The JSON shapes live in :mod:`.regional_json` so the StreamField blocks give
headless clients exactly the same data (``cms_blocks.blocks.regional``).
"""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from evaluation.api.views import PublicReadMixin
from evaluation.models import RegionalPlan
from evaluation.regional import selectors as regional
from evaluation.regional.json_shapes import monitoring_json, status_json, targets_json


class RegionalPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegionalPlan
        fields = [
            "id",
            "title",
            "approved_by",
            "approved_on",
            "first_year",
            "last_year",
            "base_year",
        ]


YEAR = OpenApiParameter(
    "year",
    OpenApiTypes.INT,
    description="Год исполнения (по умолчанию текущий, в пределах срока плана)",
)


@extend_schema_view(
    list=extend_schema(summary="Планы организации НОК (министерства)"),
    retrieve=extend_schema(
        summary="План организации НОК: пункты и их исполнение за год",
        parameters=[YEAR],
        responses=OpenApiTypes.OBJECT,
    ),
)
class RegionalPlanViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RegionalPlanSerializer
    queryset = RegionalPlan.objects.filter(is_published=True).order_by(
        "-first_year", "pk"
    )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        plan = self.get_object()
        year = _year(request, plan)
        return Response(status_json(regional.plan_status(plan, year)))

    @extend_schema(
        summary="Целевые показатели плана: база, план и факт (введённый или рассчитанный)",
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True)
    def targets(self, request: Request, pk=None) -> Response:
        return Response(targets_json(regional.plan_targets(self.get_object())))


def _year(request: Request, plan: RegionalPlan) -> int | None:
    raw = request.query_params.get("year")
    if raw in (None, ""):
        return None
    try:
        year = int(raw)
    except ValueError:
        raise ValidationError({"year": "Год — целое число."}) from None
    if not plan.first_year <= year <= plan.last_year:
        raise ValidationError(
            {"year": f"План действует в {plan.first_year}–{plan.last_year} годах."}
        )
    return year


@extend_schema_view(
    list=extend_schema(
        summary="Мониторинг сайтов организаций: последние проверки",
        parameters=[
            OpenApiParameter("district", OpenApiTypes.STR, description="Район (код)"),
            OpenApiParameter("on", OpenApiTypes.DATE, description="На дату"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
)
class WebsiteMonitoringViewSet(PublicReadMixin, viewsets.ViewSet):
    pagination_class = None

    def list(self, request: Request) -> Response:
        raw = request.query_params.get("on")
        try:
            on = date.fromisoformat(raw) if raw else None
        except ValueError:
            raise ValidationError({"on": "Дата в формате ГГГГ-ММ-ДД."}) from None
        summary = regional.monitoring_summary(
            on, district_slug=request.query_params.get("district") or None
        )
        return Response(monitoring_json(summary))
