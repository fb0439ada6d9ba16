# Deadline reminders already sent (send_deadline_reminders).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("qp_evaluation", "0006_roles")]

    operations = [
        migrations.CreateModel(
            name="ReminderLog",
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
                        choices=[("before", "До срока"), ("overdue", "Срок пропущен")],
                        max_length=10,
                        verbose_name="вид",
                    ),
                ),
                ("sent_on", models.DateField(verbose_name="дата")),
                (
                    "recipients",
                    models.JSONField(
                        blank=True, default=list, verbose_name="получатели"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, verbose_name="время"),
                ),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminders",
                        to="qp_evaluation.submission",
                        verbose_name="представляемый документ",
                    ),
                ),
            ],
            options={
                "verbose_name": "напоминание о сроке",
                "verbose_name_plural": "напоминания о сроках",
                "ordering": ["-sent_on", "submission"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("submission", "kind", "sent_on"),
                        name="qp_reminder_once_a_day",
                    )
                ],
            },
        ),
    ]
