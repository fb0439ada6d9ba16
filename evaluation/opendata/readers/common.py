"""What several readers share: units, labels and the organisation columns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from evaluation.enums import OrganisationKind
from evaluation.models import Organisation
from evaluation.opendata.exports import Column, ColumnType

Row = dict[str, Any]

#: Rows fetched from the database at a time by readers that stream a queryset.
CHUNK_SIZE = 200

SCORE_UNIT = "балл"
PERCENT = "%"

CRITERIA = {"k1": "K1", "k2": "K2", "k3": "K3", "k4": "K4", "k5": "K5"}


def label(choices: type[models.TextChoices], value: str) -> str:
    """The Russian label of a choice, or the value itself when it is unknown."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def kind_label(value: str) -> str:
    """The Russian name of an organisation kind."""
    return label(OrganisationKind, value)


def decimal(value: Any) -> Decimal | None:
    """A JSON-stored number as a Decimal (None when missing)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def organisation_columns(*, with_slug: bool = True) -> tuple[Column, ...]:
    """The columns naming an organisation in rows about it."""
    columns = [
        Column(
            "organisation_id",
            "Идентификатор организации",
            ColumnType.INTEGER,
            "Идентификатор организации на портале (столбец id набора «Организации»).",
        )
    ]
    if with_slug:
        columns.append(
            Column(
                "organisation_slug",
                "Код организации для адреса",
                ColumnType.STRING,
                "Постоянная часть адреса карточки организации.",
            )
        )
    columns += [
        Column(
            "organisation_name",
            "Организация",
            ColumnType.STRING,
            "Краткое наименование организации.",
        ),
        Column(
            "district", "Район", ColumnType.STRING, "Муниципальный район или округ."
        ),
        Column(
            "kind",
            "Тип организации",
            ColumnType.STRING,
            "Тип организации социального обслуживания.",
        ),
    ]
    return tuple(columns)


def organisation_values(organisation: Organisation, *, with_slug: bool = True) -> Row:
    """The values of :func:`organisation_columns` for one organisation."""
    row: Row = {"organisation_id": organisation.pk}
    if with_slug:
        row["organisation_slug"] = organisation.slug
    row.update(
        organisation_name=organisation.short_name,
        district=organisation.district.name,
        kind=kind_label(organisation.kind),
    )
    return row
