# Explanatory notes of a Декада: analysis items and image attachments.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import evaluation.decade.models.notes


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0008_review"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExplanatoryNote",
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
                    "status",
                    models.CharField(
                        choices=[("draft", "Черновик"), ("submitted", "Представлена")],
                        default="draft",
                        max_length=10,
                        verbose_name="статус",
                    ),
                ),
                (
                    "conclusions",
                    models.TextField(
                        blank=True,
                        help_text="Краткий итог анализа отзывов граждан.",
                        verbose_name="общие выводы",
                    ),
                ),
                (
                    "submitted_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="представлена"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="создана"),
                ),
                (
                    "updated_at",
                    models.DateTimeField(auto_now=True, verbose_name="изменена"),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="explanatory_notes",
                        to="qp_evaluation.campaign",
                        verbose_name="кампания",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="explanatory_notes",
                        to="qp_evaluation.organisation",
                        verbose_name="организация",
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="представил",
                    ),
                ),
            ],
            options={
                "verbose_name": "пояснительная записка",
                "verbose_name_plural": "пояснительные записки",
                "ordering": ["campaign", "organisation__short_name"],
            },
        ),
        migrations.CreateModel(
            name="NoteAttachment",
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
                    "image",
                    models.FileField(
                        upload_to=evaluation.decade.models.notes.attachment_path,
                        verbose_name="изображение",
                    ),
                ),
                ("width", models.PositiveIntegerField(verbose_name="ширина, пикс.")),
                ("height", models.PositiveIntegerField(verbose_name="высота, пикс.")),
                ("caption", models.CharField(max_length=300, verbose_name="подпись")),
                (
                    "alt_text",
                    models.CharField(
                        help_text="Что изображено — для незрячих посетителей.",
                        max_length=300,
                        verbose_name="текстовое описание",
                    ),
                ),
                (
                    "is_public",
                    models.BooleanField(
                        default=False, verbose_name="в галерее на сайте"
                    ),
                ),
                (
                    "gallery_order",
                    models.PositiveIntegerField(
                        default=0, verbose_name="порядок в галерее"
                    ),
                ),
                (
                    "uploaded_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="загружено"),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="qp_evaluation.explanatorynote",
                        verbose_name="пояснительная записка",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="загрузил",
                    ),
                ),
            ],
            options={
                "verbose_name": "изображение к пояснительной записке",
                "verbose_name_plural": "изображения к пояснительным запискам",
                "ordering": ["note", "gallery_order", "pk"],
            },
        ),
        migrations.CreateModel(
            name="NoteItem",
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
                    "theme",
                    models.CharField(
                        choices=[
                            ("conditions", "Условия и доступность"),
                            ("staff", "Персонал"),
                            ("food", "Питание"),
                            ("leisure", "Досуг"),
                            ("information", "Информирование"),
                            ("other", "Прочее"),
                        ],
                        default="other",
                        max_length=12,
                        verbose_name="тема",
                    ),
                ),
                (
                    "position",
                    models.PositiveIntegerField(default=0, verbose_name="порядок"),
                ),
                ("text", models.TextField(verbose_name="замечание, пожелание")),
                (
                    "count",
                    models.PositiveIntegerField(
                        default=1, verbose_name="сколько раз высказано"
                    ),
                ),
                (
                    "response",
                    models.TextField(
                        blank=True,
                        help_text="Что учреждение сделало или сделает в ответ.",
                        verbose_name="принятые меры",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("suggestions", "Анкеты (вопрос 16)"),
                            ("manual", "Внесено учреждением"),
                        ],
                        default="manual",
                        max_length=12,
                        verbose_name="источник",
                    ),
                ),
                (
                    "note",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="qp_evaluation.explanatorynote",
                        verbose_name="пояснительная записка",
                    ),
                ),
            ],
            options={
                "verbose_name": "пункт пояснительной записки",
                "verbose_name_plural": "пункты пояснительной записки",
                "ordering": ["note", "theme", "position", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="explanatorynote",
            constraint=models.UniqueConstraint(
                fields=("campaign", "organisation"), name="qp_note_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="noteattachment",
            index=models.Index(
                fields=["is_public", "gallery_order"], name="qp_note_gallery"
            ),
        ),
    ]
