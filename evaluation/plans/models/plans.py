"""Improvement plans, their measures and fulfilment reports.

A plan the council approved (or is reviewing) is never changed in place: a new
import makes a new *revision*, a separate plan row with ``revision_of`` set and
the next ``revision`` number, which goes to the council in turn. Only the
approved revision is public (``status == APPROVED``); when a newer revision is
approved the older one becomes ``SUPERSEDED`` and stays readable as history.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from evaluation.enums import Criterion, IndicatorCode, MeasureStatus, PlanStatus
from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign


class PlanQuerySet(models.QuerySet):
    def public(self) -> "PlanQuerySet":
        """The approved revisions: what the card, the API and open data show."""
        return self.filter(status=PlanStatus.APPROVED)

    def current(self) -> "PlanQuerySet":
        """Per organisation and campaign, the approved revision, or (before
        any approval) the newest one."""
        approved_other = ImprovementPlan.objects.filter(
            organisation=OuterRef("organisation"),
            campaign=OuterRef("campaign"),
            status=PlanStatus.APPROVED,
        ).exclude(pk=OuterRef("pk"))
        return self.latest_revisions().exclude(status=PlanStatus.APPROVED).exclude(
            Exists(approved_other)
        ) | self.filter(status=PlanStatus.APPROVED)

    def latest_revisions(self) -> "PlanQuerySet":
        """Per organisation and campaign, only the newest revision."""
        newer = ImprovementPlan.objects.filter(
            organisation=OuterRef("organisation"),
            campaign=OuterRef("campaign"),
            revision__gt=OuterRef("revision"),
        )
        return self.exclude(Exists(newer))


#: Statuses in which a plan is the council's: an import makes a new revision.
FIXED_STATUSES = frozenset(
    {PlanStatus.SUBMITTED, PlanStatus.APPROVED, PlanStatus.SUPERSEDED}
)


class ImprovementPlan(models.Model):
    """An organisation's plan of measures responding to an assessment.

    One row per revision: the first import makes revision 1; an import into a
    submitted or approved revision makes the next one (see
    :func:`evaluation.plans.council.start_plan_revision`).
    """

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
    revision = models.PositiveSmallIntegerField(_("редакция"), default=1)
    revision_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revisions",
        verbose_name=_("предыдущая редакция"),
        help_text=_("Редакция, которую эта заменит после одобрения советом."),
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "organisation__short_name", "-revision"]
        verbose_name = _("план мероприятий")
        verbose_name_plural = _("планы мероприятий")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign", "revision"],
                name="qp_plan_unique_revision",
            )
        ]

    def __str__(self) -> str:
        name = f"План {self.organisation} на {self.year} год"
        return f"{name} (редакция {self.revision})" if self.revision > 1 else name

    @property
    def is_fixed(self) -> bool:
        """Submitted, approved or superseded: never changed in place."""
        return self.status in FIXED_STATUSES


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
