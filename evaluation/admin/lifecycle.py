"""Wagtail admin screens «Ход кампании» (adapter over :mod:`evaluation.nok.lifecycle`).

* the list of campaigns with their stages;
* a campaign's screen: its stage, the steps of its life cycle, the actions
  possible now as buttons (POST with CSRF; a note where the public must be
  told why), its publications;
* the preview: what the public would see after publishing, with the diff
  against the published version.

Editors only (:func:`evaluation.roles.is_editor`); every action is a call of
:func:`evaluation.nok.lifecycle.run`, so its refusals are shown as they are.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles
from evaluation.admin import display as admin_display
from evaluation.decade.versions import DECADE_COUNTS, DECADE_PERCENTS
from evaluation.enums import CampaignKind, OrganisationKind
from evaluation.exceptions import EvaluationError
from evaluation.formatting import MISSING, format_number, format_percent, format_score
from evaluation.models import Campaign, District
from evaluation.nok import lifecycle
from evaluation.nok.lifecycle import Action, Stage
from evaluation.rating import RatingInputError

PREVIEW_PER_PAGE = 100


def _figure(label: str, value) -> str:
    """A preview cell as the public pages write it: «89,28», a rank as is;
    a Декада's counts whole and its shares in per cent («35,0 %»)."""
    if value is None:
        return MISSING
    if label == "Место":
        return str(value)
    if label in DECADE_PERCENTS:
        return format_percent(value)
    if label in DECADE_COUNTS:
        return format_number(value, 0)
    return format_score(value)


def preview_cells(row: lifecycle.PreviewRow) -> list[dict]:
    """The total, rank and K1–K5 of a preview row, before and after, formatted."""
    return [
        {
            "before": _figure(label, before),
            "after": _figure(label, after),
            "changed": before != after and not row.added,
        }
        for label, before, after in row.pairs()
    ]


_STAGES = [
    Stage.SET_UP,
    Stage.COLLECTING,
    Stage.RESULTS_IN,
    Stage.RECOMPUTED,
    Stage.COUNCIL,
    Stage.PUBLISHED,
    Stage.CORRECTED,
]

#: The stages each kind of campaign goes through, in order (the same for both).
STEPS = {CampaignKind.NOK: _STAGES, CampaignKind.DECADE: _STAGES}

#: What the editor should do at each stage (shown under the stage).
NEXT_STEP = {
    Stage.SET_UP: "Проверьте период и организации кампании и начните сбор данных.",
    Stage.COLLECTING: "Ожидаются данные: оператор или организации загружают их "
    "на странице «Загрузка файлов».",
    Stage.RESULTS_IN: "Данные получены. Пересчитайте результаты и проверьте "
    "предпросмотр.",
    Stage.RECOMPUTED: "Проверьте предпросмотр и направьте результаты "
    "на рассмотрение общественного совета.",
    Stage.COUNCIL: "После рассмотрения советом опубликуйте результаты "
    "или верните кампанию на доработку.",
    Stage.PUBLISHED: "Результаты опубликованы. Если данные исправлены — "
    "пересчитайте и опубликуйте исправление с примечанием.",
    Stage.CORRECTED: "Опубликована исправленная версия; прежние версии доступны.",
    Stage.WITHDRAWN: "Результаты отозваны; публике показано пояснение.",
}

NOTE_LABELS = {
    Action.CORRECT: _("Что исправлено (публичное примечание)"),
    Action.WITHDRAW: _("Почему результаты отзываются (публичное пояснение)"),
    Action.RETURN: _("Что нужно доработать (для журнала)"),
}

#: Buttons that change what the public sees are styled as the primary action.
PRIMARY = frozenset({Action.PUBLISH, Action.CORRECT})
DANGEROUS = frozenset({Action.WITHDRAW})


class EditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not roles.is_editor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CampaignListView(EditorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "evaluation/admin/lifecycle_list.html"
    page_title = _("Ход кампаний")
    header_icon = "date"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "campaign": campaign,
                "stage": lifecycle.stage_of(campaign),
                "url": reverse("qp_campaign_lifecycle", args=[campaign.pk]),
            }
            for campaign in Campaign.objects.order_by("-year", "kind", "title")
        ]
        context["add_url"] = reverse("campaign:add")
        return context


