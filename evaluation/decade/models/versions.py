"""The frozen figures of each published version of a Декада качества."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
