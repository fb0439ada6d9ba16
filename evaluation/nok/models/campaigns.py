"""Campaigns, their inputs, survey responses and computed results."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.enums import (
    CampaignKind,
    CampaignStatus,
    DataSource,
    SurveyChannel,
    SurveyKind,
)
from evaluation.formatting import format_score
from evaluation.models.organisations import Organisation
from evaluation.rating import (
    FLAT_FIELDS,
    OrganisationInputs,
    RatingInputError,
    calculator_input,
    get_method,
    parse_inputs,
)


def inputs_errors_by_field(error: RatingInputError) -> dict[str, list[str]]:
    """Map calculator field paths (``info_stand.present``, ``yes.q3``) to model fields."""
    by_field: dict[str, list[str]] = {}
    for item in error.errors:
        head, _, tail = item.field.partition(".")
        if head in {"info_stand", "info_site"} and tail:
            name = f"{head}_{tail}"
        elif head == "method":
            name = "campaign"
        elif head in {field.name for field in IndicatorInput._meta.fields}:
            name = head
        else:
            name = "__all__"
        by_field.setdefault(name, []).append(item.message)
    return by_field


SCORE = {"max_digits": 5, "decimal_places": 2, "null": True, "blank": True}


class Campaign(models.Model):
    """One НОК year or one Декада качества."""

    kind = models.CharField(_("вид"), max_length=10, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("год"))
    title = models.CharField(_("название"), max_length=300)
    slug = models.SlugField(_("код для адреса"), max_length=100, unique=True)
    period_start = models.DateField(_("начало периода"))
    period_end = models.DateField(_("окончание периода"))
    organisations = models.ManyToManyField(
        Organisation,
        related_name="campaigns",
        blank=True,
        verbose_name=_("организации"),
    )
    method_version = models.CharField(
        _("версия методики"), max_length=40, default="344n-social"
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="qp_operated_campaigns",
        blank=True,
        verbose_name=_("операторы"),
        help_text=_(
            "Пользователи организации-оператора, загружающие результаты этой кампании."
        ),
    )
    status = models.CharField(
        _("статус"),
        max_length=12,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
        help_text=_(
            "Меняется только действиями на странице «Ход кампании» "
            "(или командой manage.py campaign)."
        ),
    )
    recomputed_at = models.DateTimeField(_("пересчитано"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("отозвано"), null=True, blank=True)
    withdrawal_note = models.TextField(
        _("причина отзыва"),
        blank=True,
        help_text=_("Публичное пояснение, почему результаты отозваны."),
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "kind"]
        verbose_name = _("кампания")
        verbose_name_plural = _("кампании")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="qp_campaign_period_order",
                violation_error_message=_("Окончание периода раньше его начала."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Only comparable (2018+, 0–100) method versions are accepted."""
        try:
            get_method(self.method_version)
        except RatingInputError as error:
            raise ValidationError(
                {"method_version": [e.message for e in error.errors]}
            ) from error


class IndicatorInput(models.Model):
    """The inputs of the 15 indicators for one organisation in one campaign.

    Counts follow the calculator contract of METHOD.md §6; ``yes`` and
    ``answered`` map question codes (``q1``…``q15``) to counts.
    """

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("организация"),
    )
    respondents = models.PositiveIntegerField(_("респондентов"))
    info_stand_present = models.PositiveIntegerField(_("стенды: размещено"))
    info_stand_required = models.PositiveIntegerField(_("стенды: требуется"))
    info_stand_not_applicable = models.PositiveIntegerField(
        _("стенды: «не применимо»"),
        default=0,
        help_text=_(
            "Пункты перечня, не применимые к организации (в «требуется» не входят)."
        ),
    )
    info_site_present = models.PositiveIntegerField(_("сайт: размещено"))
    info_site_required = models.PositiveIntegerField(_("сайт: требуется"))
    info_site_not_applicable = models.PositiveIntegerField(
        _("сайт: «не применимо»"),
        default=0,
        help_text=_(
            "Пункты перечня, не применимые к организации (в «требуется» не входят)."
        ),
    )
    remote_channels = models.PositiveSmallIntegerField(
        _("дистанционных способов связи")
    )
    comfort_conditions = models.PositiveSmallIntegerField(_("комфортных условий"))
    premises_access = models.PositiveSmallIntegerField(
        _("оборудование для инвалидов (из 5)")
    )
    service_access = models.PositiveSmallIntegerField(_("условия доступности (из 6)"))
    yes = models.JSONField(_("ответы «да»"), default=dict)
    answered = models.JSONField(_("ответивших на вопрос"), default=dict, blank=True)
    source = models.CharField(
        _("источник"),
        max_length=10,
        choices=DataSource.choices,
        default=DataSource.MANUAL,
    )
    source_reference = models.CharField(
        _("ссылка на источник"),
        max_length=300,
        blank=True,
        help_text=_("Файл импорта, номер акта или иное основание."),
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("изменил"),
    )

    class Meta:
        verbose_name = _("исходные данные оценки")
        verbose_name_plural = _("исходные данные оценки")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="qp_input_unique_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}"

    def clean(self) -> None:
        """Validate the inputs with the rating method; name each bad field."""
        try:
            parse_inputs(self.as_calculator_input())
        except RatingInputError as error:
            raise ValidationError(inputs_errors_by_field(error)) from error

    @staticmethod
    def fields_from(inputs: OrganisationInputs) -> dict[str, object]:
        """Model field values from validated calculator inputs (inverse of
        :meth:`as_calculator_input`)."""
        fields = {name: getattr(inputs, name) for name in FLAT_FIELDS}
        return fields | {"yes": dict(inputs.yes), "answered": dict(inputs.answered)}

    def as_calculator_input(self) -> dict[str, object]:
        """Return the inputs in the calculator's JSON shape (METHOD.md §6)."""
        return calculator_input(self, self.campaign.method_version)


