"""Users of the portal's roles, as the admin would make them.

``role_user("editor", roles.EDITOR)`` is an active user with the password
``pw`` in the role's group (made by the data migrations, or by
:func:`tests.factories.install.rebuild_empty_install` after a flush).
"""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

PASSWORD = "pw"


class UserFactory(DjangoModelFactory):
    """An active user with the password ``pw``; ``groups=[name, ...]`` joins roles."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n + 1}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def groups(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


def role_user(username: str, group: str | None = None, **fields):
    """A user named ``username`` in the role ``group`` (none if not given)."""
    return UserFactory(username=username, groups=[group] if group else [], **fields)
