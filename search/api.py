"""Public search in the REST API v1: ``/api/v1/search/`` and ``…/search/suggest/``.

Anonymous, read-only and throttled like the other public endpoints; errors use
the API's JSON error shape (``evaluation.api.errors``).
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search import service
from search.backends.base import MAX_PAGE_SIZE, SearchResults
from search.documents import FACET_LABELS, FACETS, KIND_LABELS, KINDS


class SearchUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "Поиск временно недоступен. Попробуйте позже."
    default_code = "search_unavailable"


class SearchParamsSerializer(serializers.Serializer):
    """Query-string parameters of ``/api/v1/search/``."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=service.MAX_QUERY_LENGTH,
        help_text="Текст запроса; пустой — просмотр всех материалов.",
    )
    page = serializers.IntegerField(required=False, min_value=1, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=list(KINDS)), required=False
    )


class SuggestParamsSerializer(serializers.Serializer):
    """Query-string parameters of ``/api/v1/search/suggest/``."""

    q = serializers.CharField(max_length=service.MAX_QUERY_LENGTH)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=20, default=8
    )


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="Значение для параметра фильтра.")
    label = serializers.CharField(help_text="Название значения.")
    count = serializers.IntegerField(
        help_text="Сколько материалов найдётся, если выбрать это значение "
        "(с учётом остальных фильтров)."
    )
    selected = serializers.BooleanField(help_text="Значение выбрано в запросе.")


class FacetSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="Название фасета.")
    values = FacetValueSerializer(many=True)


class HitSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text="Идентификатор материала, например organisation:42."
    )
    kind = serializers.ChoiceField(choices=list(KINDS), help_text="Раздел.")
    kind_label = serializers.CharField(help_text="Название раздела.")
    title = serializers.CharField()
    url = serializers.CharField(help_text="Адрес материала на портале.")
    snippet = serializers.CharField(help_text="Фрагмент текста со словами запроса.")
    score = serializers.FloatField(
        help_text="Релевантность (0 при просмотре без запроса)."
    )
    published_at = serializers.DateField(allow_null=True)
    district = serializers.CharField(allow_blank=True)
    org_kind = serializers.CharField(allow_blank=True)
    campaign = serializers.ListField(child=serializers.CharField())
    score_band = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    doc_type = serializers.CharField(allow_blank=True)
    total_score = serializers.FloatField(
        allow_null=True, help_text="Итоговый балл организации (последняя оценка)."
    )


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    total = serializers.IntegerField(help_text="Сколько материалов найдено.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next = serializers.CharField(allow_null=True, help_text="Адрес следующей страницы.")
    previous = serializers.CharField(
        allow_null=True, help_text="Адрес предыдущей страницы."
    )
    results = HitSerializer(many=True)
    facets = serializers.DictField(child=FacetSerializer())


_FACET_PARAMETERS = [
    OpenApiParameter(
        facet,
        OpenApiTypes.STR,
        many=True,
        description=f"Фильтр «{FACET_LABELS[facet]}»: значения из facets.{facet}; "
        "несколько значений — ИЛИ, разные фильтры — И.",
    )
    for facet in FACETS
    if facet != "kind"
]


def _page_url(request: Request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


def _hit(hit: Any, request: Request) -> dict[str, Any]:
    doc = hit.document
    return {
        "id": hit.id,
        "kind": hit.kind,
        "kind_label": str(KIND_LABELS.get(hit.kind, hit.kind)),
        "title": hit.title,
        "url": request.build_absolute_uri(hit.url) if hit.url else "",
        "snippet": hit.snippet,
        "score": round(hit.score, 4),
        "published_at": doc.published_at if doc else None,
        "district": doc.district if doc else "",
        "org_kind": doc.org_kind if doc else "",
        "campaign": list(doc.campaign) if doc else [],
        "score_band": doc.score_band if doc else "",
        "status": doc.status if doc else "",
        "doc_type": doc.doc_type if doc else "",
        "total_score": doc.score if doc else None,
    }


def results_payload(results: SearchResults, request: Request) -> dict[str, Any]:
    """The JSON body of one result page."""
    return {
        "query": results.query.text,
        "total": results.total,
        "page": results.page,
        "page_size": results.page_size,
        "num_pages": results.num_pages,
        "next": _page_url(request, results.page + 1) if results.has_next else None,
        "previous": (
            _page_url(request, min(results.page - 1, results.num_pages))
            if results.has_previous
            else None
        ),
        "results": [_hit(hit, request) for hit in results.hits],
        "facets": {
            facet: {
                "label": str(FACET_LABELS[facet]),
                "values": [
                    {
                        "value": bucket.value,
                        "label": bucket.label,
                        "count": bucket.count,
                        "selected": bucket.selected,
                    }
                    for bucket in results.facets.get(facet, ())
                ],
            }
            for facet in FACETS
        },
    }


class SearchView(APIView):
    """Поиск по опубликованным материалам портала."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search",
        summary="Поиск",
        description=(
            "Полнотекстовый поиск по опубликованным материалам: организациям, "
            "мероприятиям планов и отчётам об их выполнении, решениям общественного "
            "совета, документам и страницам. Учитываются словоформы русского языка, "
            "опечатки и сокращения (КЦСОН, ДИ, СРЦН, УСЗН…). Все слова запроса "
            "должны найтись. Пустой запрос — просмотр всех материалов. Фасеты "
            "показывают, сколько материалов найдётся при выборе значения."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Текст запроса."),
            OpenApiParameter(
                "kind",
                OpenApiTypes.STR,
                many=True,
                enum=list(KINDS),
                description="Разделы: organisation, measure, report, decision, document, page.",
            ),
            *_FACET_PARAMETERS,
            OpenApiParameter(
                "page", OpenApiTypes.INT, description="Номер страницы (с 1)."
            ),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"Результатов на странице (1–{MAX_PAGE_SIZE}, по умолчанию 20).",
            ),
        ],
        responses={200: SearchResponseSerializer},
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer(
            data={
                **{
                    key: request.query_params.get(key)
                    for key in ("q", "page", "page_size")
                    if key in request.query_params
                },
                "kind": request.query_params.getlist("kind"),
            }
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        query = service.build_query(
            text=data.get("q", ""),
            filters={
                facet: request.query_params.getlist(facet)
                for facet in FACETS
                if facet != "kind"
            },
            kinds=data.get("kind", []),
            page=data["page"],
            page_size=data["page_size"],
        )
        try:
            results = service.search(query)
        except service.SearchUnavailableError as error:
            raise SearchUnavailable() from error
        return Response(results_payload(results, request))


class SuggestView(APIView):
    """Подсказки для строки поиска."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="search_suggest",
        summary="Подсказки поиска",
        description=(
            "Заголовки материалов, слова которых начинаются с введённых; последнее "
            "слово может быть неполным. Нужно не меньше двух букв."
        ),
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, required=True, description="Начало запроса."
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="Сколько подсказок (1–20)."
            ),
        ],
        responses={
            200: inline_serializer(
                "SearchSuggestions",
                {
                    "query": serializers.CharField(),
                    "suggestions": inline_serializer(
                        "SearchSuggestion",
                        {
                            "text": serializers.CharField(),
                            "kind": serializers.CharField(),
                            "kind_label": serializers.CharField(),
                            "url": serializers.CharField(),
                        },
                        many=True,
                    ),
                },
            )
        },
        tags=["search"],
    )
    def get(self, request: Request) -> Response:
        params = SuggestParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        try:
            suggestions = service.suggest(
                params.validated_data["q"], limit=params.validated_data["limit"]
            )
        except service.SearchUnavailableError as error:
            raise SearchUnavailable() from error
        return Response(
            {
                "query": params.validated_data["q"],
                "suggestions": [
                    {
                        "text": s.text,
                        "kind": s.kind,
                        "kind_label": str(KIND_LABELS.get(s.kind, s.kind)),
                        "url": request.build_absolute_uri(s.url) if s.url else "",
                    }
                    for s in suggestions
                ],
            }
        )


#: Routes for the site's API v1 (``evaluation-api`` namespace).
urlpatterns = [
    path("search/", SearchView.as_view(), name="search"),
    path("search/suggest/", SuggestView.as_view(), name="search-suggest"),
]
