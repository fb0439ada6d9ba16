"""Documents in the public API v1 (registered by the site next to evaluation's)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, viewsets

from evaluation.api.views import PublicReadMixin

from .models import DocumentKind, PortalDocument


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    url = serializers.SerializerMethodField(help_text="Адрес файла для скачивания.")
    file_extension = serializers.CharField(read_only=True)

    class Meta:
        model = PortalDocument
        fields = [
            "id",
            "title",
            "kind",
            "kind_label",
            "number",
            "issued_on",
            "description",
            "file_extension",
            "url",
            "created_at",
        ]

    def get_url(self, document: PortalDocument) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(document.url) if request else document.url


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label="Вид")
    year = django_filters.NumberFilter(
        field_name="issued_on__year", min_value=1900, max_value=2100, label="Год"
    )

    class Meta:
        model = PortalDocument
        fields = ["kind", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="Документы",
        description="Опубликованные документы: приказы, положения, решения совета, "
        "планы и отчёты.",
    ),
    retrieve=extend_schema(summary="Документ"),
)
class DocumentViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    filter_backends = [
        django_filters.rest_framework.DjangoFilterBackend,
        filters.OrderingFilter,
    ]
    ordering_fields = ["issued_on", "created_at", "title"]
    queryset = PortalDocument.objects.order_by("-issued_on", "-created_at", "-pk")
