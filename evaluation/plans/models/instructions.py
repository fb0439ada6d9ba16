"""Instructions (поручения) of the ministry to organisations (seed 001, Part II items 7, 11).

An :class:`Instruction` is issued once, with a number, a date, a text, a
source (a campaign, a failed website check or a council decision), a due date
(counted in working days of the production calendar or given as a date) and
the kind of response required. Each organisation it is addressed to gets an
:class:`InstructionAddressee` row that tracks its own answer:
issued → answered → returned → answered → accepted. Transitions are the
services of :mod:`evaluation.plans.instructions`.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.deadlines import SubmissionState, submission_state
from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.models.process import CouncilDecision
from evaluation.nok.models.campaigns import Campaign
from evaluation.regional.models import WebsiteCheck


class InstructionSource(models.TextChoices):
    """What an instruction follows from."""

    CAMPAIGN = "campaign", _("Итоги независимой оценки (кампания)")
    WEBSITE = "website", _("Мониторинг сайта")
    COUNCIL = "council", _("Решение общественного совета")


class ResponseKind(models.TextChoices):
    """What the organisation must send in answer."""

    DOCUMENT = "document", _("Документ")
    PLAN = "plan", _("План мероприятий")
    DEFECT_FIXED = "defect_fixed", _("Устранение недостатка")


class AnswerState(models.TextChoices):
    """Where one organisation's answer to an instruction stands."""

    ISSUED = "issued", _("Выдано")
    ANSWERED = "answered", _("Ответ представлен")
    RETURNED = "returned", _("Возвращено на доработку")
    ACCEPTED = "accepted", _("Исполнено")


class Instruction(models.Model):
    """An instruction of the ministry to one or many organisations."""

    number = models.CharField(_("номер"), max_length=50)
    issued_on = models.DateField(_("дата"))
    text = models.TextField(_("текст поручения"))
    source = models.CharField(
        _("основание"), max_length=10, choices=InstructionSource.choices
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("кампания"),
    )
    website_check = models.ForeignKey(
        WebsiteCheck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("проверка сайта"),
    )
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("решение общественного совета"),
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("срок, рабочих дней"),
        null=True,
        blank=True,
        help_text=_("Пусто — срок задан датой."),
    )
    due_on = models.DateField(_("срок исполнения"))
    response_kind = models.CharField(
        _("требуемый ответ"), max_length=14, choices=ResponseKind.choices
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("выдал"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("поручение министерства")
        verbose_name_plural = _("поручения министерства")
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issued_on"], name="qp_instruction_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Поручение № {self.number} от {self.issued_on:%d.%m.%Y}"


class InstructionAddressee(models.Model):
    """One organisation's copy of an instruction and its answer."""

    instruction = models.ForeignKey(
        Instruction,
        on_delete=models.CASCADE,
        related_name="addressees",
        verbose_name=_("поручение"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="instructions",
        verbose_name=_("организация"),
    )
    state = models.CharField(
        _("состояние"),
        max_length=10,
        choices=AnswerState.choices,
        default=AnswerState.ISSUED,
    )
    answer_text = models.TextField(_("ответ"), blank=True)
    answer_file = models.FileField(
        _("файл ответа"),
        upload_to=PrivateName("instructions"),
        storage=private_storage,
        blank=True,
    )
    answer_filename = models.CharField(_("имя файла"), max_length=255, blank=True)
    answered_on = models.DateField(_("дата ответа"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ответил"),
    )
    return_reason = models.TextField(_("причина возврата"), blank=True)
    accepted_on = models.DateField(_("дата принятия"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("принял"),
    )
    reminders = models.JSONField(
        _("напоминания"),
        default=list,
        blank=True,
        help_text=_("Отправленные напоминания: вид, дата и срок."),
    )

    class Meta:
        ordering = ["instruction", "organisation__short_name"]
        verbose_name = _("адресат поручения")
        verbose_name_plural = _("адресаты поручений")
        constraints = [
            models.UniqueConstraint(
                fields=["instruction", "organisation"],
                name="qp_instruction_addressee_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instruction}: {self.organisation}"

    @property
    def due_on(self) -> date:
        return self.instruction.due_on

    @property
    def is_open(self) -> bool:
        """Still owed by the organisation (issued or returned)."""
        return self.state in (AnswerState.ISSUED, AnswerState.RETURNED)

    def deadline_state(self, today: date | None = None) -> SubmissionState:
        """On time, late, overdue, due soon or pending, as for owed documents.

        An answer the ministry returned does not count as received.
        """
        received = None if self.is_open else self.answered_on
        return submission_state(
            self.instruction.due_on, received, today or timezone.localdate()
        )

    def is_overdue(self, today: date | None = None) -> bool:
        return self.deadline_state(today) == SubmissionState.OVERDUE
