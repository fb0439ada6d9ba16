"""The permission matrix: every role against admin views, API endpoints and imports.

Each table row is one screen or endpoint; its columns are the roles. Outcomes:

* ``OK`` — the page or data is served (200, or the API's 200/201);
* ``LOGIN`` — an anonymous visitor is sent to the admin login;
* ``DENIED`` — a signed-in user without the right is turned away (Wagtail
  redirects to the dashboard with a message, or 403);
* ``MISSING`` — the object is outside the user's organisations or
  campaigns: 404, the same answer as for an object that does not exist
  (Wagtail's inspect view loads the object before it checks permissions, so
  a role without the permission also gets 404 there).

Users: an editor, institutions A and B (each bound to its organisation), a
council member, the operator of the НОК 2024 campaign, an administrator, the
РМЦ and a public organisation invited to check НОК 2024, all members of the
groups created by migrations ``0006_roles`` and ``0027_letters_and_checkers``.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.authtoken.models import Token

from evaluation import roles
from evaluation.admin.viewsets import (
    CouncilDecisionViewSet,
    DecadeSummaryViewSet,
    ImportRecordViewSet,
    ImprovementPlanViewSet,
    IndicatorInputViewSet,
    OrganisationViewSet,
    SubmissionViewSet,
)
from evaluation.enums import PlanStatus, SubmissionKind
from evaluation.imports.errors import ImportFileError
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import get_form
from evaluation.models import (
    CouncilDecision,
    DecadeSummary,
    ImportRecord,
    ImprovementPlan,
    IndicatorInput,
    Submission,
    SurveyResponse,
)
from evaluation.nok import lifecycle
from evaluation.plans import letters
from tests.evaluation.test_imports import INN_A, INN_B, region, survey_file, survey_row
from tests.factories.helpers import campaign_people, nok_campaign

pytestmark = pytest.mark.django_db
__all__ = ["region"]  # the fixture, re-used

API = "/api/v1"
OK, LOGIN, DENIED, MISSING = "ok", "login", "denied", "missing"
ROLES = (
    "anonymous", "editor", "inst_a", "inst_b", "council", "operator", "admin",
    "rmc", "checker",
)  # fmt: skip

INPUT = {
    "respondents": 50, "info_stand_present": 10, "info_stand_required": 10,
    "info_site_present": 25, "info_site_required": 30, "remote_channels": 4,
    "comfort_conditions": 3, "premises_access": 2, "service_access": 3, "yes": {},
}  # fmt: skip


@pytest.fixture
def world(region, django_user_model):
    """Two organisations, their users, the other roles and one object of each kind."""
    a, b, decade, nok = region["a"], region["b"], region["decade"], region["nok"]
    old_nok = nok_campaign(2023, a, b)

    def user(name, group, **kwargs):
        account = django_user_model.objects.create_user(name, f"{name}@example.ru")
        account.groups.add(Group.objects.get(name=group))
        return account

    users = {
        **campaign_people(nok, a, b, user),
        "admin": user("admin", roles.ADMINISTRATOR),
        "rmc": user("rmc", roles.RMC),
        "checker": user("checker", roles.CHECKER),
    }
    letters.invite(nok, users["checker"], "Краевая организация ветеранов")

    objects = {"region": region, "old_nok": old_nok}
    for key, org in (("a", a), ("b", b)):
        objects[f"plan_{key}"] = ImprovementPlan.objects.create(
            organisation=org, campaign=nok, year=2025, status=PlanStatus.SUBMITTED
        )
        objects[f"submission_{key}"] = Submission.objects.create(
            campaign=decade, organisation=org,
            kind=SubmissionKind.DECADE_SUMMARY, deadline=date(2024, 5, 8),
        )  # fmt: skip
        objects[f"summary_{key}"] = DecadeSummary.objects.create(
            campaign=decade, organisation=org, base=100, questionnaires=10
        )
        objects[f"input_{key}"] = IndicatorInput.objects.create(
            campaign=nok, organisation=org, **INPUT
        )
        objects[f"old_input_{key}"] = IndicatorInput.objects.create(
            campaign=old_nok, organisation=org, **INPUT
        )
        objects[f"import_{key}"] = ImportRecord.objects.create(
            form="decade_summary", filename=f"svodka-{key}.xlsx", checksum="0" * 64,
            campaign=decade, organisation=org, user=users[f"inst_{key}"],
        )  # fmt: skip
        objects[f"import_{key}"].file.save(f"svodka-{key}.xlsx", ContentFile(b"x"))
    objects["draft_plan"] = ImprovementPlan.objects.create(
        organisation=a, campaign=old_nok, year=2024, status=PlanStatus.DRAFT
    )
    objects["decision"] = CouncilDecision.objects.create(
        number="7", decided_on=date(2024, 11, 1), title="Об итогах НОК",
        text="Одобрить.", campaign=nok,
    )  # fmt: skip
    return users, objects


def _viewset_url(viewset, view, obj=None) -> str:
    name = viewset().get_url_name(view)
    return reverse(name, args=[obj.pk]) if obj is not None else reverse(name)


def _outcome(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 404:
        return MISSING
    if response.status_code == 302 and "/login/" in response["Location"]:
        return LOGIN
    if response.status_code in (302, 403):
        return DENIED
    raise AssertionError(f"unexpected status {response.status_code}")


def _as(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


# --------------------------------------------------------------- admin views

#: (label, URL builder) → outcome per role, in the order of ``ROLES``.
ADMIN_MATRIX = [
    # Listings: a screen exists where the role has the model permission.
    ("plans index", lambda o: _viewset_url(ImprovementPlanViewSet, "index"),
     (LOGIN, OK, OK, OK, OK, DENIED, OK, OK, OK)),
    ("submissions index", lambda o: _viewset_url(SubmissionViewSet, "index"),
     (LOGIN, OK, OK, OK, OK, DENIED, OK, OK, OK)),
    ("Декада summaries index", lambda o: _viewset_url(DecadeSummaryViewSet, "index"),
     (LOGIN, OK, OK, OK, OK, DENIED, OK, OK, OK)),
    ("inputs index", lambda o: _viewset_url(IndicatorInputViewSet, "index"),
     (LOGIN, OK, OK, OK, DENIED, OK, OK, OK, OK)),
    ("import history", lambda o: _viewset_url(ImportRecordViewSet, "index"),
     (LOGIN, OK, OK, OK, DENIED, OK, OK, OK, OK)),
    ("organisations index", lambda o: _viewset_url(OrganisationViewSet, "index"),
     (LOGIN, OK, DENIED, DENIED, OK, OK, OK, OK, OK)),
    # Objects: editing needs the change permission; outside one's scope: 404.
    ("edit plan of A", lambda o: _viewset_url(ImprovementPlanViewSet, "edit", o["plan_a"]),
     (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED)),
    ("edit input of A (operated)",
     lambda o: _viewset_url(IndicatorInputViewSet, "edit", o["input_a"]),
     (LOGIN, OK, DENIED, DENIED, DENIED, OK, OK, DENIED, DENIED)),
    ("edit input of A (not operated)",
     lambda o: _viewset_url(IndicatorInputViewSet, "edit", o["old_input_a"]),
     (LOGIN, OK, DENIED, DENIED, DENIED, MISSING, OK, DENIED, DENIED)),
    ("inspect import of A", lambda o: _viewset_url(ImportRecordViewSet, "inspect", o["import_a"]),
     (LOGIN, OK, OK, MISSING, MISSING, MISSING, OK, OK, MISSING)),
    ("inspect import of B", lambda o: _viewset_url(ImportRecordViewSet, "inspect", o["import_b"]),
     (LOGIN, OK, MISSING, OK, MISSING, MISSING, OK, OK, MISSING)),
    ("edit council decision",
     lambda o: _viewset_url(CouncilDecisionViewSet, "edit", o["decision"]),
     (LOGIN, OK, DENIED, DENIED, OK, DENIED, OK, DENIED, DENIED)),
    # The import flow.
    ("import upload", lambda o: reverse("qp_import"),
     (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK)),
    ("import detail of A", lambda o: reverse("qp_import_detail", args=[o["import_a"].pk]),
     (LOGIN, OK, OK, DENIED, DENIED, DENIED, OK, OK, DENIED)),
    ("import status of B", lambda o: reverse("qp_import_status", args=[o["import_b"].pk]),
     (LOGIN, OK, DENIED, OK, DENIED, DENIED, OK, OK, DENIED)),
    ("paper questionnaire template of A",
     lambda o: reverse("qp_import_paper_template", args=[o["region"]["a"].pk]),
     (LOGIN, OK, OK, DENIED, DENIED, DENIED, OK, DENIED, DENIED)),
    # The cabinet: institutions (their own) and editors (any, chosen).
    ("cabinet", lambda o: reverse("qp_cabinet"),
     (LOGIN, OK, OK, OK, DENIED, DENIED, OK, DENIED, DENIED)),
    ("cabinet of A", lambda o: f"{reverse('qp_cabinet')}?organisation={o['region']['a'].pk}",
     (LOGIN, OK, OK, MISSING, DENIED, DENIED, OK, DENIED, DENIED)),
    # Website monitoring.
    ("website check", lambda o: reverse("qp_website_check"),
     (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, DENIED)),
    ("website prefill", lambda o: reverse("qp_website_prefill"),
     (LOGIN, OK, DENIED, DENIED, DENIED, OK, OK, DENIED, DENIED)),
    # Letters, remarks, the council's queue and РМЦ's consolidation.
    ("letters index", lambda o: reverse("letter:index"),
     (LOGIN, OK, OK, OK, OK, DENIED, OK, OK, DENIED)),
    ("proposals index", lambda o: reverse("proposal:index"),
     (LOGIN, OK, DENIED, DENIED, OK, DENIED, OK, OK, OK)),
    ("add a remark", lambda o: reverse("checkerremark:add"),
     (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, DENIED, OK)),
    ("council queue", lambda o: reverse("qp_council_queue"),
     (LOGIN, OK, DENIED, DENIED, OK, DENIED, OK, DENIED, DENIED)),
    ("Декада consolidation", lambda o: reverse("qp_decade_consolidation"),
     (LOGIN, OK, DENIED, DENIED, DENIED, DENIED, OK, OK, DENIED)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "url", "expected"),
    ADMIN_MATRIX,
    ids=[row[0] for row in ADMIN_MATRIX],
)
def test_admin_views(world, client, label, url, expected) -> None:
    users, objects = world
    address = url(objects)
    for role, outcome in zip(ROLES, expected, strict=True):
        client.logout()
        response = _as(client, users, role).get(address)
        assert _outcome(response) == outcome, f"{label} as {role}"


def _listed(client, viewset) -> set[int]:
    response = client.get(_viewset_url(viewset, "index"))
    assert response.status_code == 200
    return {obj.pk for obj in response.context["object_list"]}


#: Listing → (institution A's row, institution B's row).
LISTINGS = [
    (ImprovementPlanViewSet, "plan_a", "plan_b"),
    (SubmissionViewSet, "submission_a", "submission_b"),
    (DecadeSummaryViewSet, "summary_a", "summary_b"),
    (IndicatorInputViewSet, "input_a", "input_b"),
    (ImportRecordViewSet, "import_a", "import_b"),
]


@pytest.mark.parametrize(
    ("viewset", "own", "other"), LISTINGS, ids=[row[0].__name__ for row in LISTINGS]
)
def test_listings_show_institutions_only_their_rows(
    world, client, viewset, own, other
) -> None:
    users, objects = world
    a_row, b_row = objects[own].pk, objects[other].pk
    client.force_login(users["inst_a"])
    listed = _listed(client, viewset)
    assert a_row in listed and b_row not in listed
    client.force_login(users["inst_b"])
    listed = _listed(client, viewset)
    assert b_row in listed and a_row not in listed
    client.force_login(users["editor"])
    assert {a_row, b_row} <= _listed(client, viewset)


def test_exports_of_a_listing_are_scoped_too(world, client) -> None:
    users, _ = world
    client.force_login(users["inst_a"])
    url = _viewset_url(OrganisationViewSet, "index")
    users["inst_a"].user_permissions.add(
        Permission.objects.get(codename="view_organisation")
    )
    response = client.get(url, {"export": "csv"})
    body = b"".join(
        response.streaming_content if response.streaming else [response.content]
    )
    text = body.decode("utf-8-sig")
    assert "КЦСОН А" in text and "КЦСОН Б" not in text


def test_operators_see_only_their_campaigns_inputs(world, client) -> None:
    users, objects = world
    client.force_login(users["operator"])
    listed = _listed(client, IndicatorInputViewSet)
    assert {objects["input_a"].pk, objects["input_b"].pk} <= listed
    assert not {objects["old_input_a"].pk, objects["old_input_b"].pk} & listed


def test_council_reads_submitted_plans_but_not_drafts(world, client) -> None:
    users, objects = world
    client.force_login(users["council"])
    listed = _listed(client, ImprovementPlanViewSet)
    assert {objects["plan_a"].pk, objects["plan_b"].pk} <= listed
    assert objects["draft_plan"].pk not in listed


def test_an_institution_with_change_rights_still_cannot_open_anothers_plan(
    world, client
) -> None:
    """Model permissions open the screen; the roles policy still keeps B's rows out."""
    users, objects = world
    users["inst_a"].user_permissions.add(
        Permission.objects.get(codename="change_improvementplan")
    )
    client.force_login(users["inst_a"])
    own = client.get(_viewset_url(ImprovementPlanViewSet, "edit", objects["plan_a"]))
    assert own.status_code == 200
    # Only A's organisation and campaigns are offered in the form.
    form = own.context["form"]
    assert list(form.fields["organisation"].queryset) == [objects["region"]["a"]]
    other = client.get(_viewset_url(ImprovementPlanViewSet, "edit", objects["plan_b"]))
    assert other.status_code == 404
    before = ImprovementPlan.objects.get(pk=objects["plan_b"].pk).year
    posted = client.post(
        _viewset_url(ImprovementPlanViewSet, "edit", objects["plan_b"]),
        {"organisation": objects["region"]["a"].pk, "campaign": objects["region"]["nok"].pk,
         "year": 2030, "status": PlanStatus.SUBMITTED},
    )  # fmt: skip
    assert posted.status_code == 404
    assert ImprovementPlan.objects.get(pk=objects["plan_b"].pk).year == before


