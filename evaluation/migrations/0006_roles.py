# Placeholder in the migration chain; filled by the change that owns it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("qp_evaluation", "0005_regional_plan")]

    operations = []
