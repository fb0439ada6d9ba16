"""The council review process: submit, return for rework, resubmit, approve.

Documents (:class:`ReviewDocument`) and pages go through the Wagtail workflow
«Рассмотрение общественным советом» with one :class:`CouncilReviewTask`. The
task checks who may act; this module's receivers of Wagtail's workflow
signals (connected by ``PublicationsConfig.ready``) audit each step, move the
plan's status and record the council's decision, so the same rules apply
whether a step is taken in the Wagtail admin or by a service call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from wagtail.models import (
    Page,
    TaskState,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)
from wagtail.signals import (
    task_rejected,
    task_submitted,
    workflow_approved,
    workflow_cancelled,
)

from evaluation import roles
from evaluation.audit import record
from evaluation.deadlines import WorkingCalendar
from evaluation.enums import PlanStatus
from evaluation.models import Campaign, ImprovementPlan, Objection, Organisation
from evaluation.nok import objections
from evaluation.plans import council

from .cache import bump_data_version
from .conf import publications_settings
from .exceptions import ReviewError
from .models import CouncilReviewTask, ReviewDocument, ReviewKind

WORKFLOW_NAME = "Рассмотрение общественным советом"


# ------------------------------------------------------------------ set-up


@transaction.atomic
def ensure_council_workflow() -> Workflow:
    """The council workflow with its task, assigned to review documents.

    Idempotent: running it again changes nothing (the data migration does the
    same on a fresh database; tests and demo data call this).
    """
    task = CouncilReviewTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = CouncilReviewTask.objects.create(name=WORKFLOW_NAME)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    WorkflowContentType.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(ReviewDocument),
        defaults={"workflow": workflow},
    )
    return workflow


def assign_council_workflow_to_page(page: Page) -> Workflow:
    """Route ``page`` and its descendants (e.g. the results pages) through the council."""
    workflow = ensure_council_workflow()
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


# ------------------------------------------------------------------ permission


def may_act_for(user, organisation: Organisation) -> bool:
    """Editors act for any organisation; institutions only for their own."""
    return (
        roles.is_editor(user)
        or roles.organisations_of(user).filter(pk=organisation.pk).exists()
    )


def readable_documents(user, queryset):
    """The documents under council review ``user`` may read.

    Editors, the council and the РМЦ read all; a public organisation the
    documents of the campaigns it is invited to check, once sent to the
    council (drafts stay the institution's); everyone else those of their
    own organisations.
    """
    if roles.is_editor(user) or roles.is_council_member(user) or roles.is_rmc(user):
        return queryset
    own = Q(organisation__in=roles.organisations_of(user))
    if not roles.is_checker(user):
        return queryset.filter(own)
    sent = ReviewDocument.objects.filter(
        Q(live=True) | Q(_workflow_states__isnull=False),
        campaign__in=roles.campaigns_checked_by(user),
    ).values("pk")
    return queryset.filter(own | Q(pk__in=sent))


def may_read(user, document: ReviewDocument) -> bool:
    """Whether ``user`` may open (and download) one document under review."""
    if user.is_authenticated and document.author_id == user.pk:
        return True
    readable = readable_documents(user, ReviewDocument.objects.all())
    return readable.filter(pk=document.pk).exists()


def _check_may_act_for(user, organisation: Organisation) -> None:
    if not may_act_for(user, organisation):
        raise PermissionDenied(f"Нет прав на документы организации «{organisation}».")


# ------------------------------------------------------------------ documents


@transaction.atomic
def create_review_document(
    *,
    kind: str,
    organisation: Organisation,
    campaign: Campaign,
    user,
    title: str = "",
    plan=None,
    file=None,
    description: str = "",
) -> ReviewDocument:
    """Create a draft document for council review, with its first revision."""
    _check_may_act_for(user, organisation)
    if plan is not None and plan.organisation_id != organisation.pk:
        raise ReviewError("План относится к другой организации.")
    document = ReviewDocument(
        kind=kind,
        organisation=organisation,
        campaign=campaign,
        plan=plan,
        title=title or f"{ReviewKind(kind).label}: {organisation.short_name}",
        description=description,
        author=user,
        live=False,
    )
    if file is not None:
        document.file.save(file.name, file, save=False)
    document.save()
    document.save_revision(user=user)
    record(
        "review.created",
        document,
        f"Подготовлен документ на рассмотрение: {document}",
        user,
        kind=kind,
        organisation=organisation.pk,
    )
    return document


@transaction.atomic
def rework_document(
    document: ReviewDocument,
    user,
    *,
    file=None,
    description: str | None = None,
    plan: ImprovementPlan | None = None,
) -> ReviewDocument:
    """Save a new revision of a returned, draft or approved document.

    ``plan`` points a plan document at another revision of the plan (a new
    one made by a re-import); the approved document stays public, naming the
    approved revision, until the council approves the new one.
    """
    _check_may_act_for(user, document.organisation)
    if document.workflow_in_progress:
        raise ReviewError("Документ на рассмотрении совета: изменять его нельзя.")
    draft = document.get_latest_revision_as_object()
    if plan is not None:
        if plan.organisation_id != document.organisation_id:
            raise ReviewError("План относится к другой организации.")
        draft.plan = plan
    if file is not None:
        draft.file.save(file.name, file, save=False)
    if description is not None:
        draft.description = description
    draft.save_revision(user=user)
    record("review.reworked", document, f"Документ доработан: {document}", user)
    return document


def record_editor_rework(document: ReviewDocument, user) -> bool:
    """Record ``review.reworked`` for an edit made in Wagtail's editor.

    The cabinet's :func:`rework_document` records it itself; an author may as
    well edit a returned document in the snippet editor. An edit counts as
    rework when the document's current workflow run has been returned by the
    council. Returns whether an event was recorded. A plan the edit names
    is marked submitted when the document is under review.
    """
    sync_plan_under_review(document, user)
    state = document.current_workflow_state
    if (
        state is None
        or not state.task_states.filter(status=TaskState.STATUS_REJECTED).exists()
    ):
        return False
    record(
        "review.reworked",
        document,
        f"Документ доработан: {document}",
        user,
        via="editor",
    )
    return True


def submit_for_review(document, user) -> WorkflowState:
    """Send ``document`` (or a page) to the council, or back after rework."""
    organisation = getattr(document, "organisation", None)
    if organisation is not None:
        _check_may_act_for(user, organisation)
    state = document.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # The council reviews the newest revision. A member who returned the
        # document from Wagtail's editor saved one in their own name; the
        # rework is the resubmitter's, so it gets a revision of theirs (or
        # the member would count as its author and could not approve it).
        latest = document.get_latest_revision()
        if latest is None or latest.user_id != user.pk:
            document.save_revision(user=user)
        state.resume(user=user)
        return state
    if state is not None:
        raise ReviewError("Документ уже на рассмотрении совета.")
    workflow = document.get_workflow()
    if workflow is None:
        raise ReviewError("Для этого документа не назначен процесс рассмотрения.")
    return workflow.start(document, user)


def _task_state_of(document) -> TaskState:
    task_state = document.current_workflow_task_state
    if task_state is None or not isinstance(
        task_state.task.specific, CouncilReviewTask
    ):
        raise ReviewError(f"«{document}» не ожидает рассмотрения советом.")
    return task_state


def council_return(document, user, reason: str) -> None:
    """Return for rework with a reason (the council's "reject")."""
    task_state = _task_state_of(document)
    task_state.task.specific.on_action(task_state, user, "reject", comment=reason)


def council_approve(document, user, comment: str = "") -> None:
    """Approve: records and publishes a decision, publishes the document."""
    task_state = _task_state_of(document)
    task_state.task.specific.on_action(task_state, user, "approve", comment=comment)


# ------------------------------------------- receivers of workflow signals


def _content(task_state: TaskState):
    obj = task_state.workflow_state.content_object
    return obj.specific if isinstance(obj, Page) else obj


def _plan(task_state: TaskState) -> ImprovementPlan | None:
    """The plan a plan document under review names in its newest revision.

    That is what the council sees and what approval publishes, not the live
    document: after a re-import the institution points its approved document
    at the plan's new revision, and the live document keeps naming the
    approved one until the council approves the new.
    """
    return _plan_of(_content(task_state))


def _plan_of(document) -> ImprovementPlan | None:
    if getattr(document, "kind", "") != ReviewKind.PLAN:
        return None
    latest = document.get_latest_revision()
    named = latest.as_object() if latest is not None else document
    plan_id = getattr(named, "plan_id", None)
    return ImprovementPlan.objects.filter(pk=plan_id).first() if plan_id else None


def sync_plan_under_review(document: ReviewDocument, user) -> None:
    """Mark the plan a document names as submitted while it is under review.

    Wagtail's editor may send a document to the council (or back after
    rework) before it saves the edit that points it at another plan revision;
    the editor hook calls this once the save has gone through.
    """
    state = document.current_workflow_state
    if state is None or state.status != WorkflowState.STATUS_IN_PROGRESS:
        return
    plan = _plan_of(document)
    if plan is not None:
        council.set_plan_status(plan, PlanStatus.SUBMITTED, user)


def _council_task_state(task_state: TaskState) -> bool:
    """Whether ``task_state`` belongs to the council's task (not another task's)."""
    return issubclass(task_state.task.specific_class, CouncilReviewTask)


def on_submitted(sender, instance: TaskState, user=None, **kwargs) -> None:
    """``task_submitted``: audit a (re)submission; the plan is now under review."""
    if not _council_task_state(instance):
        return
    task_state = instance
    obj = _content(task_state)
    again = (
        task_state.workflow_state.task_states.exclude(pk=task_state.pk)
        .filter(status=TaskState.STATUS_REJECTED)
        .exists()
    )
    if isinstance(obj, ReviewDocument) and obj.author_id is None and user is not None:
        ReviewDocument.objects.filter(pk=obj.pk).update(author=user)
    record(
        "review.resubmitted" if again else "review.submitted",
        obj,
        f"{'Повторно направлено' if again else 'Направлено'} на рассмотрение "
        f"общественного совета: {obj}",
        user,
        revision=task_state.revision_id,
    )
    plan = _plan(task_state)
    if plan is not None:
        council.set_plan_status(plan, PlanStatus.SUBMITTED, user)


def on_returned(sender, instance: TaskState, user=None, **kwargs) -> None:
    """``task_rejected``: audit the return for rework with its reason."""
    if not _council_task_state(instance):
        return
    task_state = instance
    obj = _content(task_state)
    record(
        "review.returned",
        obj,
        f"Возвращено на доработку: {obj}",
        user,
        reason=task_state.comment,
    )
    plan = _plan(task_state)
    if plan is not None:
        council.set_plan_status(plan, PlanStatus.RETURNED, user)


def _council_approval(workflow_state: WorkflowState) -> TaskState | None:
    """The council's approving step in ``workflow_state``, the newest one."""
    return (
        workflow_state.task_states.filter(
            status=TaskState.STATUS_APPROVED,
            task__in=CouncilReviewTask.objects.all(),
        )
        .select_related("workflow_state")
        .order_by("-finished_at", "-pk")
        .first()
    )


def on_approved(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """``workflow_approved``: record and publish the council's decision.

    The council's task has published what it approved by now; the decision
    is recorded, named on the document and audited with the publication.
    Workflows without the council's task (Wagtail's moderation) are left alone.
    """
    task_state = _council_approval(instance)
    if task_state is None:
        return
    comment = task_state.comment
    obj = _content(task_state)
    decision = council.record_council_decision(
        title=f"Об одобрении: {obj}",
        text=comment or f"Общественный совет рассмотрел и одобрил документ «{obj}».",
        actor=user,
        organisation=getattr(obj, "organisation", None),
        campaign=getattr(obj, "campaign", None),
    )
    if isinstance(obj, ReviewDocument):
        ReviewDocument.objects.filter(pk=obj.pk).update(decision=decision)
    record(
        "review.approved",
        obj,
        f"Одобрено общественным советом: {obj} ({decision})",
        user,
        decision=decision.pk,
        comment=comment,
    )
    plan = _plan(task_state)
    if plan is not None:
        council.set_plan_status(plan, PlanStatus.APPROVED, user, on=decision.decided_on)
    obj.refresh_from_db()
    if getattr(obj, "live", False):
        record(
            "review.published", obj, f"Опубликовано: {obj}", user, decision=decision.pk
        )
    transaction.on_commit(bump_data_version)


def on_cancelled(sender, instance: WorkflowState, user=None, **kwargs) -> None:
    """``workflow_cancelled``: the document is no longer before the council.

    A plan under review or returned for rework becomes a draft again; an
    approved plan (a cancelled review of its new revision) stays approved.
    """
    task_state = (
        instance.task_states.filter(task__in=CouncilReviewTask.objects.all())
        .select_related("workflow_state")
        .order_by("-pk")
        .first()
    )
    if task_state is None:
        return
    obj = _content(task_state)
    record(
        "review.cancelled",
        obj,
        f"Снято с рассмотрения общественного совета: {obj}",
        user,
    )
    plan = _plan(task_state)
    if plan is not None and plan.status in (PlanStatus.SUBMITTED, PlanStatus.RETURNED):
        council.set_plan_status(plan, PlanStatus.DRAFT, user)


def connect() -> None:
    """Drive the council review from Wagtail's workflow signals."""
    for signal, receiver in (
        (task_submitted, on_submitted),
        (task_rejected, on_returned),
        (workflow_approved, on_approved),
        (workflow_cancelled, on_cancelled),
    ):
        signal.connect(receiver, dispatch_uid=f"qp-council-{receiver.__name__}")


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class ReviewComment:
    """A council comment on one review step."""

    text: str
    by: str
    at: datetime | None
    returned: bool


@dataclass(frozen=True)
class ReviewStatus:
    """Where one document stands in the council review (for the cabinet)."""

    document: ReviewDocument
    status: str  # draft | in_review | returned | approved
    label: str
    reason: str = ""
    decision_number: str = ""
    comments: list[ReviewComment] = field(default_factory=list)


STATUS_LABELS = {
    "draft": "черновик",
    "in_review": "на рассмотрении",
    "returned": "возвращено на доработку",
    "approved": "одобрено",
}


def _comments(document: ReviewDocument) -> list[ReviewComment]:
    states = (
        TaskState.objects.for_instance(document)
        .exclude(comment="")
        .select_related("finished_by")
        .order_by("finished_at", "pk")
    )
    return [
        ReviewComment(
            text=state.comment,
            by=state.finished_by.get_full_name() or state.finished_by.get_username()
            if state.finished_by
            else "",
            at=state.finished_at,
            returned=state.status == TaskState.STATUS_REJECTED,
        )
        for state in states
    ]


def review_status(document: ReviewDocument) -> ReviewStatus:
    """The status of one document, with the reason of a return and comments."""
    comments = _comments(document)
    state = document.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        returned = [c for c in comments if c.returned]
        return ReviewStatus(
            document,
            "returned",
            STATUS_LABELS["returned"],
            reason=returned[-1].text if returned else "",
            comments=comments,
        )
    if state is not None:
        return ReviewStatus(
            document, "in_review", STATUS_LABELS["in_review"], comments=comments
        )
    if document.decision_id and document.live:
        return ReviewStatus(
            document,
            "approved",
            STATUS_LABELS["approved"],
            decision_number=document.decision.number,
            comments=comments,
        )
    return ReviewStatus(document, "draft", STATUS_LABELS["draft"], comments=comments)


def review_statuses(organisation: Organisation) -> list[ReviewStatus]:
    """Every review document of ``organisation`` with its status, newest first."""
    documents = ReviewDocument.objects.filter(organisation=organisation).select_related(
        "decision", "campaign"
    )
    return [review_status(document) for document in documents]


def approved_documents(organisation: Organisation) -> list[ReviewDocument]:
    """Published documents with their published council decision (public card)."""
    return list(
        ReviewDocument.objects.filter(
            organisation=organisation, live=True, decision__is_published=True
        )
        .select_related("decision", "campaign")
        .order_by("-decision__decided_on", "title")
    )


@dataclass(frozen=True)
class QueueRow:
    """One item waiting for the council."""

    task_state: TaskState
    content: object
    organisation: Organisation | None
    kind: str
    submitted_on: date
    due_on: date
    overdue: bool


def council_queue(today: date | None = None) -> list[QueueRow]:
    """What waits for the council, with due dates, the most urgent first.

    The due date is ``QP_COUNCIL_REVIEW_WORKING_DAYS`` working days (production
    calendar) after the day of the (re)submission.
    """
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    days = publications_settings.COUNCIL_REVIEW_WORKING_DAYS
    states = (
        TaskState.objects.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            task__in=CouncilReviewTask.objects.all(),
        )
        .select_related("workflow_state")
        .order_by("started_at")
    )
    rows = []
    for state in states:
        content = _content(state)
        submitted_on = timezone.localdate(state.started_at)
        due_on = calendar.add_working_days(submitted_on, days)
        kind = (
            content.get_kind_display()
            if isinstance(content, ReviewDocument)
            else str(content._meta.verbose_name)
        )
        rows.append(
            QueueRow(
                task_state=state,
                content=content,
                organisation=getattr(content, "organisation", None),
                kind=kind,
                submitted_on=submitted_on,
                due_on=due_on,
                overdue=due_on < today,
            )
        )
    rows.sort(key=lambda row: (row.due_on, row.task_state.started_at))
    return rows


# ------------------------------------------------------------------ objections


def answer_objection(objection: Objection, *, answer: str, outcome: str, user):
    """Answer an objection; the public card shows it at once."""
    result = objections.answer_objection(
        objection, answer=answer, outcome=outcome, user=user
    )
    bump_data_version()
    return result
