"""Dataset ``organisations``: the register of active organisations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from evaluation import selectors
from evaluation.models import Campaign
from evaluation.opendata import exports
from evaluation.opendata.exports import ColumnField, ColumnType
from evaluation.opendata.readers.common import CHUNK_SIZE, Row, kind_label


class OrganisationsResource(exports.OpenDataResource):
    """The register of organisations (dataset ``organisations``)."""

    id = ColumnField(
        "id",
        "Идентификатор",
        ColumnType.INTEGER,
        "Идентификатор организации на портале; по нему связываются наборы данных.",
    )
    slug = ColumnField(
        "slug",
        "Код для адреса",
        ColumnType.STRING,
        "Постоянная часть адреса карточки организации на сайте.",
    )
    code = ColumnField(
        "code", "Код в реестре", ColumnType.STRING, "Код в реестре поставщиков услуг."
    )
    name = ColumnField("name", "Полное наименование", ColumnType.STRING)
    short_name = ColumnField("short_name", "Краткое наименование", ColumnType.STRING)
    kind = ColumnField(
        "kind",
        "Тип организации",
        ColumnType.STRING,
        "Тип организации социального обслуживания.",
    )
    district = ColumnField(
        "district", "Район", ColumnType.STRING, "Муниципальный район или округ."
    )
    parent_id = ColumnField(
        "parent_id",
        "Вышестоящая организация (идентификатор)",
        ColumnType.INTEGER,
        "Идентификатор вышестоящей организации, если она есть.",
    )
    parent = ColumnField(
        "parent",
        "Вышестоящая организация",
        ColumnType.STRING,
        "Краткое наименование вышестоящей организации.",
    )
    inn = ColumnField(
        "inn", "ИНН", ColumnType.STRING, "Идентификационный номер налогоплательщика."
    )
    address = ColumnField("address", "Адрес", ColumnType.STRING)
    website = ColumnField("website", "Официальный сайт", ColumnType.STRING)

    class Meta:
        fields = (
            "id", "slug", "code", "name", "short_name", "kind", "district",
            "parent_id", "parent", "inn", "address", "website",
        )  # fmt: skip


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """Active organisations A→Я, read in chunks as plain values."""
    organisations = selectors.organisation_directory().values(
        "pk", "slug", "code", "name", "short_name", "kind", "district__name",
        "parent_id", "parent__short_name", "inn", "address", "website",
    )  # fmt: skip
    for org in organisations.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": org["pk"],
            "slug": org["slug"],
            "code": org["code"],
            "name": org["name"],
            "short_name": org["short_name"],
            "kind": kind_label(org["kind"]),
            "district": org["district__name"],
            "parent_id": org["parent_id"],
            "parent": org["parent__short_name"],
            "inn": org["inn"] or None,
            "address": org["address"] or None,
            "website": org["website"] or None,
        }
