"""Open data of letters and proposals from НОК results: public ones only."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers

from evaluation.api.views import ReadOnly
from evaluation.models import Letter, Proposal
from evaluation.plans import letters


def _slug_field(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **kwargs)


class LetterSerializer(serializers.ModelSerializer):
    # Codes as plain strings: enum names like «KindEnum» are taken by other
    # models in the schema.
    kind = serializers.CharField(read_only=True)
    author_kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    author = serializers.SerializerMethodField()
    author_organisation = _slug_field(allow_null=True)
    addressees = _slug_field(many=True)
    campaign = _slug_field(allow_null=True)
    organisation = _slug_field(allow_null=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id", "kind", "kind_display", "author_kind", "author",
            "author_organisation", "to_ministry", "addressees", "number", "dated",
            "subject", "summary", "file", "campaign", "organisation",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, letter: Letter) -> str:
        return letters.author_line(letter)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_file(self, letter: Letter) -> str | None:
        if not letter.file:
            return None
        request = self.context.get("request")
        url = letter.file.url
        return request.build_absolute_uri(url) if request is not None else url


class ProposalSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    document_kind = serializers.CharField(read_only=True)
    campaign = _slug_field()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Proposal
        fields = [
            "id", "campaign", "text", "status", "status_display", "document_kind",
            "document_name", "document_number", "document_url", "accounted_on",
        ]  # fmt: skip


class LetterFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug")
    organisation = django_filters.CharFilter(method="about_organisation")

    class Meta:
        model = Letter
        fields = ["campaign", "organisation"]

    def about_organisation(self, queryset, name, value):
        ids = Letter.objects.filter(
            Q(organisation__slug=value)
            | Q(author_organisation__slug=value)
            | Q(addressees__slug=value)
        ).values("pk")
        return queryset.filter(pk__in=ids)


class ProposalFilter(django_filters.FilterSet):
    campaign = django_filters.CharFilter(field_name="campaign__slug")

    class Meta:
        model = Proposal
        fields = ["campaign"]


@extend_schema_view(
    list=extend_schema(
        summary="Письма",
        description="Информационные и методические письма, отмеченные автором "
        "для публикации на сайте.",
    ),
    retrieve=extend_schema(summary="Письмо"),
)
class LetterViewSet(ReadOnly):
    serializer_class = LetterSerializer
    filterset_class = LetterFilter
    ordering_fields = ["dated"]

    def get_queryset(self):
        return (
            Letter.objects.filter(is_public=True)
            .select_related("campaign", "organisation", "author_organisation")
            .prefetch_related("addressees")
            .order_by("-dated", "-pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Предложения по итогам НОК",
        description="Предложения по итогам независимой оценки и где они учтены "
        "(государственная программа, «дорожная карта», иной документ).",
    ),
    retrieve=extend_schema(summary="Предложение по итогам НОК"),
)
class ProposalViewSet(ReadOnly):
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter
    ordering_fields = ["accounted_on"]

    def get_queryset(self):
        return (
            Proposal.objects.filter(is_public=True)
            .select_related("campaign")
            .order_by("campaign__year", "pk")
        )
