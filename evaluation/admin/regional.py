"""Wagtail admin views of the website monitoring (admin adapter only).

"Проверить сайт" runs the optional checker for one organisation; "Перенести в
кампанию" shows what the latest checks propose for a campaign's site inputs
and applies it: empty inputs are filled, figures an operator entered are
replaced only where the editor ticks them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles
from evaluation.admin.viewsets import WebsiteCheckViewSet
from evaluation.enums import CampaignKind
from evaluation.exceptions import EvaluationError
from evaluation.models import Campaign, Organisation
from evaluation.regional import services as regional

STATUS_LABELS = {
    "same": "совпадает",
    "empty": "будет заполнено",
    "conflict": "расхождение: оператор ввёл другие значения",
    "no_inputs": "исходные данные ещё не введены",
}


class _Permission:
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]


class CheckForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Организация"), queryset=Organisation.objects.filter(is_active=True)
    )
    url = forms.URLField(
        label=_("Адрес сайта"),
        required=False,
        help_text=_("Пусто — официальный сайт из карточки организации."),
    )


class WebsiteCheckRunView(_Permission, WagtailAdminTemplateMixin, FormView):
    """Fetch one organisation's site and store what was found."""

    permission = "qp_evaluation.add_websitecheck"
    form_class = CheckForm
    template_name = "evaluation/admin/website_check.html"
    page_title = _("Автоматическая проверка сайта")
    header_icon = "globe"

    def form_valid(self, form):
        organisation = form.cleaned_data["organisation"]
        try:
            check = regional.run_website_check(
                organisation,
                actor=self.request.user,
                url=form.cleaned_data["url"] or None,
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Сайт «{organisation.short_name}» проверен: сведений "
            f"{check.info_present} из {check.info_required}, способов связи "
            f"{check.remote_channels}, анкета "
            f"{'работает' if check.questionnaire_ok else 'не найдена'}.",
        )
        return redirect(
            reverse(WebsiteCheckViewSet().get_url_name("edit"), args=[check.pk])
        )


class PrefillForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Кампания НОК"),
        queryset=Campaign.objects.filter(kind=CampaignKind.NOK),
    )


class PrefillView(_Permission, WagtailAdminTemplateMixin, FormView):
    """Preview and apply the website figures to a campaign's inputs."""

    permission = "qp_evaluation.change_indicatorinput"
    form_class = PrefillForm
    template_name = "evaluation/admin/website_prefill.html"
    page_title = _("Перенос мониторинга сайтов в исходные данные")
    header_icon = "globe"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.method == "GET" and "campaign" in self.request.GET:
            kwargs["data"] = self.request.GET
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not roles.is_editor(self.request.user):
            # An operator may change the inputs of the campaigns it operates only.
            form.fields["campaign"].queryset = form.fields["campaign"].queryset.filter(
                pk__in=roles.campaigns_operated_by(self.request.user)
            )
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if form.is_bound and form.is_valid():
            campaign = form.cleaned_data["campaign"]
            context["campaign"] = campaign
            context["proposals"] = [
                (p, STATUS_LABELS[p.status]) for p in regional.site_proposals(campaign)
            ]
        return context

    def form_valid(self, form):
        campaign = form.cleaned_data["campaign"]
        overwrite = [
            int(pk) for pk in self.request.POST.getlist("overwrite") if pk.isdigit()
        ]
        report = regional.prefill_site_inputs(
            campaign, actor=self.request.user, overwrite=overwrite
        )
        conflicts = [
            p
            for p in report.by_status("conflict")
            if p.organisation.pk not in report.filled
        ]
        messages.success(
            self.request,
            f"Заполнено по данным мониторинга: {len(report.filled)}; оставлены "
            f"значения оператора: {len(conflicts)}.",
        )
        return redirect(f"{reverse('qp_website_prefill')}?campaign={campaign.pk}")


def monitoring_urls():
    return [
        path("website-check/", WebsiteCheckRunView.as_view(), name="qp_website_check"),
        path("website-prefill/", PrefillView.as_view(), name="qp_website_prefill"),
    ]
