"""Wagtail admin view «Контроль сроков»: the editors' submissions tracker (adapter).

One row per organisation and document of a campaign: due date, received
date and state on today (:func:`evaluation.deadlines.submission_state`),
with filters, sorting, pagination, counts per state and CSV/XLSX export;
below, the campaign's duties of the РМЦ and the ministry department
(:class:`~evaluation.models.Obligation`), which an editor marks done.
It reads :func:`evaluation.selectors.submissions_tracker`, the selector the
public ``SubmissionsTrackerBlock`` renders, so both show the same figures.
Editors only (:func:`evaluation.roles.is_editor`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles, selectors
from evaluation.deadlines import CALENDAR, SubmissionState
from evaluation.enums import SubmissionKind
from evaluation.models import (
    AnswerState,
    Campaign,
    District,
    Obligation,
    Organisation,
    Submission,
)
from evaluation.obligations import owed as obligations
from evaluation.opendata import exports
from evaluation.plans import instructions

PER_PAGE = 50

SORTS = {
    "deadline": ("Срок (сначала ранние)", lambda i: (i.deadline, i.name)),
    "-deadline": (
        "Срок (сначала поздние)",
        lambda i: (-i.deadline.toordinal(), i.name),
    ),
    "organisation": ("Организация", lambda i: (i.name, i.deadline)),
    "state": ("Состояние", lambda i: (_STATE_ORDER[i.state], i.deadline, i.name)),
    "received": (
        "Дата поступления",
        lambda i: (i.received_on is None, i.received_on or date.max, i.name),
    ),
}

# Worst first: what needs action comes to the top when sorting by state.
_STATE_ORDER = {
    SubmissionState.OVERDUE: 0,
    SubmissionState.DUE_SOON: 1,
    SubmissionState.LATE: 2,
    SubmissionState.PENDING: 3,
    SubmissionState.ON_TIME: 4,
}

COLUMNS = (
    exports.Column("organisation", "Организация"),
    exports.Column("district", "Район"),
    exports.Column("document", "Документ"),
    exports.Column("deadline", "Срок", exports.ColumnType.DATE),
    exports.Column("received_on", "Дата поступления", exports.ColumnType.DATE),
    exports.Column("state", "Состояние"),
    exports.Column(
        "working_days",
        "Рабочих дней просрочки (+) или до срока (−)",
        exports.ColumnType.INTEGER,
    ),
)


@dataclass(frozen=True)
class TrackerItem:
    """One document owed by one organisation, as a line of the tracker."""

    organisation: Organisation
    submission: Submission
    state: SubmissionState
    today: date

    @property
    def name(self) -> str:
        return self.organisation.short_name

    @property
    def deadline(self) -> date:
        return self.submission.deadline

    @property
    def received_on(self) -> date | None:
        return self.submission.received_on

    @property
    def working_days(self) -> int | None:
        """Working days late (positive) or left (negative) for missing documents."""
        if self.received_on is not None:
            return CALENDAR.working_days_between(self.deadline, self.received_on)
        return CALENDAR.working_days_between(self.deadline, self.today)

    def as_row(self) -> dict:
        district = self.organisation.district
        return {
            "organisation": self.name,
            "district": district.name if district else "",
            "document": str(self.submission.get_kind_display()),
            "deadline": self.deadline,
            "received_on": self.received_on,
            "state": self.state.label,
            "working_days": self.working_days,
        }


def tracker_items(
    tracker: selectors.SubmissionsTracker, *, kind: str = "", state: str = ""
) -> list[TrackerItem]:
    """The tracker's cells as lines, optionally of one kind and one state."""
    items = []
    for row in tracker.rows:
        for submission, cell_state in row.cells:
            if submission is None or cell_state is None:
                continue
            if kind and submission.kind != kind:
                continue
            if state and cell_state != state:
                continue
            items.append(
                TrackerItem(row.organisation, submission, cell_state, tracker.today)
            )
    return items


class TrackerFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Кампания"),
        queryset=Campaign.objects.filter(submissions__isnull=False)
        .distinct()
        .order_by("-year", "title"),
        empty_label=None,
    )
    district = forms.ModelChoiceField(
        label=_("Район"),
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("Все районы"),
    )
    kind = forms.ChoiceField(
        label=_("Документ"),
        choices=[("", _("Все документы")), *SubmissionKind.choices],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("Состояние"),
        choices=[("", _("Все состояния")), *SubmissionState.choices()],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Сортировка"),
        choices=[(key, label) for key, (label, _key) in SORTS.items()],
        required=False,
    )


class ObligationDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Дата исполнения"))


class SubmissionsTrackerView(WagtailAdminTemplateMixin, TemplateView):
    """Per campaign: who owed what, when it arrived, on time / late / missing."""

    template_name = "evaluation/tracker/tracker.html"
    page_title = _("Контроль сроков")
    header_icon = "time"

    def dispatch(self, request, *args, **kwargs):
        if not roles.is_editor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_form(self) -> TrackerFilterForm:
        data = self.request.GET.copy()
        if not data.get("campaign"):
            first = TrackerFilterForm.base_fields["campaign"].queryset.first()
            if first is not None:
                data["campaign"] = str(first.pk)
        return TrackerFilterForm(data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        context["form"] = form
        today = timezone.localdate()
        context["instructions"] = [
            (row, row.deadline_state(today))
            for row in instructions.visible_addressees(self.request.user).exclude(
                state=AnswerState.ACCEPTED
            )
        ]
        if not form.is_valid():
            return context
        data = form.cleaned_data
        district = data["district"]
        tracker = selectors.submissions_tracker(
            data["campaign"],
            today=timezone.localdate(),
            district=district.slug if district else "",
        )
        of_kind = tracker_items(tracker, kind=data["kind"])
        counts = dict.fromkeys(SubmissionState, 0)
        for item in of_kind:
            counts[item.state] += 1
        items = [i for i in of_kind if not data["state"] or i.state == data["state"]]
        _label, key = SORTS[data["sort"] or "deadline"]
        items.sort(key=key)
        page = Paginator(items, PER_PAGE).get_page(self.request.GET.get("p"))
        today = tracker.today
        context.update(
            obligations=[
                (item, item.state(today)) for item in data["campaign"].obligations.all()
            ],
            campaign=data["campaign"],
            tracker=tracker,
            items=items,
            page_obj=page,
            counts=[(state, counts[state]) for state in SubmissionState],
            total=len(of_kind),
            export_formats=("csv", "xlsx"),
        )
        return context

    def post(self, request, *args, **kwargs):
        """Record that a duty of the РМЦ or the department was done (on a date)."""
        obligation = get_object_or_404(Obligation, pk=request.POST.get("obligation"))
        form = ObligationDoneForm(request.POST)
        if form.is_valid():
            obligations.mark_done(obligation, on=form.cleaned_data["done_on"])
            messages.success(
                request,
                f"Отмечено исполнение: {obligation.title} "
                f"({obligation.done_on:%d.%m.%Y}).",
            )
        else:
            messages.error(request, "Укажите дату исполнения в формате ДД.ММ.ГГГГ.")
        return redirect(f"{reverse('qp_tracker')}?campaign={obligation.campaign_id}")

    def render_to_response(self, context, **response_kwargs):
        fmt = self.request.GET.get("export")
        if fmt in ("csv", "xlsx") and "items" in context:
            return self.export(context, fmt)
        return super().render_to_response(context, **response_kwargs)

    def export(self, context, fmt: str) -> HttpResponse:
        campaign = context["campaign"]
        rows = [item.as_row() for item in context["items"]]
        content = exports.write(
            fmt,
            COLUMNS,
            rows,
            title=f"Контроль сроков: {campaign}",
            sheet_name="Контроль сроков",
        )
        response = HttpResponse(content, content_type=exports.FORMATS[fmt].media_type)
        today = context["tracker"].today.isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="tracker-{campaign.slug}-{today}.{fmt}"'
        )
        return response


def tracker_urls():
    return [path("tracker/", SubmissionsTrackerView.as_view(), name="qp_tracker")]


class TrackerMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return roles.is_editor(request.user)


@hooks.register("register_admin_urls")
def register_tracker_urls():
    return tracker_urls()


@hooks.register("register_admin_menu_item")
def register_tracker_menu_item() -> MenuItem:
    return TrackerMenuItem(
        "Контроль сроков", reverse("qp_tracker"), icon_name="time", order=220
    )
