"""The roles of the portal and the questions every layer asks about them.

Roles are Wagtail (Django auth) groups created by migration ``0006_roles``
(the РМЦ and public organisations: ``0027_letters_and_checkers``).
This module is the one permission policy: the admin, the API and the import
flow ask it, never the group names directly.

Two things decide what a user may do:

* **model permissions** (given by the role's group): which screens and
  actions exist for the user at all (view plans, change inputs…);
* **bindings** (``Organisation.users`` and ``Campaign.operators``): which
  rows of those models the user may see and change. Editors, administrators
  and superusers see every row; council members read every row of what the
  council reviews; the РМЦ reads every row of every organisation and campaign
  (it consolidates and checks completeness) but changes only its own letters;
  a public organisation reads the campaigns it is invited to
  (``CheckerInvitation``) and changes nothing; everyone else only rows of
  their organisations and of the campaigns they operate.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

EDITOR = "Редакторы"  # the ministry: everything about content and data
INSTITUTION = "Учреждения"  # bound to organisations through Organisation.users
COUNCIL = "Общественный совет"  # reviews plans, reports and results
OPERATOR = "Операторы"  # bound to campaigns through Campaign.operators
ADMINISTRATOR = "Администраторы"  # users, groups and settings
RMC = "Ресурсно-методический центр"  # consolidates and checks, never publishes
CHECKER = "Общественная организация"  # invited per campaign, reads and remarks

ROLES = (EDITOR, INSTITUTION, COUNCIL, OPERATOR, ADMINISTRATOR, RMC, CHECKER)

IMPORT_ANY = "qp_evaluation.import_any"


def _signed_in(user) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def has_role(user, role: str) -> bool:
    """Whether ``user`` is an active, signed-in member of ``role``'s group."""
    if not _signed_in(user):
        return False
    return user.groups.filter(name=role).exists()


def is_administrator(user) -> bool:
    """Administrators and superusers manage users, groups and settings."""
    if not _signed_in(user):
        return False
    return bool(user.is_superuser or has_role(user, ADMINISTRATOR))


def is_editor(user) -> bool:
    """Editors, administrators and superusers may see and change everything."""
    if not _signed_in(user):
        return False
    return bool(
        user.is_superuser
        or has_role(user, EDITOR)
        or has_role(user, ADMINISTRATOR)
        or user.has_perm(IMPORT_ANY)
    )


def is_council_member(user) -> bool:
    """Members of the public council review and decide."""
    return has_role(user, COUNCIL)


def is_rmc(user) -> bool:
    """The resource and methodological centre (КГБУ РМЦ, seed 000 §1.2–1.4)."""
    return has_role(user, RMC)


def is_checker(user) -> bool:
    """A public organisation taking part in checking (seed 000 §1.5)."""
    return has_role(user, CHECKER)


def may_consolidate(user) -> bool:
    """Consolidation and completeness checks: editors and the РМЦ."""
    return is_editor(user) or is_rmc(user)


def campaigns_checked_by(user) -> QuerySet:
    """Campaigns a public organisation's user is invited to check."""
    from evaluation.models import Campaign

    if not is_checker(user):
        return Campaign.objects.none()
    return Campaign.objects.filter(checker_invitations__user=user).distinct()


def organisations_of(user) -> QuerySet:
    """Organisations the user works for (empty for anonymous users).

    A parent organisation's users (КГКУ «УСЗН», seed 000 §3.3) work for its
    territorial offices too: they see and submit the offices' data.
    """
    from evaluation.models import Organisation

    if not _signed_in(user):
        return Organisation.objects.none()
    return Organisation.objects.filter(Q(users=user) | Q(parent__users=user)).distinct()


def campaigns_operated_by(user) -> QuerySet:
    """Campaigns the user is an operator of (empty for anonymous users)."""
    from evaluation.models import Campaign

    if not _signed_in(user):
        return Campaign.objects.none()
    return Campaign.objects.filter(operators=user)


def is_institution(user) -> bool:
    """Bound to at least one organisation (whatever the group says)."""
    return organisations_of(user).exists()


def is_operator(user) -> bool:
    """Operator of at least one campaign."""
    return campaigns_operated_by(user).exists()


def operates(user, campaign) -> bool:
    """Whether ``user`` is an operator of ``campaign``."""
    if campaign is None or not _signed_in(user):
        return False
    return campaign.operators.filter(pk=user.pk).exists()


def is_institution_only(user) -> bool:
    """An institution's user and nothing else: gets the simplified admin menu."""
    if not _signed_in(user) or is_editor(user):
        return False
    if is_council_member(user) or is_operator(user):
        return False
    return has_role(user, INSTITUTION) or is_institution(user)


# --------------------------------------------------------------------------
# Which rows: organisations, campaigns and any model that belongs to them


