"""Admin screens of the ministry's instructions (поручения).

* «Поручения министерства»: editors (the ministry) see every instruction,
  issue a new one to one or many organisations, and accept or return each
  organisation's answer; an institution's user sees only its organisations'
  instructions and answers them (text and a file kept in the private
  storage).
* «Выдать поручение» on a failed website check issues one with a click.

All changes go through :mod:`evaluation.plans.instructions`; who sees which rows
follows :mod:`evaluation.roles`. This module stays free of Wagtail imports:
``wagtail_hooks`` passes Wagtail's admin template mixin to
:func:`instruction_urls` and registers the menu item.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from evaluation import roles
from evaluation.conf import evaluation_settings
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    AnswerState,
    Campaign,
    CouncilDecision,
    Instruction,
    InstructionSource,
    Organisation,
    ResponseKind,
    WebsiteCheck,
)
from evaluation.obligations.reminders import working_days_text
from evaluation.plans import instructions
from evaluation.uploads import file_size


def can_use(user) -> bool:
    """Editors, and users bound to at least one organisation."""
    return roles.is_editor(user) or roles.organisations_of(user).exists()


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Номер"), max_length=50)
    issued_on = forms.DateField(label=_("Дата"), help_text=_("ДД.ММ.ГГГГ"))
    text = forms.CharField(
        label=_("Текст поручения"), widget=forms.Textarea(attrs={"rows": 4})
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Организации-адресаты"),
        queryset=Organisation.objects.filter(is_active=True).order_by("short_name"),
        widget=forms.CheckboxSelectMultiple,
    )
    response_kind = forms.ChoiceField(
        label=_("Требуемый ответ"), choices=ResponseKind.choices
    )
    source = forms.ChoiceField(
        label=_("Основание"),
        choices=[
            (InstructionSource.CAMPAIGN, InstructionSource.CAMPAIGN.label),
            (InstructionSource.COUNCIL, InstructionSource.COUNCIL.label),
        ],
        help_text=_(
            "Поручение по итогам мониторинга сайта выдаётся из карточки проверки."
        ),
    )
    campaign = forms.ModelChoiceField(
        label=_("Кампания"),
        queryset=Campaign.objects.order_by("-year", "title"),
        required=False,
    )
    decision = forms.ModelChoiceField(
        label=_("Решение общественного совета"),
        queryset=CouncilDecision.objects.all(),
        required=False,
    )
    due_working_days = forms.IntegerField(
        label=_("Срок, рабочих дней"),
        min_value=1,
        max_value=250,
        required=False,
        help_text=_(
            "Считается по производственному календарю со дня после даты поручения."
        ),
    )
    due_on = forms.DateField(
        label=_("или срок датой"), required=False, help_text=_("ДД.ММ.ГГГГ")
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Ответ"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Файл"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = file_size(evaluation_settings.UPLOAD_MAX_BYTES)
        help_text = f"PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, JPG или PNG до {limit}."
        self.fields["file"].help_text = help_text


class _Access:
    def dispatch(self, request, *args, **kwargs):
        if not can_use(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _EditorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not instructions.can_issue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _BelowInstructions:
    """A page one step below «Поручения министерства» in the breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_instructions"), "label": "Поручения министерства"},
            {"url": "", "label": self.get_page_title()},
        ]


class InstructionListView(_Access, TemplateView):
    """Editors: every instruction with its answers; institutions: their own."""

    template_name = "evaluation/instructions/index.html"
    page_title = _("Поручения министерства")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        rows = [
            (row, row.deadline_state(today))
            for row in instructions.visible_addressees(user).order_by(
                "-instruction__issued_on",
                "-instruction__pk",
                "organisation__short_name",
            )
        ]
        context.update(
            rows=rows,
            is_editor=instructions.can_issue(user),
            new_url=reverse("qp_instruction_new"),
        )
        return context


