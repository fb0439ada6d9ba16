"""The campaign life cycle: stages, the actions possible in each, and the actions.

Stages (:class:`Stage`) are derived from the stored status
(:class:`~evaluation.enums.CampaignStatus`), the recomputation time and the
publications::

    set up → collecting → results in → recomputed → under council review
           → published → corrected (a newer version) / withdrawn

Every action is one service function here: it checks the acting user's
permission (:func:`evaluation.roles.is_editor`; ``actor=None`` is the system,
i.e. the command line or the demo loader), locks the campaign row
(``select_for_update``) and re-reads its state inside one transaction, so two
editors pressing «Опубликовать» at once make one version and a failure half
way leaves the previous publication serving. A step that is not possible now
raises :class:`LifecycleError` whose Russian message says what to do first.
The admin screen (``lifecycle_admin``) and ``manage.py campaign`` call only
these functions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation import audit, roles, signals
from evaluation.decade import versions as decade_versions
from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.exceptions import EvaluationError
from evaluation.formatting import criterion_label
from evaluation.models import (
    Campaign,
    IndicatorInput,
    Organisation,
    Publication,
    PublishedResult,
    Result,
)
from evaluation.nok import services
from evaluation.obligations import owed as obligations

CRITERIA = ("K1", "K2", "K3", "K4", "K5")


class LifecycleError(EvaluationError):
    """A life-cycle step is not possible now; the message says what to do first."""


class Stage(TextChoices):
    """Where a campaign is in its life cycle (derived, never stored)."""

    SET_UP = "set_up", _("Подготовка")
    COLLECTING = "collecting", _("Сбор данных")
    RESULTS_IN = "results_in", _("Данные получены, нужен пересчёт")
    RECOMPUTED = "recomputed", _("Пересчитана")
    COUNCIL = "council", _("На рассмотрении общественного совета")
    PUBLISHED = "published", _("Опубликована")
    CORRECTED = "corrected", _("Опубликована с исправлениями")
    WITHDRAWN = "withdrawn", _("Отозвана")


class Action(TextChoices):
    """What can be done to a campaign; the values are the command's subcommands."""

    OPEN = "open", _("Начать сбор данных")
    RECOMPUTE = "recompute", _("Пересчитать")
    SEND_TO_COUNCIL = "send_to_council", _("Направить в общественный совет")
    RETURN = "return", _("Вернуть на доработку")
    PUBLISH = "publish", _("Опубликовать")
    CORRECT = "correct", _("Опубликовать исправление")
    WITHDRAW = "withdraw", _("Отозвать")


#: Actions whose public effect must be explained in a note.
NOTE_REQUIRED = frozenset({Action.CORRECT, Action.WITHDRAW})

#: Checks that may hold a campaign under council review back from
#: publication: each returns a Russian reason, or None. ``publications``
#: registers one for its council review workflow.
COUNCIL_CHECKS: list[Callable[[Campaign], str | None]] = []


def register_council_check(check: Callable[[Campaign], str | None]) -> None:
    """Add a check run before publishing a campaign under council review."""
    if check not in COUNCIL_CHECKS:
        COUNCIL_CHECKS.append(check)


# ------------------------------------------------------------------ reading


def _snapshot(item: IndicatorInput) -> dict:
    """What :func:`services.recompute_campaign` stores as a result's inputs,
    through JSON as the database keeps it."""
    return json.loads(
        json.dumps(
            {
                **item.as_calculator_input(),
                "source": item.source,
                "source_reference": item.source_reference,
            },
            cls=DjangoJSONEncoder,
        )
    )


