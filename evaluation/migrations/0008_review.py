# Right to reply: objections to a campaign's figures (issue #10).
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qp_evaluation", "0007_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Objection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='текст возражения')),
                ('attachment', models.FileField(blank=True, upload_to='objections/%Y/', verbose_name='приложение')),
                ('filed_at', models.DateTimeField(auto_now_add=True, verbose_name='подано')),
                ('answer', models.TextField(blank=True, verbose_name='ответ')),
                ('outcome', models.CharField(blank=True, choices=[('accepted', 'Принято'), ('rejected', 'Отклонено')], max_length=10, verbose_name='решение')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='дата ответа')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ответил')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='qp_evaluation.campaign', verbose_name='кампания')),
                ('filed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='подал')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='objections', to='qp_evaluation.organisation', verbose_name='организация')),
            ],
            options={
                'verbose_name': 'возражение',
                'verbose_name_plural': 'возражения',
                'ordering': ['-filed_at'],
            },
        ),
    ]
