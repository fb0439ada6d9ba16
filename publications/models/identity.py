"""The ministry's identity: who publishes the site, shown in its header and footer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class MinistrySettings(BaseSiteSetting):
    """The publisher of the site. Every line left empty is simply not shown."""

    full_name = models.CharField(
        _("полное наименование"),
        max_length=300,
        blank=True,
        help_text=_("Например: «Министерство социальной политики Красноярского края»."),
    )
    short_name = models.CharField(
        _("краткое наименование"),
        max_length=120,
        blank=True,
        help_text=_("Показывается в шапке сайта рядом с его названием."),
    )
    region = models.CharField(_("регион"), max_length=120, blank=True)
    emblem = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("герб или эмблема"),
    )
    website = models.URLField(_("официальный сайт министерства"), blank=True)
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    phone = models.CharField(_("телефон"), max_length=60, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    reception_hours = models.TextField(
        _("приём граждан"),
        blank=True,
        help_text=_("Дни и часы приёма, по строке на каждую."),
    )
    vk_url = models.URLField(_("страница во ВКонтакте"), blank=True)
    telegram_url = models.URLField(_("канал в Telegram"), blank=True)
    ok_url = models.URLField(_("страница в Одноклассниках"), blank=True)
    personal_data_operator = models.CharField(
        _("оператор персональных данных"),
        max_length=300,
        blank=True,
        help_text=_("Кто обрабатывает персональные данные анкет и обращений."),
    )
    personal_data_policy_url = models.URLField(
        _("политика обработки персональных данных"), blank=True
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("full_name"),
                FieldPanel("short_name"),
                FieldPanel("region"),
                FieldPanel("emblem"),
                FieldPanel("website"),
            ],
            heading=_("Министерство"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("reception_hours"),
            ],
            heading=_("Контакты"),
        ),
        MultiFieldPanel(
            [FieldPanel("vk_url"), FieldPanel("telegram_url"), FieldPanel("ok_url")],
            heading=_("Социальные сети"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("personal_data_operator"),
                FieldPanel("personal_data_policy_url"),
            ],
            heading=_("Персональные данные"),
        ),
    ]

    class Meta:
        verbose_name = _("сведения о министерстве")
        verbose_name_plural = _("сведения о министерстве")

    @property
    def reception_lines(self) -> list[str]:
        """The reception hours, one line each, empty lines dropped."""
        return [
            line.strip() for line in self.reception_hours.splitlines() if line.strip()
        ]

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """``(label, url)`` of every social network that is filled in."""
        links = [
            ("ВКонтакте", self.vk_url),
            ("Telegram", self.telegram_url),
            ("Одноклассники", self.ok_url),
        ]
        return [(label, url) for label, url in links if url]