def results_are_current(campaign: Campaign) -> bool:
    """Whether the working results were computed from the inputs as they are now.

    Compared by content: every organisation's stored inputs against the
    inputs its result was computed from (an import may change inputs with a
    bulk update that leaves no modification time).
    """
    if campaign.kind == CampaignKind.DECADE:
        return decade_versions.results_are_current(campaign)
    if campaign.recomputed_at is None:
        return False
    used = dict(
        Result.objects.filter(campaign=campaign).values_list(
            "organisation_id", "inputs_snapshot"
        )
    )
    inputs = list(IndicatorInput.objects.filter(campaign=campaign))
    if not inputs or {item.organisation_id for item in inputs} != used.keys():
        return False
    for item in inputs:
        item.campaign = campaign
        if _snapshot(item) != used[item.organisation_id]:
            return False
    return True


def _has_data(campaign: Campaign) -> bool:
    if campaign.kind == CampaignKind.DECADE:
        return decade_versions.has_data(campaign)
    return IndicatorInput.objects.filter(campaign=campaign).exists()


def _latest(campaign: Campaign) -> Publication | None:
    return campaign.publications.order_by("-version").first()


def stage_of(campaign: Campaign) -> Stage:
    """The campaign's stage, read from its status, results and publications."""
    status = CampaignStatus(campaign.status)
    if status == CampaignStatus.DRAFT:
        return Stage.SET_UP
    if status == CampaignStatus.REVIEW:
        return Stage.COUNCIL
    if status == CampaignStatus.WITHDRAWN:
        return Stage.WITHDRAWN
    if status == CampaignStatus.PUBLISHED:
        latest = _latest(campaign)
        return (
            Stage.CORRECTED
            if latest is not None and latest.version > 1
            else Stage.PUBLISHED
        )
    if not _has_data(campaign):
        return Stage.COLLECTING
    if results_are_current(campaign):
        return Stage.RECOMPUTED
    return Stage.RESULTS_IN


def refusal(campaign: Campaign, action: str) -> str | None:
    """Why ``action`` is not possible now (Russian, says what to do first), or None."""
    action = Action(action)
    status = CampaignStatus(campaign.status)
    nok = campaign.kind == CampaignKind.NOK
    name = f"«{campaign}»"
    if status == CampaignStatus.WITHDRAWN:
        return (
            f"Результаты {name} отозваны: изменить кампанию нельзя. "
            "Для новых результатов создайте новую кампанию."
        )
    if action == Action.OPEN:
        if status != CampaignStatus.DRAFT:
            return f"Сбор данных по {name} уже начат."
        if not campaign.organisations.exists():
            return (
                f"В кампании {name} нет организаций: сначала добавьте их "
                "в карточке кампании, затем начните сбор данных."
            )
        return None
    if status == CampaignStatus.DRAFT:
        return (
            f"Кампания {name} ещё готовится: сначала начните сбор данных "
            "(«Начать сбор данных»)."
        )
    if action == Action.RECOMPUTE:
        if status == CampaignStatus.REVIEW:
            return (
                f"Кампания {name} на рассмотрении общественного совета: чтобы "
                "пересчитать, сначала верните её на доработку."
            )
        if not nok:
            return _decade_data_refusal(campaign, "пересчитайте")
        if not IndicatorInput.objects.filter(campaign=campaign).exists():
            return (
                f"Нет исходных данных {name}: сначала загрузите результаты "
                "оператора («Загрузка файлов»), затем пересчитайте."
            )
        return None
    if action == Action.SEND_TO_COUNCIL:
        if status != CampaignStatus.COLLECTING:
            return (
                f"На рассмотрение совета направляется кампания на сборе данных; "
                f"{name} — в статусе «{status.label}»."
            )
        return _results_refusal(campaign)
    if action == Action.RETURN:
        if status != CampaignStatus.REVIEW:
            return f"Вернуть на доработку можно кампанию на рассмотрении совета; {name} — в статусе «{status.label}»."
        return None
    if action == Action.PUBLISH:
        if status == CampaignStatus.PUBLISHED:
            return (
                f"Результаты {name} уже опубликованы: чтобы изменить их, "
                "пересчитайте и опубликуйте исправление с примечанием."
            )
        if status != CampaignStatus.REVIEW:
            return (
                f"Сначала направьте {name} на рассмотрение общественного совета "
                "(«Направить в общественный совет»), затем опубликуйте."
            )
        return _results_refusal(campaign) or council_refusal(campaign)
    if action == Action.CORRECT:
        if status != CampaignStatus.PUBLISHED:
            return (
                f"Исправление публикуется для уже опубликованной кампании; "
                f"{name} — в статусе «{status.label}». Опубликуйте её."
            )
        problem = _results_refusal(campaign)
        if problem:
            return problem
        if not preview(campaign).changed:
            latest = _latest(campaign)
            return (
                f"Пересчитанные результаты не отличаются от опубликованной версии "
                f"{latest.version if latest else ''}: исправлять нечего. Сначала "
                "загрузите исправленные данные и пересчитайте."
            )
        return None
    if action == Action.WITHDRAW:
        if status != CampaignStatus.PUBLISHED:
            return (
                f"Отозвать можно опубликованные результаты; {name} — "
                f"в статусе «{status.label}»."
            )
        return None
    raise AssertionError(action)  # pragma: no cover - Action is exhaustive