class CampaignLifecycleView(EditorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "evaluation/admin/lifecycle.html"
    header_icon = "date"

    def get_campaign(self) -> Campaign:
        return get_object_or_404(Campaign, pk=self.kwargs["pk"])

    def get_page_title(self):
        return f"Ход кампании: {self.campaign}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_campaign_lifecycles"), "label": _("Ход кампаний")},
            {"url": "", "label": str(self.campaign)},
        ]

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_editor(request.user):
            raise PermissionDenied
        self.campaign = self.get_campaign()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign = self.campaign
        stage = lifecycle.stage_of(campaign)
        steps = STEPS[CampaignKind(campaign.kind)]
        current = steps.index(stage) if stage in steps else len(steps)
        context.update(
            campaign=campaign,
            stage=stage,
            next_step=NEXT_STEP[stage],
            council_note=lifecycle.council_refusal(campaign)
            if stage == Stage.COUNCIL
            else None,
            steps=[
                {"stage": step, "done": i < current, "current": i == current}
                for i, step in enumerate(steps)
            ],
            actions=[
                {
                    "action": action,
                    "url": reverse(
                        "qp_campaign_lifecycle_action", args=[campaign.pk, action.value]
                    ),
                    "note_label": NOTE_LABELS.get(action, ""),
                    "note_required": action in lifecycle.NOTE_REQUIRED,
                    "primary": action in PRIMARY,
                    "dangerous": action in DANGEROUS,
                }
                for action in lifecycle.available_actions(campaign)
            ],
            publications=list(campaign.publications.order_by("-version")),
            organisations=campaign.organisations.count(),
            has_results=campaign.kind == CampaignKind.NOK and campaign.results.exists(),
            preview_url=reverse("qp_campaign_preview", args=[campaign.pk]),
            organisations_url=reverse("qp_campaign_organisations", args=[campaign.pk]),
            operators_form=OperatorsForm(
                initial={"operators": list(campaign.operators.all())}
            ),
            operators_url=reverse("qp_campaign_operators", args=[campaign.pk]),
            edit_url=reverse("campaign:edit", args=[campaign.pk]),
            import_url=reverse("qp_import"),
            sector_report_urls=(
                {
                    extension: reverse(
                        "publications:documents:sector-report",
                        args=[campaign.slug, extension],
                    )
                    for extension in ("pdf", "docx")
                }
                if campaign.kind == CampaignKind.NOK
                else None
            ),
        )
        return context


class CampaignActionView(EditorOnlyMixin, View):
    """POST: run one life-cycle action and return to the campaign's screen."""

    def post(self, request, pk: int, action: str):
        campaign = get_object_or_404(Campaign, pk=pk)
        if action not in Action.values:
            messages.error(request, "Неизвестное действие.")
            return redirect("qp_campaign_lifecycle", pk=pk)
        action = Action(action)
        note = request.POST.get("note", "")
        try:
            result = lifecycle.run(action, campaign, actor=request.user, note=note)
        except (EvaluationError, RatingInputError) as error:
            messages.error(request, str(error))
            return redirect("qp_campaign_lifecycle", pk=pk)
        if action == Action.RECOMPUTE:
            messages.success(
                request,
                f"Результаты пересчитаны: организаций {len(result.rows)}, "
                f"изменений относительно публикации {sum(r.changed for r in result.rows)}."
                " Проверьте предпросмотр.",
            )
            return redirect("qp_campaign_preview", pk=pk)
        done = {
            Action.OPEN: "Сбор данных начат.",
            Action.SEND_TO_COUNCIL: "Кампания направлена на рассмотрение "
            "общественного совета.",
            Action.RETURN: "Кампания возвращена на доработку.",
            Action.PUBLISH: "Результаты опубликованы.",
            Action.CORRECT: "Исправленная версия опубликована.",
            Action.WITHDRAW: "Результаты отозваны.",
        }[action]
        version = getattr(result, "version", None)
        messages.success(request, f"{done} Версия {version}." if version else done)
        return redirect("qp_campaign_lifecycle", pk=pk)


class CampaignSubpageView(CampaignLifecycleView):
    """A page below a campaign's life cycle: «<title>: <campaign>», one crumb more."""

    title = ""
    crumb = ""

    def get_page_title(self):
        return f"{self.title}: {self.campaign}"

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items()[:-1],
            {
                "url": reverse("qp_campaign_lifecycle", args=[self.campaign.pk]),
                "label": str(self.campaign),
            },
            {"url": "", "label": self.crumb},
        ]


class CampaignPreviewView(CampaignSubpageView):
    template_name = "evaluation/admin/lifecycle_preview.html"
    title = "Предпросмотр"
    crumb = _("Предпросмотр")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preview = lifecycle.preview(self.campaign)
        only_changed = self.request.GET.get("changed") == "1"
        rows = (
            [row for row in preview.rows if row.changed]
            if only_changed
            else preview.rows
        )
        page_obj = Paginator(rows, PREVIEW_PER_PAGE).get_page(self.request.GET.get("p"))
        context.update(
            preview=preview,
            only_changed=only_changed,
            current=lifecycle.results_are_current(self.campaign),
            page_obj=page_obj,
            page_rows=[{"row": row, "cells": preview_cells(row)} for row in page_obj],
            shown=sum(1 for row in preview.rows if not row.removed),
        )
        return context


