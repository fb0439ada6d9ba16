"""Council review in the Wagtail admin: documents, the council queue, objections.

An admin adapter: the rules live in ``publications.review`` and
``evaluation.nok.objections``; these views collect input and show results.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet

from evaluation import roles
from evaluation.enums import CampaignStatus
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    ImprovementPlan,
    Objection,
    ObjectionOutcome,
    Organisation,
)
from evaluation.nok import objections
from evaluation.plans import letters
from evaluation.uploads import validate_upload_size

from . import review
from .models import ReviewDocument

__all__ = ["review_status_for"]


def review_status_for(organisation: Organisation) -> list[review.ReviewStatus]:
    """Each review document of ``organisation`` with its status and council comments.

    Status labels: черновик / на рассмотрении / возвращено на доработку (with
    the reason) / одобрено (with the decision number). Used by the institution
    cabinet.
    """
    return review.review_statuses(organisation)


def _sees_everything(user) -> bool:
    return roles.is_editor(user) or roles.is_council_member(user)


# ------------------------------------------------------------------ documents


class ReviewDocumentForm(WagtailAdminModelForm):
    """Institutions choose only among their own organisations and plans."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not _sees_everything(user):
            own = roles.organisations_of(user)
            self.fields["organisation"].queryset = own
            self.fields["plan"].queryset = ImprovementPlan.objects.filter(
                organisation__in=own
            )

    def clean(self):
        cleaned = super().clean()
        plan, organisation = cleaned.get("plan"), cleaned.get("organisation")
        if (
            plan is not None
            and organisation is not None
            and plan.organisation_id != organisation.pk
        ):
            self.add_error("plan", "План относится к другой организации.")
        return cleaned


class ReviewDocumentInspectView(InspectView):
    """Opens only a document the user may read (404 otherwise)."""

    def get_object(self, queryset=None):
        readable = review.readable_documents(
            self.request.user, ReviewDocument.objects.all()
        )
        return get_object_or_404(readable, pk=unquote(str(self.pk)))


class ReviewDocumentViewSet(SnippetViewSet):
    model = ReviewDocument
    icon = "doc-full"
    menu_label = _("На рассмотрение")
    menu_name = "review_documents"
    menu_order = 215
    add_to_admin_menu = True
    list_display = ["title", "organisation", "kind", "campaign", "live"]
    list_filter = ["kind", "campaign"]
    search_fields = ["title"]
    # Readers without change rights (the РМЦ, public organisations) open a
    # document here.
    inspect_view_enabled = True
    inspect_view_class = ReviewDocumentInspectView
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("kind"),
            FieldPanel("organisation"),
            FieldPanel("campaign"),
            FieldPanel("plan"),
            FieldPanel("file"),
            FieldPanel("description"),
        ],
        base_form_class=ReviewDocumentForm,
    )

    def get_queryset(self, request):
        queryset = ReviewDocument.objects.select_related("organisation", "campaign")
        return review.readable_documents(request.user, queryset)


register_snippet(ReviewDocumentViewSet)


@hooks.register("after_create_snippet")
def set_review_document_author(request, instance):
    if isinstance(instance, ReviewDocument) and instance.author_id is None:
        ReviewDocument.objects.filter(pk=instance.pk).update(author=request.user)
        instance.author = request.user


@hooks.register("after_edit_snippet")
def record_rework_in_editor(request, instance):
    # A council member's approve or return from the editor also saves the
    # snippet: that is the council acting, not rework.
    if isinstance(instance, ReviewDocument) and not request.POST.get(
        "action-workflow-action"
    ):
        review.record_editor_rework(instance, request.user)


@hooks.register("before_edit_snippet")
@hooks.register("before_delete_snippet")
def refuse_other_organisations(request, instance):
    if isinstance(instance, ReviewDocument) and not _sees_everything(request.user):
        items = instance if isinstance(instance, list | tuple) else [instance]
        for item in items:
            if not review.may_act_for(request.user, item.organisation):
                raise PermissionDenied


# ------------------------------------------------------------------ queue


