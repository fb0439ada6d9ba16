"""Objections: an organisation's right to reply before results are published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign


class ObjectionOutcome(models.TextChoices):
    """The council's answer to an objection."""

    ACCEPTED = "accepted", _("Принято")
    REJECTED = "rejected", _("Отклонено")


class Objection(models.Model):
    """An organisation's objection to its figures in a campaign, and the answer."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("организация"),
    )
    text = models.TextField(_("текст возражения"))
    attachment = models.FileField(
        _("приложение"),
        upload_to=PrivateName("objections"),
        storage=private_storage,
        blank=True,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("подал"),
    )
    filed_at = models.DateTimeField(_("подано"), auto_now_add=True)
    answer = models.TextField(_("ответ"), blank=True)
    outcome = models.CharField(
        _("решение"), max_length=10, choices=ObjectionOutcome.choices, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ответил"),
    )
    answered_at = models.DateTimeField(_("дата ответа"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("возражение")
        verbose_name_plural = _("возражения")

    def __str__(self) -> str:
        return f"Возражение {self.organisation} по «{self.campaign}»"

    @property
    def is_answered(self) -> bool:
        """Whether the council (or an editor) has answered."""
        return bool(self.outcome)
