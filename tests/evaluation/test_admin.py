"""The Wagtail admin screens of the evaluation app open and protect frozen data."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from evaluation.admin.viewsets import EvaluationViewSetGroup

pytestmark = pytest.mark.django_db

VIEWSETS = [viewset() for viewset in EvaluationViewSetGroup.items]


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda v: v.model.__name__)
def test_every_listing_opens_in_russian(editor, viewset) -> None:
    response = editor.get(reverse(viewset.get_url_name("index")))
    assert response.status_code == 200
    heading = str(viewset.model._meta.verbose_name_plural)
    assert heading.lower() in response.content.decode().lower()


@pytest.mark.parametrize(
    "name", ["ResultViewSet", "PublishedResultViewSet", "AuditEventViewSet"]
)
def test_computed_published_and_audit_records_are_read_only(editor, name) -> None:
    (viewset,) = [v for v in VIEWSETS if type(v).__name__ == name]
    policy = viewset.permission_policy
    user = get_user(editor)
    for action in ("add", "change", "delete"):
        assert not policy.user_has_permission(user, action)
    assert policy.user_has_permission(user, "view")


def test_anonymous_visitors_are_sent_to_login(client) -> None:
    url = reverse(VIEWSETS[0].get_url_name("index"))
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_plan_form_cannot_approve_a_plan(editor) -> None:
    """A plan's status and approval come from the council's review only."""
    from evaluation.enums import PlanStatus
    from evaluation.models import ImprovementPlan
    from tests.factories.evaluation import DecadeCampaignFactory, OrganisationFactory

    organisation = OrganisationFactory()
    campaign = DecadeCampaignFactory()
    plan = ImprovementPlan.objects.create(
        organisation=organisation, campaign=campaign, year=2025
    )
    (viewset,) = [v for v in VIEWSETS if type(v).__name__ == "ImprovementPlanViewSet"]
    url = reverse(viewset.get_url_name("edit"), args=[plan.pk])

    page = editor.get(url).content.decode()
    assert 'name="year"' in page
    assert 'name="status"' not in page and 'name="approved_on"' not in page
    editor.post(
        url,
        {
            "organisation": organisation.pk,
            "campaign": campaign.pk,
            "year": 2026,
            "status": PlanStatus.APPROVED,
            "approved_on": "2026-01-15",
        },
    )
    plan.refresh_from_db()
    assert plan.year == 2026  # the form was saved…
    assert (plan.status, plan.approved_on) == (PlanStatus.DRAFT, None)  # …not approval


def test_editors_bind_institution_users_on_the_organisation_form(
    editor, client, django_user_model
) -> None:
    """The dashboard's «привяжите их»: an institution user is bound in the
    organisation's form; the institution itself cannot bind anyone."""
    from django.contrib.auth.models import Group, Permission

    from evaluation import roles
    from evaluation.models import Organisation
    from tests.factories.evaluation import OrganisationFactory

    organisation = OrganisationFactory(short_name="КЦСОН «Заря»")
    worker = django_user_model.objects.create_user(
        "zarya",
        "zarya@kcson.example.ru",
        password="pw",
        first_name="Анна",
        last_name="Петрова",
    )
    worker.groups.add(Group.objects.get(name=roles.INSTITUTION))
    (viewset,) = [v for v in VIEWSETS if type(v).__name__ == "OrganisationViewSet"]
    url = reverse(viewset.get_url_name("edit"), args=[organisation.pk])

    page = editor.get(url).content.decode()
    # The name and e-mail, not the login (Latin, no Russian text).
    assert 'name="users"' in page and "Анна Петрова (zarya@kcson.example.ru)" in page
    data = {
        field: getattr(organisation, field) or ""
        for field in ("name", "short_name", "slug", "code", "inn", "kind")
    }
    data |= {"district": organisation.district_id, "is_active": "on"}
    response = editor.post(url, {**data, "users": [worker.pk]})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(organisation.users.all()) == [worker]

    worker.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(worker)
    assert 'name="users"' not in client.get(url).content.decode()
    client.post(url, {**data, "users": []})
    assert list(Organisation.objects.get(pk=organisation.pk).users.all()) == [worker]


def test_yes_no_fields_read_in_russian_in_listings_and_inspection(editor) -> None:
    from evaluation.models import Organisation
    from tests.factories.evaluation import OrganisationFactory

    organisation = OrganisationFactory(has_online_questionnaire=True)
    Organisation.objects.filter(pk=organisation.pk).update(registered_count=None)
    (viewset,) = [v for v in VIEWSETS if type(v).__name__ == "OrganisationViewSet"]
    listing = editor.get(
        reverse(viewset.get_url_name("index")), {"has_online_questionnaire": "true"}
    )
    assert listing.status_code == 200
    inspect = editor.get(
        reverse(viewset.get_url_name("inspect"), args=[organisation.pk])
    ).content.decode()
    text = " ".join(inspect.split())
    assert "True" not in text and ">None<" not in text.replace(" ", "")
    assert "Да" in text and "—" in text