# ------------------------------------------------------------------- the API

API_MATRIX = [
    ("plans list", lambda o: f"{API}/plans/", (OK,) * 9),
    ("submitted plan", lambda o: f"{API}/plans/{o['plan_a'].pk}/", (MISSING,) * 9),
    ("submissions list", lambda o: f"{API}/submissions/", (OK,) * 9),
    ("unpublished decision", lambda o: f"{API}/decisions/{o['decision'].pk}/",
     (MISSING,) * 9),
    ("organisations list", lambda o: f"{API}/organisations/", (OK,) * 9),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "url", "expected"), API_MATRIX, ids=[row[0] for row in API_MATRIX]
)
def test_api_reads_are_public_data_only_for_every_role(
    world, client, label, url, expected
) -> None:
    """Signing in does not open drafts: the API serves published data to everyone."""
    users, objects = world
    for role, outcome in zip(ROLES, expected, strict=True):
        client.logout()
        response = _as(client, users, role).get(url(objects))
        assert _outcome(response) == outcome, f"{label} as {role}"


def test_api_plan_list_hides_unapproved_plans_from_everyone(world, client) -> None:
    users, objects = world
    for role in ROLES:
        client.logout()
        body = _as(client, users, role).get(f"{API}/plans/").json()
        assert body["count"] == 0, role
    ImprovementPlan.objects.filter(pk=objects["plan_a"].pk).update(
        status=PlanStatus.APPROVED
    )
    client.logout()
    assert client.get(f"{API}/plans/").json()["count"] == 1


