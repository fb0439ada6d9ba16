"""Give the roles their permissions on the models added after ``0006_roles``.

Objections (right to reply), explanatory notes with their items and images,
and the reminder log. Idempotent, like ``0006_roles``.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редакторы"
INSTITUTION = "Учреждения"
COUNCIL = "Общественный совет"
ADMINISTRATOR = "Администраторы"

NOTES = ("explanatorynote", "noteitem", "noteattachment")

WANTED = {
    EDITOR: {
        "add": ("objection", *NOTES),
        "change": ("objection", *NOTES),
        "delete": ("objection", *NOTES),
        "view": ("objection", "reminderlog", *NOTES),
    },
    INSTITUTION: {
        "add": ("objection", *NOTES),
        "change": NOTES,
        "view": ("objection", *NOTES),
    },
    # The council answers objections and reads the notes it reviews.
    COUNCIL: {"change": ("objection",), "view": ("objection", *NOTES)},
    ADMINISTRATOR: {
        action: ("objection", "reminderlog", *NOTES)
        for action in ("add", "change", "delete", "view")
    },
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
        codenames = [
            f"{action}_{model}"
            for action, models in actions.items()
            for model in models
        ]
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="qp_evaluation", codename__in=codenames
            )
        )


class Migration(migrations.Migration):
    dependencies = [("qp_evaluation", "0010_questionnaire_indexes")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