#: Model label → (path to its organisation, path to its campaign), relative to
#: the model; ``None`` where a model has no such link. Models not listed here
#: are not bound to an organisation or a campaign (districts, question sets,
#: the regional plan, the audit log): only editors see them.
SCOPES: dict[str, tuple[str | None, str | None]] = {
    "qp_evaluation.organisation": ("pk", "campaigns"),
    "qp_evaluation.campaign": ("organisations", "pk"),
    "qp_evaluation.indicatorinput": ("organisation", "campaign"),
    "qp_evaluation.surveyresponse": ("organisation", "campaign"),
    "qp_evaluation.result": ("organisation", "campaign"),
    "qp_evaluation.publishedresult": ("organisation", "publication__campaign"),
    "qp_evaluation.decadesummary": ("organisation", "campaign"),
    "qp_evaluation.samplebase": ("organisation", "campaign"),
    "qp_evaluation.improvementplan": ("organisation", "campaign"),
    "qp_evaluation.measure": ("plan__organisation", "plan__campaign"),
    "qp_evaluation.measurereport": (
        "measure__plan__organisation",
        "measure__plan__campaign",
    ),
    "qp_evaluation.submission": ("organisation", "campaign"),
    "qp_evaluation.councildecision": ("organisation", "campaign"),
    "qp_evaluation.onlinesubmission": ("organisation", "campaign"),
    "qp_evaluation.onlinequestionnaire": (None, "campaign"),
    "qp_evaluation.importrecord": ("organisation", "campaign"),
    "qp_evaluation.websitecheck": ("organisation", None),
    "qp_evaluation.letter": ("addressees", "campaign"),
    "qp_evaluation.proposal": (None, "campaign"),
}

#: Models whose organisation or campaign path is many-to-many (rows repeat).
MANY_TO_MANY_SCOPED = frozenset(
    {"qp_evaluation.organisation", "qp_evaluation.campaign", "qp_evaluation.letter"}
)

#: What the РМЦ reads besides every model of :data:`SCOPES` (all rows).
RMC_READS = frozenset(
    {"qp_evaluation.checkerremark", "qp_evaluation.checkerinvitation"}
)

#: What the РМЦ changes: only the letters it wrote.
RMC_WRITES: dict[str, Q] = {"qp_evaluation.letter": Q(author_kind="rmc")}

#: What an invited public organisation reads of its campaigns (not letters:
#: those are correspondence between the ministry and organisations).
CHECKER_READS = frozenset(
    {
        "qp_evaluation.organisation",
        "qp_evaluation.campaign",
        "qp_evaluation.indicatorinput",
        "qp_evaluation.surveyresponse",
        "qp_evaluation.result",
        "qp_evaluation.decadesummary",
        "qp_evaluation.samplebase",
        "qp_evaluation.improvementplan",
        "qp_evaluation.measure",
        "qp_evaluation.measurereport",
        "qp_evaluation.submission",
        "qp_evaluation.importrecord",
        "qp_evaluation.proposal",
    }
)

#: What the public council reviews: its members read every row of these.
COUNCIL_REVIEWS = frozenset(
    {
        "qp_evaluation.organisation",
        "qp_evaluation.campaign",
        "qp_evaluation.result",
        "qp_evaluation.publishedresult",
        "qp_evaluation.decadesummary",
        "qp_evaluation.samplebase",
        "qp_evaluation.improvementplan",
        "qp_evaluation.measure",
        "qp_evaluation.measurereport",
        "qp_evaluation.submission",
        "qp_evaluation.councildecision",
        "qp_evaluation.checkerremark",
        "qp_evaluation.proposal",
        "qp_evaluation.letter",
    }
)


#: What the public council decides: its members change every row of these.
COUNCIL_DECIDES = frozenset({"qp_evaluation.councildecision"})


def visible_organisations(user) -> QuerySet:
    """Organisations whose data ``user`` may read in the admin and the cabinet.

    Editors and council members: all. Institutions: their own. Operators:
    the organisations of their campaigns. Anonymous users: none (the public
    site and API show published data only).
    """
    from evaluation.models import Organisation

    return scope_queryset(user, Organisation.objects.all())


def manageable_organisations(user) -> QuerySet:
    """Organisations ``user`` may send and change data for: editors all, else own."""
    from evaluation.models import Organisation

    if is_editor(user):
        return Organisation.objects.all()
    return organisations_of(user)


def can_manage_organisation(user, organisation) -> bool:
    """Whether ``user`` may send or change ``organisation``'s data."""
    if organisation is None or not _signed_in(user):
        return False
    if is_editor(user):
        return True
    return organisations_of(user).filter(pk=organisation.pk).exists()


