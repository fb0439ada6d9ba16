"""PostgreSQL: a GIN index over ``head_vector`` (title and names) for autocomplete.

Prefix queries (``интер:*``) on the full ``search_vector`` expand to every
lexeme of every body text with that prefix; on ``head_vector`` they stay within
titles and names. Other vendors get nothing.
"""

from django.db import migrations

FORWARD = (
    "CREATE INDEX IF NOT EXISTS qp_search_entry_head "
    "ON qp_search_entry USING gin (head_vector)"
)
BACKWARD = "DROP INDEX IF EXISTS qp_search_entry_head"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("qp_search", "0002_vendor_text_index")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
