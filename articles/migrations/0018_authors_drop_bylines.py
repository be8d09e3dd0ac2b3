"""The bylines are authors now (0017); the admin's search box looks in the wire
source instead, with a trigram index on PostgreSQL as 0006 gave the bylines."""

from django.db import migrations


def create_source_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS article_source_trgm ON articles_article "
        "USING GIN (UPPER(source::text) gin_trgm_ops)"
    )


def drop_source_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS article_source_trgm")


class Migration(migrations.Migration):

    dependencies = [("articles", "0017_authors_from_bylines")]

    operations = [
        migrations.RemoveField(model_name="article", name="bylines"),
        migrations.RunPython(create_source_index, drop_source_index),
    ]
