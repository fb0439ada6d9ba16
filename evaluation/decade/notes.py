"""The explanatory note of a Декада: services and the theme classifier.

An institution sends its Декада summary with an explanatory note (seed 000
§3.2.3): an analysis of citizens' comments, wishes and complaints, and
attachments such as children's drawings. The note is pre-filled from the
questionnaires' Q16 suggestions, grouped by theme with a small keyword map
(``QP_EVALUATION["NOTE_THEME_KEYWORDS"]``), and the institution adds its
response (the measure taken) to each item before submitting.

Every write is one use case here: it checks who acts, runs in one
transaction, records an audit event and raises :class:`NoteError` with a
Russian message.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from evaluation import roles
from evaluation.audit import record
from evaluation.conf import evaluation_settings
from evaluation.enums import CampaignKind, SubmissionKind, SubmissionStatus
from evaluation.exceptions import EvaluationError
from evaluation.images import Limits, clean_image
from evaluation.models import (
    Campaign,
    ExplanatoryNote,
    NoteAttachment,
    NoteItem,
    NoteItemSource,
    NoteStatus,
    NoteTheme,
    Organisation,
    Submission,
    SuggestionStatus,
    SurveyResponse,
)
from evaluation.obligations import owed as obligations


class NoteError(EvaluationError):
    """A note cannot be changed as asked; the message says why."""


# --------------------------------------------------------------------------
# Themes

#: Lower-case word stems per theme; the first theme whose stem occurs in a
#: suggestion wins, in the order of :class:`NoteTheme`.
DEFAULT_THEME_KEYWORDS: Mapping[str, tuple[str, ...]] = {
    NoteTheme.CONDITIONS: (
        "условия",
        "условий",
        "доступн",
        "пандус",
        "лифт",
        "ремонт",
        "помещени",
        "туалет",
        "тепл",
        "холодн",
        "мебел",
        "парков",
        "очеред",
        "ожидани",
        "инвалид",
        "коляск",
        "здани",
    ),
    NoteTheme.STAFF: (
        "персонал",
        "сотрудник",
        "работник",
        "специалист",
        "вежлив",
        "груб",
        "отношени",
        "внимательн",
        "благодар",
        "спасибо",
        "врач",
        "медсестр",
    ),
    NoteTheme.FOOD: (
        "питани",
        "еда",
        "еды",
        "еду",
        "кормят",
        "столов",
        "обед",
        "завтрак",
        "ужин",
        "меню",
        "продукт",
        "фрукт",
    ),
    NoteTheme.LEISURE: (
        "досуг",
        "кружок",
        "кружк",
        "мероприяти",
        "экскурс",
        "праздник",
        "концерт",
        "прогулк",
        "занятия",
        "клуб",
        "спорт",
        "библиотек",
    ),
    NoteTheme.INFORMATION: (
        "информац",
        "информир",
        "сайт",
        "стенд",
        "объявлени",
        "разъясн",
        "консультац",
        "телефон",
        "звонк",
        "сообща",
    ),
}


def theme_keywords() -> dict[str, tuple[str, ...]]:
    """The keyword map in force: defaults, overridden per theme by settings."""
    configured = evaluation_settings.NOTE_THEME_KEYWORDS
    keywords = {
        str(theme): tuple(words) for theme, words in DEFAULT_THEME_KEYWORDS.items()
    }
    for theme, words in configured.items():
        if theme not in NoteTheme.values:
            raise NoteError(
                f"Неизвестная тема пояснительной записки в настройках: «{theme}»."
            )
        keywords[theme] = tuple(str(word).casefold() for word in words)
    return keywords


_SPACES = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Whitespace collapsed and trimmed; empty when nothing is left."""
    return _SPACES.sub(" ", text or "").strip()


def classify(text: str, keywords: Mapping[str, Iterable[str]] | None = None) -> str:
    """The theme of one suggestion (``NoteTheme`` value); ``other`` if none fits."""
    keywords = theme_keywords() if keywords is None else keywords
    folded = normalise_text(text).casefold().replace("ё", "е")
    for theme in NoteTheme.values:
        for stem in keywords.get(theme, ()):
            # Stems match at the start of a word: "еды" is not in "победы".
            if re.search(r"(?<!\w)" + re.escape(stem.replace("ё", "е")), folded):
                return theme
    return NoteTheme.OTHER


@dataclass(frozen=True)
class GroupedSuggestion:
    """One distinct suggestion, how many questionnaires gave it, its theme."""

    theme: str
    text: str
    count: int


