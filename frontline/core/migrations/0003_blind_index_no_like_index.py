"""Drop the LIKE (`varchar_pattern_ops`) indexes PostgreSQL databases got for blind-index columns.

A keyed hash is only compared whole; its second index only slowed every insert. New databases
never get one (BlindIndexField.db_type); this removes those made before. Nothing to do elsewhere.
"""

from django.db import migrations


def drop_like_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from frontline.core.fields import BlindIndexField

    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.local_fields:
                if not isinstance(field, BlindIndexField):
                    continue
                cursor.execute(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                    "AND indexdef LIKE %s",
                    [model._meta.db_table, f"%({field.column} varchar_pattern_ops)%"],
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
        ("org", "0002_staff_full_name"),
        ("checkpoints", "0002_passage_indexes"),
        ("desk", "0001_initial"),
        ("health", "0002_seed_categories"),
    ]

    operations = [migrations.RunPython(drop_like_indexes, migrations.RunPython.noop)]
