from django.db import migrations, models


def record_consent_of_the_gallery(apps, schema_editor):
    # Before this field, an editor's «в галерее на сайте» was the consent.
    NoteAttachment = apps.get_model("qp_evaluation", "NoteAttachment")
    NoteAttachment.objects.filter(is_public=True).update(consent=True)


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0031_letter_to_ministry_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="noteattachment",
            name="consent",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Письменное согласие автора или, за ребёнка, его законного "
                    "представителя; без него изображение не показывается на сайте."
                ),
                verbose_name="согласие на публикацию получено",
            ),
        ),
        migrations.RunPython(
            record_consent_of_the_gallery, migrations.RunPython.noop, elidable=True
        ),
    ]
