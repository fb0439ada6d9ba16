"""Wagtail admin screens of explanatory notes and РМЦ's consolidation (adapter).

* «Пояснительные записки»: an institution sees the Декады its organisations
  take part in, opens its note, pre-fills it from the questionnaires' Q16
  suggestions, adds its responses and images, and submits it; editors see
  every note, return one for rework and choose images for the gallery.
* «Свод Декады»: editors download the region-wide summary and the
  consolidated plan of a Декада as XLSX.

All changes go through :mod:`evaluation.decade.notes`; scoping follows
:mod:`evaluation.roles`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles
from evaluation.audit import record
from evaluation.decade import consolidation, notes
from evaluation.enums import CampaignKind
from evaluation.exceptions import EvaluationError
from evaluation.models import (
    Campaign,
    ExplanatoryNote,
    NoteAttachment,
    NoteItem,
    NoteStatus,
    NoteTheme,
    Organisation,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ItemForm(forms.Form):
    theme = forms.ChoiceField(label=_("Тема"), choices=NoteTheme.choices)
    text = forms.CharField(
        label=_("Замечание, пожелание"), widget=forms.Textarea(attrs={"rows": 2})
    )
    count = forms.IntegerField(label=_("Сколько раз высказано"), min_value=1, initial=1)
    response = forms.CharField(
        label=_("Принятые меры"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AttachmentForm(forms.Form):
    image = forms.FileField(
        label=_("Изображение"),
        help_text=_("JPEG, PNG или WebP; сведения о месте съёмки будут удалены."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    caption = forms.CharField(label=_("Подпись"), max_length=300)
    alt_text = forms.CharField(
        label=_("Текстовое описание"),
        max_length=300,
        help_text=_("Что изображено — для незрячих посетителей."),
    )


class ConclusionsForm(forms.Form):
    conclusions = forms.CharField(
        label=_("Общие выводы"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _organisations_in_scope(user):
    if roles.is_editor(user):
        return Organisation.objects.all()
    return roles.organisations_of(user)


def _can_use_notes(user) -> bool:
    return roles.is_editor(user) or roles.organisations_of(user).exists()


class _NotesAccess:
    def dispatch(self, request, *args, **kwargs):
        if not _can_use_notes(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class NoteListView(_NotesAccess, WagtailAdminTemplateMixin, TemplateView):
    """The Декады of the user's organisations and the state of each note."""

    template_name = "evaluation/notes/index.html"
    page_title = _("Пояснительные записки")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaigns = Campaign.objects.filter(kind=CampaignKind.DECADE).order_by(
            "-period_start"
        )
        selected = None
        if roles.is_editor(user):
            wanted = self.request.GET.get("campaign", "")
            selected = campaigns.filter(pk=wanted).first() if wanted.isdigit() else None
            selected = selected or campaigns.first()
            shown = [selected] if selected else []
        else:
            shown = list(
                campaigns.filter(
                    organisations__in=roles.organisations_of(user)
                ).distinct()
            )
        existing = {
            (note.campaign_id, note.organisation_id): note
            for note in notes.notes_visible_to(user)
            .filter(campaign__in=shown)
            .annotate(
                item_count=Count("items", distinct=True),
                attachment_count=Count("attachments", distinct=True),
            )
        }
        scope = _organisations_in_scope(user)
        rows = []
        for campaign in shown:
            for organisation in campaign.organisations.filter(
                pk__in=scope.values("pk")
            ).order_by("short_name"):
                rows.append(
                    {
                        "campaign": campaign,
                        "organisation": organisation,
                        "note": existing.get((campaign.pk, organisation.pk)),
                        "url": reverse(
                            "qp_note_edit", args=[campaign.pk, organisation.pk]
                        ),
                    }
                )
        context.update(
            rows=rows,
            campaigns=campaigns if roles.is_editor(user) else None,
            selected=selected,
        )
        return context

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]