class InstructionIssueView(_EditorsOnly, _BelowInstructions, TemplateView):
    """The ministry issues an instruction to one or many organisations."""

    template_name = "evaluation/instructions/new.html"
    page_title = _("Новое поручение")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or IssueForm(
            initial={"issued_on": timezone.localdate(), "due_working_days": 10}
        )
        return context

    def post(self, request, *args, **kwargs):
        form = IssueForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                instruction = instructions.issue_instruction(
                    actor=request.user,
                    number=data["number"],
                    issued_on=data["issued_on"],
                    text=data["text"],
                    organisations=data["organisations"],
                    response_kind=data["response_kind"],
                    source=data["source"],
                    campaign=data["campaign"],
                    decision=data["decision"],
                    due_working_days=data["due_working_days"],
                    due_on=data["due_on"],
                )
            except EvaluationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{instruction} выдано, срок исполнения "
                    f"{instruction.due_on:%d.%m.%Y}.",
                )
                return redirect(reverse("qp_instruction", args=[instruction.pk]))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class InstructionDetailView(_Access, _BelowInstructions, TemplateView):
    """One instruction: its text and the answers the user may see or give."""

    template_name = "evaluation/instructions/detail.html"
    header_icon = "tasks"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.instruction = get_object_or_404(Instruction, pk=kwargs["pk"])

    def rows(self):
        return instructions.visible_addressees(self.request.user).filter(
            instruction=self.instruction
        )

    def dispatch(self, request, *args, **kwargs):
        if can_use(request.user) and not self.rows().exists():
            raise Http404  # another organisation's instruction does not exist here
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.instruction)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        answer_forms = kwargs.get("answer_forms", {})
        rows = []
        for row in self.rows():
            rows.append(
                {
                    "row": row,
                    "deadline": row.deadline_state(today),
                    "can_answer": row.is_open and instructions.can_answer(user, row),
                    "can_decide": row.state == AnswerState.ANSWERED
                    and instructions.can_issue(user),
                    "form": answer_forms.get(row.pk)
                    or AnswerForm(prefix=f"answer{row.pk}"),
                }
            )
        days = self.instruction.due_working_days
        context.update(
            instruction=self.instruction,
            rows=rows,
            due_days_text=working_days_text(days) if days else "",
        )
        return context

    def post(self, request, *args, **kwargs):
        row = get_object_or_404(self.rows(), pk=request.POST.get("addressee"))
        action = request.POST.get("action", "")
        try:
            if action == "answer":
                form = AnswerForm(request.POST, request.FILES, prefix=f"answer{row.pk}")
                if not form.is_valid():
                    return self.render_to_response(
                        self.get_context_data(answer_forms={row.pk: form}), status=400
                    )
                instructions.answer_instruction(
                    row,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    file=form.cleaned_data["file"],
                )
                messages.success(request, "Ответ направлен в министерство.")
            elif action == "accept":
                instructions.accept_answer(row, actor=request.user)
                messages.success(
                    request, f"Ответ «{row.organisation.short_name}» принят."
                )
            elif action == "return":
                instructions.return_answer(
                    row, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request,
                    f"Ответ «{row.organisation.short_name}» возвращён на доработку.",
                )
            else:
                messages.error(request, "Неизвестное действие.")
        except EvaluationError as error:
            messages.error(request, str(error))
        return redirect(reverse("qp_instruction", args=[self.instruction.pk]))


class WebsiteCheckInstructionView(_EditorsOnly, _BelowInstructions, TemplateView):
    """«Выдать поручение» on a failed website check.

    The check's screen posts here with one click; without JavaScript its link
    opens this page, which shows the defects and the same button.
    """

    template_name = "evaluation/instructions/website.html"
    page_title = _("Поручение по итогам проверки сайта")
    header_icon = "tasks"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.check = get_object_or_404(WebsiteCheck, pk=kwargs["check_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            check=self.check,
            defects=instructions.website_defects(self.check),
            existing=instructions.open_website_instruction(self.check),
            due_days_text=working_days_text(instructions.WEBSITE_DUE_WORKING_DAYS),
        )
        return context

    def post(self, request, *args, **kwargs):
        check = self.check
        try:
            instruction = instructions.issue_for_website_check(
                check, actor=request.user
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            return redirect(reverse("qp_instruction_website", args=[check.pk]))
        messages.success(
            request,
            f"{instruction} выдано «{check.organisation.short_name}», срок "
            f"исполнения {instruction.due_on:%d.%m.%Y}.",
        )
        return redirect(reverse("qp_instruction", args=[instruction.pk]))


def instruction_urls(admin_mixin: type) -> list:
    """The URL patterns, each page view wrapped in the admin's template mixin."""

    def page(view: type):
        # The view first: its page title and icon win over the mixin's defaults.
        return type(view.__name__, (view, admin_mixin), {}).as_view()

    return [
        path("instructions/", page(InstructionListView), name="qp_instructions"),
        path(
            "instructions/new/", page(InstructionIssueView), name="qp_instruction_new"
        ),
        path(
            "instructions/<int:pk>/",
            page(InstructionDetailView),
            name="qp_instruction",
        ),
        path(
            "instructions/website-check/<int:check_id>/",
            page(WebsiteCheckInstructionView),
            name="qp_instruction_website",
        ),
    ]
