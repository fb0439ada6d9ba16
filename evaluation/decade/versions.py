"""Recomputing, publishing and correcting a Декада качества, version by version.

A Декада's figures are computed from its questionnaires and the annex-2
summaries, with the sample bases stored for the campaign (seed 000 §3.1).
:func:`recompute` computes the working figures of every organisation and
records them (audit event ``campaign.recompute``); :func:`preview` compares
them with the latest published version. Publishing (and each correction)
freezes the bases and the figures in a :class:`~evaluation.models.DecadeVersion`
of a new :class:`~evaluation.models.Publication`, so every version stays
readable (:func:`version_rows`) and the public page reads the bases of the
latest version (:func:`evaluation.decade.sample_bases.stored_bases`).

The life cycle (:mod:`evaluation.nok.lifecycle`) calls these; it checks the
permission and the stage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evaluation import signals
from evaluation.audit import record
from evaluation.decade import sample_bases
from evaluation.decade import summary as decade
from evaluation.enums import CampaignKind
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    AuditEvent,
    Campaign,
    DecadeSummary,
    DecadeVersion,
    DecadeVersionSummary,
    Organisation,
    Publication,
)
from evaluation.nok.selectors import DECADE_RESPONSE_FIELDS, _from_stored, decade_base

#: The question whose "yes" share is the Декада's headline satisfaction.
OVERALL_QUESTION = "q15"

RECOMPUTE_EVENT = "campaign.recompute"


#: Preview labels of counts and of shares in per cent (for formatting).
DECADE_COUNTS = frozenset({"Анкет учтено", "База выборки"})
DECADE_PERCENTS = frozenset({"Доля выборки", "Удовлетворены в целом"})


@dataclass(frozen=True)
class DecadeFigures:
    """One organisation's public Декада figures.

    ``share`` is the sample share and ``satisfied`` the share of "yes" to
    question 15 (satisfied with the conditions as a whole), both in per cent.
    """

    counted: int
    base: int | None
    share: Decimal | None
    adequate: bool | None
    satisfied: Decimal | None

    #: Labels of :meth:`values`, in order (the preview's columns; the
    #: adequacy follows from the share).
    LABELS = (
        "Анкет учтено",
        "База выборки",
        "Доля выборки",
        "Удовлетворены в целом",
    )

    def values(self) -> tuple:
        return (self.counted, self.base, self.share, self.satisfied)

    def as_json(self) -> dict:
        return {
            "counted": self.counted,
            "base": self.base,
            "share": None if self.share is None else str(self.share),
            "adequate": self.adequate,
            "satisfied": None if self.satisfied is None else str(self.satisfied),
        }

    @classmethod
    def from_json(cls, data: dict) -> DecadeFigures:
        return cls(
            counted=data["counted"],
            base=data["base"],
            share=None if data["share"] is None else Decimal(data["share"]),
            adequate=data["adequate"],
            satisfied=None if data["satisfied"] is None else Decimal(data["satisfied"]),
        )

    @classmethod
    def of(cls, summary: decade.DecadeSummary) -> DecadeFigures:
        overall = summary.question(OVERALL_QUESTION)
        return cls(
            counted=summary.counted,
            base=summary.sample.base,
            share=summary.sample.share,
            adequate=summary.sample.adequate,
            satisfied=overall.share,
        )


def working_figures(
    campaign: Campaign, bases: dict[int, int | None] | None = None
) -> dict[int, DecadeFigures]:
    """Organisation id → its figures computed now, with the working bases.

    ``bases`` defaults to the working (not yet published) bases, the
    register where none is stored.
    """
    return {
        pk: DecadeFigures.of(summary)
        for pk, summary in working_summaries(campaign, bases).items()
    }


def working_summaries(
    campaign: Campaign, bases: dict[int, int | None] | None = None
) -> dict[int, decade.DecadeSummary]:
    """Organisation id → its whole Декада summary computed now.

    Organisations with questionnaires are summarised from them; the others
    from the summary they sent (annex 2); one with neither has zero
    questionnaires.
    """
    if bases is None:
        bases = sample_bases.working_bases(campaign)
    organisations = {org.pk: org for org in campaign.organisations.all()}
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in campaign.responses.values("organisation_id", *DECADE_RESPONSE_FIELDS):
        grouped[row.pop("organisation_id")].append(row)
    stored = {
        item.organisation_id: item
        for item in DecadeSummary.objects.filter(campaign=campaign).exclude(
            organisation_id__in=list(grouped)
        )
    }
    return {
        pk: _from_stored(stored[pk], org, bases)
        if pk in stored
        else decade.summarise(grouped.get(pk, []), org.kind, decade_base(org, bases))
        for pk, org in organisations.items()
    }


def _as_json(figures: dict[int, DecadeFigures]) -> dict[str, dict]:
    return {str(pk): item.as_json() for pk, item in sorted(figures.items())}


# ------------------------------------------------------------------ versions


def latest_version(campaign: Campaign) -> DecadeVersion | None:
    """The frozen figures of the latest publication of a Декада, if any."""
    return (
        DecadeVersion.objects.filter(publication__campaign=campaign)
        .select_related("publication")
        .order_by("-publication__version")
        .first()
    )


def version_figures(publication: Publication) -> dict[int, DecadeFigures]:
    """Organisation id → the figures frozen in one publication (empty if none)."""
    version = DecadeVersion.objects.filter(publication=publication).first()
    if version is None:
        return {}
    return {
        int(pk): DecadeFigures.from_json(data) for pk, data in version.figures.items()
    }


@dataclass(frozen=True)
class VersionRow:
    """One organisation's line of a published version."""

    organisation: Organisation
    figures: DecadeFigures


