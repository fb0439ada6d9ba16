"""Russian names for what Wagtail's own migrations create in English.

Wagtail's initial data names the root page and the root collection "Root", the
default groups "Editors" and "Moderators", and the default workflow and task
"Moderators approval"; all of them show in the Russian admin (breadcrumbs,
group lists beside «Редакторы», the workflow picker). Renamed only while they
still carry Wagtail's English names, so names an administrator chose stay.
"""

from django.db import migrations

#: (app label, model, name field, English name, Russian name)
RENAMES = [
    ("wagtailcore", "Page", "title", "Root", "Все сайты"),
    ("wagtailcore", "Collection", "name", "Root", "Все коллекции"),
    ("auth", "Group", "name", "Editors", "Редакторы страниц (Wagtail)"),
    ("auth", "Group", "name", "Moderators", "Модераторы страниц (Wagtail)"),
    ("wagtailcore", "Workflow", "name", "Moderators approval", "Согласование модераторами"),
    ("wagtailcore", "Task", "name", "Moderators approval", "Согласование модераторами"),
]


def _rename(apps, forward: bool) -> None:
    for app_label, model_name, field, english, russian in RENAMES:
        model = apps.get_model(app_label, model_name)
        old, new = (english, russian) if forward else (russian, english)
        queryset = model.objects.filter(**{field: old})
        if model_name == "Page":
            queryset = queryset.filter(depth=1)
            queryset.update(title=new, draft_title=new)
        elif model_name == "Collection":
            queryset.filter(depth=1).update(name=new)
        elif not model.objects.filter(**{field: new}).exists():
            queryset.update(**{field: new})


def forwards(apps, schema_editor) -> None:
    _rename(apps, forward=True)


def backwards(apps, schema_editor) -> None:
    _rename(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0008_private_files"),
        ("wagtailcore", "0048_add_default_workflows"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