class CouncilQueueView(WagtailAdminTemplateMixin, TemplateView):
    """What waits for the council, the most urgent first."""

    template_name = "publications/review/queue.html"
    page_title = _("Очередь совета")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not _sees_everything(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = []
        for row in review.council_queue(timezone.localdate()):
            url = ""
            if isinstance(row.content, ReviewDocument):
                url = reverse(
                    "wagtailsnippets_qp_publications_reviewdocument:edit",
                    args=[row.content.pk],
                )
            elif hasattr(row.content, "get_admin_display_title"):
                # After the decision Wagtail leaves the page editor for the
                # page tree, which council members may not see: back here.
                url = reverse("wagtailadmin_pages:edit", args=[row.content.pk])
                url += "?" + urlencode({"next": self.request.path})
            rows.append({"row": row, "url": url})
        context["rows"] = rows
        context["remarks"] = [
            {"remark": remark, "source": letters.invited_organisation_name(remark)}
            for remark in letters.remarks_for_council()[:100]
        ]
        return context


# ------------------------------------------------------------------ objections


class ObjectionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Организация"), queryset=Organisation.objects.none()
    )
    campaign = forms.ModelChoiceField(
        label=_("Кампания"), queryset=Campaign.objects.none()
    )
    text = forms.CharField(label=_("Текст возражения"), widget=forms.Textarea)
    attachment = forms.FileField(
        label=_("Приложение"), required=False, validators=[validate_upload_size]
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        own = roles.organisations_of(user)
        self.fields["organisation"].queryset = own
        self.fields["campaign"].queryset = (
            Campaign.objects.filter(organisations__in=own)
            .exclude(status=CampaignStatus.PUBLISHED)
            .distinct()
        )


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Решение"), choices=ObjectionOutcome.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(label=_("Ответ"), widget=forms.Textarea)


class ObjectionListView(WagtailAdminTemplateMixin, FormView):
    """Institutions see their figures and file objections; the council sees all."""

    template_name = "publications/review/objections.html"
    page_title = _("Возражения")
    header_icon = "comment"
    form_class = ObjectionForm

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        own = list(roles.organisations_of(user))
        figures = []
        for organisation in own:
            for campaign in (
                Campaign.objects.filter(organisations=organisation)
                .exclude(status=CampaignStatus.PUBLISHED)
                .order_by("-year")
            ):
                figures.append(
                    {
                        "organisation": organisation,
                        "campaign": campaign,
                        "result": objections.working_figures(campaign, organisation),
                    }
                )
        context.update(
            {
                "objections": objections.objections_of(user),
                "figures": figures,
                "may_file": bool(own),
                "may_answer": objections.may_answer(user),
            }
        )
        return context

    def form_valid(self, form):
        try:
            objections.file_objection(
                campaign=form.cleaned_data["campaign"],
                organisation=form.cleaned_data["organisation"],
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data.get("attachment"),
                user=self.request.user,
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Возражение подано.")
        return redirect("qp_objections")


class ObjectionAnswerView(WagtailAdminTemplateMixin, FormView):
    """The council (or an editor) answers one objection."""

    template_name = "publications/review/objection_answer.html"
    page_title = _("Ответ на возражение")
    header_icon = "comment"
    form_class = AnswerForm

    def dispatch(self, request, *args, **kwargs):
        if not objections.may_answer(request.user):
            raise PermissionDenied
        self.objection = get_object_or_404(
            Objection.objects.select_related("campaign", "organisation"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"outcome": self.objection.outcome, "answer": self.objection.answer}

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_objections"), "label": "Возражения"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "objection": self.objection}

    def form_valid(self, form):
        try:
            review.answer_objection(
                self.objection,
                answer=form.cleaned_data["answer"],
                outcome=form.cleaned_data["outcome"],
                user=self.request.user,
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(self.request, "Ответ сохранён.")
        return redirect("qp_objections")


# ------------------------------------------------------------------ hooks


class RoleMenuItem(MenuItem):
    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


@hooks.register("register_admin_urls")
def register_review_urls():
    return [
        path("council-queue/", CouncilQueueView.as_view(), name="qp_council_queue"),
        path("objections/", ObjectionListView.as_view(), name="qp_objections"),
        path(
            "objections/<int:pk>/answer/",
            ObjectionAnswerView.as_view(),
            name="qp_objection_answer",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_council_queue_menu_item() -> MenuItem:
    return RoleMenuItem(
        "Очередь совета",
        reverse("qp_council_queue"),
        icon_name="tasks",
        order=216,
        shown_to=_sees_everything,
    )


@hooks.register("register_admin_menu_item")
def register_objections_menu_item() -> MenuItem:
    return RoleMenuItem(
        "Возражения",
        reverse("qp_objections"),
        icon_name="comment",
        order=217,
        shown_to=lambda user: (
            _sees_everything(user) or roles.organisations_of(user).exists()
        ),
    )
