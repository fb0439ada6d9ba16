"""Improvement plans, their measures and fulfilment reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.enums import Criterion, IndicatorCode, MeasureStatus, PlanStatus
from evaluation.files import PrivateName, private_storage

from .campaigns import Campaign
from .organisations import Organisation


class ImprovementPlan(models.Model):
    """An organisation's plan of measures responding to an assessment."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="plans",
        verbose_name=_("организация"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("по итогам кампании"),
    )
    year = models.PositiveSmallIntegerField(_("год реализации"))
    status = models.CharField(
        _("статус"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        ordering = ["-year", "organisation__short_name"]
        verbose_name = _("план мероприятий")
        verbose_name_plural = _("планы мероприятий")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign"], name="qp_plan_unique_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"План {self.organisation} на {self.year} год"


class Measure(models.Model):
    """One row of the federal plan form: deficiency, measure, date, responsible."""

    plan = models.ForeignKey(
        ImprovementPlan,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name=_("план"),
    )
    position = models.PositiveSmallIntegerField(_("№ п/п"), default=1)
    criterion = models.CharField(
        _("раздел (критерий)"), max_length=2, choices=Criterion.choices
    )
    indicator_code = models.CharField(
        _("показатель"), max_length=3, choices=IndicatorCode.choices, blank=True
    )
    deficiency = models.TextField(_("выявленный недостаток"))
    action = models.TextField(_("мероприятие"))
    planned_date = models.DateField(_("плановый срок"))
    responsible_name = models.CharField(_("ответственный (ФИО)"), max_length=200)
    responsible_position = models.CharField(_("должность"), max_length=200)
    status = models.CharField(
        _("статус"),
        max_length=12,
        choices=MeasureStatus.choices,
        default=MeasureStatus.PLANNED,
    )

    class Meta:
        ordering = ["plan", "criterion", "position"]
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")

    def __str__(self) -> str:
        return self.action[:80]


class MeasureReport(models.Model):
    """What was done on a measure, when, with evidence."""

    measure = models.ForeignKey(
        Measure,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("мероприятие"),
    )
    done = models.TextField(_("реализованные меры"))
    actual_date = models.DateField(_("фактический срок"))
    evidence = models.FileField(
        _("подтверждающий документ"),
        upload_to=PrivateName("evidence"),
        storage=private_storage,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("представлено"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("представил"),
    )

    class Meta:
        ordering = ["measure", "-actual_date"]
        verbose_name = _("отчёт о выполнении мероприятия")
        verbose_name_plural = _("отчёты о выполнении мероприятий")

    def __str__(self) -> str:
        return f"{self.measure}: {self.actual_date:%d.%m.%Y}"