class NoteEditView(_NotesAccess, WagtailAdminTemplateMixin, TemplateView):
    """One organisation's note for one Декада: items, images, submission."""

    template_name = "evaluation/notes/edit.html"
    header_icon = "doc-full"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaign = get_object_or_404(
            Campaign, pk=kwargs["campaign_id"], kind=CampaignKind.DECADE
        )
        self.organisation = get_object_or_404(
            Organisation, pk=kwargs["organisation_id"]
        )
        self.note = ExplanatoryNote.objects.filter(
            campaign=self.campaign, organisation=self.organisation
        ).first()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not notes.can_view(
            request.user, self.organisation
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Пояснительная записка: {self.organisation.short_name}"

    def get_page_subtitle(self):
        return str(self.campaign)

    def get_breadcrumbs_items(self):
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_notes"), "label": "Пояснительные записки"},
            {"url": "", "label": self.organisation.short_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        note = self.note
        editable = note is not None and note.status == NoteStatus.DRAFT
        sections = []
        if note is not None:
            items = list(note.items.all())
            for value, label in NoteTheme.choices:
                theme_items = [
                    (
                        item,
                        ItemForm(initial=_item_initial(item), prefix=f"item{item.pk}"),
                    )
                    for item in items
                    if item.theme == value
                ]
                if theme_items:
                    sections.append({"label": label, "items": theme_items})
        context.update(
            note=note,
            campaign=self.campaign,
            organisation=self.organisation,
            editable=editable,
            is_editor=roles.is_editor(self.request.user),
            sections=sections,
            attachments=list(note.attachments.all()) if note else [],
            item_form=kwargs.get("item_form") or ItemForm(prefix="new"),
            attachment_form=kwargs.get("attachment_form") or AttachmentForm(),
            conclusions_form=ConclusionsForm(
                initial={"conclusions": note.conclusions if note else ""}
            ),
            submitted=note is not None and note.status == NoteStatus.SUBMITTED,
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        handler = getattr(self, f"do_{action}", None)
        if handler is None:
            messages.error(request, "Неизвестное действие.")
            return self._back()
        if action != "open" and self.note is None:
            messages.error(request, "Сначала создайте пояснительную записку.")
            return self._back()
        try:
            response = handler(request)
        except EvaluationError as error:
            messages.error(request, str(error))
            if action == "upload":
                form = AttachmentForm(request.POST, request.FILES)
                form.is_valid()
                form.add_error("image", str(error))
                return self.render_to_response(
                    self.get_context_data(attachment_form=form), status=400
                )
            return self._back()
        return response or self._back()

    def _back(self):
        return redirect(
            reverse("qp_note_edit", args=[self.campaign.pk, self.organisation.pk])
        )

    def _item(self, request) -> NoteItem:
        return get_object_or_404(NoteItem, pk=request.POST.get("item"), note=self.note)

    def _attachment(self, request) -> NoteAttachment:
        return get_object_or_404(
            NoteAttachment, pk=request.POST.get("attachment"), note=self.note
        )

    def do_open(self, request):
        notes.open_note(self.campaign, self.organisation, request.user)
        messages.success(request, "Пояснительная записка создана.")

    def do_prefill(self, request):
        report = notes.prefill_note(self.note, request.user)
        messages.success(
            request,
            f"Предложения из анкет: добавлено {report.added}, обновлено {report.updated}.",
        )

    def do_add_item(self, request):
        form = ItemForm(request.POST, prefix="new")
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(item_form=form), status=400
            )
        notes.save_item(self.note, request.user, **form.cleaned_data)
        messages.success(request, "Пункт добавлен.")

    def do_save_item(self, request):
        item = self._item(request)
        form = ItemForm(request.POST, prefix=f"item{item.pk}")
        if not form.is_valid():
            messages.error(request, "Проверьте пункт: " + _errors_text(form))
            return None
        notes.save_item(self.note, request.user, item=item, **form.cleaned_data)
        messages.success(request, "Пункт сохранён.")

    def do_delete_item(self, request):
        notes.delete_item(self._item(request), request.user)
        messages.success(request, "Пункт удалён.")

    def do_upload(self, request):
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(
                self.get_context_data(attachment_form=form), status=400
            )
        notes.add_attachment(
            self.note,
            request.user,
            form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
            alt_text=form.cleaned_data["alt_text"],
        )
        messages.success(request, "Изображение добавлено.")

    def do_delete_attachment(self, request):
        notes.delete_attachment(self._attachment(request), request.user)
        messages.success(request, "Изображение удалено.")

    def do_gallery(self, request):
        attachment = self._attachment(request)
        order = request.POST.get("gallery_order", "")
        notes.set_gallery(
            attachment,
            request.user,
            is_public=request.POST.get("is_public") == "on",
            order=int(order) if order.isdigit() else None,
            consent=request.POST.get("consent") == "on",
        )
        messages.success(request, "Галерея обновлена.")

    def do_submit(self, request):
        form = ConclusionsForm(request.POST)
        form.is_valid()
        notes.submit_note(
            self.note, request.user, conclusions=form.cleaned_data.get("conclusions")
        )
        messages.success(request, "Пояснительная записка представлена.")

    def do_return(self, request):
        notes.return_note(self.note, request.user, request.POST.get("reason", ""))
        messages.success(request, "Пояснительная записка возвращена на доработку.")


def _item_initial(item: NoteItem) -> dict:
    return {
        "theme": item.theme,
        "text": item.text,
        "count": item.count,
        "response": item.response,
    }


def _errors_text(form: forms.Form) -> str:
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )


class _EditorsOnly:
    """Editors and the РМЦ (consolidation and completeness checks)."""

    def dispatch(self, request, *args, **kwargs):
        if not roles.may_consolidate(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ConsolidationView(_EditorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """Download the consolidation of a Декада (the ministry's editors and РМЦ)."""

    template_name = "evaluation/notes/consolidation.html"
    page_title = _("Свод Декады качества")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["campaigns"] = Campaign.objects.filter(
            kind=CampaignKind.DECADE
        ).order_by("-period_start")
        return context

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]


class ConsolidationDownloadView(_EditorsOnly, View):
    """The summary or the plan of one Декада as an XLSX attachment."""

    def get(self, request, campaign_id: int, what: str):
        campaign = get_object_or_404(Campaign, pk=campaign_id, kind=CampaignKind.DECADE)
        if what == "plan":
            content = consolidation.plan_workbook(campaign)
            name, label = f"svodnyi-plan-{campaign.slug}.xlsx", "Сводный план"
        else:
            content = consolidation.summary_workbook(campaign)
            name, label = f"svodnaya-{campaign.slug}.xlsx", "Сводная информация"
        record(
            "decade.consolidate",
            campaign,
            f"{label} Декады выгружена",
            request.user,
            plan=what == "plan",
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def notes_urls():
    return [
        path("decade-notes/", NoteListView.as_view(), name="qp_notes"),
        path(
            "decade-notes/<int:campaign_id>/<int:organisation_id>/",
            NoteEditView.as_view(),
            name="qp_note_edit",
        ),
        path(
            "decade-consolidation/",
            ConsolidationView.as_view(),
            name="qp_decade_consolidation",
        ),
        path(
            "decade-consolidation/<int:campaign_id>/<str:what>.xlsx",
            ConsolidationDownloadView.as_view(),
            name="qp_decade_consolidation_download",
        ),
    ]


class _ShownTo(MenuItem):
    def __init__(self, *args, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self._shown = shown

    def is_shown(self, request):
        return self._shown(request.user)


@hooks.register("register_admin_urls")
def register_notes_urls():
    return notes_urls()


@hooks.register("register_admin_menu_item")
def register_notes_menu_item() -> MenuItem:
    return _ShownTo(
        "Пояснительные записки",
        reverse("qp_notes"),
        icon_name="doc-full",
        order=220,
        shown=_can_use_notes,
    )


@hooks.register("register_admin_menu_item")
def register_consolidation_menu_item() -> MenuItem:
    return _ShownTo(
        "Свод Декады",
        reverse("qp_decade_consolidation"),
        icon_name="table",
        order=230,
        shown=roles.may_consolidate,
    )