def group_suggestions(
    texts: Iterable[str], keywords: Mapping[str, Iterable[str]] | None = None
) -> list[GroupedSuggestion]:
    """Distinct suggestions (ignoring case and spacing) with counts, by theme.

    Ordered by theme (the order of :class:`NoteTheme`), then most frequent
    first, then first seen. Empty and punctuation-only texts are dropped.
    """
    keywords = theme_keywords() if keywords is None else keywords
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for raw in texts:
        text = normalise_text(raw)
        if not any(char.isalnum() for char in text):
            continue
        key = text.casefold()
        first.setdefault(key, text)
        counts[key] = counts.get(key, 0) + 1
    order = {theme: index for index, theme in enumerate(NoteTheme.values)}
    seen = {key: index for index, key in enumerate(first)}
    grouped = [
        GroupedSuggestion(classify(first[key], keywords), first[key], counts[key])
        for key in first
    ]
    return sorted(
        grouped,
        key=lambda g: (order[g.theme], -g.count, seen[g.text.casefold()]),
    )


# --------------------------------------------------------------------------
# Reads


def suggestions_for(campaign: Campaign, organisation: Organisation) -> list[str]:
    """Q16 texts of an organisation's counted questionnaires that may be used.

    Paper questionnaires (entered or imported by staff) count as they are;
    questionnaires sent on the portal only once a moderator approved the
    suggestion. Excluded and external-territorial questionnaires are left out.
    """
    responses = (
        SurveyResponse.objects.filter(
            campaign=campaign,
            organisation=organisation,
            excluded=False,
            external_territorial=False,
        )
        .exclude(suggestion="")
        .filter(
            Q(online__isnull=True)
            | Q(online__suggestion_status=SuggestionStatus.APPROVED)
        )
        .order_by("pk")
    )
    return list(responses.values_list("suggestion", flat=True))


def can_view(user, organisation: Organisation) -> bool:
    """Editors see every note; an institution only its organisations' notes."""
    return (
        roles.is_editor(user)
        or roles.organisations_of(user).filter(pk=organisation.pk).exists()
    )


def notes_visible_to(user) -> QuerySet[ExplanatoryNote]:
    """Notes the user may open."""
    notes = ExplanatoryNote.objects.select_related("campaign", "organisation")
    if roles.is_editor(user):
        return notes
    return notes.filter(organisation__in=roles.organisations_of(user))


def public_gallery(campaign: Campaign | None, limit: int | None = None):
    """Attachments editors chose for the public gallery of a Декада, in order
    (only those with a recorded consent to publish)."""
    if campaign is None:
        return NoteAttachment.objects.none()
    attachments = (
        NoteAttachment.objects.filter(
            note__campaign=campaign, is_public=True, consent=True
        )
        .select_related("note__organisation")
        .order_by("gallery_order", "pk")
    )
    return attachments[:limit] if limit else attachments


# --------------------------------------------------------------------------
# Writes


def _check_can_edit(user, note_or_org) -> None:
    organisation = (
        note_or_org.organisation
        if isinstance(note_or_org, ExplanatoryNote)
        else note_or_org
    )
    if not can_view(user, organisation):
        raise NoteError(
            "Нет доступа: пояснительную записку ведёт само учреждение или редактор."
        )


def _check_draft(note: ExplanatoryNote) -> None:
    if note.status != NoteStatus.DRAFT:
        raise NoteError(
            "Пояснительная записка уже представлена: изменить её можно после "
            "возврата на доработку."
        )


def _check_editor(user) -> None:
    if not roles.is_editor(user):
        raise NoteError("Это действие доступно только редакторам.")


@transaction.atomic
def open_note(campaign: Campaign, organisation: Organisation, actor) -> ExplanatoryNote:
    """The organisation's note for a Декада, created (empty) on first use."""
    _check_can_edit(actor, organisation)
    if campaign.kind != CampaignKind.DECADE:
        raise NoteError("Пояснительная записка составляется только по Декаде качества.")
    if not campaign.organisations.filter(pk=organisation.pk).exists():
        raise NoteError(
            f"Организация «{organisation.short_name}» не участвует в кампании «{campaign}»."
        )
    note, created = ExplanatoryNote.objects.get_or_create(
        campaign=campaign, organisation=organisation
    )
    if created:
        record(
            "note.create",
            note,
            f"Создана пояснительная записка: {organisation.short_name}, {campaign}",
            actor,
        )
    return note


