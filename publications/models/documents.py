"""The document model: a Wagtail document with the metadata a ministry publishes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.documents.models import AbstractDocument, Document


class DocumentKind(models.TextChoices):
    """What a published document is."""

    ORDER = "order", _("Приказ")
    REGULATION = "regulation", _("Положение")
    PLAN = "plan", _("План мероприятий")
    REPORT = "report", _("Отчёт")
    DECISION = "decision", _("Решение общественного совета")
    RESULTS = "results", _("Результаты оценки")
    OTHER = "other", _("Другое")


class PortalDocument(AbstractDocument):
    """A Wagtail document with the metadata a ministry publishes with it."""

    kind = models.CharField(
        _("вид документа"),
        max_length=20,
        choices=DocumentKind.choices,
        default=DocumentKind.OTHER,
    )
    number = models.CharField(_("номер"), max_length=50, blank=True)
    issued_on = models.DateField(_("дата документа"), null=True, blank=True)
    description = models.TextField(_("описание"), blank=True)

    admin_form_fields = (
        *Document.admin_form_fields,
        "kind",
        "number",
        "issued_on",
        "description",
    )

    class Meta(AbstractDocument.Meta):
        verbose_name = _("документ")
        verbose_name_plural = _("документы")
