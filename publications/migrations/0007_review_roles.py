"""Give the roles their permissions on documents sent for council review.

Institutions create and edit their organisations' documents (the rows are
limited in code); the council opens them to approve or return; editors and
administrators do everything. Idempotent.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WANTED = {
    "Редакторы": ("add", "change", "delete", "view"),
    "Администраторы": ("add", "change", "delete", "view"),
    "Учреждения": ("add", "change", "view"),
    "Общественный совет": ("change", "view"),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("qp_publications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in WANTED.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="qp_publications",
                codename__in=[f"{action}_reviewdocument" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0006_gallery"),
        ("qp_evaluation", "0011_roles_new_models"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