@dataclass(frozen=True)
class PrefillReport:
    """What pre-filling did: new items and items whose count changed."""

    added: int
    updated: int


@transaction.atomic
def prefill_note(note: ExplanatoryNote, actor) -> PrefillReport:
    """Add the Q16 suggestions to a draft note, grouped by theme.

    Safe to repeat: a suggestion already in the note (same text ignoring case
    and spacing) only gets its count refreshed; themes, responses and items
    the institution added stay as they are.
    """
    _check_can_edit(actor, note)
    _check_draft(note)
    grouped = group_suggestions(suggestions_for(note.campaign, note.organisation))
    existing = {
        normalise_text(item.text).casefold(): item
        for item in note.items.filter(source=NoteItemSource.SUGGESTIONS)
    }
    position = (note.items.aggregate(top=Max("position"))["top"] or 0) + 1
    added = updated = 0
    for suggestion in grouped:
        item = existing.get(suggestion.text.casefold())
        if item is not None:
            if item.count != suggestion.count:
                item.count = suggestion.count
                item.save(update_fields=["count"])
                updated += 1
            continue
        NoteItem.objects.create(
            note=note,
            theme=suggestion.theme,
            position=position,
            text=suggestion.text,
            count=suggestion.count,
            source=NoteItemSource.SUGGESTIONS,
        )
        position += 1
        added += 1
    record(
        "note.prefill",
        note,
        f"Предложения анкет перенесены в пояснительную записку: добавлено {added}, "
        f"обновлено {updated}",
        actor,
        added=added,
        updated=updated,
    )
    return PrefillReport(added, updated)


@transaction.atomic
def save_item(
    note: ExplanatoryNote,
    actor,
    *,
    theme: str,
    text: str,
    count: int = 1,
    response: str = "",
    item: NoteItem | None = None,
) -> NoteItem:
    """Add an item to a draft note or change one of its items."""
    _check_can_edit(actor, note)
    _check_draft(note)
    text = normalise_text(text)
    if not text:
        raise NoteError("Укажите текст замечания или пожелания.")
    if theme not in NoteTheme.values:
        raise NoteError(f"Неизвестная тема: «{theme}».")
    if count < 1:
        raise NoteError("Число упоминаний должно быть не меньше 1.")
    if item is None:
        top = note.items.aggregate(top=Max("position"))["top"] or 0
        item = NoteItem(note=note, position=top + 1, source=NoteItemSource.MANUAL)
        action, verb = "note.item_add", "Добавлен"
    else:
        if item.note_id != note.pk:
            raise NoteError("Пункт относится к другой пояснительной записке.")
        action, verb = "note.item_change", "Изменён"
    item.theme, item.text, item.count = theme, text, count
    item.response = response.strip()
    item.save()
    record(action, note, f"{verb} пункт пояснительной записки: {text[:100]}", actor)
    return item


@transaction.atomic
def delete_item(item: NoteItem, actor) -> None:
    """Remove an item from a draft note."""
    note = item.note
    _check_can_edit(actor, note)
    _check_draft(note)
    text = item.text
    item.delete()
    record("note.item_delete", note, f"Удалён пункт: {text[:100]}", actor)


@transaction.atomic
def submit_note(note: ExplanatoryNote, actor, *, conclusions: str | None = None):
    """Submit a draft note to the ministry and РМЦ.

    Raises:
        NoteError: the note is not a draft, has no items, or an item has no
            response yet.
    """
    _check_can_edit(actor, note)
    _check_draft(note)
    if conclusions is not None:
        note.conclusions = conclusions.strip()
    items = list(note.items.all())
    if not items:
        raise NoteError(
            "В пояснительной записке нет ни одного пункта: перенесите предложения "
            "из анкет или добавьте замечания вручную."
        )
    missing = [item for item in items if not item.response.strip()]
    if missing:
        raise NoteError(
            f"Не указаны принятые меры по {len(missing)} пункт(ам), например: "
            f"«{missing[0].text[:80]}»."
        )
    note.status = NoteStatus.SUBMITTED
    note.submitted_at = timezone.now()
    note.submitted_by = actor if getattr(actor, "pk", None) else None
    note.save()
    # The submissions tracker: the note arrived (the first time counts).
    obligations.mark_received(
        note.campaign, note.organisation, SubmissionKind.EXPLANATORY_NOTE
    )
    record(
        "note.submit",
        note,
        f"Представлена пояснительная записка: {note.organisation.short_name}, "
        f"{note.campaign}",
        actor,
        items=len(items),
        attachments=note.attachments.count(),
    )
    return note


