"""Who may import what: editors anything, operators their campaigns,
institutions only rows of their own organisations."""

from __future__ import annotations

from evaluation.imports.errors import ImportFileError
from evaluation.imports.forms import ImportForm
from evaluation.models import Campaign

EDITOR_PERMISSION = "qp_evaluation.import_any"


def import_scope(
    user, form: type[ImportForm], campaign: Campaign | None
) -> frozenset[int] | None:
    """The organisations ``user`` may import rows for (None: all).

    Raises:
        ImportFileError: the user may not import this form or campaign at all.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise ImportFileError("Загружать данные могут только вошедшие пользователи.")
    if user.is_superuser or user.has_perm(EDITOR_PERMISSION):
        return None
    if campaign is not None and campaign.operators.filter(pk=user.pk).exists():
        return None
    if form.name == "organisations":
        raise ImportFileError("Реестр организаций загружает редактор министерства.")
    if form.name == "regional_plan":
        raise ImportFileError("План организации НОК загружает редактор министерства.")
    own = frozenset(user.qp_organisations.values_list("pk", flat=True))
    if not own:
        raise ImportFileError(
            "Ваша учётная запись не привязана ни к одной организации и не назначена "
            "оператором этой кампании: загрузка недоступна."
        )
    return own
