"""Page types and the document model of the public site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.documents.models import AbstractDocument, Document
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms_blocks.streams import BaseStreamBlock


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


class BasePage(Page):
    """Fields and panels every content page of the portal shares."""

    lead = models.TextField(
        _("вводный абзац"),
        blank=True,
        help_text=_("Одно-два предложения: показываются под заголовком и в поиске."),
    )

    content_panels = [*Page.content_panels, FieldPanel("lead")]
    api_fields = [APIField("lead")]

    class Meta:
        abstract = True


class HomePage(BasePage):
    """The site's root page."""

    body = StreamField(BaseStreamBlock(), blank=True, verbose_name=_("содержимое"))
    intro = RichTextField(_("приветствие"), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("body")]
    api_fields = [*BasePage.api_fields, APIField("intro"), APIField("body")]

    template = "publications/home_page.html"
    parent_page_types = ["wagtailcore.Page"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("главная страница")
        verbose_name_plural = _("главные страницы")
