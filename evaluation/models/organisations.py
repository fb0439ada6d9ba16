"""Districts and the organisations assessed in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.enums import OrganisationKind

inn_validator = RegexValidator(
    r"^(\d{10}|\d{12})$", _("ИНН состоит из 10 (организация) или 12 цифр.")
)


class District(models.Model):
    """A municipal district or city district of the region."""

    name = models.CharField(_("название"), max_length=200, unique=True)
    slug = models.SlugField(_("код для адреса"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("район")
        verbose_name_plural = _("районы")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A social-service provider or УСЗН territorial office being assessed."""

    name = models.CharField(_("полное наименование"), max_length=500)
    short_name = models.CharField(_("краткое наименование"), max_length=200)
    slug = models.SlugField(
        _("код для адреса"),
        max_length=120,
        unique=True,
        help_text=_("Постоянная часть адреса карточки организации."),
    )
    code = models.CharField(
        _("краткий код"),
        max_length=30,
        unique=True,
        help_text=_("Код организации в реестре поставщиков, используется при импорте."),
    )
    inn = models.CharField(
        _("ИНН"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[inn_validator],
    )
    kind = models.CharField(
        _("тип организации"), max_length=30, choices=OrganisationKind.choices
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("район"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("вышестоящая организация"),
        help_text=_(
            "Для территориальных отделений — КГКУ «УСЗН»: его пользователи видят "
            "и представляют документы отделений, ему приходят напоминания."
        ),
    )
    address = models.CharField(_("адрес"), max_length=500, blank=True)
    website = models.URLField(_("официальный сайт"), blank=True)
    has_online_questionnaire = models.BooleanField(
        _("на сайте есть анкета для оценки качества"), default=False
    )
    recipients_count = models.PositiveIntegerField(
        _("получатели услуг"),
        null=True,
        blank=True,
        help_text=_("Число получателей услуг (база выборки для учреждений)."),
    )
    registered_count = models.PositiveIntegerField(
        _("состоит на учёте"),
        null=True,
        blank=True,
        help_text=_("Число граждан на учёте на начало года (база выборки для УСЗН)."),
    )
    counts_as_of = models.DateField(_("численность на дату"), null=True, blank=True)
    is_active = models.BooleanField(_("действует"), default=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="qp_organisations",
        blank=True,
        verbose_name=_("пользователи учреждения"),
        help_text=_("Сотрудники, которые загружают данные этой организации."),
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        indexes = [
            models.Index(fields=["kind", "district"]),
            # The directory and the API list organisations A→Я, page by page.
            models.Index(fields=["short_name", "id"], name="qp_organisation_name"),
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        super().clean()
        seen, parent = {self.pk}, self.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError(
                    {
                        "parent": _(
                            "Организация не может подчиняться сама себе или своему "
                            "отделению: выберите другую вышестоящую организацию."
                        )
                    }
                )
            seen.add(parent.pk)
            parent = parent.parent

    @property
    def is_uszn_office(self) -> bool:
        """True for УСЗН territorial offices, whose sample base differs."""
        return self.kind == OrganisationKind.USZN_OFFICE
