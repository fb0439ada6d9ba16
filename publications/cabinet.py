"""Institution cabinet in the Wagtail admin: what an organisation owes and sent.

For each of the user's organisations: the campaigns it takes part in, the
documents it owes with their working-day deadlines and today's state, links
that open the import flow with the right form and campaign, its import
history and the council review status.

Which organisations a user sees is :mod:`evaluation.roles`' decision: an
institution's user sees only its own; editors pick any organisation. The
review column is filled by ``publications.review_admin.review_status_for``
when the review change provides it: it takes an organisation and returns
either one text for the organisation or a mapping ``{campaign pk: text}``;
without it (or with nothing to say) the cabinet shows «—».

Institution-only users get a simplified admin menu: the cabinet, uploads and
their upload history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles
from evaluation.deadlines import CALENDAR, SubmissionState
from evaluation.enums import SubmissionKind
from evaluation.imports.sheets import FORMS
from evaluation.models import Campaign, ImportRecord, Organisation, Submission
from evaluation.plans import instructions
from publications.models import ReviewDocument

#: The import form that delivers each kind of owed document.
UPLOAD_FORMS = {
    SubmissionKind.DECADE_SUMMARY: "decade_summary",
    SubmissionKind.USZN_SUMMARY: "decade_summary",
    SubmissionKind.EXPLANATORY_NOTE: "explanatory_note",
    SubmissionKind.IMPROVEMENT_PLAN: "improvement_plan",
    SubmissionKind.USZN_PLAN: "improvement_plan",
    SubmissionKind.FULFILMENT_REPORT: "fulfilment_report",
}
HISTORY_SHOWN = 20
NO_VALUE = "—"


@dataclass(frozen=True)
class OwedRow:
    submission: Submission
    state: SubmissionState
    working_days_left: int | None
    upload_url: str | None


@dataclass(frozen=True)
class ReviewItem:
    """One line of the review column: a document's status and council comments."""

    label: str
    title: str = ""
    campaign_id: int | None = None
    everywhere: bool = False  # one status for the whole organisation
    details: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportRow:
    record: ImportRecord
    form_title: str


@dataclass(frozen=True)
class CampaignRow:
    campaign: Campaign
    review: str


@dataclass
class OrganisationCabinet:
    organisation: Organisation
    campaigns: list[CampaignRow] = field(default_factory=list)
    owed: list[OwedRow] = field(default_factory=list)
    imports: list[ImportRow] = field(default_factory=list)
    reviews: list[ReviewItem] = field(default_factory=list)
    #: Instructions of the ministry not yet accepted, with today's state.
    instructions: list = field(default_factory=list)


def upload_url(form_name: str, campaign: Campaign | None) -> str | None:
    """The import page with the form (and campaign) chosen, if the form exists."""
    if form_name not in FORMS:
        return None
    query = {"form": form_name}
    if campaign is not None:
        query["campaign"] = campaign.pk
    return f"{reverse('qp_import')}?{urlencode(query)}"


def _review_status(organisation: Organisation):
    from publications import review_admin

    provider = getattr(review_admin, "review_status_for", None)
    if provider is None:
        return None
    return provider(organisation)


def _comment_text(comment) -> str:
    text = str(getattr(comment, "text", comment)).strip()
    by = str(getattr(comment, "by", "") or "").strip()
    at = getattr(comment, "at", None)
    source = ", ".join(
        part for part in (by, at.strftime("%d.%m.%Y") if at else "") if part
    )
    return f"{text} ({source})" if source else text


def review_items(status) -> list[ReviewItem]:
    """The review change's answer in one shape, whatever shape it came in.

    Accepted: nothing; one text for the organisation; ``{campaign pk: text}``;
    or a list of review statuses (objects with ``document``, ``label``,
    ``reason``, ``decision_number`` and ``comments``).
    """
    if status is None or status == "":
        return []
    if isinstance(status, str):
        return [ReviewItem(label=status.strip(), everywhere=True)]
    if isinstance(status, Mapping):
        return [
            ReviewItem(label=str(text).strip(), campaign_id=key)
            for key, text in status.items()
            if text
        ]
    items = []
    for entry in status:
        document = getattr(entry, "document", None)
        details = []
        if getattr(entry, "reason", ""):
            details.append(f"причина: {entry.reason}")
        if getattr(entry, "decision_number", ""):
            details.append(f"решение № {entry.decision_number}")
        items.append(
            ReviewItem(
                label=str(getattr(entry, "label", entry)).strip(),
                title=str(getattr(document, "title", "") or ""),
                campaign_id=getattr(document, "campaign_id", None),
                details=details,
                comments=[_comment_text(c) for c in getattr(entry, "comments", [])],
            )
        )
    return items