@transaction.atomic
def return_note(note: ExplanatoryNote, actor, reason: str) -> ExplanatoryNote:
    """An editor returns a submitted note to the institution for rework."""
    _check_editor(actor)
    if note.status != NoteStatus.SUBMITTED:
        raise NoteError("Вернуть на доработку можно только представленную записку.")
    reason = reason.strip()
    if not reason:
        raise NoteError("Укажите причину возврата на доработку.")
    note.status = NoteStatus.DRAFT
    note.save(update_fields=["status", "updated_at"])
    Submission.objects.filter(
        campaign=note.campaign,
        organisation=note.organisation,
        kind=SubmissionKind.EXPLANATORY_NOTE,
    ).update(status=SubmissionStatus.RETURNED)
    record(
        "note.return",
        note,
        f"Пояснительная записка возвращена на доработку: {reason[:300]}",
        actor,
        reason=reason,
    )
    return note


@transaction.atomic
def add_attachment(
    note: ExplanatoryNote,
    actor,
    upload,
    *,
    caption: str,
    alt_text: str,
    limits: Limits | None = None,
) -> NoteAttachment:
    """Validate, clean and store an image attached to a draft note.

    Nothing is written (no row, no file) when the image or its texts are
    refused.

    Raises:
        NoteError: no caption or alt text, or the note is not a draft.
        evaluation.images.ImageRejectedError: the file is not an acceptable
            image.
    """
    _check_can_edit(actor, note)
    _check_draft(note)
    caption, alt_text = normalise_text(caption), normalise_text(alt_text)
    if not caption:
        raise NoteError("Укажите подпись к изображению.")
    if not alt_text:
        raise NoteError(
            "Укажите текстовое описание изображения: оно нужно незрячим посетителям."
        )
    image = clean_image(upload, limits)
    attachment = NoteAttachment(
        note=note,
        caption=caption[:300],
        alt_text=alt_text[:300],
        width=image.width,
        height=image.height,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    name = f"{uuid.uuid4().hex}.{image.extension}"
    attachment.image.save(name, ContentFile(image.content), save=False)
    try:
        attachment.save()
        record(
            "note.attachment_add",
            note,
            f"Добавлено изображение: {caption[:100]}",
            actor,
            attachment=attachment.pk,
            width=image.width,
            height=image.height,
        )
    except Exception:
        # The row goes with the transaction; the file must go with it.
        attachment.image.delete(save=False)
        raise
    return attachment


@transaction.atomic
def delete_attachment(attachment: NoteAttachment, actor) -> None:
    """Remove an image: the institution from a draft, an editor at any time."""
    note = attachment.note
    _check_can_edit(actor, note)
    if not roles.is_editor(actor):
        _check_draft(note)
    caption = attachment.caption
    storage, name = attachment.image.storage, attachment.image.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))
    record("note.attachment_delete", note, f"Удалено изображение: {caption}", actor)


@transaction.atomic
def set_gallery(
    attachment: NoteAttachment,
    actor,
    *,
    is_public: bool,
    order: int | None = None,
    consent: bool | None = None,
) -> NoteAttachment:
    """An editor shows or hides an image in the public gallery and orders it.

    ``consent`` records (or withdraws) the consent to publish; an image
    without it never goes into the gallery, and withdrawing it takes the
    image out.
    """
    _check_editor(actor)
    if consent is not None:
        attachment.consent = consent
    if is_public and not attachment.consent:
        raise NoteError(
            "Изображение без согласия на публикацию в галерею не включается: "
            "получите письменное согласие автора (за ребёнка — его законного "
            "представителя) и отметьте «согласие на публикацию получено»."
        )
    attachment.is_public = is_public
    if order is not None:
        if order < 0:
            raise NoteError("Порядок в галерее не может быть отрицательным.")
        attachment.gallery_order = order
    attachment.save(update_fields=["is_public", "consent", "gallery_order"])
    state = "включено в галерею" if is_public else "убрано из галереи"
    record(
        "note.gallery",
        attachment.note,
        f"Изображение «{attachment.caption[:100]}» {state}",
        actor,
        attachment=attachment.pk,
        is_public=is_public,
        consent=attachment.consent,
        order=attachment.gallery_order,
    )
    return attachment