#: Upload through the API: (role, campaign key, rows' INN) → HTTP status.
API_IMPORTS = [
    ("anonymous", "decade", INN_A, 401),
    ("editor", "decade", INN_B, 200),
    ("inst_a", "decade", INN_A, 200),
    ("inst_a", "decade", INN_B, 422),  # a row of another organisation
    ("inst_b", "decade", INN_A, 422),
    ("council", "decade", INN_A, 403),
    ("operator", "decade", INN_A, 404),  # a draft Декада it has no part in: unknown
    ("admin", "decade", INN_A, 200),
    ("rmc", "decade", INN_A, 403),  # reads every submission, uploads none
    ("checker", "decade", INN_A, 404),  # invited to НОК 2024 only
]


@pytest.mark.parametrize(("role", "campaign", "inn", "status"), API_IMPORTS)
def test_api_import_upload(world, client, role, campaign, inn, status) -> None:
    users, objects = world
    headers = {}
    if role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = (
            f"Token {Token.objects.create(user=users[role]).key}"
        )
    response = client.post(
        f"{API}/imports/",
        {
            "form": "survey_responses",
            "campaign": objects["region"][campaign].slug,
            "file": SimpleUploadedFile("a.xlsx", survey_file([survey_row(inn, "1")])),
            "dry_run": "true",
        },
        **headers,
    )
    assert response.status_code == status, response.content[:500]
    assert not SurveyResponse.objects.exists()


