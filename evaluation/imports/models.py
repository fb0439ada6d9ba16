"""Import history: every uploaded spreadsheet, its outcome and how to undo it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign


class ImportStatus(models.TextChoices):
    RUNNING = "running", _("Выполняется")
    PREVIEWED = "previewed", _("Проверен, не загружен")
    FAILED = "failed", _("Отклонён: есть ошибки")
    APPLIED = "applied", _("Загружен")
    UNDONE = "undone", _("Отменён")


class ImportRecord(models.Model):
    """One uploaded file and what importing it did.

    The original file is kept. ``changes`` holds, per written row, the model,
    the primary key and the previous values (``null`` for a new row), so a
    whole import can be undone while nothing has changed those rows since.
    """

    form = models.CharField(_("форма"), max_length=40, db_index=True)
    file = models.FileField(
        _("файл"), upload_to=PrivateName("imports"), storage=private_storage
    )
    filename = models.CharField(_("имя файла"), max_length=255)
    checksum = models.CharField(_("контрольная сумма SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("размер, байт"), default=0)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imports",
        verbose_name=_("организация пользователя"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("пользователь"),
    )
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.PREVIEWED,
    )
    total_rows = models.PositiveIntegerField(_("строк"), default=0)
    new_rows = models.PositiveIntegerField(_("новых"), default=0)
    updated_rows = models.PositiveIntegerField(_("изменённых"), default=0)
    unchanged_rows = models.PositiveIntegerField(_("без изменений"), default=0)
    invalid_rows = models.PositiveIntegerField(_("с ошибками"), default=0)
    progress_stage = models.CharField(_("этап"), max_length=60, blank=True)
    progress_done = models.PositiveIntegerField(_("обработано"), default=0)
    progress_total = models.PositiveIntegerField(_("всего"), default=0)
    errors = models.JSONField(_("ошибки"), default=list, blank=True)
    warnings = models.JSONField(_("предупреждения"), default=list, blank=True)
    changes = models.JSONField(_("изменения для отмены"), default=list, blank=True)
    columns = models.JSONField(
        _("столбцы для сопоставления"),
        default=list,
        blank=True,
        help_text=_(
            "Нераспознанные столбцы файла: буква, заголовок и выбранное поле "
            "(пусто — «не загружать», null — не выбрано)."
        ),
    )
    clears_empty = models.BooleanField(
        _("пустые ячейки очищают сохранённые значения"),
        default=False,
        help_text=_(
            "Выбирается при предпросмотре: пустая ячейка стирает сохранённое "
            "значение, а не оставляет его."
        ),
    )
    rows = models.JSONField(
        _("строки предпросмотра"),
        default=dict,
        blank=True,
        help_text=_("Новые, изменённые (старое → новое) и неизменные строки."),
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True, db_index=True)
    applied_at = models.DateTimeField(_("применён"), null=True, blank=True)
    undone_at = models.DateTimeField(_("отменён"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("импорт файла")
        verbose_name_plural = _("история импорта")
        permissions = [
            ("import_any", _("Может загружать данные любых организаций и кампаний")),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def progress_percent(self) -> int:
        """0–100 for a progress bar."""
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


class ColumnMapping(models.Model):
    """A user's choice for a column header the importer does not recognise.

    Remembered per form and organisation (the uploader's organisation, or
    none for ministry-wide files) and applied the next time the same header
    (in its normalised form) appears. An empty ``field`` means «не загружать».
    """

    form = models.CharField(_("форма"), max_length=40)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("организация"),
    )
    header_normalised = models.CharField(
        _("заголовок (нормализованный)"), max_length=500
    )
    header = models.CharField(_("заголовок в файле"), max_length=500, blank=True)
    field = models.CharField(
        _("поле формы"),
        max_length=60,
        blank=True,
        help_text=_("Пусто — «не загружать»."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто выбрал"),
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("сопоставление столбца")
        verbose_name_plural = _("сопоставления столбцов")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "organisation", "header_normalised"],
                condition=models.Q(organisation__isnull=False),
                name="qp_column_mapping_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["form", "header_normalised"],
                condition=models.Q(organisation__isnull=True),
                name="qp_column_mapping_ministry_wide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form}: «{self.header}» → {self.field or 'не загружать'}"
