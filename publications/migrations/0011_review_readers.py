"""The РМЦ and invited public organisations read documents under council review.

They get the view permission only; which rows each sees is limited in code
(``publications.review.readable_documents``). Idempotent.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READERS = ("Ресурсно-методический центр", "Общественная организация")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("qp_publications")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.filter(
        content_type__app_label="qp_publications", codename="view_reviewdocument"
    )
    for group in Group.objects.filter(name__in=READERS):
        group.permissions.add(*view)


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0010_ministry_settings"),
        ("qp_evaluation", "0027_letters_and_checkers"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
