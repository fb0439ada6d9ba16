"""Editors and administrators may add, change and choose documents.

Wagtail checks the documents of a custom document model against the
permissions of ``wagtaildocs.Document`` (its ``auth_model``), not of the
custom model. ``0006_roles`` granted ``*_portaldocument``, which Wagtail never
asks about, so an editor was sent back to the dashboard from every
«Редактировать документ» link of a page. This grants the permissions Wagtail
asks about, on the root collection.
"""

from django.db import migrations

GROUPS = ("Редакторы", "Администраторы")
CODENAMES = ("add_document", "change_document", "choose_document")


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    permissions = Permission.objects.filter(
        content_type__app_label="wagtaildocs", codename__in=CODENAMES
    )
    for group in Group.objects.filter(name__in=GROUPS):
        for permission in permissions:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


def revoke(apps, schema_editor):
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    GroupCollectionPermission.objects.filter(
        group__name__in=GROUPS,
        permission__content_type__app_label="wagtaildocs",
        permission__codename__in=CODENAMES,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0015_private_files"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
