"""Who may import what: editors anything, operators their campaigns,
institutions only rows of their own organisations.

The decision is :mod:`evaluation.roles`' (the one permission policy); this
module turns it into the scope the import forms check row by row.
"""

from __future__ import annotations

from evaluation import roles
from evaluation.imports.errors import ImportFileError
from evaluation.imports.sheets.base import ImportForm
from evaluation.models import Campaign

EDITOR_PERMISSION = roles.IMPORT_ANY

#: Region-wide forms: no organisation of their own, so only the ministry's
#: editors load them (operators and institutions are refused with this reason).
EDITOR_ONLY_FORMS = {
    "organisations": "Реестр организаций загружает редактор министерства.",
    "regional_plan": "План организации НОК загружает редактор министерства.",
    "target_indicators": "Целевые показатели загружает редактор министерства.",
    "past_results": "Опубликованные результаты прошлых лет загружает редактор "
    "министерства.",
}

#: Forms an institution may not send even for itself.
OPERATOR_FORMS = {
    "nok_results": "Результаты НОК загружает оператор кампании или редактор "
    "министерства.",
}


def import_scope(
    user, form: type[ImportForm], campaign: Campaign | None
) -> frozenset[int] | None:
    """The organisations ``user`` may import rows for (None: all).

    Raises:
        ImportFileError: the user may not import this form or campaign at all.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        raise ImportFileError("Загружать данные могут только вошедшие пользователи.")
    if not user.is_active:
        raise ImportFileError("Учётная запись отключена: загрузка недоступна.")
    if roles.is_editor(user):
        return None
    if form.name in EDITOR_ONLY_FORMS:
        raise ImportFileError(EDITOR_ONLY_FORMS[form.name])
    if roles.operates(user, campaign):
        return None
    own = frozenset(roles.organisations_of(user).values_list("pk", flat=True))
    if not own:
        raise ImportFileError(
            "Ваша учётная запись не привязана ни к одной организации и не назначена "
            "оператором этой кампании: загрузка недоступна."
        )
    if form.name in OPERATOR_FORMS:
        raise ImportFileError(OPERATOR_FORMS[form.name])
    return own