def _review_text(items: list[ReviewItem], campaign: Campaign) -> str:
    shown = [
        f"{item.title}: {item.label}" if item.title else item.label
        for item in items
        if item.label and (item.everywhere or item.campaign_id == campaign.pk)
    ]
    return "; ".join(shown) or NO_VALUE


def _owed_row(submission: Submission, today: date) -> OwedRow:
    state = submission.state(today)
    left = None
    if submission.received_on is None and today <= submission.deadline:
        left = CALENDAR.working_days_between(today, submission.deadline)
    form_name = UPLOAD_FORMS.get(submission.kind)
    return OwedRow(
        submission=submission,
        state=state,
        working_days_left=left,
        upload_url=upload_url(form_name, submission.campaign) if form_name else None,
    )


def build_cabinet(
    user, organisation: Organisation, *, today: date | None = None
) -> OrganisationCabinet:
    """Everything the cabinet shows about one organisation, as ``user`` may see it."""
    today = today or timezone.localdate()
    reviews = review_items(_review_status(organisation))
    campaigns = organisation.campaigns.order_by("-year", "kind", "pk")
    owed = (
        Submission.objects.filter(organisation=organisation)
        .select_related("campaign")
        .order_by("deadline", "kind", "pk")
    )
    imports = roles.scope_queryset(
        user,
        ImportRecord.objects.filter(
            Q(organisation=organisation) | Q(user__qp_organisations=organisation)
        )
        .select_related("campaign", "user")
        .distinct()
        .order_by("-created_at", "-pk"),
    )[:HISTORY_SHOWN]
    return OrganisationCabinet(
        organisation=organisation,
        campaigns=[
            CampaignRow(campaign, _review_text(reviews, campaign))
            for campaign in campaigns
        ],
        owed=[_owed_row(submission, today) for submission in owed],
        reviews=[item for item in reviews if item.title],
        instructions=[
            (row, row.deadline_state(today))
            for row in instructions.current_for_organisation(organisation)
        ],
        imports=[
            ImportRow(record, FORMS[record.form].title if record.form in FORMS else "")
            for record in imports
        ],
    )


class CabinetView(WagtailAdminTemplateMixin, TemplateView):
    """«Кабинет учреждения»: one section per organisation of the user."""

    template_name = "publications/cabinet/index.html"
    page_title = "Кабинет учреждения"
    header_icon = "home"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        self.is_editor = roles.is_editor(user)
        if not (self.is_editor or roles.is_institution(user)):
            raise PermissionDenied
        self.organisations = self._organisations(request)
        return super().dispatch(request, *args, **kwargs)

    def _organisations(self, request) -> list[Organisation]:
        own = roles.manageable_organisations(request.user)
        chosen = request.GET.get("organisation", "")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            organisation = own.filter(pk=int(chosen)).first()
            if organisation is None:
                # Another organisation's cabinet does not exist for this user.
                raise Http404
            return [organisation]
        if self.is_editor:
            return []  # editors choose an organisation first
        return list(own.order_by("short_name", "pk"))

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["cabinets"] = [
            build_cabinet(user, organisation) for organisation in self.organisations
        ]
        context["is_editor"] = self.is_editor
        if self.is_editor:
            context["choices"] = Organisation.objects.filter(is_active=True).order_by(
                "short_name", "pk"
            )
        context["upload_url"] = reverse("qp_import")
        context["no_value"] = NO_VALUE
        return context


class CabinetMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        user = request.user
        return roles.is_editor(user) or roles.is_institution(user)


def import_history_url() -> str:
    from evaluation.admin.viewsets import ImportRecordViewSet

    return reverse(ImportRecordViewSet().get_url_name("index"))


@hooks.register("register_admin_urls")
def register_cabinet_urls():
    return [path("cabinet/", CabinetView.as_view(), name="qp_cabinet")]


@hooks.register("register_admin_menu_item")
def register_cabinet_menu_item() -> MenuItem:
    return CabinetMenuItem(
        "Кабинет учреждения",
        reverse("qp_cabinet"),
        name="qp-cabinet",
        icon_name="home",
        order=90,
    )


@hooks.register("construct_main_menu")
def simplify_menu_for_institutions(request, menu_items) -> None:
    """Institution-only users: the cabinet, uploads and their history, documents
    sent for review, objections and instructions; nothing else."""
    if not roles.is_institution_only(request.user):
        return
    review_documents = reverse(
        f"wagtailsnippets_{ReviewDocument._meta.app_label}"
        f"_{ReviewDocument._meta.model_name}:list"
    )
    kept = {
        reverse("qp_cabinet"),
        reverse("qp_import"),
        reverse("qp_instructions"),
        review_documents,
        reverse("qp_objections"),
    }
    items = [item for item in menu_items if getattr(item, "url", None) in kept]
    items.append(
        MenuItem(
            "История загрузок",
            import_history_url(),
            name="qp-import-history",
            icon_name="history",
            order=220,
        )
    )
    menu_items[:] = items