def _decade_data_refusal(campaign: Campaign, then: str) -> str | None:
    if not decade_versions.has_data(campaign):
        return (
            f"Анкет и сводной информации «{campaign}» ещё нет: дождитесь ответов "
            "граждан или загрузите анкеты либо сводную информацию учреждений "
            f"(«Загрузка файлов»), затем {then}."
        )
    return None


def _results_refusal(campaign: Campaign) -> str | None:
    if campaign.kind != CampaignKind.NOK:
        problem = _decade_data_refusal(campaign, "направьте итоги в совет")
        if problem or campaign.status != CampaignStatus.PUBLISHED:
            # Publishing freezes the figures as they are then (the preview
            # shows them); a correction must be recomputed first.
            return problem
        if not decade_versions.results_are_current(campaign):
            return (
                f"Анкеты, сводная информация или базы выборки «{campaign}» "
                "изменились после пересчёта (или пересчёта не было): сначала "
                "пересчитайте («Пересчитать») и проверьте предпросмотр."
            )
        return None
    if not IndicatorInput.objects.filter(campaign=campaign).exists():
        return (
            f"Нет исходных данных «{campaign}»: сначала загрузите результаты "
            "оператора («Загрузка файлов») и пересчитайте."
        )
    if not results_are_current(campaign):
        return (
            f"Исходные данные «{campaign}» изменились после расчёта (или расчёта "
            "не было): сначала пересчитайте («Пересчитать») и проверьте предпросмотр."
        )
    return None


def council_refusal(campaign: Campaign) -> str | None:
    """Why the council's review holds the campaign back, or None."""
    for check in COUNCIL_CHECKS:
        reason = check(campaign)
        if reason:
            return reason
    return None


def available_actions(campaign: Campaign) -> list[Action]:
    """The actions possible now, in the order the screen shows them."""
    return [action for action in Action if refusal(campaign, action) is None]


# ------------------------------------------------------------------ preview


@dataclass(frozen=True)
class Figures:
    """One organisation's public figures: total, rank and K1–K5."""

    total: Decimal | None
    rank: int | None
    criteria: tuple[Decimal | None, ...]

    @classmethod
    def of(cls, row) -> Figures:
        return cls(
            total=row.total,
            rank=row.rank,
            criteria=(row.k1, row.k2, row.k3, row.k4, row.k5),
        )

    #: The headings of :meth:`values`, in order.
    LABELS = ("Итог", "Место", *(criterion_label(code) for code in CRITERIA))

    def values(self) -> tuple:
        return (self.total, self.rank, *self.criteria)


class PreviewRow(decade_versions.PreviewRow):
    """An organisation as the public would see it, and as it is published now."""

    LABELS = Figures.LABELS


