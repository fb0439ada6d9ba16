"""The ministry's own НОК plan (seed 001): items, executions, website checks.

Not to be confused with :mod:`.plans` (an organisation's improvement plan
after an assessment): this is the region's plan for organising the assessment
itself, with recurring deadlines (see :mod:`evaluation.regional.schedules`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.enums import CheckMethod, PlanExecutor
from evaluation.models.organisations import Organisation
from evaluation.models.process import CouncilDecision
from evaluation.regional.schedules import Schedule, ScheduleError, parse_schedule
from evaluation.regional.website import CHANNEL_CODES, SITE_ITEM_CODES


class RegionalPlan(models.Model):
    """The region's plan for organising the independent assessment."""

    title = models.CharField(_("наименование"), max_length=500)
    approved_by = models.CharField(
        _("утверждён"),
        max_length=300,
        blank=True,
        help_text=_("Например: приказ министерства от 24.03.2016 № 409."),
    )
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("первый год"))
    last_year = models.PositiveSmallIntegerField(_("последний год"))
    base_year = models.PositiveSmallIntegerField(
        _("базовый год"),
        null=True,
        blank=True,
        help_text=_("Год отчётных значений целевых показателей (обычно предыдущий)."),
    )
    is_published = models.BooleanField(_("опубликован"), default=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = _("план организации НОК")
        verbose_name_plural = _("планы организации НОК")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year__gte=models.F("first_year")),
                name="qp_regional_plan_years",
                violation_error_message=_("Последний год плана раньше первого."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.first_year}–{self.last_year})"

    def clean(self) -> None:
        """The base year precedes the plan's years."""
        if self.base_year and self.first_year and self.base_year >= self.first_year:
            raise ValidationError(
                {"base_year": _("Базовый год должен быть раньше первого года плана.")}
            )

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


EXECUTOR_FIELDS = {
    PlanExecutor.MINISTRY: "by_ministry",
    PlanExecutor.COUNCIL: "by_council",
    PlanExecutor.ORGANISATIONS: "by_organisations",
    PlanExecutor.OPERATOR: "by_operator",
}


