"""The five roles as groups with their model, page and collection permissions.

Model permissions say which admin screens and actions a role has; which rows
of them a user sees is decided in code by ``evaluation.roles`` (organisation
and campaign bindings). Idempotent: running it again changes nothing.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = "Редакторы"
INSTITUTION = "Учреждения"
COUNCIL = "Общественный совет"
OPERATOR = "Операторы"
ADMINISTRATOR = "Администраторы"
GROUPS = (EDITOR, INSTITUTION, COUNCIL, OPERATOR, ADMINISTRATOR)

CRUD = ("add", "change", "delete", "view")

#: What an institution's user reads (the rows are limited to its organisations).
INSTITUTION_VIEWS = (
    "campaign",
    "submission",
    "improvementplan",
    "measure",
    "measurereport",
    "decadesummary",
    "indicatorinput",
    "importrecord",
    "councildecision",
)
#: What the public council reads (all rows of what it reviews).
COUNCIL_VIEWS = (
    "organisation",
    "campaign",
    "result",
    "publishedresult",
    "decadesummary",
    "improvementplan",
    "measure",
    "measurereport",
    "submission",
    "councildecision",
)
#: What an operator reads (the rows of its campaigns) besides its inputs.
OPERATOR_VIEWS = ("campaign", "organisation", "result", "importrecord")

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")


def _document_model():
    return getattr(
        settings, "WAGTAILDOCS_DOCUMENT_MODEL", "wagtaildocs.Document"
    ).split(".")


def _ensure_permissions(apps):
    """Create model permissions now: Django would only do it after migrate."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(
            content_type__app_label=app_label, codename__in=list(codenames)
        )
    )


def _evaluation(apps, actions, models=None):
    names = [
        model._meta.model_name
        for model in apps.get_app_config("qp_evaluation").get_models()
        if models is None or model._meta.model_name in models
    ]
    codenames = [f"{action}_{name}" for name in names for action in actions]
    return _permissions(apps, "qp_evaluation", codenames)


def _collection_permissions(apps, group):
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    root = Collection.objects.filter(depth=1).first()
    if root is None:
        return
    doc_app, doc_model = _document_model()
    media = [(doc_app, doc_model.lower()), ("wagtailimages", "image")]
    for app_label, model in media:
        codenames = [f"{action}_{model}" for action in ("add", "change", "choose")]
        for permission in _permissions(apps, app_label, codenames):
            if permission.content_type.model != model:
                continue
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )


def _page_permissions(apps, group):
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    root = Page.objects.filter(depth=1).first()
    if root is None:
        return
    for permission in _permissions(apps, "wagtailcore", PAGE_PERMISSIONS):
        if permission.content_type.model != "page":
            continue
        GroupPagePermission.objects.get_or_create(
            group=group, page=root, permission=permission
        )


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    _ensure_permissions(apps)
    Permission = apps.get_model("auth", "Permission")
    access = _permissions(apps, "wagtailadmin", ["access_admin"])
    import_any = _permissions(apps, "qp_evaluation", ["import_any"])
    wanted = {
        EDITOR: [*access, *import_any, *_evaluation(apps, CRUD)],
        INSTITUTION: [*access, *_evaluation(apps, ["view"], INSTITUTION_VIEWS)],
        COUNCIL: [
            *access,
            *_evaluation(apps, ["view"], COUNCIL_VIEWS),
            *_evaluation(apps, ["add", "change"], ["councildecision"]),
        ],
        OPERATOR: [
            *access,
            *_evaluation(apps, ["view"], OPERATOR_VIEWS),
            *_evaluation(apps, ["view", "change"], ["indicatorinput"]),
        ],
        # Everything, users and groups included.
        ADMINISTRATOR: list(Permission.objects.all()),
    }
    for name, permissions in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)
        if name in (EDITOR, ADMINISTRATOR):
            _page_permissions(apps, group)
            _collection_permissions(apps, group)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0005_regional_plan"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        # Wagtail's own data migrations copy group permissions to collections:
        # let them run first so they do not widen the roles made here.
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("qp_publications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