@dataclass(frozen=True)
class Preview:
    """What publishing now would show, with the diff against the published version."""

    campaign: Campaign
    publication: Publication | None
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def added(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.added]

    @property
    def removed(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.removed]

    @property
    def modified(self) -> list[PreviewRow]:
        return [
            row
            for row in self.rows
            if row.changed and not row.added and not row.removed
        ]

    @property
    def changed(self) -> bool:
        return any(row.changed for row in self.rows)

    @property
    def labels(self) -> tuple[str, ...]:
        """The figures' column headings: total, rank and K1–K5, or a Декада's."""
        if self.campaign.kind == CampaignKind.DECADE:
            return decade_versions.DecadeFigures.LABELS
        return ("Итог", "Место", *(f"К{n}" for n in range(1, 6)))


def preview(campaign: Campaign) -> Preview:
    """The working results (what «Опубликовать» would freeze) against the latest version.

    Rows follow the new rank (organisations removed from the results come last).
    """
    publication = _latest(campaign)
    if campaign.kind == CampaignKind.DECADE:
        return Preview(
            campaign=campaign,
            publication=publication,
            rows=decade_versions.preview_rows(campaign, publication),
        )
    after = {
        row.organisation_id: row
        for row in Result.objects.filter(campaign=campaign).select_related(
            "organisation"
        )
    }
    before = (
        {
            row.organisation_id: row
            for row in PublishedResult.objects.filter(
                publication=publication
            ).select_related("organisation")
        }
        if publication is not None
        else {}
    )
    rows = []
    for pk in after.keys() | before.keys():
        new, old = after.get(pk), before.get(pk)
        rows.append(
            PreviewRow(
                organisation=(new or old).organisation,
                after=Figures.of(new) if new else None,
                before=Figures.of(old) if old else None,
            )
        )
    rows.sort(
        key=lambda r: (
            r.after is None,
            (r.after or r.before).rank is None,
            (r.after or r.before).rank or 0,
            r.organisation.short_name,
        )
    )
    return Preview(campaign=campaign, publication=publication, rows=rows)


# ------------------------------------------------------------------ actions


def check_permission(actor) -> None:
    """Editors run the life cycle; ``None`` is the system (command line, demo)."""
    if actor is not None and not roles.is_editor(actor):
        raise PermissionDenied(
            "Менять ход кампании могут только редакторы министерства: "
            "РМЦ сводит и проверяет данные, но не публикует."
        )


def _locked(campaign: Campaign, action: str, actor) -> Campaign:
    """Check the permission, lock the row, re-read it and check the step."""
    check_permission(actor)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    reason = refusal(locked, action)
    if reason:
        raise LifecycleError(reason)
    return locked


def _note(note: str, action: Action) -> str:
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise LifecycleError(
            "Укажите примечание для публики: что исправлено и почему."
            if action == Action.CORRECT
            else "Укажите публичное пояснение, почему результаты отзываются."
        )
    return note


def _set_status(campaign: Campaign, status: str, actor, action: Action, **data) -> None:
    before = CampaignStatus(campaign.status)
    campaign.status = status
    campaign.save(update_fields=["status", *data.pop("fields", [])])
    after = CampaignStatus(status)
    audit.record(
        "campaign.status",
        campaign,
        f"{action.label}: «{campaign}» ({before.label} → {after.label})",
        actor,
        before=before.value,
        after=after.value,
        step=action.value,
        **data,
    )
    transaction.on_commit(
        lambda: signals.campaign_status_changed.send(sender=Campaign, campaign=campaign)
    )


@transaction.atomic
def open_campaign(campaign: Campaign, actor=None) -> Campaign:
    """Start collecting data: set up → collecting."""
    locked = _locked(campaign, Action.OPEN, actor)
    _set_status(locked, CampaignStatus.COLLECTING, actor, Action.OPEN)
    obligations.open_obligations(locked, actor=actor)
    campaign.status = locked.status
    return locked


