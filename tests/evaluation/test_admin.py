"""The Wagtail admin screens of the evaluation app open and protect frozen data."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from evaluation.viewsets import EvaluationViewSetGroup

pytestmark = pytest.mark.django_db

VIEWSETS = [viewset() for viewset in EvaluationViewSetGroup.items]


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "pw"
    )
    client.force_login(user)
    return client


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
