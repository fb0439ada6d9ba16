"""Open data downloads: every table as CSV, XLSX and JSON, campaign dumps.

Routes (``evaluation-api`` namespace, under ``/api/v1/``):

* ``datasets/`` (``dataset-list``): the JSON catalogue;
* ``datasets/<slug>.<csv|xlsx|json>`` (``dataset-download``), with
  ``?campaign=<slug>`` for campaign-bound datasets;
* ``campaigns/<slug>/dump.zip`` (``campaign-dump``): every dataset of a
  published campaign, the data dictionary and a README;
* ``datasets/catalogue/`` (``dataset-catalogue-page``) and ``datasets/<slug>/``
  (``dataset-page``): HTML pages with schema.org / DCAT metadata.

Everything is anonymous and read-only; only published data is read (see
:mod:`evaluation.opendata.registry`). Errors are the API's JSON shape, in Russian.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, BinaryIO
from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import http_date
from django.utils.safestring import SafeString, mark_safe
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation import selectors
from evaluation.enums import CampaignKind
from evaluation.models import Campaign, Publication
from evaluation.opendata.dump import campaign_dump
from evaluation.opendata.exports import FORMATS, ColumnType
from evaluation.opendata.registry import (
    LICENCE,
    Dataset,
    DatasetError,
    campaigns_for,
    get_dataset,
    licence_text,
    public_campaigns,
    publisher_name,
    registry,
)
from evaluation.opendata.store import open_table

#: Downloads change at most when something is republished.
MAX_AGE = 300

COLUMN_TYPE_LABELS = {
    ColumnType.STRING: "текст",
    ColumnType.INTEGER: "целое число",
    ColumnType.DECIMAL: "десятичное число",
    ColumnType.DATE: "дата",
    ColumnType.BOOLEAN: "да/нет",
}


class IgnoreAccept(BaseContentNegotiation):
    """Files are chosen by the URL's extension; errors are always JSON.

    DRF's default negotiation would answer ``Accept: text/csv`` with 406
    before the view runs.
    """

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class OpenDataView(APIView):
    """Anonymous, read-only, JSON errors; no session is read."""

    authentication_classes: Sequence[type] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreAccept
    http_method_names = ["get", "head", "options"]


def _not_found(error: DatasetError) -> NotFound:
    return NotFound(error.message, code=error.code)


# ------------------------------------------------------------------ URLs


def download_url(
    request: HttpRequest, dataset: Dataset, fmt: str, campaign: Campaign | None
) -> str:
    """Absolute, stable URL of a dataset file."""
    url = reverse(
        "evaluation-api:dataset-download", kwargs={"slug": dataset.slug, "fmt": fmt}
    )
    if campaign is not None:
        url += "?" + urlencode({"campaign": campaign.slug})
    return request.build_absolute_uri(url)


def dump_url(request: HttpRequest, campaign: Campaign) -> str:
    """Absolute URL of a campaign's ZIP."""
    return request.build_absolute_uri(
        reverse("evaluation-api:campaign-dump", kwargs={"slug": campaign.slug})
    )


def page_url(request: HttpRequest, dataset: Dataset) -> str:
    """Absolute URL of a dataset's HTML page."""
    return request.build_absolute_uri(
        reverse("evaluation-api:dataset-page", kwargs={"slug": dataset.slug})
    )


def _formats(
    request: HttpRequest, dataset: Dataset, campaign: Campaign | None
) -> list[dict[str, str]]:
    return [
        {
            "format": fmt,
            "title": spec.title,
            "media_type": spec.media_type,
            "url": download_url(request, dataset, fmt, campaign),
        }
        for fmt, spec in FORMATS.items()
    ]


def _licence() -> dict[str, str]:
    return {
        "code": LICENCE.code,
        "title": LICENCE.title,
        "url": LICENCE.url,
        "text": licence_text(),
    }


def _columns(dataset: Dataset) -> list[dict[str, str]]:
    return [
        {
            "key": column.key,
            "title": column.title_ru,
            "type": str(column.type),
            "unit": column.unit,
            "description": column.description_ru,
        }
        for column in dataset.columns
    ]


def _campaign_entry(campaign: Campaign) -> dict[str, Any]:
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "kind": campaign.kind,
        "year": campaign.year,
        "period_start": campaign.period_start.isoformat(),
        "period_end": campaign.period_end.isoformat(),
    }


# ------------------------------------------------------------- catalogue