def test_api_upload_does_not_reveal_a_draft_campaign(world, client) -> None:
    """A draft campaign outside the user's scope answers like a missing one."""
    users, objects = world
    draft = nok_campaign(2026, objects["region"]["b"])
    token = Token.objects.create(user=users["inst_a"]).key

    def upload(slug: str):
        return client.post(
            f"{API}/imports/",
            {
                "form": "survey_responses",
                "campaign": slug,
                "file": SimpleUploadedFile(
                    "a.xlsx", survey_file([survey_row(INN_A, "1")])
                ),
                "dry_run": "true",
            },
            HTTP_AUTHORIZATION=f"Token {token}",
        )

    assert upload("nok-2026").status_code == 404
    assert upload("no-such-campaign").status_code == 404
    draft.organisations.add(objects["region"]["a"])  # now A's own draft
    # Found now, and refused for what it is: questionnaires go to a Декада.
    response = upload("nok-2026")
    assert response.status_code == 422, response.content[:300]
    assert "Декада" in response.json()["error"]["message"]


def test_admin_upload_of_another_organisations_rows_is_refused(world, client) -> None:
    users, objects = world
    client.force_login(users["inst_a"])
    response = client.post(
        reverse("qp_import"),
        {
            "form": "survey_responses",
            "campaign": objects["region"]["decade"].pk,
            "file": SimpleUploadedFile("b.xlsx", survey_file([survey_row(INN_B, "1")])),
        },
    )
    record = ImportRecord.objects.get(filename="b.xlsx")
    assert response.status_code == 302
    assert record.organisation == objects["region"]["a"]
    detail = client.get(reverse("qp_import_detail", args=[record.pk]))
    assert "другой организации" in detail.content.decode()
    confirm = client.post(reverse("qp_import_confirm", args=[record.pk]))
    assert confirm.status_code == 302
    assert not SurveyResponse.objects.exists()
    # B's user cannot even open A's preview.
    client.force_login(users["inst_b"])
    assert _outcome(client.get(reverse("qp_import_detail", args=[record.pk]))) == DENIED


