"""The roles: groups made by migration 0006 and the one permission policy."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from evaluation import roles
from evaluation.enums import CampaignKind, PlanStatus
from evaluation.models import (
    Campaign,
    CouncilDecision,
    ImprovementPlan,
    Measure,
    MeasureReport,
    Organisation,
)
from tests.evaluation.test_imports import region

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

MIGRATION = importlib.import_module("evaluation.migrations.0006_roles")
#: Grants on models added after 0006, run after it by every migrate.
FOLLOW_UPS = (
    importlib.import_module("evaluation.migrations.0011_roles_new_models"),
    importlib.import_module(
        "evaluation.migrations.0016_document_collection_permissions"
    ),
    importlib.import_module("evaluation.migrations.0020_sample_base_roles"),
    importlib.import_module("publications.migrations.0007_review_roles"),
    importlib.import_module("evaluation.migrations.0027_letters_and_checkers"),
)


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


# -------------------------------------------------------------- the groups


def test_migration_creates_the_five_groups_with_admin_access() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    for name in roles.ROLES:
        assert "wagtailadmin.access_admin" in codenames(name), name


@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (
            roles.EDITOR,
            {"qp_evaluation.import_any", "qp_evaluation.add_improvementplan",
             "qp_evaluation.change_indicatorinput", "qp_evaluation.delete_submission",
             "qp_evaluation.view_auditevent"},
            {"auth.change_user", "auth.change_group"},
        ),
        (
            roles.INSTITUTION,
            {"qp_evaluation.view_submission", "qp_evaluation.view_improvementplan",
             "qp_evaluation.view_importrecord", "qp_evaluation.view_decadesummary"},
            {"qp_evaluation.change_improvementplan", "qp_evaluation.import_any",
             "qp_evaluation.view_organisation", "qp_evaluation.view_auditevent",
             "qp_evaluation.add_submission"},
        ),
        (
            roles.COUNCIL,
            {"qp_evaluation.view_improvementplan", "qp_evaluation.view_measure",
             "qp_evaluation.view_measurereport", "qp_evaluation.view_submission",
             "qp_evaluation.add_councildecision", "qp_evaluation.change_councildecision"},
            {"qp_evaluation.delete_councildecision", "qp_evaluation.change_improvementplan",
             "qp_evaluation.view_importrecord", "qp_evaluation.import_any"},
        ),
        (
            roles.OPERATOR,
            {"qp_evaluation.view_indicatorinput", "qp_evaluation.change_indicatorinput"},
            {"qp_evaluation.add_indicatorinput", "qp_evaluation.change_improvementplan",
             "qp_evaluation.import_any"},
        ),
        (
            roles.ADMINISTRATOR,
            {"auth.add_user", "auth.change_user", "auth.change_group",
             "qp_evaluation.import_any", "qp_evaluation.delete_campaign"},
            set(),
        ),
        (
            roles.RMC,
            {"qp_evaluation.view_improvementplan", "qp_evaluation.view_importrecord",
             "qp_evaluation.view_decadesummary", "qp_evaluation.view_measurereport",
             "qp_evaluation.add_letter", "qp_evaluation.change_letter"},
            {"qp_evaluation.import_any", "qp_evaluation.change_campaign",
             "qp_evaluation.change_improvementplan", "qp_evaluation.add_proposal",
             "qp_evaluation.change_councildecision", "auth.change_user"},
        ),
        (
            roles.CHECKER,
            {"qp_evaluation.view_improvementplan", "qp_evaluation.view_submission",
             "qp_evaluation.add_checkerremark", "qp_evaluation.view_checkerremark"},
            {"qp_evaluation.change_checkerremark", "qp_evaluation.view_letter",
             "qp_evaluation.change_improvementplan", "qp_evaluation.import_any",
             "qp_evaluation.add_councildecision"},
        ),
    ],
    ids=["editor", "institution", "council", "operator", "administrator", "rmc",
         "checker"],
)  # fmt: skip
def test_each_role_has_its_model_permissions(role, granted, refused) -> None:
    have = codenames(role)
    assert granted <= have, granted - have
    assert not (refused & have), refused & have


def test_editors_get_page_and_collection_permissions_on_the_roots() -> None:
    editors = Group.objects.get(name=roles.EDITOR)
    pages = {
        (p.page.depth, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group=editors)
    }
    assert pages >= {(1, "add_page"), (1, "change_page"), (1, "publish_page")}
    root = Collection.get_first_root_node()
    media = set(
        GroupCollectionPermission.objects.filter(
            group=editors, collection=root
        ).values_list("permission__codename", flat=True)
    )
    assert {"add_portaldocument", "change_portaldocument"} <= media
    assert {"add_image", "change_image", "choose_image"} <= media
    # Institutions neither edit pages nor upload to the media library.
    institutions = Group.objects.get(name=roles.INSTITUTION)
    assert not GroupPagePermission.objects.filter(group=institutions).exists()
    assert not GroupCollectionPermission.objects.filter(group=institutions).exists()


def _state_apps():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(("qp_evaluation", "0006_roles")).apps


def test_the_migration_is_idempotent_and_reversible() -> None:
    def snapshot():
        return {name: codenames(name) for name in roles.ROLES}, (
            GroupPagePermission.objects.count(),
            GroupCollectionPermission.objects.count(),
        )

    apps = _state_apps()
    # Run again (the administrators then also get permissions of models
    # created after 0006): a second run adds nothing more.
    MIGRATION.create_roles(apps, None)
    before = snapshot()
    MIGRATION.create_roles(apps, None)
    assert snapshot() == before

    MIGRATION.remove_roles(apps, None)
    assert not Group.objects.filter(name__in=MIGRATION.GROUPS).exists()
    assert not GroupPagePermission.objects.filter(group__name=roles.EDITOR).exists()
    MIGRATION.create_roles(apps, None)
    latest = MigrationExecutor(connection).loader.project_state().apps
    for follow_up in FOLLOW_UPS:
        follow_up.grant(latest, None)
    assert snapshot() == before


# -------------------------------------------------------------- the policy


@pytest.fixture
def people(region, django_user_model):
    def user(name, *groups, **extra):
        account = django_user_model.objects.create_user(name, **extra)
        for group in groups:
            account.groups.add(Group.objects.get(name=group))
        return account

    people = {
        "editor": user("editor", roles.EDITOR),
        "admin": user("admin", roles.ADMINISTRATOR),
        "superuser": django_user_model.objects.create_superuser("root", "r@e.ru", "x"),
        "inst_a": user("inst_a", roles.INSTITUTION),
        "unbound": user("unbound", roles.INSTITUTION),
        "council": user("council", roles.COUNCIL),
        "council_a": user("council_a", roles.COUNCIL),
        "operator": user("operator", roles.OPERATOR),
        "importer": user("importer"),
        "disabled": user("disabled", roles.EDITOR, is_active=False),
    }
    people["importer"].user_permissions.add(
        Permission.objects.get(codename="import_any")
    )
    region["a"].users.add(people["inst_a"], people["council_a"])
    region["nok"].operators.add(people["operator"])
    return people


def test_role_questions(people) -> None:
    anonymous = AnonymousUser()
    assert roles.has_role(people["editor"], roles.EDITOR)
    assert not roles.has_role(people["disabled"], roles.EDITOR)
    assert not roles.has_role(anonymous, roles.EDITOR)
    for name in ("editor", "admin", "superuser", "importer"):
        assert roles.is_editor(people[name]), name
    for name in ("inst_a", "council", "operator", "disabled"):
        assert not roles.is_editor(people[name]), name
    assert not roles.is_editor(anonymous)
    assert roles.is_administrator(people["admin"])
    assert roles.is_administrator(people["superuser"])
    assert not roles.is_administrator(people["editor"])
    assert roles.is_council_member(people["council"])
    assert roles.is_operator(people["operator"])
    assert roles.operates(
        people["operator"], people["operator"].qp_operated_campaigns.get()
    )
    assert roles.is_institution(people["inst_a"])
    assert not roles.is_institution(people["unbound"])
    # Only a pure institution user gets the simplified menu.
    assert roles.is_institution_only(people["inst_a"])
    assert roles.is_institution_only(people["unbound"])
    for name in ("editor", "council", "council_a", "operator", "superuser"):
        assert not roles.is_institution_only(people[name]), name
    assert not roles.is_institution_only(anonymous)


def test_visible_and_manageable_organisations(people, region) -> None:
    a, b = region["a"], region["b"]
    everyone = set(Organisation.objects.values_list("pk", flat=True))

    def pks(queryset):
        return set(queryset.values_list("pk", flat=True))

    assert pks(roles.visible_organisations(people["editor"])) == everyone
    assert pks(roles.visible_organisations(people["council"])) == everyone
    assert pks(roles.visible_organisations(people["inst_a"])) == {a.pk}
    assert pks(roles.visible_organisations(people["operator"])) == {a.pk, b.pk}
    assert not roles.visible_organisations(people["unbound"]).exists()
    assert not roles.visible_organisations(AnonymousUser()).exists()

    assert pks(roles.manageable_organisations(people["inst_a"])) == {a.pk}
    assert not roles.manageable_organisations(people["operator"]).exists()
    assert not roles.manageable_organisations(people["council"]).exists()
    assert roles.can_manage_organisation(people["inst_a"], a)
    assert not roles.can_manage_organisation(people["inst_a"], b)
    assert roles.can_manage_organisation(people["editor"], b)
    assert not roles.can_manage_organisation(people["council"], a)
    assert not roles.can_manage_organisation(AnonymousUser(), a)
    assert not roles.can_manage_organisation(people["disabled"], a)


def test_visible_campaigns(people, region) -> None:
    other = Campaign.objects.create(
        kind=CampaignKind.NOK, year=2023, title="НОК 2023", slug="nok-2023",
        period_start=date(2023, 3, 1), period_end=date(2023, 10, 31),
    )  # fmt: skip
    nok, decade = region["nok"], region["decade"]

    def pks(user):
        return set(roles.visible_campaigns(user).values_list("pk", flat=True))

    assert pks(people["editor"]) == {nok.pk, decade.pk, other.pk}
    assert pks(people["council"]) == {nok.pk, decade.pk, other.pk}
    assert pks(people["inst_a"]) == {nok.pk, decade.pk}  # A takes part in both
    assert pks(people["operator"]) == {nok.pk}
    assert pks(people["unbound"]) == set()


def test_scope_follows_plans_to_measures_and_reports(people, region) -> None:
    a, b, nok = region["a"], region["b"], region["nok"]
    reports = {}
    for org, status in ((a, PlanStatus.DRAFT), (b, PlanStatus.SUBMITTED)):
        plan = ImprovementPlan.objects.create(
            organisation=org, campaign=nok, year=2025, status=status
        )
        measure = Measure.objects.create(
            plan=plan, criterion="K1", deficiency="Нет пандуса", action="Установить",
            planned_date=date(2025, 6, 1), responsible_name="Иванова И. И.",
            responsible_position="директор",
        )  # fmt: skip
        reports[org.code] = MeasureReport.objects.create(
            measure=measure, done="Установлен", actual_date=date(2025, 5, 20)
        )

    def codes(user, model, path):
        scoped = roles.scope_queryset(user, model.objects.all())
        return set(scoped.values_list(path, flat=True))

    for model, path in (
        (ImprovementPlan, "organisation__code"),
        (Measure, "plan__organisation__code"),
        (MeasureReport, "measure__plan__organisation__code"),
    ):
        assert codes(people["editor"], model, path) == {"A", "B"}
        assert codes(people["inst_a"], model, path) == {"A"}  # its own draft too
        # The council reads what was submitted, not an organisation's draft …
        assert codes(people["council"], model, path) == {"B"}
        # … unless the member also works for that organisation.
        assert codes(people["council_a"], model, path) == {"A", "B"}
        assert codes(people["operator"], model, path) == {"A", "B"}
        assert codes(people["unbound"], model, path) == set()
        assert codes(AnonymousUser(), model, path) == set()
    # Nobody but editors changes a plan through the scope for change …
    plans = ImprovementPlan.objects.all()
    assert not roles.scope_queryset(people["council"], plans, for_change=True).exists()
    # … and the roles decide rows only: unbound models stay with the editors.
    assert not roles.scope_queryset(people["inst_a"], Permission.objects.all()).exists()


def test_council_changes_its_decisions_only(people, region) -> None:
    decision = CouncilDecision.objects.create(
        number="1", decided_on=date(2024, 11, 1), title="Об итогах", text="Одобрить."
    )
    assert roles.can_view_object(people["council"], decision)
    assert roles.can_change_object(people["council"], decision)
    plan = ImprovementPlan.objects.create(
        organisation=region["a"], campaign=region["nok"], year=2025,
        status=PlanStatus.SUBMITTED,
    )  # fmt: skip
    assert roles.can_view_object(people["council"], plan)
    assert not roles.can_change_object(people["council"], plan)
    assert roles.can_change_object(people["inst_a"], plan)
    assert not roles.can_view_object(people["unbound"], plan)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "granted", "refused"),
    [
        (
            roles.INSTITUTION,
            {"qp_publications.add_reviewdocument", "qp_publications.change_reviewdocument",
             "qp_evaluation.add_objection", "qp_evaluation.change_explanatorynote",
             "qp_evaluation.add_noteattachment"},
            {"qp_publications.delete_reviewdocument", "qp_evaluation.change_objection",
             "qp_evaluation.view_reminderlog"},
        ),
        (
            roles.COUNCIL,
            {"qp_publications.change_reviewdocument", "qp_evaluation.change_objection",
             "qp_evaluation.view_explanatorynote"},
            {"qp_publications.add_reviewdocument", "qp_evaluation.add_objection",
             "qp_evaluation.change_explanatorynote"},
        ),
        (
            roles.EDITOR,
            {"qp_publications.delete_reviewdocument", "qp_evaluation.delete_objection",
             "qp_evaluation.change_noteattachment", "qp_evaluation.view_reminderlog"},
            set(),
        ),
    ],
    ids=["institution", "council", "editor"],
)  # fmt: skip
def test_models_added_after_the_roles_get_their_permissions(
    role, granted, refused
) -> None:
    """0011_roles_new_models and publications 0007_review_roles."""
    have = codenames(role)
    assert granted <= have, granted - have
    assert not (refused & have), refused & have