@transaction.atomic
def recompute(campaign: Campaign, actor=None) -> Preview:
    """Recompute the working results and return the preview of what would be public.

    Published figures do not change (see :func:`publish`).
    """
    locked = _locked(campaign, Action.RECOMPUTE, actor)
    if locked.kind == CampaignKind.DECADE:
        decade_versions.recompute(locked, actor=actor)
        campaign.recomputed_at = locked.recomputed_at
        return preview(locked)
    services.recompute_campaign(locked, actor=actor)
    campaign.recomputed_at = locked.recomputed_at
    return preview(locked)


@transaction.atomic
def send_to_council(campaign: Campaign, actor=None) -> Campaign:
    """Recomputed → under council review (the results are frozen meanwhile)."""
    locked = _locked(campaign, Action.SEND_TO_COUNCIL, actor)
    _set_status(locked, CampaignStatus.REVIEW, actor, Action.SEND_TO_COUNCIL)
    signals.campaign_council_step.send(
        sender=Campaign, campaign=locked, actor=actor, step="send"
    )
    campaign.status = locked.status
    return locked


@transaction.atomic
def return_for_rework(campaign: Campaign, actor=None, note: str = "") -> Campaign:
    """Under council review → collecting (data must be corrected)."""
    locked = _locked(campaign, Action.RETURN, actor)
    _set_status(
        locked, CampaignStatus.COLLECTING, actor, Action.RETURN, note=note.strip()
    )
    signals.campaign_council_step.send(
        sender=Campaign, campaign=locked, actor=actor, step="return"
    )
    campaign.status = locked.status
    return locked


@transaction.atomic
def publish(campaign: Campaign, actor=None, note: str = "") -> Publication | None:
    """Under council review → published.

    A НОК campaign gets publication version 1 (audit event, cache bump, search
    index update and a feed entry follow from the publication); a Декада's
    bases and figures are frozen as its version 1
    (:func:`evaluation.decade.versions.publish_version`). Returns the
    publication.
    """
    locked = _locked(campaign, Action.PUBLISH, actor)
    note = _note(note, Action.PUBLISH)
    if locked.kind == CampaignKind.DECADE:
        services.publish_decade(locked, actor=actor)
        publication = decade_versions.publish_version(
            locked, actor=actor, note=note or "Первая публикация"
        )
        campaign.status = locked.status
        return publication
    publication = services.publish_campaign(
        locked, actor=actor, note=note or "Первая публикация"
    )
    campaign.status = locked.status
    return publication


@transaction.atomic
def correct(campaign: Campaign, actor=None, note: str = "") -> Publication:
    """Publish the recomputed results as version N+1 with a public correction note.

    Earlier versions stay stored and readable.
    """
    locked = _locked(campaign, Action.CORRECT, actor)
    note = _note(note, Action.CORRECT)
    if locked.kind == CampaignKind.DECADE:
        return decade_versions.publish_version(locked, actor=actor, note=note)
    return services.publish_campaign(locked, actor=actor, note=note)


@transaction.atomic
def withdraw(campaign: Campaign, actor=None, note: str = "") -> Campaign:
    """Published → withdrawn, with a public explanation."""
    locked = _locked(campaign, Action.WITHDRAW, actor)
    note = _note(note, Action.WITHDRAW)
    locked.withdrawal_note = note
    locked.withdrawn_at = timezone.now()
    _set_status(
        locked,
        CampaignStatus.WITHDRAWN,
        actor,
        Action.WITHDRAW,
        fields=["withdrawal_note", "withdrawn_at"],
        note=note,
    )
    campaign.status = locked.status
    campaign.withdrawal_note = note
    campaign.withdrawn_at = locked.withdrawn_at
    return locked


def run(action: str, campaign: Campaign, actor=None, note: str = ""):
    """Run ``action`` (an :class:`Action` value) on ``campaign``."""
    action = Action(action)
    if action == Action.OPEN:
        return open_campaign(campaign, actor)
    if action == Action.RECOMPUTE:
        return recompute(campaign, actor)
    if action == Action.SEND_TO_COUNCIL:
        return send_to_council(campaign, actor)
    if action == Action.RETURN:
        return return_for_rework(campaign, actor, note)
    if action == Action.PUBLISH:
        return publish(campaign, actor, note)
    if action == Action.CORRECT:
        return correct(campaign, actor, note)
    return withdraw(campaign, actor, note)


