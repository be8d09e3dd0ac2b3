"""Authors: the people whose names stand on articles, and an article's ordered authors."""

import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse

from articles.models.vocabulary import NAME_TEXT, PLAIN_TEXT, name_slug


class AuthorQuerySet(models.QuerySet):
    def named(self, names):
        """The Author of each name, created when missing (same name, same Author), in
        the order given; empty and repeated names are left out."""
        wanted = []
        for name in names:
            name = " ".join(str(name).split())
            if name and name not in wanted:
                wanted.append(name)
        found = {a.name: a for a in self.filter(name__in=wanted)}
        for name in wanted:
            if name not in found:
                found[name] = self.create(name=name, slug=free_author_slug(name))
        return [found[name] for name in wanted]


def free_author_slug(name, *, taken=()):
    """The slug a name makes, numbered when another author has it."""
    base = (name_slug(name) or "author")[:90]
    slug, n = base, 1
    while slug in taken or Author.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class Author(models.Model):
    name = models.CharField(max_length=120, validators=NAME_TEXT)
    slug = models.SlugField(
        max_length=100, unique=True, allow_unicode=True,
        help_text="The last part of the author's page address, e.g. priya-sharma.",
    )
    role = models.CharField(
        "role or title", max_length=120, blank=True, validators=NAME_TEXT,
        help_text="Shown under the name, e.g. Diplomatic correspondent.",
    )
    bio = models.TextField(
        "short bio", max_length=1000, blank=True, validators=PLAIN_TEXT,
        help_text="Two or three sentences for the author's page.",
    )
    photo = models.ForeignKey(
        "articles.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="authors", help_text="A portrait from the image library, shown on the "
        "author's page.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="author", verbose_name="staff account",
        help_text="The author's account in the newsroom, if they have one.",
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author-detail", kwargs={"slug": self.slug})


@reversion.register()  # in the article's versions, as its tag rows are
class ArticleAuthor(models.Model):
    """One author of one article, at a position: bylines read in that order."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_rows")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_once"),
        ]
        indexes = [models.Index(fields=["author", "article"], name="article_author_idx")]
        verbose_name = "author"

    def __str__(self):
        return self.author.name if self.author_id else ""
