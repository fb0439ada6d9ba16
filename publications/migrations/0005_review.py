# Council review: documents under review, the council task and its workflow.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

WORKFLOW_NAME = "Рассмотрение общественным советом"


def create_council_workflow(apps, schema_editor):
    """The workflow with its council task, assigned to review documents (idempotent)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    CouncilReviewTask = apps.get_model("qp_publications", "CouncilReviewTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    task_type, _ = ContentType.objects.get_or_create(
        app_label="qp_publications", model="councilreviewtask"
    )
    document_type, _ = ContentType.objects.get_or_create(
        app_label="qp_publications", model="reviewdocument"
    )
    task = CouncilReviewTask.objects.filter(name=WORKFLOW_NAME).first()
    if task is None:
        task = CouncilReviewTask.objects.create(
            name=WORKFLOW_NAME, content_type=task_type, active=True
        )
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    if not WorkflowTask.objects.filter(workflow=workflow, task_id=task.pk).exists():
        WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=0)
    WorkflowContentType.objects.update_or_create(
        content_type=document_type, defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0004_regional_plan_blocks"),
        ("qp_evaluation", "0008_review"),
        ("wagtailcore", "0098_apitoken"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CouncilReviewTask',
            fields=[
                ('task_ptr', models.OneToOneField(auto_created=True, on_delete=django.db.models.deletion.CASCADE, parent_link=True, primary_key=True, serialize=False, to='wagtailcore.task')),
            ],
            options={
                'verbose_name': 'рассмотрение общественным советом',
                'verbose_name_plural': 'рассмотрения общественным советом',
            },
            bases=('wagtailcore.task',),
        ),
        migrations.CreateModel(
            name='ReviewDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('live', models.BooleanField(default=True, editable=False, verbose_name='live')),
                ('has_unpublished_changes', models.BooleanField(default=False, editable=False, verbose_name='has unpublished changes')),
                ('first_published_at', models.DateTimeField(blank=True, db_index=True, null=True, verbose_name='first published at')),
                ('last_published_at', models.DateTimeField(editable=False, null=True, verbose_name='last published at')),
                ('go_live_at', models.DateTimeField(blank=True, null=True, verbose_name='go live date/time')),
                ('expire_at', models.DateTimeField(blank=True, null=True, verbose_name='expiry date/time')),
                ('expired', models.BooleanField(default=False, editable=False, verbose_name='expired')),
                ('locked', models.BooleanField(default=False, editable=False, verbose_name='locked')),
                ('locked_at', models.DateTimeField(editable=False, null=True, verbose_name='locked at')),
                ('title', models.CharField(max_length=300, verbose_name='название')),
                ('kind', models.CharField(choices=[('plan', 'План мероприятий'), ('fulfilment_report', 'Отчёт о реализации плана'), ('campaign_results', 'Результаты кампании'), ('explanatory_note', 'Пояснительная записка')], max_length=20, verbose_name='вид')),
                ('file', models.FileField(blank=True, upload_to='review/%Y/', verbose_name='файл')),
                ('description', models.TextField(blank=True, verbose_name='пояснение')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='создано')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='автор')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_documents', to='qp_evaluation.campaign', verbose_name='кампания')),
                ('decision', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='qp_evaluation.councildecision', verbose_name='решение совета')),
                ('latest_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='latest revision')),
                ('live_revision', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='wagtailcore.revision', verbose_name='live revision')),
                ('locked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='locked_%(class)ss', to=settings.AUTH_USER_MODEL, verbose_name='locked by')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='review_documents', to='qp_evaluation.organisation', verbose_name='организация')),
                ('plan', models.ForeignKey(blank=True, help_text='Для плана и отчёта о его реализации: план из импорта.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='review_documents', to='qp_evaluation.improvementplan', verbose_name='план мероприятий')),
            ],
            options={
                'verbose_name': 'документ на рассмотрение',
                'verbose_name_plural': 'документы на рассмотрение',
                'ordering': ['-created_at'],
            },
        ),
        migrations.RunPython(create_council_workflow, migrations.RunPython.noop),
    ]
