"""Give the roles their permissions on the Декада sample bases (``SampleBase``).

Editors enter and correct the bases; institutions and the council read them.
Idempotent, like ``0006_roles``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редакторы"
INSTITUTION = "Учреждения"
COUNCIL = "Общественный совет"
ADMINISTRATOR = "Администраторы"

WANTED = {
    EDITOR: ("add", "change", "delete", "view"),
    ADMINISTRATOR: ("add", "change", "delete", "view"),
    INSTITUTION: ("view",),
    COUNCIL: ("view",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("qp_evaluation")
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
                content_type__app_label="qp_evaluation",
                codename__in=[f"{action}_samplebase" for action in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("qp_evaluation", "0019_sample_bases")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