# ------------------------------------------------------------ import forms

ALL = "all"  # import_scope None: any organisation
OWN = "own"  # only the user's organisations
NO = "no"  # ImportFileError

#: form → outcome per role (editor, inst_a, council, operator with its campaign,
#: operator with another campaign, admin, the РМЦ, the invited public
#: organisation).
IMPORT_ROLES = (
    "editor",
    "inst_a",
    "council",
    "operator",
    "operator_elsewhere",
    "admin",
    "rmc",
    "checker",
)
IMPORT_MATRIX = {
    "organisations": (ALL, NO, NO, NO, NO, ALL, NO, NO),
    "regional_plan": (ALL, NO, NO, NO, NO, ALL, NO, NO),
    "target_indicators": (ALL, NO, NO, NO, NO, ALL, NO, NO),
    "nok_results": (ALL, NO, NO, ALL, NO, ALL, NO, NO),
    "survey_responses": (ALL, OWN, NO, ALL, NO, ALL, NO, NO),
    "decade_summary": (ALL, OWN, NO, ALL, NO, ALL, NO, NO),
    "improvement_plan": (ALL, OWN, NO, ALL, NO, ALL, NO, NO),
    "fulfilment_report": (ALL, OWN, NO, ALL, NO, ALL, NO, NO),
}


@pytest.mark.parametrize("form_name", sorted(IMPORT_MATRIX))
def test_import_scope_per_form(world, form_name) -> None:
    users, objects = world
    form = get_form(form_name)
    nok, decade = objects["region"]["nok"], objects["region"]["decade"]
    for role, expected in zip(IMPORT_ROLES, IMPORT_MATRIX[form_name], strict=True):
        user = users["operator" if role.startswith("operator") else role]
        campaign = decade if role == "operator_elsewhere" else nok
        if expected == NO:
            with pytest.raises(ImportFileError) as refused:
                import_scope(user, form, campaign)
            assert any("а" <= ch <= "я" for ch in str(refused.value)), role
            continue
        scope = import_scope(user, form, campaign)
        if expected == ALL:
            assert scope is None, f"{form_name} as {role}"
        else:
            assert scope == frozenset({objects["region"]["a"].pk}), role


