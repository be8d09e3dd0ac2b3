"""Each article's comma-separated bylines become its ordered authors: the same name is
the same Author. The roles are installed again with the authors' permissions."""

from importlib import import_module

from django.db import migrations
from django.utils.text import slugify

create_roles = import_module("articles.migrations.0003_roles").create_roles
CHUNK = 2000


def names_in(bylines):
    names = []
    for part in bylines.split(","):
        name = " ".join(part.split())[:120]
        if name and name not in names:
            names.append(name)
    return names


def author_slug(name, taken):
    base = (slugify(name) or slugify(name, allow_unicode=True) or "author")[:90]
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def bylines_to_authors(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Author = apps.get_model("articles", "Author")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    db = schema_editor.connection.alias
    authors = {a.name: a for a in Author.objects.using(db).all()}
    taken = set(Author.objects.using(db).values_list("slug", flat=True))
    rows = []
    bylines = (Article.objects.using(db).exclude(bylines="").order_by("pk")
               .values_list("pk", "bylines").iterator(chunk_size=CHUNK))
    for article_id, text in bylines:
        for position, name in enumerate(names_in(text)):
            if name not in authors:
                authors[name] = Author.objects.using(db).create(
                    name=name, slug=author_slug(name, taken))
            rows.append(ArticleAuthor(article_id=article_id, author=authors[name],
                                      position=position))
        if len(rows) >= CHUNK:
            ArticleAuthor.objects.using(db).bulk_create(rows)
            rows = []
    ArticleAuthor.objects.using(db).bulk_create(rows)


def authors_to_bylines(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    db = schema_editor.connection.alias
    names = {}
    for article_id, name in (ArticleAuthor.objects.using(db).order_by("article", "position", "id")
                             .values_list("article_id", "author__name")):
        names.setdefault(article_id, []).append(name)
    for article_id, found in names.items():
        Article.objects.using(db).filter(pk=article_id).update(bylines=", ".join(found)[:255])
    # The bylines hold them again; the authors stay, found by name when migrated forward.
    ArticleAuthor.objects.using(db).all().delete()


class Migration(migrations.Migration):

    dependencies = [("articles", "0016_authors_models")]

    operations = [
        migrations.RunPython(bylines_to_authors, authors_to_bylines),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