def visible_campaigns(user) -> QuerySet:
    """Campaigns ``user`` may read: editors and council all, else theirs."""
    from evaluation.models import Campaign

    return scope_queryset(user, Campaign.objects.all())


def _label(model) -> str:
    return model._meta.label_lower


def _binding_filter(user, model) -> Q | None:
    """Rows of ``model`` bound to the user's organisations or campaigns.

    ``None``: the model is not bound to either (only editors see it).
    """
    paths = SCOPES.get(_label(model))
    if paths is None:
        return None
    organisation_path, campaign_path = paths
    own = list(organisations_of(user).values_list("pk", flat=True))
    operated = list(campaigns_operated_by(user).values_list("pk", flat=True))
    condition = Q(pk__in=[])
    if organisation_path is not None and own:
        field = "pk" if organisation_path == "pk" else f"{organisation_path}__pk"
        condition |= Q(**{f"{field}__in": own})
    if campaign_path is not None and operated:
        field = "pk" if campaign_path == "pk" else f"{campaign_path}__pk"
        condition |= Q(**{f"{field}__in": operated})
    if _label(model) == "qp_evaluation.importrecord":
        condition |= Q(user=user)
    if _label(model) == "qp_evaluation.letter" and own:
        condition |= Q(author_organisation__pk__in=own)
    return condition


def _rmc_filter(model, *, for_change: bool) -> Q | None:
    label = _label(model)
    if for_change:
        return RMC_WRITES.get(label)
    if label in SCOPES or label in RMC_READS:
        return Q()
    return None


def _checker_filter(user, model, *, for_change: bool) -> Q | None:
    """Rows of the campaigns a public organisation is invited to (read only)."""
    label = _label(model)
    if label == "qp_evaluation.checkerremark":
        return Q(author=user)
    if for_change or label not in CHECKER_READS:
        return None
    invited = list(campaigns_checked_by(user).values_list("pk", flat=True))
    campaign_path = SCOPES[label][1]
    field = "pk" if campaign_path == "pk" else f"{campaign_path}__pk"
    condition = Q(**{f"{field}__in": invited})
    skipped = COUNCIL_SKIPS.get(label)
    return condition if skipped is None else condition & ~skipped


#: Rows of what the council reviews that it does not see: plans still drafted
#: by their organisation (and their measures and reports).
COUNCIL_SKIPS: dict[str, Q] = {
    "qp_evaluation.improvementplan": Q(status="draft"),
    "qp_evaluation.measure": Q(plan__status="draft"),
    "qp_evaluation.measurereport": Q(measure__plan__status="draft"),
}


def _council_filter(model, *, for_change: bool) -> Q | None:
    label = _label(model)
    if for_change:
        return Q() if label in COUNCIL_DECIDES else None
    if label not in COUNCIL_REVIEWS:
        return None
    skipped = COUNCIL_SKIPS.get(label)
    return Q() if skipped is None else ~skipped


def scope_queryset(user, queryset: QuerySet, *, for_change: bool = False) -> QuerySet:
    """The rows of ``queryset`` that ``user`` may read (or change).

    Editors get the queryset unchanged; anonymous users nothing. Council
    members read every row of what the council reviews except organisations'
    drafts, and change its decisions. The РМЦ reads every bound row and
    changes its own letters; a public organisation reads the rows of the
    campaigns it is invited to (drafts aside) and its own remarks. Everyone else: rows of their
    organisations, of the campaigns they operate, and (imports) their own
    uploads. Model permissions still decide whether a screen exists at all.
    """
    if not _signed_in(user):
        return queryset.none()
    if is_editor(user):
        return queryset
    model = queryset.model
    condition = _binding_filter(user, model)
    extras = []
    if is_council_member(user):
        extras.append(_council_filter(model, for_change=for_change))
    if is_rmc(user):
        extras.append(_rmc_filter(model, for_change=for_change))
    if is_checker(user):
        extras.append(_checker_filter(user, model, for_change=for_change))
    for extra in extras:
        if extra is None:
            continue
        if extra == Q():
            return queryset
        condition = extra if condition is None else condition | extra
    if condition is None:
        return queryset.none()
    if _label(model) in MANY_TO_MANY_SCOPED:
        # Many-to-many paths repeat rows: filter by primary key instead.
        ids = model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=ids)
    return queryset.filter(condition)


def can_view_object(user, obj: Model) -> bool:
    """Whether ``user`` may read ``obj`` (see :func:`scope_queryset`)."""
    manager = type(obj)._default_manager
    return scope_queryset(user, manager.filter(pk=obj.pk)).exists()


def can_change_object(user, obj: Model) -> bool:
    """Whether ``obj`` is within what ``user`` may change (model perms aside)."""
    manager = type(obj)._default_manager
    return scope_queryset(user, manager.filter(pk=obj.pk), for_change=True).exists()
