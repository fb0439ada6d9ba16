"""Council review is driven by Wagtail's workflow signals, not by the task model.

The task model decides who may act and moves the workflow on; the receivers in
``publications.review`` (connected in ``AppConfig.ready``) do the rest. So the
model never imports the review services, and a workflow without the council's
task leaves no trace of the council.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

from evaluation.models import AuditEvent, CouncilDecision
from publications.models import StandardPage

MODEL_MODULE = Path(__file__).resolve().parents[2] / "publications/models/review.py"


def _imports(tree: ast.AST) -> list[str]:
    """Every module the source imports, wherever the import statement stands."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.extend(f"{base}:{alias.name}" for alias in node.names)
    return names


def test_the_task_model_imports_no_review_service_and_nothing_inside_functions():
    tree = ast.parse(MODEL_MODULE.read_text(encoding="utf-8"))
    imported = _imports(tree)
    assert "wagtail.models:TaskState" in imported  # the walk sees the imports
    review_imports = [
        name
        for name in imported
        if "review" in name.split(":")[0].split(".") or name.endswith(":review")
    ]
    assert review_imports == []
    inner = [
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and any(
            isinstance(child, ast.Import | ast.ImportFrom) for child in ast.walk(node)
        )
    ]
    assert inner == []


@pytest.mark.django_db
def test_a_workflow_without_the_council_task_leaves_no_council_trace(
    django_user_model,
):
    admin = django_user_model.objects.create_superuser("admin", password="secret-pw")
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.create(name="Проверка модератором")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Модерация")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    root = Page.objects.get(depth=1)
    page = root.add_child(instance=StandardPage(title="О проекте", slug="o-proekte"))
    page.save_revision(user=admin)

    state = workflow.start(page, admin)
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, admin, "approve")

    state.refresh_from_db()
    page.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert page.live is True
    assert CouncilDecision.objects.count() == 0
    assert (
        list(
            AuditEvent.objects.filter(action__startswith="review.").values_list(
                "action", flat=True
            )
        )
        == []
    )
