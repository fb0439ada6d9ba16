"""The explanatory note an institution sends with its Декада summary.

Seed 000 §3.2.3: the summary goes with "пояснительная записка (анализ
комментариев, пожеланий, замечаний, рисунков детей и др.)". A note holds the
analysis as items grouped by theme, each with how often it was raised and the
institution's response, and image attachments (children's drawings, photos)
that editors may show in the Декада gallery.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign


class NoteStatus(models.TextChoices):
    """Where a note is: the institution edits a draft and submits it."""

    DRAFT = "draft", _("Черновик")
    SUBMITTED = "submitted", _("Представлена")


class NoteTheme(models.TextChoices):
    """Themes of the analysis, in the order of the note."""

    CONDITIONS = "conditions", _("Условия и доступность")
    STAFF = "staff", _("Персонал")
    FOOD = "food", _("Питание")
    LEISURE = "leisure", _("Досуг")
    INFORMATION = "information", _("Информирование")
    OTHER = "other", _("Прочее")


class NoteItemSource(models.TextChoices):
    """Where an item came from."""

    SUGGESTIONS = "suggestions", _("Анкеты (вопрос 16)")
    MANUAL = "manual", _("Внесено учреждением")


class ExplanatoryNote(models.Model):
    """One organisation's explanatory note for one Декада."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="explanatory_notes",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="explanatory_notes",
        verbose_name=_("организация"),
    )
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=NoteStatus.choices,
        default=NoteStatus.DRAFT,
    )
    conclusions = models.TextField(
        _("общие выводы"),
        blank=True,
        help_text=_("Краткий итог анализа отзывов граждан."),
    )
    submitted_at = models.DateTimeField(_("представлена"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("представил"),
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)

    class Meta:
        ordering = ["campaign", "organisation__short_name"]
        verbose_name = _("пояснительная записка")
        verbose_name_plural = _("пояснительные записки")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="qp_note_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Пояснительная записка: {self.organisation} — {self.campaign}"


class NoteItem(models.Model):
    """One comment, wish or complaint, how often it came, and the response."""

    note = models.ForeignKey(
        ExplanatoryNote,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("пояснительная записка"),
    )
    theme = models.CharField(
        _("тема"), max_length=12, choices=NoteTheme.choices, default=NoteTheme.OTHER
    )
    position = models.PositiveIntegerField(_("порядок"), default=0)
    text = models.TextField(_("замечание, пожелание"))
    count = models.PositiveIntegerField(_("сколько раз высказано"), default=1)
    response = models.TextField(
        _("принятые меры"),
        blank=True,
        help_text=_("Что учреждение сделало или сделает в ответ."),
    )
    source = models.CharField(
        _("источник"),
        max_length=12,
        choices=NoteItemSource.choices,
        default=NoteItemSource.MANUAL,
    )

    class Meta:
        ordering = ["note", "theme", "position", "pk"]
        verbose_name = _("пункт пояснительной записки")
        verbose_name_plural = _("пункты пояснительной записки")

    def __str__(self) -> str:
        return self.text[:80]


def attachment_path(instance: "NoteAttachment", filename: str) -> str:
    """Stored under the campaign; the name is generated, never the upload's."""
    return f"notes/{instance.note.campaign_id}/{filename}"


class NoteAttachment(models.Model):
    """An image sent with the note (a child's drawing, a photo).

    The file is always a re-encoded copy: validated, resized, metadata
    stripped (:mod:`evaluation.images`). ``is_public`` and ``gallery_order``
    are set by editors only: a selection shown on the Декада results page,
    and only of images whose ``consent`` to publication is recorded.
    """

    note = models.ForeignKey(
        ExplanatoryNote,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("пояснительная записка"),
    )
    image = models.FileField(
        _("изображение"), upload_to=PrivateName("notes"), storage=private_storage
    )
    width = models.PositiveIntegerField(_("ширина, пикс."))
    height = models.PositiveIntegerField(_("высота, пикс."))
    caption = models.CharField(_("подпись"), max_length=300)
    alt_text = models.CharField(
        _("текстовое описание"),
        max_length=300,
        help_text=_("Что изображено — для незрячих посетителей."),
    )
    is_public = models.BooleanField(_("в галерее на сайте"), default=False)
    consent = models.BooleanField(
        _("согласие на публикацию получено"),
        default=False,
        help_text=_(
            "Письменное согласие автора или, за ребёнка, его законного "
            "представителя; без него изображение не показывается на сайте."
        ),
    )
    gallery_order = models.PositiveIntegerField(_("порядок в галерее"), default=0)
    uploaded_at = models.DateTimeField(_("загружено"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("загрузил"),
    )

    class Meta:
        ordering = ["note", "gallery_order", "pk"]
        verbose_name = _("изображение к пояснительной записке")
        verbose_name_plural = _("изображения к пояснительным запискам")
        indexes = [
            models.Index(fields=["is_public", "gallery_order"], name="qp_note_gallery")
        ]

    def __str__(self) -> str:
        return self.caption
