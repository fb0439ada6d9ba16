"""Letters, proposals from НОК results, public organisations' invitations and remarks.

Also creates the two new roles, «Ресурсно-методический центр» and
«Общественная организация», with their model permissions, and gives the
existing roles theirs on the new models. Idempotent, like ``0006_roles``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import evaluation.files

EDITOR = "Редакторы"
COUNCIL = "Общественный совет"
INSTITUTION = "Учреждения"
ADMINISTRATOR = "Администраторы"
RMC = "Ресурсно-методический центр"
CHECKER = "Общественная организация"

NEW = ("letter", "proposal", "checkerinvitation", "checkerremark")
CRUD = ("add", "change", "delete", "view")

#: What a public organisation reads (rows: the campaigns it is invited to).
CHECKER_VIEWS = (
    "campaign",
    "organisation",
    "indicatorinput",
    "result",
    "decadesummary",
    "samplebase",
    "improvementplan",
    "measure",
    "measurereport",
    "submission",
    "importrecord",
    "proposal",
    "checkerremark",
)


#: What the РМЦ reads: every submission and material of every campaign (the
#: rows are all of them, see ``evaluation.roles``). A fixed list, so the
#: grant means the same whenever it runs.
RMC_VIEWS = (
    *CHECKER_VIEWS,
    "surveyresponse",
    "publishedresult",
    "councildecision",
    "onlinesubmission",
    "onlinequestionnaire",
    "websitecheck",
    "letter",
    "checkerinvitation",
    "explanatorynote",
    "noteitem",
    "noteattachment",
    "objection",
)


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def evaluation(actions, models):
        codenames = [f"{a}_{m}" for a in actions for m in models]
        return list(
            Permission.objects.filter(
                content_type__app_label="qp_evaluation", codename__in=codenames
            )
        )

    access = list(
        Permission.objects.filter(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    wanted = {
        EDITOR: evaluation(CRUD, NEW),
        ADMINISTRATOR: evaluation(CRUD, NEW),
        COUNCIL: evaluation(["view"], ["proposal", "checkerremark", "letter"]),
        INSTITUTION: evaluation(["view"], ["letter"]),
        # Reads everything of the evaluation app; writes only letters.
        RMC: [
            *access,
            *evaluation(["view"], RMC_VIEWS),
            *evaluation(["add", "change", "delete"], ["letter"]),
        ],
        # Reads; adds remarks; changes nothing.
        CHECKER: [
            *access,
            *evaluation(["view"], CHECKER_VIEWS),
            *evaluation(["add"], ["checkerremark"]),
        ],
    }
    for name, permissions in wanted.items():
        if name in (RMC, CHECKER):
            group, _ = Group.objects.get_or_create(name=name)
        else:
            group = Group.objects.filter(name=name).first()
            if group is None:
                continue
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=(RMC, CHECKER)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0026_instructions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckerRemark",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("text", models.TextField(verbose_name="замечание")),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="направлено"),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="автор",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checker_remarks",
                        to="qp_evaluation.campaign",
                        verbose_name="кампания",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checker_remarks",
                        to="qp_evaluation.organisation",
                        verbose_name="о какой организации",
                    ),
                ),
            ],
            options={
                "verbose_name": "замечание общественной организации",
                "verbose_name_plural": "замечания общественных организаций",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Letter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("information", "Информационное письмо"),
                            ("methodological", "Методическое письмо"),
                            ("other", "Иное письмо"),
                        ],
                        max_length=20,
                        verbose_name="вид письма",
                    ),
                ),
                (
                    "author_kind",
                    models.CharField(
                        choices=[
                            ("ministry", "Министерство"),
                            ("rmc", "Ресурсно-методический центр"),
                            ("council", "Общественный совет организации"),
                        ],
                        max_length=10,
                        verbose_name="автор",
                    ),
                ),
                (
                    "to_ministry",
                    models.BooleanField(
                        default=False, verbose_name="адресат — министерство"
                    ),
                ),
                ("number", models.CharField(max_length=50, verbose_name="номер")),
                ("dated", models.DateField(verbose_name="дата")),
                ("subject", models.CharField(max_length=300, verbose_name="тема")),
                (
                    "summary",
                    models.TextField(blank=True, verbose_name="краткое содержание"),
                ),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        storage=evaluation.files.private_storage,
                        upload_to=evaluation.files.PrivateName("letters"),
                        verbose_name="файл письма",
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False, verbose_name="опубликовать на сайте"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="внесено"),
                ),
                (
                    "addressees",
                    models.ManyToManyField(
                        blank=True,
                        related_name="letters_received",
                        to="qp_evaluation.organisation",
                        verbose_name="организации-адресаты",
                    ),
                ),
                (
                    "author_organisation",
                    models.ForeignKey(
                        blank=True,
                        help_text="Только для писем общественного совета организации.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="council_letters",
                        to="qp_evaluation.organisation",
                        verbose_name="организация, чей совет направил письмо",
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="letters",
                        to="qp_evaluation.campaign",
                        verbose_name="касается кампании",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="внёс",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="letters_about",
                        to="qp_evaluation.organisation",
                        verbose_name="касается организации",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="letters",
                        to="qp_evaluation.improvementplan",
                        verbose_name="касается плана",
                    ),
                ),
            ],
            options={
                "verbose_name": "письмо",
                "verbose_name_plural": "письма",
                "ordering": ["-dated", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="Proposal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("text", models.TextField(verbose_name="текст предложения")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("proposed", "Предложено"),
                            ("accepted", "Учтено"),
                            ("rejected", "Не учтено"),
                        ],
                        default="proposed",
                        max_length=10,
                        verbose_name="статус",
                    ),
                ),
                (
                    "document_kind",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("programme", "Государственная программа"),
                            ("road_map", "«Дорожная карта»"),
                            ("other", "Иной документ"),
                        ],
                        max_length=10,
                        verbose_name="где учтено",
                    ),
                ),
                (
                    "document_name",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        verbose_name="наименование документа",
                    ),
                ),
                (
                    "document_number",
                    models.CharField(
                        blank=True,
                        max_length=100,
                        verbose_name="номер и дата документа",
                    ),
                ),
                (
                    "document_url",
                    models.URLField(blank=True, verbose_name="ссылка на документ"),
                ),
                (
                    "accounted_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="когда учтено"
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False, verbose_name="опубликовать на сайте"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="внесено"),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="proposals",
                        to="qp_evaluation.campaign",
                        verbose_name="кампания",
                    ),
                ),
            ],
            options={
                "verbose_name": "предложение по итогам НОК",
                "verbose_name_plural": "предложения по итогам НОК",
                "ordering": ["campaign", "pk"],
            },
        ),
        migrations.CreateModel(
            name="CheckerInvitation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "organisation_name",
                    models.CharField(
                        help_text="Например, краевая организация ветеранов или инвалидов.",
                        max_length=300,
                        verbose_name="общественная организация",
                    ),
                ),
                ("invited_on", models.DateField(verbose_name="дата приглашения")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checker_invitations",
                        to="qp_evaluation.campaign",
                        verbose_name="кампания",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checker_invitations",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="пользователь общественной организации",
                    ),
                ),
            ],
            options={
                "verbose_name": "приглашение общественной организации",
                "verbose_name_plural": "приглашения общественных организаций",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "user"), name="qp_checker_invitation_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(grant, remove_roles),
    ]