class PlanItem(models.Model):
    """A numbered measure (1, 1.1 … 12) of a regional plan."""

    plan = models.ForeignKey(
        RegionalPlan,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("план"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("пункт верхнего уровня"),
    )
    number = models.CharField(_("номер"), max_length=12)
    position = models.PositiveIntegerField(_("порядок"), default=0)
    measure = models.TextField(_("мероприятие"))
    form = models.TextField(_("форма реализации"), blank=True)
    deadline_text = models.CharField(
        _("срок исполнения"),
        max_length=300,
        help_text=_(
            "Как в плане: «ежегодно, 4 квартал», «2 раза в год», "
            "«1 квартал 2016 года», «постоянно», «по мере необходимости»."
        ),
    )
    schedule = models.JSONField(_("график"), default=dict, blank=True, editable=False)
    by_ministry = models.BooleanField(_("министерство"), default=False)
    by_council = models.BooleanField(_("общественный совет"), default=False)
    by_organisations = models.BooleanField(_("организации"), default=False)
    by_operator = models.BooleanField(_("оператор"), default=False)
    executors_text = models.CharField(
        _("ответственные исполнители (как в плане)"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("пункт плана организации НОК")
        verbose_name_plural = _("пункты плана организации НОК")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="qp_plan_item_number_unique"
            )
        ]

    def __str__(self) -> str:
        measure = self.measure
        if len(measure) > 80:  # cut at a word, never inside «bus.gov.ru»
            measure = measure[:80].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return f"{self.number}. {measure}"

    def save(self, *args, **kwargs) -> None:
        if not self.schedule and self.deadline_text:
            try:
                self.schedule = parse_schedule(self.deadline_text).as_json()
            except ScheduleError:
                self.schedule = {}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """The deadline must parse; a sub-item belongs to the same plan."""
        errors = {}
        try:
            self.schedule = parse_schedule(self.deadline_text).as_json()
        except ScheduleError as error:
            errors["deadline_text"] = str(error)
        if self.parent_id and self.parent.plan_id != self.plan_id:
            errors["parent"] = _("Пункт верхнего уровня из другого плана.")
        if errors:
            raise ValidationError(errors)

    def get_schedule(self) -> Schedule | None:
        """The parsed schedule, or None when the deadline was not understood."""
        return Schedule.from_json(self.schedule) if self.schedule else None

    @property
    def executors(self) -> list[str]:
        """Executor codes (:class:`PlanExecutor`) in a fixed order."""
        return [code for code, name in EXECUTOR_FIELDS.items() if getattr(self, name)]

    @property
    def executor_labels(self) -> list[str]:
        return [str(PlanExecutor(code).label) for code in self.executors]


class PlanExecution(models.Model):
    """What was done for a plan item in one period, and when."""

    item = models.ForeignKey(
        PlanItem,
        on_delete=models.CASCADE,
        related_name="executions",
        verbose_name=_("пункт плана"),
    )
    period_due = models.DateField(
        _("срок периода"),
        null=True,
        blank=True,
        help_text=_(
            "Срок периода, за который отчитываются (например, 31.12.2017 для "
            "«ежегодно, 4 квартал»). Пусто — мероприятие без срока."
        ),
    )
    done_on = models.DateField(_("дата исполнения"))
    summary = models.TextField(_("что сделано"))
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_executions",
        verbose_name=_("решение общественного совета"),
    )
    document_title = models.CharField(_("документ"), max_length=300, blank=True)
    document_url = models.URLField(_("ссылка на документ"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("внёс"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        ordering = ["-done_on", "-pk"]
        verbose_name = _("отметка об исполнении")
        verbose_name_plural = _("отметки об исполнении плана")
        indexes = [models.Index(fields=["item", "period_due"])]

    def __str__(self) -> str:
        return f"{self.item.number}: {self.done_on:%d.%m.%Y}"

    def clean(self) -> None:
        """The period named is one of the item's periods within the plan."""
        if self.period_due is None or not self.item_id:
            return
        schedule = self.item.get_schedule()
        plan = self.item.plan
        dues = [
            period.due
            for period in (
                schedule.periods(plan.first_year, plan.last_year) if schedule else []
            )
        ]
        if self.period_due not in dues:
            allowed = ", ".join(f"{due:%d.%m.%Y}" for due in dues) or "нет сроков"
            raise ValidationError(
                {"period_due": f"Такого срока у пункта нет; сроки пункта: {allowed}."}
            )


class WebsiteCheck(models.Model):
    """What an organisation's website published on a day (Part II items 3, 4, 11).

    ``items`` lists the codes of the 886н items found (indicator 1.1);
    ``channels`` the remote feedback channels (indicator 1.2); the
    questionnaire link feeds target indicator 2.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="website_checks",
        verbose_name=_("организация"),
    )
    checked_on = models.DateField(_("дата проверки"))
    url = models.URLField(_("адрес сайта"), blank=True)
    method = models.CharField(
        _("способ"),
        max_length=10,
        choices=CheckMethod.choices,
        default=CheckMethod.MANUAL,
    )
    items = models.JSONField(_("размещённые сведения (886н)"), default=list, blank=True)
    channels = models.JSONField(
        _("дистанционные способы связи"), default=list, blank=True
    )
    questionnaire_url = models.URLField(_("ссылка на анкету"), blank=True)
    questionnaire_ok = models.BooleanField(_("анкета доступна"), default=False)
    notes = models.TextField(_("замечания"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("проверил"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("проверка сайта")
        verbose_name_plural = _("мониторинг сайтов")
        indexes = [models.Index(fields=["organisation", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.checked_on:%d.%m.%Y}"

    def clean(self) -> None:
        """Only known check-list codes; a working questionnaire needs a link."""
        errors = {}
        unknown = set(self.items or []) - set(SITE_ITEM_CODES)
        if unknown:
            errors["items"] = f"Неизвестные пункты: {', '.join(sorted(unknown))}."
        unknown = set(self.channels or []) - set(CHANNEL_CODES)
        if unknown:
            errors["channels"] = (
                f"Неизвестные способы связи: {', '.join(sorted(unknown))}."
            )
        if self.questionnaire_ok and not self.questionnaire_url:
            errors["questionnaire_url"] = _("Укажите ссылку на анкету.")
        if errors:
            raise ValidationError(errors)

    @property
    def info_present(self) -> int:
        return len(set(self.items or []) & set(SITE_ITEM_CODES))

    @property
    def info_required(self) -> int:
        return len(SITE_ITEM_CODES)

    @property
    def remote_channels(self) -> int:
        return len(set(self.channels or []) & set(CHANNEL_CODES))
