"""The evaluation audit log: every use case appends one event (kernel).

Wagtail's audit log mirrors these events (:mod:`evaluation.admin.audit`).
"""

from __future__ import annotations

from typing import Any

from evaluation.models import AuditEvent


def record(action: str, obj: Any, summary: str, actor=None, **data: Any) -> AuditEvent:
    """Append an event to the audit log."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        summary=summary[:500],
        data=data,
    )
