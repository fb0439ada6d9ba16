"""The five roles of the portal and the questions every layer asks about them.

Roles are Wagtail (Django auth) groups created by migration ``0006_roles``.
This module is the one permission policy: the admin, the API and the import
flow ask it, never the group names directly.
"""

from __future__ import annotations

from django.db.models import QuerySet

EDITOR = "Редакторы"  # ministry and РМЦ: everything about content and data
INSTITUTION = "Учреждения"  # bound to organisations through Organisation.users
COUNCIL = "Общественный совет"  # reviews plans, reports and results
OPERATOR = "Операторы"  # bound to campaigns through Campaign.operators
ADMINISTRATOR = "Администраторы"  # users, groups and settings

ROLES = (EDITOR, INSTITUTION, COUNCIL, OPERATOR, ADMINISTRATOR)


def has_role(user, role: str) -> bool:
    """Whether ``user`` is an active, signed-in member of ``role``'s group."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    return user.groups.filter(name=role).exists()


def is_editor(user) -> bool:
    """Editors, administrators and superusers may see and change everything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.is_superuser
        or has_role(user, EDITOR)
        or has_role(user, ADMINISTRATOR)
        or user.has_perm("qp_evaluation.import_any")
    )


def is_council_member(user) -> bool:
    """Members of the public council review and decide."""
    return has_role(user, COUNCIL)


def organisations_of(user) -> QuerySet:
    """Organisations the user works for (empty for anonymous users)."""
    from evaluation.models import Organisation

    if user is None or not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(users=user)


def campaigns_operated_by(user) -> QuerySet:
    """Campaigns the user is an operator of (empty for anonymous users)."""
    from evaluation.models import Campaign

    if user is None or not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    return Campaign.objects.filter(operators=user)