class OrganisationsForm(forms.Form):
    keys = forms.CharField(
        label=_("Коды или ИНН"),
        required=False,
        widget=forms.Textarea({"rows": 6}),
        help_text=_(
            "Вставьте список из таблицы: по одному в строке или через запятую."
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Все организации вида"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Только в районах"),
        queryset=District.objects.order_by("name"),
        required=False,
        help_text=_("Без вида — все организации выбранных районов."),
    )
    operation = forms.ChoiceField(
        label=_("Действие"),
        choices=[("add", _("Добавить в кампанию")), ("remove", _("Исключить"))],
        initial="add",
        widget=forms.RadioSelect,
    )


class OperatorsForm(forms.Form):
    operators = forms.ModelMultipleChoiceField(
        label=_("Операторы кампании"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Пользователи организации-оператора (группа «Операторы»): они загружают "
            "результаты этой кампании."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operators"].queryset = (
            get_user_model()
            .objects.filter(groups__name=roles.OPERATOR, is_active=True)
            .order_by("username")
        )
        self.fields["operators"].label_from_instance = admin_display.person_label


class CampaignOperatorsView(EditorOnlyMixin, View):
    """POST: bind the campaign's operators."""

    def post(self, request, pk: int):
        campaign = get_object_or_404(Campaign, pk=pk)
        form = OperatorsForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Выберите операторов из списка.")
        else:
            try:
                users = lifecycle.set_operators(
                    campaign, form.cleaned_data["operators"], request.user
                )
            except EvaluationError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"Операторов кампании: {len(users)}.")
        return redirect("qp_campaign_lifecycle", pk=pk)


class CampaignOrganisationsView(CampaignSubpageView):
    """Choose a campaign's organisations by kind, district or a pasted list."""

    template_name = "evaluation/admin/lifecycle_organisations.html"
    title = "Организации кампании"
    crumb = _("Организации")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = self.campaign.organisations.all()
        kinds = dict(OrganisationKind.choices)
        context.update(
            form=kwargs.get("form") or OrganisationsForm(),
            by_kind=[
                (kinds.get(row["kind"], row["kind"]), row["n"])
                for row in members.values("kind")
                .annotate(n=Count("pk"))
                .order_by("kind")
            ],
            by_district=list(
                members.values_list("district__name")
                .annotate(n=Count("pk"))
                .order_by("district__name")
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = OrganisationsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            done = lifecycle.change_organisations(
                self.campaign,
                request.user,
                keys=data["keys"],
                kinds=data["kinds"],
                districts=list(data["districts"]),
                remove=data["operation"] == "remove",
            )
        except EvaluationError as error:
            messages.error(request, str(error))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(
            request,
            (
                f"Исключено организаций: {done.removed}"
                if data["operation"] == "remove"
                else f"Добавлено организаций: {done.added}"
            )
            + f". Всего в кампании: {done.total}.",
        )
        return redirect("qp_campaign_organisations", pk=self.campaign.pk)


def lifecycle_urls():
    return [
        path(
            "campaigns/lifecycle/",
            CampaignListView.as_view(),
            name="qp_campaign_lifecycles",
        ),
        path(
            "campaigns/lifecycle/<int:pk>/",
            CampaignLifecycleView.as_view(),
            name="qp_campaign_lifecycle",
        ),
        path(
            "campaigns/lifecycle/<int:pk>/preview/",
            CampaignPreviewView.as_view(),
            name="qp_campaign_preview",
        ),
        path(
            "campaigns/lifecycle/<int:pk>/operators/",
            CampaignOperatorsView.as_view(),
            name="qp_campaign_operators",
        ),
        path(
            "campaigns/lifecycle/<int:pk>/organisations/",
            CampaignOrganisationsView.as_view(),
            name="qp_campaign_organisations",
        ),
        path(
            "campaigns/lifecycle/<int:pk>/<str:action>/",
            CampaignActionView.as_view(),
            name="qp_campaign_lifecycle_action",
        ),
    ]


class LifecycleMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return roles.is_editor(request.user)


@hooks.register("register_admin_urls")
def register_lifecycle_urls():
    return lifecycle_urls()


@hooks.register("register_admin_menu_item")
def register_lifecycle_menu_item() -> MenuItem:
    return LifecycleMenuItem(
        "Ход кампаний", reverse("qp_campaign_lifecycles"), icon_name="date", order=205
    )
