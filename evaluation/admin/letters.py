"""Admin screens of letters, proposals and public organisations (admin adapter).

Built on the scoped viewsets of :mod:`evaluation.admin.viewsets`: rows and choices
come from the roles policy. The РМЦ writes only its own letters; a public
organisation adds remarks on the campaigns it is invited to and changes
nothing else. Rules live in :mod:`evaluation.plans.letters`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from evaluation import roles
from evaluation.admin.viewsets import EvaluationViewSetGroup, ScopedModelViewSet
from evaluation.models import (
    Campaign,
    CheckerInvitation,
    CheckerRemark,
    ImprovementPlan,
    Letter,
    LetterAuthor,
    Proposal,
)
from evaluation.plans import letters

LETTER_FIELDS = [
    "kind",
    "author_kind",
    "author_organisation",
    "to_ministry",
    "addressees",
    "number",
    "dated",
    "subject",
    "summary",
    "file",
    "campaign",
    "plan",
    "organisation",
    "is_public",
]


class LetterForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        author = cleaned.get("author_kind")
        allowed = getattr(self, "allowed_authors", None)
        if author and allowed is not None and author not in allowed:
            self.add_error(
                "author_kind",
                "РМЦ вносит только свои письма: выберите автора "
                "«Ресурсно-методический центр».",
            )
        addressees = cleaned.get("addressees")
        if not cleaned.get("to_ministry") and not (addressees and addressees.exists()):
            self.add_error(
                "addressees",
                "Укажите адресатов: выберите организации или отметьте "
                "«письмо министерству».",
            )
        return cleaned


class RemarkForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        campaign = cleaned.get("campaign")
        user = getattr(self, "qp_user", None)
        if campaign is not None and not letters.may_remark(user, campaign):
            self.add_error(
                "campaign",
                "Замечания оставляют только общественные организации, "
                f"приглашённые к проверке кампании «{campaign.title}».",
            )
        organisation = cleaned.get("organisation")
        if (
            campaign is not None
            and organisation is not None
            and not campaign.organisations.filter(pk=organisation.pk).exists()
        ):
            self.add_error(
                "organisation",
                f"Организация «{organisation.short_name}» не участвует в кампании "
                f"«{campaign.title}»: выберите организацию этой кампании.",
            )
        return cleaned


class _LetterViews:
    """Authors the РМЦ may choose, and who entered the letter."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        user = self.request.user
        if not roles.is_editor(user) and roles.is_rmc(user):
            form.allowed_authors = {LetterAuthor.RMC}
            form.fields["author_kind"].choices = [
                (LetterAuthor.RMC.value, LetterAuthor.RMC.label)
            ]
        if "plan" in form.fields:
            form.fields["plan"].queryset = roles.scope_queryset(
                user, ImprovementPlan.objects.select_related("organisation")
            )
        return form

    def _changeable(self, args) -> bool:
        instance = args[0] if args else getattr(self, "object", None)
        if not isinstance(instance, Letter):
            return True
        return roles.can_change_object(self.request.user, instance)

    # The РМЦ may change letters, but only its own: no edit or delete link
    # on the ministry's and the councils' letters.
    def get_edit_url(self, *args):
        return super().get_edit_url(*args) if self._changeable(args) else None

    def get_delete_url(self, *args):
        return super().get_delete_url(*args) if self._changeable(args) else None

    def save_instance(self):
        instance = super().save_instance()
        if instance.created_by_id is None:
            Letter.objects.filter(pk=instance.pk).update(created_by=self.request.user)
            instance.created_by = self.request.user
        return instance


class _RemarkViews:
    """Only the invited campaigns are offered; the author is the user."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        form.qp_user = self.request.user
        if "campaign" in form.fields:
            form.fields["campaign"].queryset = letters.campaigns_open_to_remarks(
                self.request.user
            )
        return form

    def save_instance(self):
        self.form.instance.author = self.request.user
        return super().save_instance()


def _with(mixin, view_class):
    return type(f"{mixin.__name__[1:]}{view_class.__name__}", (mixin, view_class), {})


class LetterViewSet(ScopedModelViewSet):
    model = Letter
    base_form_class = LetterForm
    icon = "mail"
    menu_label = _("Письма")
    list_display = ["__str__", "subject", "author_kind", "campaign", "is_public"]
    list_filter = ["kind", "author_kind", "is_public", "campaign"]
    search_fields = ["number", "subject"]
    inspect_view_enabled = True
    form_fields = LETTER_FIELDS

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(_with(_LetterViews, view_class), **kwargs)


class ProposalViewSet(ScopedModelViewSet):
    model = Proposal
    icon = "tick-inverse"
    menu_label = _("Предложения по итогам НОК")
    list_display = ["__str__", "status", "document_kind", "accounted_on", "is_public"]
    list_filter = ["status", "document_kind", "campaign"]
    search_fields = ["text", "document_name"]
    inspect_view_enabled = True
    form_fields = [
        "campaign",
        "text",
        "status",
        "document_kind",
        "document_name",
        "document_number",
        "document_url",
        "accounted_on",
        "is_public",
    ]


class CheckerInvitationViewSet(ScopedModelViewSet):
    model = CheckerInvitation
    icon = "group"
    menu_label = _("Приглашения общественных организаций")
    list_display = ["organisation_name", "user", "campaign", "invited_on"]
    list_filter = ["campaign"]
    search_fields = ["organisation_name"]
    form_fields = ["campaign", "user", "organisation_name", "invited_on"]

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)
        users = get_user_model().objects.filter(
            groups__name=roles.CHECKER, is_active=True
        )
        form_class.base_fields["user"].queryset = users
        form_class.base_fields["campaign"].queryset = Campaign.objects.all()
        return form_class


class CheckerRemarkViewSet(ScopedModelViewSet):
    model = CheckerRemark
    base_form_class = RemarkForm
    icon = "comment"
    menu_label = _("Замечания общественных организаций")
    list_display = ["campaign", "organisation", "author", "created_at"]
    list_filter = ["campaign"]
    search_fields = ["text"]
    inspect_view_enabled = True
    form_fields = ["campaign", "organisation", "text"]

    def construct_view(self, view_class, **kwargs):
        return super().construct_view(_with(_RemarkViews, view_class), **kwargs)


class LettersViewSetGroup(EvaluationViewSetGroup):
    menu_label = _("Письма и предложения")
    menu_icon = "mail"
    menu_order = 205
    items = (
        LetterViewSet,
        ProposalViewSet,
        CheckerInvitationViewSet,
        CheckerRemarkViewSet,
    )
