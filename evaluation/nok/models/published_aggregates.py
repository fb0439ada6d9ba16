"""The aggregates of a НОК publication, computed once when it is published."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.nok.models.campaigns import Publication


class PublicationAggregates(models.Model):
    """Region, district and kind aggregates, distributions and counts of one
    publication version (issue #27): public pages read these instead of
    summing every published row on each request.

    Written by :func:`evaluation.nok.aggregates.store` when results are
    published; a correction is a new publication with its own row, so an
    earlier version keeps the figures it showed.
    """

    publication = models.OneToOneField(
        Publication,
        on_delete=models.CASCADE,
        related_name="stored_aggregates",
        verbose_name=_("публикация"),
    )
    data = models.JSONField(
        _("агрегаты"),
        default=dict,
        help_text=_(
            "Средние, наименьшие и наибольшие значения К1–К5 и итога по краю, "
            "районам и типам, распределения итоговых баллов, число мест."
        ),
    )
    computed_at = models.DateTimeField(_("рассчитано"), auto_now=True)

    class Meta:
        verbose_name = _("агрегаты публикации")
        verbose_name_plural = _("агрегаты публикаций")

    def __str__(self) -> str:
        return str(self.publication)