class SurveyResponse(models.Model):
    """One questionnaire or interview. Anonymous: no name, phone or address."""

    # No index of its own: the (campaign, organisation) index serves campaign
    # look-ups, and every questionnaire insert maintains one index fewer.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("кампания"),
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("организация"),
    )
    number = models.CharField(
        _("номер анкеты"),
        max_length=40,
        blank=True,
        help_text=_(
            "Номер в файле учреждения; по нему повторный импорт узнаёт анкету."
        ),
    )
    answers = models.JSONField(
        _("ответы"), default=dict, help_text=_("q1…q15: да/нет/пропуск.")
    )
    suggestion = models.TextField(_("предложения (вопрос 16)"), blank=True)
    channel = models.CharField(_("канал"), max_length=20, choices=SurveyChannel.choices)
    kind = models.CharField(
        _("форма"),
        max_length=15,
        choices=SurveyKind.choices,
        default=SurveyKind.QUESTIONNAIRE,
    )
    external_territorial = models.BooleanField(
        _("экстерриториальная анкета"),
        default=False,
        help_text=_("Не учитывается в выборке Декады."),
    )
    sex = models.CharField(
        _("пол"),
        max_length=1,
        blank=True,
        choices=[("m", _("мужской")), ("f", _("женский"))],
    )
    age_group = models.CharField(_("возраст"), max_length=10, blank=True)
    collected_on = models.DateField(_("дата анкетирования"))
    source = models.CharField(
        _("источник"),
        max_length=10,
        choices=DataSource.choices,
        default=DataSource.MANUAL,
    )
    excluded = models.BooleanField(_("исключена"), default=False)
    exclusion_reason = models.CharField(
        _("причина исключения"), max_length=300, blank=True
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("анкета")
        verbose_name_plural = _("анкеты")
        indexes = [models.Index(fields=["campaign", "organisation"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation", "number"],
                condition=~models.Q(number=""),
                name="qp_response_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Анкета №{self.pk} — {self.organisation}"


class ScoredResult(models.Model):
    """The figures of one organisation: a working result or a published one.

    Subclasses add what the figures belong to (a campaign or a publication) and
    the ``organisation`` foreign key.
    """

    method_version = models.CharField(_("версия методики"), max_length=40)
    indicators = models.JSONField(_("показатели"), default=dict)
    regional_indicators = models.JSONField(
        _("региональные показатели"),
        default=dict,
        blank=True,
        help_text=_(
            "Дополнительные показатели региона по версии методики (код → значение); "
            "в итоговый балл не входят, если версия методики не включает их в критерий."
        ),
    )
    k1 = models.DecimalField(_("К1"), **SCORE)
    k2 = models.DecimalField(_("К2"), **SCORE)
    k3 = models.DecimalField(_("К3"), **SCORE)
    k4 = models.DecimalField(_("К4"), **SCORE)
    k5 = models.DecimalField(_("К5"), **SCORE)
    total = models.DecimalField(_("итоговый балл"), **SCORE)
    rank = models.PositiveIntegerField(_("место"), null=True, blank=True)
    notes = models.JSONField(_("примечания"), default=list, blank=True)
    inputs_snapshot = models.JSONField(_("исходные данные"), default=dict)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.organisation}: {format_score(self.total)}"


class Result(ScoredResult):
    """The working (recomputable) result of one organisation in one campaign."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("организация"),
    )
    computed_at = models.DateTimeField(_("рассчитано"), auto_now=True)

    class Meta:
        ordering = ["rank", "organisation__short_name"]
        verbose_name = _("результат оценки")
        verbose_name_plural = _("результаты оценки")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"],
                name="qp_result_unique_per_campaign",
            )
        ]


class Publication(models.Model):
    """A frozen, public version of a campaign's results.

    Re-imports and recomputations never change a publication; a correction is a
    new publication (version + 1) with a public note.
    """

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="publications",
        verbose_name=_("кампания"),
    )
    version = models.PositiveIntegerField(_("версия"))
    note = models.TextField(_("примечание к версии"), blank=True)
    published_at = models.DateTimeField(_("опубликовано"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("опубликовал"),
    )

    class Meta:
        ordering = ["campaign", "-version"]
        verbose_name = _("публикация результатов")
        verbose_name_plural = _("публикации результатов")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "version"], name="qp_publication_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign}, версия {self.version}"


class PublishedResult(ScoredResult):
    """One organisation's figures as frozen in a publication."""

    publication = models.ForeignKey(
        Publication,
        on_delete=models.CASCADE,
        related_name="results",
        verbose_name=_("публикация"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="published_results",
        verbose_name=_("организация"),
    )
    input_source = models.CharField(_("источник данных"), max_length=10, blank=True)
    input_reference = models.CharField(
        _("ссылка на источник"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["rank", "organisation__short_name"]
        verbose_name = _("опубликованный результат")
        verbose_name_plural = _("опубликованные результаты")
        # Lists of one publication in rating order (API pages, rating tables).
        indexes = [
            models.Index(fields=["publication", "rank"], name="qp_pubresult_rank")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "organisation"],
                name="qp_published_result_unique",
            )
        ]


class DecadeSummary(models.Model):
    """An institution's summary of its Декада (annex 2 of the regulation).

    Institutions that do not send every questionnaire send these aggregates:
    how many questionnaires, by channel and by kind, and the "yes" answers
    per question. Imported with the ``decade_summary`` form.
    """

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="decade_summaries",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="decade_summaries",
        verbose_name=_("организация"),
    )
    base = models.PositiveIntegerField(
        _("база выборки"),
        null=True,
        blank=True,
        help_text=_("Получатели услуг (учреждения) или состоящие на учёте (УСЗН)."),
    )
    questionnaires = models.PositiveIntegerField(_("анкет учтено"))
    external_territorial = models.PositiveIntegerField(
        _("экстерриториальных анкет"), default=0
    )
    by_channel = models.JSONField(_("по каналам"), default=dict, blank=True)
    by_kind = models.JSONField(_("по формам опроса"), default=dict, blank=True)
    yes = models.JSONField(_("ответы «да» по вопросам"), default=dict, blank=True)
    answered = models.JSONField(
        _("ответов по вопросам"),
        default=dict,
        blank=True,
        help_text=_(
            "Число ответов на каждый вопрос; сохраняется при удалении анкет "
            "по сроку хранения. Если не указано, доли считаются по методике: "
            "от числа анкет, для зависимых вопросов — от ответов «да» на "
            "вопрос-фильтр."
        ),
    )
    source = models.CharField(
        _("источник"),
        max_length=10,
        choices=DataSource.choices,
        default=DataSource.IMPORT,
    )
    source_reference = models.CharField(
        _("ссылка на источник"), max_length=300, blank=True
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("сводная информация Декады")
        verbose_name_plural = _("сводная информация Декады")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="qp_decade_summary_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}"


class SampleBase(models.Model):
    """The sample base of one organisation in one Декада, fixed with the campaign.

    Seed 000 §3.1: people registered at the start of the year (УСЗН offices),
    people receiving services at the time of the survey (institutions). Taken
    from the register when the Декада is opened (УСЗН) or published (the
    others, unless entered before), from an imported summary's «База выборки»,
    or entered by an editor. Published figures read only this value, so a
    later change of the register changes nothing public.
    """

    class Source(models.TextChoices):
        REGISTER = "register", _("Реестр организаций")
        IMPORT = "import", _("Сводная информация (импорт)")
        MANUAL = "manual", _("Введено вручную")

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="sample_bases",
        verbose_name=_("кампания"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="sample_bases",
        verbose_name=_("организация"),
    )
    base = models.PositiveIntegerField(
        _("база выборки"),
        null=True,
        blank=True,
        help_text=_(
            "УСЗН — состоящие на учёте на начало года, учреждения — получатели "
            "услуг на момент опроса. Пусто — база неизвестна."
        ),
    )
    source = models.CharField(
        _("источник"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        ordering = ["campaign", "organisation__short_name"]
        verbose_name = _("база выборки Декады")
        verbose_name_plural = _("базы выборки Декады")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "organisation"], name="qp_sample_base_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}: {self.base}"
