"""What ``migrate`` leaves in a new database, made again after a flush.

A transactional test empties every table, the migrations' data included.
Tests that start "from an empty install" rebuild exactly that data: the site
with its home page, the root collection and the role groups with their
permissions, by running the data migrations' own functions. Nothing else: no
districts, organisations, campaigns or users.
"""

from __future__ import annotations

import importlib

from django.apps import apps as django_apps
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

#: The data migrations that make the role groups and grant their permissions.
ROLE_MIGRATIONS = (
    ("evaluation.migrations.0006_roles", "create_roles"),
    ("evaluation.migrations.0011_roles_new_models", "grant"),
    ("evaluation.migrations.0016_document_collection_permissions", "grant"),
    ("evaluation.migrations.0020_sample_base_roles", "grant"),
    ("evaluation.migrations.0027_letters_and_checkers", "grant"),
    ("publications.migrations.0007_review_roles", "grant"),
    ("publications.migrations.0011_review_readers", "grant"),
)


def _home_title() -> str:
    module = importlib.import_module("publications.migrations.0002_create_home_page")
    return module.HOME_TITLE


def rebuild_empty_install() -> Site:
    """Make the migrations' data again; return the default site."""
    from publications.models import HomePage
    from tests.factories.search import forget_search_index

    forget_search_index()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Все коллекции")
    site = Site.objects.filter(is_default_site=True).first()
    if not (site and isinstance(site.root_page.specific, HomePage)):
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = root.add_child(instance=HomePage(title=_home_title(), slug="home"))
        Site.objects.filter(is_default_site=True).delete()
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Портал качества социальных услуг",
        )
    # The migrations get a historical registry and switch ``models_module``
    # on and off to create permissions; given the live registry they would
    # leave it unset, and the next flush would make no content types.
    saved = {c.label: c.models_module for c in django_apps.get_app_configs()}
    try:
        for module, function in ROLE_MIGRATIONS:
            getattr(importlib.import_module(module), function)(django_apps, None)
    finally:
        for config in django_apps.get_app_configs():
            config.models_module = saved[config.label]
    return site