def test_anonymous_and_disabled_users_cannot_import(world) -> None:
    from django.contrib.auth.models import AnonymousUser

    users, objects = world
    form = get_form("survey_responses")
    with pytest.raises(ImportFileError, match="вошедшие"):
        import_scope(AnonymousUser(), form, objects["region"]["decade"])
    users["editor"].is_active = False
    with pytest.raises(ImportFileError, match="отключена"):
        import_scope(users["editor"], form, objects["region"]["decade"])


def test_listing_filters_offer_non_editors_only_their_campaigns(world, client) -> None:
    users, _ = world
    url = _viewset_url(IndicatorInputViewSet, "index")
    client.force_login(users["operator"])
    page = client.get(url).content.decode()
    assert "НОК 2024" in page
    assert "НОК 2023" not in page and "Декада качества 2024" not in page
    client.force_login(users["editor"])
    page = client.get(url).content.decode()
    assert all(t in page for t in ("НОК 2024", "НОК 2023", "Декада качества 2024"))


def test_campaign_chooser_offers_non_editors_only_their_campaigns(
    world, client
) -> None:
    users, _ = world
    url = reverse("qp_campaign_chooser:choose")
    client.force_login(users["operator"])
    html = client.get(url).json()["html"]
    assert "НОК 2024" in html
    assert "НОК 2023" not in html and "Декада качества 2024" not in html
    client.force_login(users["editor"])
    html = client.get(url).json()["html"]
    assert all(t in html for t in ("НОК 2024", "НОК 2023", "Декада качества 2024"))


# ------------------------------------------------------------ the new roles

#: Role → may run the campaign life cycle (publish, withdraw, send…).
LIFECYCLE = {
    "editor": True, "inst_a": False, "council": False, "operator": False,
    "admin": True, "rmc": False, "checker": False,
}  # fmt: skip


def test_only_the_ministry_runs_the_life_cycle(world) -> None:
    """The РМЦ consolidates and checks, the checker reads: neither publishes."""
    from django.core.exceptions import PermissionDenied

    users, _ = world
    for role, allowed in LIFECYCLE.items():
        if allowed:
            lifecycle.check_permission(users[role])
            continue
        with pytest.raises(PermissionDenied, match="только редакторы министерства"):
            lifecycle.check_permission(users[role])


def test_publishing_is_refused_to_the_rmc_over_http(world, client) -> None:
    users, objects = world
    nok = objects["region"]["nok"]
    before = nok.status
    client.force_login(users["rmc"])
    response = client.post(
        reverse("qp_campaign_lifecycle_action", args=[nok.pk, "publish"])
    )
    assert _outcome(response) == DENIED
    nok.refresh_from_db()
    assert nok.status == before
    assert not nok.publications.exists()


#: Listing → rows the РМЦ and the checker see (keys of ``world``'s objects).
NEW_ROLE_LISTINGS = [
    (IndicatorInputViewSet, {"input_a", "input_b", "old_input_a", "old_input_b"},
     {"input_a", "input_b"}),
    (ImprovementPlanViewSet, {"plan_a", "plan_b", "draft_plan"}, {"plan_a", "plan_b"}),
    (ImportRecordViewSet, {"import_a", "import_b"}, set()),
    (DecadeSummaryViewSet, {"summary_a", "summary_b"}, set()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("viewset", "rmc_rows", "checker_rows"),
    NEW_ROLE_LISTINGS,
    ids=[row[0].__name__ for row in NEW_ROLE_LISTINGS],
)
def test_rmc_reads_everything_and_the_checker_its_campaign(
    world, client, viewset, rmc_rows, checker_rows
) -> None:
    users, objects = world
    everything = {objects[key].pk for key, _ in _keys(objects, viewset)}
    client.force_login(users["rmc"])
    assert _listed(client, viewset) == {objects[key].pk for key in rmc_rows}
    assert {objects[key].pk for key in rmc_rows} == everything
    client.force_login(users["checker"])
    assert _listed(client, viewset) == {objects[key].pk for key in checker_rows}


def _keys(objects, viewset):
    return [
        (key, obj) for key, obj in objects.items() if isinstance(obj, viewset.model)
    ]