# ------------------------------------------------------------------ organisations


@dataclass(frozen=True)
class Membership:
    """What :func:`change_organisations` did."""

    added: int
    removed: int
    total: int


def parse_keys(text: str) -> list[str]:
    """Codes or ИНН pasted as a list: separated by commas, semicolons or whitespace."""
    return [key for key in re.split(r"[\s,;]+", text or "") if key]


@transaction.atomic
def change_organisations(
    campaign: Campaign,
    actor=None,
    *,
    keys: str = "",
    kinds: tuple[str, ...] | list[str] = (),
    districts: tuple | list = (),
    remove: bool = False,
) -> Membership:
    """Add (or with ``remove`` take out) organisations of a campaign.

    ``keys`` is a pasted list of codes or ИНН; ``kinds`` and ``districts``
    select every organisation of those kinds in those districts (either
    alone selects by it alone). Every key must be known, or nothing changes.
    The set is changed only while the campaign is set up or collecting.
    """
    check_permission(actor)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in {CampaignStatus.DRAFT, CampaignStatus.COLLECTING}:
        raise LifecycleError(
            f"Состав организаций «{locked}» меняется только при подготовке и сборе "
            "данных: сначала верните кампанию на доработку."
        )
    wanted = parse_keys(keys)
    if not (wanted or kinds or districts):
        raise LifecycleError(
            "Выберите вид или район организаций либо вставьте список кодов или ИНН."
        )
    chosen: set[int] = set()
    if wanted:
        found = Organisation.objects.filter(
            code__in=wanted
        ) | Organisation.objects.filter(inn__in=wanted)
        known: set[str] = set()
        for pk, code, inn in found.values_list("pk", "code", "inn"):
            chosen.add(pk)
            known.update({code, inn})
        missing = [key for key in wanted if key not in known]
        if missing:
            raise LifecycleError(
                "Не найдены организации с кодом или ИНН: "
                + ", ".join(missing[:50])
                + (f" и ещё {len(missing) - 50}" if len(missing) > 50 else "")
                + ". Проверьте список или сначала загрузите реестр организаций."
            )
    if kinds or districts:
        selection = Organisation.objects.all()
        if kinds:
            selection = selection.filter(kind__in=kinds)
        if districts:
            selection = selection.filter(district__in=districts)
        chosen.update(selection.values_list("pk", flat=True))
    current = set(locked.organisations.values_list("pk", flat=True))
    if remove:
        changed = chosen & current
        locked.organisations.remove(*changed)
    else:
        changed = chosen - current
        locked.organisations.add(*changed)
        if locked.status == CampaignStatus.COLLECTING:
            obligations.open_obligations(locked, actor=actor)
    total = locked.organisations.count()
    audit.record(
        "campaign.organisations",
        locked,
        f"{'Исключены из' if remove else 'Добавлены в'} кампанию «{locked}» "
        f"организации: {len(changed)} (всего {total})",
        actor,
        added=0 if remove else len(changed),
        removed=len(changed) if remove else 0,
        total=total,
    )
    return Membership(
        added=0 if remove else len(changed),
        removed=len(changed) if remove else 0,
        total=total,
    )


@transaction.atomic
def set_operators(campaign: Campaign, users, actor=None) -> list:
    """Bind the operator organisation's users who upload this campaign's results.

    Only users in the «Операторы» group can be bound. The change is audited by
    the permission-change log (``permissions.campaign_operators``).
    """
    check_permission(actor)
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    users = list(users)
    strangers = [user for user in users if not roles.has_role(user, roles.OPERATOR)]
    if strangers:
        raise LifecycleError(
            "Не в группе «Операторы»: "
            + ", ".join(user.get_username() for user in strangers)
            + ". Сначала добавьте пользователя в эту группу (Настройки → Пользователи)."
        )
    locked.operators.set(users)
    return users
