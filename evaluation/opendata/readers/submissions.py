"""Dataset ``submissions``: the documents organisations owe in a campaign."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from evaluation import selectors
from evaluation.enums import SubmissionKind, SubmissionStatus
from evaluation.models import Campaign
from evaluation.opendata.exports import Column, ColumnType
from evaluation.opendata.readers.common import (
    CHUNK_SIZE,
    Row,
    label,
    organisation_columns,
    organisation_values,
)


def columns() -> tuple[Column, ...]:
    return (
        *organisation_columns(with_slug=False),
        Column(
            "document", "Документ", ColumnType.STRING, "Вид представляемого документа."
        ),
        Column("deadline", "Срок", ColumnType.DATE, "Срок представления."),
        Column("received_on", "Дата поступления", ColumnType.DATE),
        Column("status", "Статус рассмотрения", ColumnType.STRING),
        Column(
            "state",
            "Состояние",
            ColumnType.STRING,
            "В срок, с опозданием, просрочено, срок истекает или ожидается — на дату "
            "выгрузки.",
        ),
    )


def rows(campaign: Campaign | None, publication: Any) -> Iterator[Row]:
    """One row per document owed, with its state on the day of the download."""
    if campaign is None:
        return
    today = timezone.localdate()
    owed_by = selectors.iter_owed(campaign, chunk_size=CHUNK_SIZE)
    for organisation, owed in owed_by:
        for kind in SubmissionKind:
            submission = owed.get(kind.value)
            if submission is None:
                continue
            state = submission.state(today)
            row = organisation_values(organisation, with_slug=False)
            row.update(
                document=label(SubmissionKind, submission.kind),
                deadline=submission.deadline,
                received_on=submission.received_on,
                status=label(SubmissionStatus, submission.status),
                state=state.label if state is not None else None,
            )
            yield row
