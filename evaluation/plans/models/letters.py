"""Letters and proposals from НОК results (seed 001 items 1.7, 1.8 and 12).

A letter goes from the ministry, the РМЦ or an organisation's public council
to organisations or to the ministry: information letters of the councils,
methodological letters of the ministry and the РМЦ. A proposal from НОК
results records where it was taken into account (a state programme, a «road
map» or another document) and when. Both are public only when marked so.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.files import PrivateName, private_storage
from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Campaign
from evaluation.plans.models.plans import ImprovementPlan


class LetterAuthor(models.TextChoices):
    """Who signs a letter."""

    MINISTRY = "ministry", _("Министерство")
    RMC = "rmc", _("Ресурсно-методический центр")
    COUNCIL = "council", _("Общественный совет организации")


class LetterKind(models.TextChoices):
    INFORMATION = "information", _("Информационное письмо")
    METHODOLOGICAL = "methodological", _("Методическое письмо")
    OTHER = "other", _("Иное письмо")


class Letter(models.Model):
    """A letter with its author, addressees, number, date, file and subject."""

    kind = models.CharField(_("вид письма"), max_length=20, choices=LetterKind.choices)
    author_kind = models.CharField(
        _("автор"), max_length=10, choices=LetterAuthor.choices
    )
    author_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="council_letters",
        verbose_name=_("организация, чей совет направил письмо"),
        help_text=_("Только для писем общественного совета организации."),
    )
    to_ministry = models.BooleanField(_("письмо министерству"), default=False)
    addressees = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="letters_received",
        verbose_name=_("организации-адресаты"),
    )
    number = models.CharField(_("номер"), max_length=50)
    dated = models.DateField(_("дата"))
    subject = models.CharField(_("тема"), max_length=300)
    summary = models.TextField(_("краткое содержание"), blank=True)
    file = models.FileField(
        _("файл письма"),
        upload_to=PrivateName("letters"),
        storage=private_storage,
        blank=True,
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("касается кампании"),
    )
    plan = models.ForeignKey(
        ImprovementPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("касается плана"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters_about",
        verbose_name=_("касается организации"),
    )
    is_public = models.BooleanField(_("опубликовать на сайте"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("внёс"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        verbose_name = _("письмо")
        verbose_name_plural = _("письма")
        ordering = ["-dated", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} № {self.number} от {self.dated:%d.%m.%Y}"

    def clean(self) -> None:
        errors = {}
        if self.author_kind == LetterAuthor.COUNCIL and not self.author_organisation_id:
            errors["author_organisation"] = _(
                "Укажите организацию, общественный совет которой направил письмо."
            )
        if self.author_kind != LetterAuthor.COUNCIL and self.author_organisation_id:
            errors["author_organisation"] = _(
                "Организация указывается только для писем общественного совета "
                "организации: очистите поле или выберите этого автора."
            )
        if self.author_kind == LetterAuthor.MINISTRY and self.to_ministry:
            errors["to_ministry"] = _(
                "Министерство не пишет само себе: снимите отметку «письмо "
                "министерству» и выберите организации-адресаты."
            )
        if (
            self.plan_id
            and self.organisation_id
            and self.plan.organisation_id != self.organisation_id
        ):
            errors["plan"] = _(
                "План относится к другой организации: выберите план этой "
                "организации или очистите одно из полей."
            )
        if errors:
            raise ValidationError(errors)


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Предложено")
    ACCEPTED = "accepted", _("Учтено")
    REJECTED = "rejected", _("Не учтено")


class ProposalDocument(models.TextChoices):
    """Where a proposal was taken into account."""

    PROGRAMME = "programme", _("Государственная программа")
    ROAD_MAP = "road_map", _("«Дорожная карта»")
    OTHER = "other", _("Иной документ")


class Proposal(models.Model):
    """A proposal from НОК results and where (and when) it was taken into account."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("кампания"),
    )
    text = models.TextField(_("текст предложения"))
    status = models.CharField(
        _("статус"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    document_kind = models.CharField(
        _("где учтено"), max_length=10, choices=ProposalDocument.choices, blank=True
    )
    document_name = models.CharField(
        _("наименование документа"), max_length=300, blank=True
    )
    document_number = models.CharField(
        _("номер и дата документа"), max_length=100, blank=True
    )
    document_url = models.URLField(_("ссылка на документ"), blank=True)
    accounted_on = models.DateField(_("когда учтено"), null=True, blank=True)
    is_public = models.BooleanField(_("опубликовать на сайте"), default=False)
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    class Meta:
        verbose_name = _("предложение по итогам НОК")
        verbose_name_plural = _("предложения по итогам НОК")
        ordering = ["campaign", "pk"]

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.campaign}: {text}"

    def clean(self) -> None:
        errors = {}
        if self.status == ProposalStatus.ACCEPTED:
            if not self.document_kind:
                errors["document_kind"] = _(
                    "Укажите, где учтено предложение: государственная программа, "
                    "«дорожная карта» или иной документ."
                )
            if not self.document_name.strip():
                errors["document_name"] = _(
                    "Укажите наименование документа, в котором учтено предложение."
                )
            if self.accounted_on is None:
                errors["accounted_on"] = _("Укажите, когда учтено предложение.")
        elif self.document_kind or self.accounted_on:
            errors["status"] = _(
                "Документ и дата указываются только для учтённого предложения: "
                "выберите статус «Учтено» или очистите поля документа."
            )
        if errors:
            raise ValidationError(errors)


class CheckerInvitation(models.Model):
    """A public organisation invited to check one campaign (seed 000 §1.5)."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="checker_invitations",
        verbose_name=_("кампания"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checker_invitations",
        verbose_name=_("пользователь общественной организации"),
    )
    organisation_name = models.CharField(
        _("общественная организация"),
        max_length=300,
        help_text=_("Например, краевая организация ветеранов или инвалидов."),
    )
    invited_on = models.DateField(_("дата приглашения"))

    class Meta:
        verbose_name = _("приглашение общественной организации")
        verbose_name_plural = _("приглашения общественных организаций")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "user"], name="qp_checker_invitation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.campaign}"


class CheckerRemark(models.Model):
    """A public organisation's remark on a campaign, read by the public council."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="checker_remarks",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checker_remarks",
        verbose_name=_("о какой организации"),
    )
    text = models.TextField(_("замечание"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("автор"),
    )
    created_at = models.DateTimeField(_("направлено"), auto_now_add=True)

    class Meta:
        verbose_name = _("замечание общественной организации")
        verbose_name_plural = _("замечания общественных организаций")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        when = f" от {self.created_at:%d.%m.%Y}" if self.created_at else ""
        return f"Замечание по кампании «{self.campaign}»{when}"