def catalogue(request: HttpRequest) -> dict[str, Any]:
    """The JSON catalogue: every dataset with its formats and data dictionary."""
    published = public_campaigns()
    datasets = []
    for dataset in registry().values():
        campaigns = campaigns_for(dataset, published)
        entry: dict[str, Any] = {
            "slug": dataset.slug,
            "title": dataset.title,
            "description": dataset.description,
            "page": page_url(request, dataset),
            "licence": _licence(),
            "campaign_required": dataset.needs_campaign,
        }
        if dataset.needs_campaign:
            # The newest campaign's files first; every campaign below.
            entry["formats"] = (
                _formats(request, dataset, campaigns[0]) if campaigns else []
            )
            entry["campaigns"] = [
                {
                    **_campaign_entry(campaign),
                    "formats": _formats(request, dataset, campaign),
                }
                for campaign in campaigns
            ]
        else:
            entry["formats"] = _formats(request, dataset, None)
        entry["columns"] = _columns(dataset)
        datasets.append(entry)
    dumps = [
        {**_campaign_entry(campaign), "url": dump_url(request, campaign)}
        for kind in (CampaignKind.NOK, CampaignKind.DECADE)
        for campaign in published.get(kind.value, [])
    ]
    return {
        "title": "Открытые данные",
        "publisher": publisher_name(),
        "licence": _licence(),
        "page": request.build_absolute_uri(
            reverse("evaluation-api:dataset-catalogue-page")
        ),
        "datasets": datasets,
        "dumps": dumps,
    }


_FORMAT_SCHEMA = inline_serializer(
    "OpenDataFormat",
    {
        "format": serializers.CharField(),
        "title": serializers.CharField(),
        "media_type": serializers.CharField(),
        "url": serializers.URLField(),
    },
    many=True,
)
_ERROR_SCHEMA = inline_serializer(
    "OpenDataError",
    {
        "error": inline_serializer(
            "OpenDataErrorBody",
            {
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
            },
        )
    },
)


