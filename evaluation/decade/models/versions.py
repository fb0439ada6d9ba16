"""The frozen figures of each published version of a Декада качества."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models.organisations import Organisation
from evaluation.nok.models.campaigns import Publication


class DecadeVersion(models.Model):
    """What one publication of a Декада showed: each organisation's base and figures.

    A Декада's summaries are computed from questionnaires and annex-2
    summaries; publishing freezes the bases and the figures here, so the
    public page of a version never changes, and a correction is a new
    :class:`~evaluation.models.Publication` with its own frozen figures.
    """

    publication = models.OneToOneField(
        Publication,
        on_delete=models.CASCADE,
        related_name="decade_version",
        verbose_name=_("публикация"),
    )
    bases = models.JSONField(
        _("базы выборки"),
        default=dict,
        help_text=_("Организация (id) → база выборки на момент публикации."),
    )
    figures = models.JSONField(
        _("итоги"),
        default=dict,
        help_text=_(
            "Организация (id) → анкеты, база, доля выборки, удовлетворённость."
        ),
    )
    summaries = models.JSONField(
        _("сводки"),
        default=dict,
        help_text=_(
            "Организация (id) → её итоги Декады целиком, как их показывают "
            "публичные страницы, API и открытые данные этой версии."
        ),
    )

    class Meta:
        verbose_name = _("версия итогов Декады")
        verbose_name_plural = _("версии итогов Декады")

    def __str__(self) -> str:
        return str(self.publication)


class DecadeVersionSummary(models.Model):
    """One organisation's whole Декада summary as a published version froze it.

    The card reads its organisation's row by key; the version's
    ``summaries`` JSON (every organisation's) stays for the pages that show
    the whole region at once.
    """

    version = models.ForeignKey(
        DecadeVersion,
        on_delete=models.CASCADE,
        related_name="summary_rows",
        verbose_name=_("версия итогов"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("организация"),
    )
    summary = models.JSONField(_("сводка"))

    class Meta:
        verbose_name = _("сводка организации в версии итогов Декады")
        verbose_name_plural = _("сводки организаций в версиях итогов Декады")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"],
                name="decade_version_summary_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.organisation_id}"
