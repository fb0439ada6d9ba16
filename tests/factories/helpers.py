"""Steps several test modules share, built on the factories.

``import_campaigns(a, b)`` are the Декада and the НОК of 2024 the import tests
load files into; ``nok_2025(a, b)`` is the campaign «НОК 2025» of two organisations
(``nok_campaign(year, ...)`` that of another year); ``campaign_people(campaign,
a, b, user)`` are the editor, the organisations' users, a council member and
the operator;
``recompute_examples(campaign, editor, a, b)`` opens it, enters worked examples
A and B (METHOD.md) for ``a`` and ``b`` and recomputes it, unpublished;
``audit_actions(type, pk)`` is an object's audit trail.
"""

from __future__ import annotations

from datetime import date

from evaluation import roles
from evaluation.enums import CampaignKind, CampaignStatus
from evaluation.models import AuditEvent, Campaign
from evaluation.nok import lifecycle, services
from tests.evaluation.examples import EXAMPLE_A, EXAMPLE_B
from tests.factories.evaluation import OrganisationFactory
from tests.factories.users import role_user


def nok_campaign(
    year: int, *organisations, status: str = CampaignStatus.DRAFT
) -> Campaign:
    """A new campaign «НОК ``year``» (1 March to 31 October) of ``organisations``,
    a draft unless ``status`` says otherwise."""
    campaign = Campaign.objects.create(
        kind=CampaignKind.NOK,
        year=year,
        title=f"НОК {year}",
        slug=f"nok-{year}",
        period_start=date(year, 3, 1),
        period_end=date(year, 10, 31),
        status=status,
    )
    campaign.organisations.set(organisations)
    return campaign


def nok_2025(*organisations) -> Campaign:
    """A new НОК campaign of 2025 (1 March to 31 October) of ``organisations``."""
    return nok_campaign(2025, *organisations)


def campaign_people(campaign: Campaign, a, b, user) -> dict:
    """The scoped roles around ``campaign`` of organisations ``a`` and ``b``.

    ``user(name, group)`` makes an account; returns the editor, ``inst_a`` and
    ``inst_b`` (users of ``a`` and ``b``), a council member and ``operator``
    (the campaign's operator) by those names.
    """
    users = {
        "editor": user("editor", roles.EDITOR),
        "inst_a": user("inst_a", roles.INSTITUTION),
        "inst_b": user("inst_b", roles.INSTITUTION),
        "council": user("council", roles.COUNCIL),
        "operator": user("operator", roles.OPERATOR),
    }
    a.users.add(users["inst_a"])
    b.users.add(users["inst_b"])
    campaign.operators.add(users["operator"])
    return users


def recompute_examples(campaign: Campaign, editor, a, b) -> Campaign:
    """Open ``campaign``, enter example A for ``a`` and B for ``b``, recompute."""
    lifecycle.open_campaign(campaign, editor)
    services.save_indicator_inputs(campaign, a, EXAMPLE_A)
    services.save_indicator_inputs(campaign, b, EXAMPLE_B)
    lifecycle.recompute(campaign, editor)
    return campaign


def recomputed_nok_2025():
    """An editor and «НОК 2025» of КЦСОН «Надежда» (A) and «Забота» (B), recomputed.

    Returns ``(campaign, editor)``; nothing is published.
    """
    editor = role_user("editor", roles.EDITOR)
    a = OrganisationFactory(short_name="КЦСОН «Надежда»")
    b = OrganisationFactory(short_name="КЦСОН «Забота»")
    campaign = nok_2025(a, b)
    recompute_examples(campaign, editor, a, b)
    return campaign, editor


def import_campaigns(*organisations) -> dict[str, Campaign]:
    """«Декада качества 2024» and «НОК 2024» (in review) of ``organisations``."""
    decade = Campaign.objects.create(
        kind=CampaignKind.DECADE,
        year=2024,
        title="Декада качества 2024",
        slug="decade-2024",
        period_start=date(2024, 4, 8),
        period_end=date(2024, 4, 19),
    )
    decade.organisations.set(organisations)
    nok = nok_campaign(2024, *organisations, status=CampaignStatus.REVIEW)
    return {"decade": decade, "nok": nok}


def audit_actions(object_type: str, pk) -> list[str]:
    """The actions of the audit events of one object (``app_label.model``), in order."""
    return list(
        AuditEvent.objects.filter(object_type=object_type, object_id=str(pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