def version_rows(
    campaign: Campaign, version: int
) -> tuple[Publication, list[VersionRow]]:
    """A published version of a Декада, A→Я: earlier versions stay readable.

    Raises:
        EvaluationError: there is no such version.
    """
    publication = campaign.publications.filter(version=version).first()
    if publication is None or not hasattr(publication, "decade_version"):
        raise EvaluationError(
            f"У «{campaign}» нет опубликованной версии {version}: проверьте номер "
            "версии в списке публикаций кампании."
        )
    figures = version_figures(publication)
    organisations = Organisation.objects.in_bulk(list(figures))
    rows = [
        VersionRow(organisations[pk], item)
        for pk, item in figures.items()
        if pk in organisations
    ]
    rows.sort(key=lambda row: row.organisation.short_name)
    return publication, rows


# ------------------------------------------------------------------ working results


def _last_recompute(campaign: Campaign) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            action=RECOMPUTE_EVENT,
            object_type=Campaign._meta.label_lower,
            object_id=str(campaign.pk),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def recomputed_figures(campaign: Campaign) -> dict[int, DecadeFigures] | None:
    """The figures of the last recomputation, or None when there was none."""
    event = _last_recompute(campaign)
    if campaign.recomputed_at is None or event is None:
        return None
    return {
        int(pk): DecadeFigures.from_json(data)
        for pk, data in event.data.get("figures", {}).items()
    }


def results_are_current(campaign: Campaign) -> bool:
    """Whether the last recomputation matches the questionnaires, summaries and bases now."""
    recomputed = recomputed_figures(campaign)
    return recomputed is not None and recomputed == working_figures(campaign)


def has_data(campaign: Campaign) -> bool:
    """Questionnaires or annex-2 summaries have arrived."""
    return (
        campaign.responses.exists()
        or DecadeSummary.objects.filter(campaign=campaign).exists()
    )


