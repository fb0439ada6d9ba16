"""Fixtures shared by the evaluation tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def editor(client, django_user_model):
    """The test client signed in as a superuser named ``editor``.

    Files whose tests need an editor of the role (not a superuser) define their
    own ``editor``, which takes precedence.
    """
    user = django_user_model.objects.create_superuser(
        "editor", "editor@example.ru", "pw"
    )
    client.force_login(user)
    return client
