"""The data migration that gives Wagtail's initial data Russian names."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from wagtail.models import Collection, Page, Task, Workflow

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "publications.migrations.0009_russian_wagtail_defaults"
)


def test_no_english_names_of_wagtails_initial_data_remain() -> None:
    assert Page.objects.get(depth=1).title == "Все сайты"
    assert Collection.objects.get(depth=1).name == "Все коллекции"
    names = set(Group.objects.values_list("name", flat=True))
    assert not names & {"Editors", "Moderators"}
    assert "Модераторы страниц (Wagtail)" in names
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()


def test_the_migration_reverses_and_keeps_names_chosen_by_an_administrator() -> None:
    migration.backwards(django_apps, None)
    assert Page.objects.get(depth=1).title == "Root"
    assert Group.objects.filter(name="Moderators").exists()
    Group.objects.filter(name="Editors").update(name="Редакция сайта")
    migration.forwards(django_apps, None)
    assert Page.objects.get(depth=1).title == "Все сайты"
    assert Group.objects.filter(name="Редакция сайта").exists()
    assert Group.objects.filter(name="Модераторы страниц (Wagtail)").exists()