@transaction.atomic
def recompute(campaign: Campaign, actor=None) -> dict[int, DecadeFigures]:
    """Compute every organisation's figures now and record them (nothing public changes)."""
    figures = working_figures(campaign)
    campaign.recomputed_at = timezone.now()
    campaign.save(update_fields=["recomputed_at"])
    record(
        RECOMPUTE_EVENT,
        campaign,
        f"Пересчитаны итоги: {campaign} (организаций {len(figures)})",
        actor,
        figures=_as_json(figures),
    )
    transaction.on_commit(
        lambda: signals.results_recomputed.send(sender=Campaign, campaign=campaign)
    )
    return figures


@transaction.atomic
def publish_version(campaign: Campaign, actor=None, note: str = "") -> Publication:
    """Freeze the bases and the working figures as version N+1 of a Декада.

    The first version may go without a note; a correction must say what
    changed. Sends ``results_published`` (cache, search, feed, page).
    """
    if campaign.kind != CampaignKind.DECADE:
        raise EvaluationError(f"«{campaign}» — не Декада качества.")
    last = campaign.publications.aggregate(last=Max("version"))["last"] or 0
    if last and not note.strip():
        raise EvaluationError(
            "Исправленная версия итогов публикуется только с примечанием о том, "
            "что изменилось."
        )
    sample_bases.freeze_bases(campaign)
    bases = sample_bases.working_bases(campaign)
    summaries = working_summaries(campaign, bases)
    figures = {pk: DecadeFigures.of(summary) for pk, summary in summaries.items()}
    publication = Publication.objects.create(
        campaign=campaign,
        version=last + 1,
        note=note,
        published_by=actor if getattr(actor, "pk", None) else None,
    )
    frozen = {
        pk: decade.summary_to_json(summary) for pk, summary in sorted(summaries.items())
    }
    version = DecadeVersion.objects.create(
        publication=publication,
        bases={str(pk): base for pk, base in sorted(bases.items())},
        figures=_as_json(figures),
        summaries={str(pk): data for pk, data in frozen.items()},
    )
    # One row per organisation too: a card reads its own, not the whole JSON.
    DecadeVersionSummary.objects.bulk_create(
        (
            DecadeVersionSummary(version=version, organisation_id=pk, summary=data)
            for pk, data in frozen.items()
        ),
        batch_size=1000,
    )
    record(
        "publish",
        campaign,
        f"Опубликованы итоги: {campaign}, версия {publication.version}",
        actor,
        version=publication.version,
        organisations=len(figures),
        note=note,
    )
    transaction.on_commit(
        lambda: signals.results_published.send(
            sender=Campaign, campaign=campaign, publication=publication
        )
    )
    return publication


# ------------------------------------------------------------------ preview


@dataclass(frozen=True)
class PreviewRow:
    """An organisation as the public would see it, and as it is published now."""

    organisation: Organisation
    after: DecadeFigures | None
    before: DecadeFigures | None

    #: The headings of the figures' ``values()``, in order.
    LABELS: ClassVar[tuple[str, ...]] = DecadeFigures.LABELS

    @property
    def added(self) -> bool:
        return self.before is None

    @property
    def removed(self) -> bool:
        return self.after is None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def pairs(self) -> list[tuple[str, object, object]]:
        """``(label, before, after)`` for each figure."""
        empty = (None,) * len(self.LABELS)
        before = self.before.values() if self.before else empty
        after = self.after.values() if self.after else empty
        return list(zip(self.LABELS, before, after, strict=True))


def preview_rows(
    campaign: Campaign, publication: Publication | None
) -> list[PreviewRow]:
    """The recomputed figures against ``publication``'s, A→Я (removed last).

    Before any recomputation the working figures stand in for them.
    """
    after = recomputed_figures(campaign)
    if after is None:
        after = working_figures(campaign)
    before = version_figures(publication) if publication is not None else {}
    organisations = Organisation.objects.in_bulk(list(after.keys() | before.keys()))
    rows = [
        PreviewRow(organisations[pk], after.get(pk), before.get(pk))
        for pk in after.keys() | before.keys()
        if pk in organisations
    ]
    rows.sort(key=lambda row: (row.after is None, row.organisation.short_name))
    return rows
