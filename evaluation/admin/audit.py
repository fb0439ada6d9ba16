"""The evaluation audit trail in Wagtail's audit log (admin adapter).

* Every :class:`~evaluation.models.AuditEvent` (imports, recomputes,
  publications, reviews, reminders, retention…, written by
  :func:`evaluation.audit.record`) is mirrored, in the same transaction, as
  a Wagtail log entry ``qp.<action>`` against the object it is about, or
  against the event itself when that object is gone. Known actions have
  Russian labels; any other is logged as ``qp.other`` with the original
  action in its data.
* Permission changes are audited too: group membership and direct
  permissions of users, permissions of groups, users bound to organisations
  (``Organisation.users``) and operators of campaigns
  (``Campaign.operators``). The actor is the user of Wagtail's active log
  context: the admin wraps every view in one, so changes made in the admin
  name who made them; changes from the shell or a command have no actor.
* The report «Журнал действий» is Wagtail's site history report
  (``wagtailadmin_reports:site_history``): it lists these entries with
  filters by action, user, object type and date, and exports CSV and XLSX.
  A menu item under «Отчёты» links it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.text import capfirst
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogFormatter, get_active_log_context, log

from evaluation import roles
from evaluation.audit import record
from evaluation.models import AuditEvent, Campaign, Organisation

PREFIX = "qp."
OTHER = "other"

#: Russian labels of the audit actions, by ``AuditEvent.action``.
ACTION_LABELS: dict[str, str] = {
    "import.apply": "Загрузка файла (импорт)",
    "import.undo": "Отмена импорта",
    "inputs.create": "Ввод исходных данных",
    "inputs.update": "Изменение исходных данных",
    "recompute": "Пересчёт результатов",
    "publish": "Публикация результатов",
    "campaign.create": "Создание кампании",
    "campaign.status": "Смена статуса кампании",
    "campaign.organisations": "Изменён состав организаций кампании",
    "sample_base.change": "Изменена база выборки Декады",
    "submissions": "Сроки представления документов",
    "reminders.send": "Напоминания о сроках",
    "council.decision": "Решение общественного совета",
    "plan.status": "Смена статуса плана мероприятий",
    "plan.revision": "Новая редакция плана мероприятий",
    "plan.superseded": "Редакция плана заменена новой",
    "plan.execution": "Исполнение регионального плана",
    "review.created": "Документ передан на рассмотрение",
    "review.submitted": "Документ направлен в общественный совет",
    "review.resubmitted": "Документ направлен повторно",
    "review.returned": "Документ возвращён на доработку",
    "review.cancelled": "Документ снят с рассмотрения совета",
    "review.reworked": "Документ доработан",
    "review.approved": "Документ одобрен общественным советом",
    "review.published": "Решение совета опубликовано",
    "objection.filed": "Подано возражение",
    "objection.answered": "Ответ на возражение",
    "note.create": "Пояснительная записка создана",
    "note.prefill": "Пояснительная записка заполнена из анкет",
    "note.submit": "Пояснительная записка представлена",
    "note.return": "Пояснительная записка возвращена",
    "note.item_delete": "Пункт пояснительной записки удалён",
    "note.attachment_add": "Вложение пояснительной записки добавлено",
    "note.attachment_delete": "Вложение пояснительной записки удалено",
    "note.gallery": "Изменена галерея рисунков",
    "decade.consolidate": "Сводная информация Декады",
    "questionnaire.accept": "Анкета принята",
    "questionnaire.exclude": "Анкета исключена",
    "questionnaire.include": "Анкета возвращена в расчёт",
    "questionnaire.purge": "Удаление анкет по сроку хранения",
    "questionnaire.erase_ip": "Удаление хешей адресов анкет",
    "suggestion.approve": "Предложение гражданина опубликовано",
    "suggestion.reject": "Предложение гражданина отклонено",
    "survey.counts": "Численность получателей услуг",
    "website.check": "Проверка сайта",
    "website.prefill": "Перенос мониторинга сайтов",
    "instruction.issue": "Выдано поручение министерства",
    "instruction.answer": "Ответ на поручение министерства",
    "instruction.return": "Ответ на поручение возвращён на доработку",
    "instruction.accept": "Ответ на поручение принят",
    "instruction.close": "Поручение закрыто повторной проверкой сайта",
    "instruction.remind": "Напоминание о сроке поручения",
    "permissions.groups": "Изменены группы пользователя",
    "permissions.user": "Изменены права пользователя",
    "permissions.group": "Изменены права группы",
    "permissions.organisation_users": "Изменены пользователи учреждения",
    "permissions.campaign_operators": "Изменены операторы кампании",
    OTHER: "Прочее действие (журнал оценки)",
}


def action_label(action: str) -> str:
    """The Russian label of an audit action (the code itself if unknown)."""
    return ACTION_LABELS.get(action, action)


def user_label(user) -> str:
    """A user as the audit names them: the full name, else the login."""
    if user is None:
        return "—"
    return user.get_full_name().strip() or user.get_username()


def object_type_label(object_type: str) -> str:
    """``qp_evaluation.campaign`` → «Кампания» (the model's verbose name)."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return capfirst(str(model._meta.verbose_name))


def wagtail_action(action: str) -> str:
    """The Wagtail log action of an audit action (``qp.other`` if unknown)."""
    return PREFIX + (action if action in ACTION_LABELS else OTHER)


class AuditFormatter(LogFormatter):
    """Shows the event's Russian summary as the log entry's message."""

    def format_message(self, log_entry) -> str:
        return (log_entry.data or {}).get("summary") or str(self.label)


@hooks.register("register_log_actions")
def register_audit_actions(actions) -> None:
    for action, label in ACTION_LABELS.items():
        formatter = type(
            "QpAuditFormatter", (AuditFormatter,), {"label": label, "message": label}
        )
        actions.register_action(PREFIX + action)(formatter)


def subject_of(event: AuditEvent):
    """The object an event is about, or the event itself when it is gone."""
    try:
        model = apps.get_model(event.object_type)
    except (LookupError, ValueError):
        return event
    if not event.object_id:
        return event
    try:
        found = model._default_manager.filter(pk=event.object_id).first()
    except (ValueError, TypeError):  # an id that is not a valid key
        found = None
    return found if found is not None else event


@receiver(post_save, sender=AuditEvent, dispatch_uid="qp_audit_to_wagtail_log")
def mirror_audit_event(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    """Write a Wagtail log entry for every new audit event."""
    if not created or kwargs.get("raw"):
        return
    subject = subject_of(instance)
    data = {
        "summary": instance.summary,
        "audit_event": instance.pk,
        "object_type": instance.object_type,
        "object_id": instance.object_id,
    }
    if instance.action not in ACTION_LABELS:
        data["action"] = instance.action
    if instance.data:
        data["details"] = instance.data
    log(
        instance=subject,
        action=wagtail_action(instance.action),
        user=instance.actor,
        data=data,
        title=(instance.summary if subject is instance else _label(subject))[:255],
    )


# ----------------------------------------------------------- permission changes


def _actor():
    user = get_active_log_context().user
    return user if getattr(user, "pk", None) else None


#: Django's default permissions by their codename's verb (their stored names
#: are English: "Can add …").
_PERMISSION_VERBS = {
    "add": "добавление",
    "change": "изменение",
    "delete": "удаление",
    "view": "просмотр",
}


def _permission_label(permission: Permission) -> str:
    """A permission in Russian: «изменение — организация» or its own name."""
    verb, _, model = permission.codename.partition("_")
    model_class = permission.content_type.model_class()
    known = verb in _PERMISSION_VERBS and model == permission.content_type.model
    if known and model_class is not None:
        return f"{_PERMISSION_VERBS[verb]} — {model_class._meta.verbose_name}"
    return str(permission.name)


def _label(obj) -> str:
    if isinstance(obj, Permission):
        return _permission_label(obj)
    if isinstance(obj, get_user_model()):
        return user_label(obj)
    return str(obj)


_VERBS = {"post_add": "добавлены", "post_remove": "удалены", "post_clear": "удалены"}


def _audit(owner, related, *, action: str, audit_action: str, what: str, noun: str):
    names = sorted(_label(obj) for obj in related)
    if not names:
        return
    record(
        audit_action,
        owner,
        f"{what} «{_label(owner)}»: {_VERBS[action]} {noun} "
        + ", ".join(f"«{name}»" for name in names),
        _actor(),
        change="add" if action == "post_add" else "remove",
        items=names,
    )


def audit_m2m(owner_model, field_name: str, audit_action: str, what: str, noun: str):
    """Audit changes of ``owner_model.field_name`` made from either side.

    Events are always about the owner (the user, group, organisation or
    campaign whose field it is) and list the related objects added or removed.
    """
    field = owner_model._meta.get_field(field_name)
    related_model = field.related_model
    through = field.remote_field.through
    reverse_accessor = field.remote_field.get_accessor_name()

    def handler(sender, instance, action, reverse, pk_set, **kwargs):
        if action == "pre_clear":
            manager = getattr(instance, reverse_accessor if reverse else field_name)
            cleared = instance.__dict__.setdefault("_qp_cleared", {})
            cleared[audit_action] = set(manager.values_list("pk", flat=True))
            return
        if action not in _VERBS:
            return
        if action == "post_clear":
            pk_set = instance.__dict__.get("_qp_cleared", {}).pop(audit_action, set())
        if not pk_set:
            return
        options = {"action": action, "audit_action": audit_action}
        options.update(what=what, noun=noun)
        if not reverse:
            related = related_model._default_manager.filter(pk__in=pk_set)
            _audit(instance, list(related), **options)
            return
        for owner in owner_model._default_manager.filter(pk__in=pk_set):
            _audit(owner, [instance], **options)

    m2m_changed.connect(
        handler, sender=through, weak=False, dispatch_uid=f"qp_audit_{audit_action}"
    )
    return handler


User = get_user_model()
audit_m2m(User, "groups", "permissions.groups", "Пользователь", "группы")
audit_m2m(User, "user_permissions", "permissions.user", "Пользователь", "права")
audit_m2m(Group, "permissions", "permissions.group", "Группа", "права")
audit_m2m(
    Organisation,
    "users",
    "permissions.organisation_users",
    "Организация",
    "пользователи",
)
audit_m2m(
    Campaign, "operators", "permissions.campaign_operators", "Кампания", "операторы"
)


# ------------------------------------------------------------------ the report


class AuditReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return roles.is_editor(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_report_menu_item() -> MenuItem:
    return AuditReportMenuItem(
        "Журнал действий",
        reverse("wagtailadmin_reports:site_history"),
        icon_name="history",
        order=50,
    )
