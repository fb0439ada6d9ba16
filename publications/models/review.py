"""Documents under council review and the council's Wagtail workflow task.

``evaluation`` stays plain Django, so what the public council reviews is a
publications model with draft state and revisions: a plan of measures, a
fulfilment report, campaign results or an explanatory note an organisation
submits. Pages (campaign results) go through the same task.

The task decides who may act and moves the workflow on; what a step means for
the domain (audit, the plan's status, the council's decision) is done by the
receivers of Wagtail's workflow signals in ``publications.review``.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    Task,
    TaskState,
    WorkflowMixin,
    WorkflowState,
)
from wagtail.signals import workflow_approved

from evaluation import roles
from evaluation.files import PrivateName, private_storage
from evaluation.models import Campaign, CouncilDecision, ImprovementPlan, Organisation

from ..exceptions import ReviewError


class ReviewKind(models.TextChoices):
    """What a document under council review is."""

    PLAN = "plan", _("План мероприятий")
    FULFILMENT_REPORT = "fulfilment_report", _("Отчёт о реализации плана")
    CAMPAIGN_RESULTS = "campaign_results", _("Результаты кампании")
    EXPLANATORY_NOTE = "explanatory_note", _("Пояснительная записка")


class ReviewDocument(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model
):
    """A document an organisation submits to the public council for approval."""

    title = models.CharField(_("название"), max_length=300)
    kind = models.CharField(_("вид"), max_length=20, choices=ReviewKind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="review_documents",
        verbose_name=_("организация"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        related_name="review_documents",
        verbose_name=_("кампания"),
    )
    plan = models.ForeignKey(
        ImprovementPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_documents",
        verbose_name=_("план мероприятий"),
        help_text=_("Для плана и отчёта о его реализации: план из импорта."),
    )
    file = models.FileField(
        _("файл"),
        upload_to=PrivateName("review"),
        storage=private_storage,
        blank=True,
    )
    description = models.TextField(_("пояснение"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("автор"),
    )
    # Set by the council's approval; kept across revisions (see with_content_json).
    decision = models.ForeignKey(
        CouncilDecision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("решение совета"),
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("документ на рассмотрение")
        verbose_name_plural = _("документы на рассмотрение")

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def with_content_json(self, content):
        """Revisions never carry the decision or the author away."""
        obj = super().with_content_json(content)
        obj.decision_id = self.decision_id
        obj.author_id = self.author_id
        return obj


class RejectionForm(forms.Form):
    """ "Return for rework": the reason is required."""

    comment = forms.CharField(
        label=_("Причина возврата на доработку"),
        required=True,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("Укажите причину возврата на доработку.")},
    )


class ApprovalForm(forms.Form):
    """Approval with an optional comment."""

    comment = forms.CharField(
        label=_("Комментарий совета"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )


class CouncilReviewTask(Task):
    """Review by the public council: members only, never the document's author.

    Returning for rework needs a reason; approval publishes what was reviewed.
    Wagtail's workflow signals have each step audited and the council's
    decision recorded and published (see ``publications.review``).
    """

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("рассмотрение общественным советом")
        verbose_name_plural = _("рассмотрения общественным советом")

    @classmethod
    def get_description(cls):
        return _(
            "Одобряют или возвращают на доработку члены общественного совета; "
            "автор документа не может одобрить его сам."
        )

    # ---------------------------------------------------------------- who

    @staticmethod
    def authors_of(obj, task_state: TaskState | None = None) -> set[int]:
        """Ids of the users who count as the author of what is reviewed."""
        ids = set()
        for user_id in (
            getattr(obj, "author_id", None),
            getattr(obj, "owner_id", None),
        ):
            if user_id:
                ids.add(user_id)
        if task_state is not None:
            if task_state.workflow_state.requested_by_id:
                ids.add(task_state.workflow_state.requested_by_id)
            if task_state.revision.user_id:
                ids.add(task_state.revision.user_id)
        return ids

    def _current_state(self, obj) -> TaskState | None:
        return (
            TaskState.objects.for_instance(obj)
            .filter(task=self, status=TaskState.STATUS_IN_PROGRESS)
            .select_related("workflow_state", "revision")
            .first()
        )

    def may_review(self, obj, user, task_state: TaskState | None = None) -> bool:
        """A council member who is not the author."""
        if not roles.is_council_member(user):
            return False
        state = task_state or self._current_state(obj)
        return user.pk not in self.authors_of(obj, state)

    def user_can_access_editor(self, obj, user):
        return roles.is_council_member(user)

    def locked_for_user(self, obj, user):
        # The author waits; reviewers and editors keep the editor open.
        return not (
            user.is_superuser or roles.is_editor(user) or roles.is_council_member(user)
        )

    def get_actions(self, obj, user):
        if not self.may_review(obj, user):
            return []
        return [
            ("reject", _("Вернуть на доработку"), True),
            ("approve", _("Одобрить"), False),
            ("approve", _("Одобрить с комментарием"), True),
        ]

    def get_form_for_action(self, action):
        return RejectionForm if action == "reject" else ApprovalForm

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if roles.is_council_member(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    # ------------------------------------------------------------ actions

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        obj = task_state.revision.as_object()
        if not self.may_review(obj, user, task_state):
            if roles.is_council_member(user):
                raise PermissionDenied(
                    "Автор документа не может рассматривать его сам."
                )
            raise PermissionDenied(
                "Рассматривать документы могут только члены общественного совета."
            )
        comment = (kwargs.get("comment") or "").strip()
        if action_name == "reject":
            if not comment:
                raise ReviewError("Укажите причину возврата на доработку.")
            task_state.reject(user=user, comment=comment)
        elif action_name == "approve":
            task_state.approve(user=user, comment=comment, update=False)
            self.finish_or_continue(task_state.workflow_state, user)
        else:
            raise PermissionDenied(f"Неизвестное действие: {action_name}.")

    @staticmethod
    def finish_or_continue(workflow_state: WorkflowState, user) -> None:
        """Move on to the next task, or finish and publish.

        The council's approval is the authority to publish: a council member
        needs no "publish" permission on what the council approved, so the
        final step publishes without Wagtail's permission check
        (``WorkflowState.finish`` would check it). Wagtail's
        ``workflow_approved`` then has the council decision recorded.
        """
        if workflow_state.get_next_task() is not None:
            workflow_state.update(user=user)
            return
        workflow_state.status = WorkflowState.STATUS_APPROVED
        workflow_state.save()
        workflow_state.content_object.get_latest_revision().publish(
            user=user, skip_permission_checks=True
        )
        workflow_approved.send(sender=WorkflowState, instance=workflow_state, user=user)
