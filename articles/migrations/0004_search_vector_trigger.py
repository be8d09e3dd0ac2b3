"""Keep Article.search_vector current on PostgreSQL with a trigger, and index it.

A trigger rather than save() so every write path (admin, import, bulk_create in the
benchmark seeder, raw SQL) keeps the vector right. Other databases have no vector:
search falls back to word matching there, so this migration does nothing on them.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION articles_article_search_vector_update() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.headline, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B') ||
        setweight(to_tsvector('english',
            regexp_replace(coalesce(NEW.body, ''), '<[^>]+>', ' ', 'g')), 'C');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS articles_article_search_vector_trigger ON articles_article;
CREATE TRIGGER articles_article_search_vector_trigger
    BEFORE INSERT OR UPDATE OF headline, standfirst, body, search_vector
    ON articles_article
    FOR EACH ROW EXECUTE FUNCTION articles_article_search_vector_update();

CREATE INDEX IF NOT EXISTS articles_article_search_vector_gin
    ON articles_article USING GIN (search_vector);

UPDATE articles_article SET search_vector = NULL;
"""

DROP = """
DROP INDEX IF EXISTS articles_article_search_vector_gin;
DROP TRIGGER IF EXISTS articles_article_search_vector_trigger ON articles_article;
DROP FUNCTION IF EXISTS articles_article_search_vector_update();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_roles")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
