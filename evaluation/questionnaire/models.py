"""The online questionnaire: question sets, a campaign's window, submissions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign, SurveyResponse


class ReviewStatus(models.TextChoices):
    """Whether an online questionnaire counts: flagged ones wait for an editor."""

    ACCEPTED = "accepted", _("Учтена")
    FLAGGED = "flagged", _("Ожидает проверки")
    EXCLUDED = "excluded", _("Исключена")


class SuggestionStatus(models.TextChoices):
    """Moderation of a Q16 suggestion before any public display."""

    NONE = "", _("Нет предложения")
    PENDING = "pending", _("На модерации")
    APPROVED = "approved", _("Одобрено")
    REJECTED = "rejected", _("Отклонено")


class QuestionSet(models.Model):
    """A stored, versioned question set a campaign may use instead of the 675н default.

    ``questions`` is a list of ``{"code", "text", "help", "asked_if"}``
    (see :func:`evaluation.questionnaire.definitions.parse_definition`).
    A version is never edited once responses refer to it: add a new version.
    """

    code = models.SlugField(_("код набора"), max_length=60)
    version = models.PositiveSmallIntegerField(_("версия"), default=1)
    title = models.CharField(_("название анкеты"), max_length=300)
    questions = models.JSONField(_("вопросы"), default=list)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("набор вопросов анкеты")
        verbose_name_plural = _("наборы вопросов анкеты")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="qp_question_set_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code}, версия {self.version})"

    def clean(self) -> None:
        """The definition must parse (codes, texts, skip rules)."""
        from evaluation.questionnaire.definitions import (
            DefinitionError,
            parse_definition,
        )

        try:
            parse_definition(self.code, self.version, self.title, self.questions)
        except DefinitionError as error:
            raise ValidationError({"questions": [str(error)]}) from error


class OnlineQuestionnaire(models.Model):
    """A campaign's online questionnaire: its question set and open window."""

    campaign = models.OneToOneField(
        Campaign,
        on_delete=models.CASCADE,
        related_name="online_questionnaire",
        verbose_name=_("кампания"),
    )
    question_set = models.ForeignKey(
        QuestionSet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("набор вопросов"),
        help_text=_("Пусто — типовая анкета (приказ Минтруда № 675н)."),
    )
    opens_at = models.DateTimeField(_("приём анкет с"))
    closes_at = models.DateTimeField(_("приём анкет по"))
    retention_days = models.PositiveIntegerField(
        _("срок хранения анкет, дней после окончания кампании"), default=365
    )

    class Meta:
        verbose_name = _("онлайн-анкета кампании")
        verbose_name_plural = _("онлайн-анкеты кампаний")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="qp_online_questionnaire_window",
                violation_error_message=_("Приём анкет заканчивается раньше начала."),
            )
        ]

    def __str__(self) -> str:
        return f"Онлайн-анкета: {self.campaign}"


class OnlineSubmission(models.Model):
    """The abuse and moderation record of one questionnaire sent on the portal.

    Holds no personal data: the address and network only as salted hashes,
    erased after the abuse window (``erase_questionnaire_ips``).
    """

    response = models.OneToOneField(
        SurveyResponse,
        on_delete=models.CASCADE,
        related_name="online",
        verbose_name=_("анкета"),
    )
    # Fewer indexes, cheaper inserts: the organisation's is the rate-limit
    # index below; a campaign's submissions are found through its responses.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("кампания"),
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("организация"),
        db_index=False,
    )
    question_set = models.CharField(_("набор вопросов"), max_length=70)
    # Unique through a constraint, not ``unique=True``: on PostgreSQL that
    # would add a second, pattern-matching index nobody queries.
    nonce = models.CharField(_("номер формы"), max_length=32)
    ip_hash = models.CharField(_("хеш адреса"), max_length=32, blank=True)
    network_hash = models.CharField(_("хеш сети"), max_length=32, blank=True)
    fingerprint = models.CharField(_("отпечаток ответов"), max_length=32)
    fill_seconds = models.PositiveIntegerField(_("время заполнения, с"))
    review = models.CharField(
        _("проверка"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ACCEPTED,
    )
    flag_reason = models.CharField(_("причина проверки"), max_length=300, blank=True)
    suggestion_status = models.CharField(
        _("модерация предложения"),
        max_length=10,
        choices=SuggestionStatus.choices,
        blank=True,
        default=SuggestionStatus.NONE,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("проверил"),
        db_index=False,  # only set by moderation; not worth an index per insert
    )
    reviewed_at = models.DateTimeField(_("проверено"), null=True, blank=True)
    created_at = models.DateTimeField(_("получено"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("онлайн-анкета")
        verbose_name_plural = _("онлайн-анкеты")
        indexes = [
            # The rate limits and the duplicate check: one range scan each.
            models.Index(fields=["ip_hash", "created_at"], name="qp_online_ip"),
            models.Index(
                fields=["organisation", "created_at"], name="qp_online_organisation"
            ),
            models.Index(
                fields=["network_hash", "fingerprint", "created_at"],
                name="qp_online_duplicate",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nonce"], name="qp_online_nonce_unique")
        ]

    def __str__(self) -> str:
        return f"Онлайн-анкета №{self.response_id}"
