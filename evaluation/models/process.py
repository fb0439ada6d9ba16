"""Submissions owed in a campaign, target indicators, council decisions, audit."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.deadlines import SubmissionState, submission_state
from evaluation.enums import SubmissionKind, SubmissionStatus, TargetSource
from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign


class Submission(models.Model):
    """A document an organisation owes in a campaign, with its deadline."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("организация"),
    )
    kind = models.CharField(_("вид"), max_length=20, choices=SubmissionKind.choices)
    deadline = models.DateField(_("срок"))
    received_on = models.DateField(_("дата поступления"), null=True, blank=True)
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.EXPECTED,
    )
    file = models.FileField(
        _("файл"),
        upload_to=PrivateName("submissions"),
        storage=private_storage,
        blank=True,
    )
    comment = models.TextField(_("комментарий"), blank=True)

    class Meta:
        ordering = ["deadline", "organisation__short_name"]
        verbose_name = _("представляемый документ")
        verbose_name_plural = _("представляемые документы")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "kind"], name="qp_submission_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organisation}"

    def state(self, today: date | None = None) -> SubmissionState:
        """On time, late, overdue, due soon or pending (see ``deadlines``)."""
        return submission_state(
            self.deadline, self.received_on, today or timezone.localdate()
        )

    @property
    def state_label(self) -> str:
        """Russian label of today's state, for listings."""
        return self.state().label


class Obligation(models.Model):
    """A step the РМЦ, a ministry department or all participants owe in a campaign.

    Documents owed by one organisation are :class:`Submission` rows; these are
    the regulation's other dated duties (seed 000 §3.2.1, §3.4, §3.5, §3.9),
    created when a Декада is opened (:mod:`evaluation.obligations.owed`).
    """

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=_("кампания"),
    )
    code = models.CharField(_("код срока"), max_length=40)
    title = models.CharField(_("что сделать"), max_length=500)
    owner = models.CharField(_("исполнитель"), max_length=200)
    clause = models.CharField(_("пункт положения"), max_length=30, blank=True)
    deadline = models.DateField(_("срок"))
    done_on = models.DateField(_("дата исполнения"), null=True, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    reminders = models.JSONField(
        _("напоминания"),
        default=list,
        blank=True,
        help_text=_(
            "Отправленные редакторам напоминания: вид, дата и срок, о котором "
            "напоминали (после переноса срока напоминания начинаются заново)."
        ),
    )

    class Meta:
        ordering = ["deadline", "code"]
        verbose_name = _("обязательство по сроку")
        verbose_name_plural = _("обязательства по срокам")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "code"], name="qp_obligation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner}: {self.title}"

    def state(self, today: date | None = None) -> SubmissionState:
        """On time, late, overdue, due soon or pending (see ``deadlines``)."""
        return submission_state(
            self.deadline, self.done_on, today or timezone.localdate()
        )


class TargetIndicator(models.Model):
    """A target indicator of the regional plan (Part I of seed 001)."""

    title = models.CharField(_("наименование"), max_length=500)
    unit = models.CharField(_("единица измерения"), max_length=30, default="%")
    position = models.PositiveSmallIntegerField(_("№ п/п"), default=1)
    plan = models.ForeignKey(
        "RegionalPlan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("план организации НОК"),
    )
    source = models.CharField(
        _("фактическое значение"),
        max_length=20,
        choices=TargetSource.choices,
        default=TargetSource.MANUAL,
        help_text=_(
            "Рассчитываемый показатель берёт факт из кампаний или мониторинга "
            "сайтов; введённый вручную факт имеет приоритет."
        ),
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("целевой показатель")
        verbose_name_plural = _("целевые показатели")

    def __str__(self) -> str:
        return self.title


class TargetIndicatorValue(models.Model):
    """Plan and actual value of a target indicator in one year."""

    indicator = models.ForeignKey(
        TargetIndicator,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("показатель"),
    )
    year = models.PositiveSmallIntegerField(_("год"))
    planned = models.DecimalField(
        _("план"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    actual = models.DecimalField(
        _("факт"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("значение целевого показателя")
        verbose_name_plural = _("значения целевых показателей")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"], name="qp_target_value_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.year}"

    def clean(self) -> None:
        """Percentages stay within 0–100; no value is negative."""
        errors = {}
        is_percent = self.indicator_id and self.indicator.unit.strip() == "%"
        for name in ("planned", "actual"):
            value = getattr(self, name)
            label = self._meta.get_field(name).verbose_name
            if value is None:
                continue
            if value < 0:
                errors[name] = (
                    f"«{label}»: значение не может быть отрицательным ({value})."
                )
            elif is_percent and value > 100:
                errors[name] = f"«{label}»: процент не может быть больше 100 ({value})."
        if errors:
            raise ValidationError(errors)


class CouncilDecision(models.Model):
    """A decision of the public council, recorded and published."""

    number = models.CharField(_("номер"), max_length=30)
    decided_on = models.DateField(_("дата заседания"))
    title = models.CharField(_("заголовок"), max_length=500)
    text = models.TextField(_("текст решения"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("организация"),
    )
    is_published = models.BooleanField(_("опубликовано"), default=False)

    class Meta:
        ordering = ["-decided_on", "number"]
        verbose_name = _("решение общественного совета")
        verbose_name_plural = _("решения общественного совета")

    def __str__(self) -> str:
        return f"Решение № {self.number} от {self.decided_on:%d.%m.%Y}"


class AuditEvent(models.Model):
    """Who did what to which data, when: imports, recomputes, publications."""

    action = models.CharField(_("действие"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("пользователь"),
    )
    object_type = models.CharField(_("тип объекта"), max_length=60)
    object_id = models.CharField(_("объект"), max_length=60)
    summary = models.CharField(_("описание"), max_length=500)
    data = models.JSONField(_("подробности"), default=dict, blank=True)
    created_at = models.DateTimeField(_("время"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("событие журнала")
        verbose_name_plural = _("журнал действий")

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.summary}"
