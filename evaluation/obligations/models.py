"""Deadline reminders already sent, so a daily (or twice-daily) run never repeats one."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models.process import Submission


class ReminderKind(models.TextChoices):
    """Why a reminder about a submission was sent."""

    BEFORE = "before", _("До срока")
    OVERDUE = "overdue", _("Срок пропущен")


class ReminderLog(models.Model):
    """One reminder about one submission on one day.

    The row is written before the e-mails go out: a second run the same day
    (or a concurrent one) finds it, or hits the unique constraint, and sends
    nothing about that submission.
    """

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("представляемый документ"),
    )
    kind = models.CharField(_("вид"), max_length=10, choices=ReminderKind.choices)
    sent_on = models.DateField(_("дата"))
    deadline = models.DateField(
        _("срок"),
        null=True,
        blank=True,
        help_text=_(
            "Срок, о котором напоминали: после переноса срока напоминания "
            "начинаются заново. Пусто у напоминаний, отправленных до появления поля."
        ),
    )
    recipients = models.JSONField(_("получатели"), default=list, blank=True)
    created_at = models.DateTimeField(_("время"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "submission"]
        verbose_name = _("напоминание о сроке")
        verbose_name_plural = _("напоминания о сроках")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "kind", "sent_on"],
                name="qp_reminder_once_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.submission} ({self.sent_on:%d.%m.%Y})"