class DatasetCatalogueView(OpenDataView):
    """Каталог открытых данных."""

    @extend_schema(
        operation_id="datasets_catalogue",
        tags=["open-data"],
        summary="Каталог открытых данных",
        description=(
            "Все наборы открытых данных: код, название, описание, лицензия "
            "(CC BY 4.0), ссылки на файлы CSV, XLSX и JSON (для наборов по "
            "кампании — на каждую опубликованную кампанию), словарь данных "
            "(столбцы, типы, единицы измерения) и архивы кампаний."
        ),
        responses={
            200: inline_serializer(
                "DatasetCatalogue",
                {
                    "title": serializers.CharField(),
                    "publisher": serializers.CharField(),
                    "licence": serializers.DictField(),
                    "page": serializers.URLField(),
                    "datasets": serializers.ListField(
                        child=inline_serializer(
                            "DatasetEntry",
                            {
                                "slug": serializers.CharField(),
                                "title": serializers.CharField(),
                                "description": serializers.CharField(),
                                "page": serializers.URLField(),
                                "licence": serializers.DictField(),
                                "campaign_required": serializers.BooleanField(),
                                "formats": _FORMAT_SCHEMA,
                                "campaigns": serializers.ListField(
                                    child=serializers.DictField(), required=False
                                ),
                                "columns": serializers.ListField(
                                    child=serializers.DictField()
                                ),
                            },
                        )
                    ),
                    "dumps": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        response = Response(catalogue(request))
        response["Cache-Control"] = f"public, max-age={MAX_AGE}"
        return response


def _file_response(
    file: BinaryIO,
    *,
    media_type: str,
    filename: str,
    last_modified: Any = None,
) -> FileResponse:
    """Stream an open file (closed when the response is) with the open-data
    headers."""
    response = FileResponse(file, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response["Content-Language"] = "ru"
    response["Link"] = f'<{LICENCE.url}>; rel="license"'
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


_BINARY = {
    (200, spec.media_type.split(";")[0]): OpenApiTypes.BINARY
    for spec in FORMATS.values()
}


class DatasetDownloadView(OpenDataView):
    """Файл набора открытых данных."""

    @extend_schema(
        operation_id="datasets_download",
        tags=["open-data"],
        summary="Файл набора данных (CSV, XLSX или JSON)",
        description=(
            "Набор открытых данных в формате по расширению адреса. CSV — UTF-8 "
            "с BOM, разделитель «;», десятичная запятая, даты ДД.ММ.ГГГГ "
            "(открывается в Excel двойным щелчком); XLSX — числа и даты как "
            "значения ячеек; JSON — список объектов, десятичные числа строками, "
            "даты ISO 8601. Текст, похожий на формулу, в CSV и XLSX начинается "
            "с апострофа. Для наборов по кампании обязателен параметр campaign; "
            "Last-Modified — дата публикации результатов, где она есть."
        ),
        parameters=[
            OpenApiParameter(
                "slug",
                str,
                OpenApiParameter.PATH,
                description="Код набора: organisations, results, aggregates, decade, "
                "measures, submissions, targets, decisions.",
            ),
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=list(FORMATS),
                description="Формат файла.",
            ),
            OpenApiParameter(
                "campaign",
                str,
                description="Код опубликованной кампании (nok-2024, decade-2024) "
                "для наборов results, aggregates, decade, measures, submissions.",
            ),
        ],
        responses={
            **_BINARY,
            404: OpenApiResponse(
                _ERROR_SCHEMA,
                description="Набор, формат или кампания не найдены или не "
                "опубликованы.",
            ),
        },
    )
    def get(self, request: Request, slug: str, fmt: str) -> HttpResponse:
        if fmt not in FORMATS:
            raise NotFound(
                f"Формат «{fmt}» не поддерживается: доступны "
                + ", ".join(FORMATS)
                + ".",
                code="unknown_format",
            )
        try:
            table = get_dataset(slug).table(
                campaign=request.query_params.get("campaign")
            )
        except DatasetError as error:
            raise _not_found(error) from error
        file, _rows = open_table(table, fmt)
        return _file_response(
            file,
            media_type=FORMATS[fmt].media_type,
            filename=f"{table.filename_stem}.{FORMATS[fmt].extension}",
            last_modified=table.last_modified,
        )


class CampaignDumpView(OpenDataView):
    """Архив открытых данных кампании."""

    @extend_schema(
        operation_id="campaigns_dump",
        tags=["open-data"],
        summary="Архив всех наборов данных кампании (ZIP)",
        description=(
            "Все наборы опубликованной кампании в CSV и XLSX, реестр "
            "организаций, словарь данных (data-dictionary.csv) и README.txt: "
            "источник, версия и дата публикации, версия методики, лицензия, "
            "как открыть CSV в Excel."
        ),
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            404: OpenApiResponse(
                _ERROR_SCHEMA,
                description="Кампания не найдена или не опубликована.",
            ),
        },
    )
    def get(self, request: Request, slug: str) -> HttpResponse:
        try:
            dump = campaign_dump(
                slug,
                source_url=request.build_absolute_uri(
                    reverse("evaluation-api:dataset-catalogue-page")
                ),
            )
        except DatasetError as error:
            raise _not_found(error) from error
        return _file_response(
            dump.file, media_type="application/zip", filename=dump.filename
        )


# ------------------------------------------------------------ HTML pages


def _json_for_html(data: Any) -> SafeString:
    """JSON that is safe inside ``<script>``: no ``<``, ``>`` or ``&`` left."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above, data is ours


def dataset_jsonld(
    request: HttpRequest,
    dataset: Dataset,
    campaign: Campaign | None,
    publication: Publication | None,
) -> dict[str, Any]:
    """schema.org ``Dataset`` and DCAT ``dcat:Dataset`` metadata in one JSON-LD."""
    url = page_url(request, dataset)
    if campaign is not None:
        url += "?" + urlencode({"campaign": campaign.slug})
    name = dataset.title + (f": {campaign.title}" if campaign else "")
    publisher = {"@type": "Organization", "name": publisher_name()}
    # A campaign-bound dataset with nothing published has no files yet.
    downloads = (
        []
        if dataset.needs_campaign and campaign is None
        else _formats(request, dataset, campaign)
    )
    data: dict[str, Any] = {
        "@context": [
            "https://schema.org/",
            {
                "dcat": "http://www.w3.org/ns/dcat#",
                "dct": "http://purl.org/dc/terms/",
                "foaf": "http://xmlns.com/foaf/0.1/",
            },
        ],
        "@type": ["Dataset", "dcat:Dataset"],
        "@id": url,
        "name": name,
        "description": dataset.description,
        "url": url,
        "identifier": dataset.slug + (f"-{campaign.slug}" if campaign else ""),
        "inLanguage": "ru",
        "isAccessibleForFree": True,
        "license": LICENCE.url,
        "creator": publisher,
        "publisher": publisher,
        "keywords": [
            "независимая оценка качества",
            "социальное обслуживание",
            "открытые данные",
        ],
        "variableMeasured": [
            {
                "@type": "PropertyValue",
                "name": column.key,
                "alternateName": column.title_ru,
                "description": column.description_ru or column.title_ru,
                **({"unitText": column.unit} if column.unit else {}),
            }
            for column in dataset.columns
        ],
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f"{name} ({item['title']})",
                "encodingFormat": item["media_type"].split(";")[0],
                "contentUrl": item["url"],
            }
            for item in downloads
        ],
        "dct:title": name,
        "dct:description": dataset.description,
        "dct:license": {"@id": LICENCE.url},
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": publisher_name()},
        "dcat:landingPage": {"@id": url},
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{name} ({item['title']})",
                "dcat:downloadURL": {"@id": item["url"]},
                "dcat:accessURL": {"@id": item["url"]},
                "dcat:mediaType": item["media_type"].split(";")[0],
                "dct:format": item["format"].upper(),
                "dct:license": {"@id": LICENCE.url},
            }
            for item in downloads
        ],
    }
    if campaign is not None:
        coverage = (
            f"{campaign.period_start.isoformat()}/{campaign.period_end.isoformat()}"
        )
        data["temporalCoverage"] = coverage
        data["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": campaign.period_start.isoformat(),
            "dcat:endDate": campaign.period_end.isoformat(),
        }
    if publication is not None:
        data["version"] = str(publication.version)
        data["dateModified"] = publication.published_at.isoformat()
        data["dct:modified"] = publication.published_at.isoformat()
    return data


def _download_rows(
    request: HttpRequest, dataset: Dataset, campaigns: Sequence[Campaign]
) -> list[dict[str, Any]]:
    targets: Sequence[Campaign | None] = campaigns if dataset.needs_campaign else [None]
    return [
        {
            "campaign": campaign,
            "formats": _formats(request, dataset, campaign),
            "dump": dump_url(request, campaign) if campaign else "",
        }
        for campaign in targets
    ]


def dataset_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A dataset's page: description, data dictionary, downloads, metadata."""
    try:
        dataset = get_dataset(slug)
    except DatasetError as error:
        raise Http404(error.message) from error
    campaigns = campaigns_for(dataset, public_campaigns())
    campaign = None
    if dataset.needs_campaign:
        wanted = request.GET.get("campaign", "")
        if wanted:
            campaign = next((c for c in campaigns if c.slug == wanted), None)
            if campaign is None:
                raise Http404("Кампания не найдена или не опубликована.")
        elif campaigns:
            campaign = campaigns[0]
    publication = (
        selectors.latest_publication(campaign)
        if campaign is not None and campaign.kind == CampaignKind.NOK
        else None
    )
    context = {
        "dataset": dataset,
        "columns": [
            {
                "column": column,
                "type_label": COLUMN_TYPE_LABELS.get(
                    ColumnType(column.type), column.type
                ),
            }
            for column in dataset.columns
        ],
        "campaign": campaign,
        "publication": publication,
        "downloads": _download_rows(request, dataset, campaigns),
        "licence": _licence(),
        "publisher": publisher_name(),
        "jsonld": _json_for_html(
            dataset_jsonld(request, dataset, campaign, publication)
        ),
        "catalogue_url": reverse("evaluation-api:dataset-catalogue-page"),
        "catalogue_json_url": reverse("evaluation-api:dataset-list"),
    }
    return render(request, "evaluation/opendata/dataset.html", context)


def catalogue_page(request: HttpRequest) -> HttpResponse:
    """The catalogue of datasets and of campaign archives, as a page."""
    published = public_campaigns()
    entries = []
    for dataset in registry().values():
        campaigns = campaigns_for(dataset, published)
        entries.append(
            {
                "dataset": dataset,
                "page": reverse(
                    "evaluation-api:dataset-page", kwargs={"slug": dataset.slug}
                ),
                "downloads": _download_rows(request, dataset, campaigns),
            }
        )
    dumps = [
        {"campaign": campaign, "url": dump_url(request, campaign)}
        for kind in (CampaignKind.NOK, CampaignKind.DECADE)
        for campaign in published.get(kind.value, [])
    ]
    return render(
        request,
        "evaluation/opendata/catalogue.html",
        {
            "entries": entries,
            "dumps": dumps,
            "licence": _licence(),
            "publisher": publisher_name(),
            "catalogue_json_url": reverse("evaluation-api:dataset-list"),
        },
    )


urlpatterns = [
    path("datasets/", DatasetCatalogueView.as_view(), name="dataset-list"),
    path("datasets/catalogue/", catalogue_page, name="dataset-catalogue-page"),
    path(
        "datasets/<slug:slug>.<str:fmt>",
        DatasetDownloadView.as_view(),
        name="dataset-download",
    ),
    path("datasets/<slug:slug>/", dataset_page, name="dataset-page"),
    path(
        "campaigns/<slug:slug>/dump.zip",
        CampaignDumpView.as_view(),
        name="campaign-dump",
    ),
]
