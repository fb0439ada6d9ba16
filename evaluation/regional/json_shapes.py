"""JSON shapes of the regional НОК plan, shared by API v1 and the blocks."""

from __future__ import annotations

from typing import Any

from evaluation.models import RegionalPlan
from evaluation.regional import selectors as regional


def _decimal(value) -> str | None:
    return None if value is None else str(value)


def plan_json(plan: RegionalPlan) -> dict[str, Any]:
    """The plan's identity and period."""
    return {
        "id": plan.pk,
        "title": plan.title,
        "approved_by": plan.approved_by,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "base_year": plan.base_year,
    }


def item_json(row: regional.ItemStatus) -> dict[str, Any]:
    """One item with its periods in the year, their states and executions."""
    item = row.item
    return {
        "id": item.pk,
        "number": item.number,
        "parent": item.parent_id,
        "measure": item.measure,
        "form": item.form,
        "deadline": item.deadline_text,
        "schedule": row.schedule.describe() if row.schedule else None,
        "schedule_kind": str(row.schedule.kind) if row.schedule else None,
        "executors": item.executors,
        "state": str(row.state) if row.state else None,
        "last_done": row.last_done.isoformat() if row.last_done else None,
        "periods": [
            {
                "label": p.period.label,
                "due": p.period.due.isoformat(),
                "state": str(p.state),
                "done_on": p.execution.done_on.isoformat() if p.execution else None,
            }
            for p in row.periods
        ],
        "executions": [
            {
                "done_on": e.done_on.isoformat(),
                "period_due": e.period_due.isoformat() if e.period_due else None,
                "summary": e.summary,
                "document_title": e.document_title or None,
                "document_url": e.document_url or None,
                "decision": e.decision.number if e.decision else None,
            }
            for e in row.executions
        ],
    }


def status_json(
    status: regional.PlanStatus, rows: list[regional.ItemStatus] | None = None
) -> dict[str, Any]:
    return {
        "plan": plan_json(status.plan),
        "year": status.year,
        "today": status.today.isoformat(),
        "counts": status.counts,
        "items": [item_json(row) for row in (status.items if rows is None else rows)],
    }


def targets_json(targets: regional.PlanTargets) -> dict[str, Any]:
    """Targets with base, plan and actual per year; computed actuals flagged."""
    return {
        "plan": plan_json(targets.plan),
        "base_year": targets.base_year,
        "years": targets.years,
        "indicators": [
            {
                "id": row.indicator.pk,
                "title": row.indicator.title,
                "unit": row.indicator.unit,
                "source": row.indicator.source,
                "base": _decimal(row.base),
                "values": [
                    {
                        "year": cell.year,
                        "planned": _decimal(cell.planned),
                        "actual": _decimal(cell.actual),
                        "computed": cell.is_computed,
                        "counted": None
                        if cell.computed is None
                        else {
                            "numerator": cell.computed.numerator,
                            "denominator": cell.computed.denominator,
                        },
                        "achieved": cell.achieved,
                    }
                    for cell in row.cells
                ],
            }
            for row in targets.rows
        ],
    }


def monitoring_json(
    summary: regional.MonitoringSummary, *, with_rows: bool = True
) -> dict[str, Any]:
    """Totals of the latest website checks and, optionally, one row each."""
    rows = []
    for row in summary.rows if with_rows else []:
        check = row.check
        rows.append(
            {
                "organisation": {
                    "id": row.organisation.pk,
                    "slug": row.organisation.slug,
                    "short_name": row.organisation.short_name,
                },
                "checked_on": check.checked_on.isoformat() if check else None,
                "items": check.items if check else None,
                "info_present": check.info_present if check else None,
                "info_required": check.info_required if check else None,
                "channels": check.channels if check else None,
                "questionnaire": check.questionnaire_ok if check else None,
            }
        )
    return {
        "on": summary.on.isoformat(),
        "organisations": len(summary.rows),
        "checked": summary.checked,
        "with_questionnaire": summary.with_questionnaire,
        "questionnaire_share": _decimal(summary.questionnaire_share),
        "completeness": _decimal(summary.completeness),
        "missing": [{"item": label, "count": n} for label, n in summary.missing],
        "rows": rows,
    }
