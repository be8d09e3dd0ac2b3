"""Reads for authors and corrections on the public site: the bylines of articles, the
authors' index and listings, and the corrections page.

Every read starts from ``Article.objects.published()`` and runs a fixed number of
queries; each records the dependency keys of what it shows.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from articles.caching import dependencies
from articles.caching.state import remember
from articles.models import Article, ArticleAuthor, Author, Correction
from articles.public.selectors import listing


@dataclass(frozen=True)
class AuthorLink:
    pk: int
    name: str
    slug: str
    url: str


def authors_by_article(article_ids):
    """Map article id -> its AuthorLinks in byline order: one query."""
    article_ids = list(article_ids)
    found = {pk: [] for pk in article_ids}
    if not article_ids:
        return found
    rows = (ArticleAuthor.objects.filter(article_id__in=article_ids)
            .order_by("article_id", "position", "id")
            .values_list("article_id", "author_id", "author__name", "author__slug"))
    for article_id, pk, name, slug in rows:
        found[article_id].append(AuthorLink(
            pk, name, slug, reverse("articles:author-detail", kwargs={"slug": slug})))
        dependencies.record(dependencies.author(pk))
    return found


def article_authors(article, *, fresh=False):
    """The article's AuthorLinks; remembered until the article or an author changes."""
    def read():
        return authors_by_article([article.pk])[article.pk]

    return read() if fresh else remember("article-authors", read, article.pk,
                                         depends_on={dependencies.article(article.pk)})


def author_by_slug(slug):
    """The author with this slug, or None; remembered until they change."""
    def find():
        author = Author.objects.select_related("photo").filter(slug=slug).first()
        # Found: until they change; not found: until an author is added or renamed.
        dependencies.record(dependencies.AUTHORS if author is None
                            else dependencies.author(author.pk))
        if author is not None and author.photo_id:
            dependencies.record(dependencies.image(author.photo_id))
        return author

    return remember("author", find, slug, depends_on=())


def articles_by(author):
    """Published articles the author wrote, newest first."""
    return listing(Article.objects.published().filter(article_authors__author=author))


def author_index():
    """Authors with published articles, A-Z, each with how many."""
    published = Article.objects.published().values("pk")
    authors = list(
        Author.objects.annotate(article_count=Count(
            "article_rows", filter=Q(article_rows__article__in=published)))
        .filter(article_count__gt=0).order_by("name", "id")
    )
    dependencies.record(dependencies.AUTHORS, dependencies.PUBLISHED)
    return authors


def public_corrections():
    """Corrections and clarifications of public articles, newest first, with the
    article's headline and address."""
    return (
        Correction.objects.filter(kind__in=Correction.ABOVE_BODY,
                                  article__in=Article.objects.published().values("pk"))
        .select_related("article")
        .only("kind", "note", "created_at", "article__headline", "article__slug",
              "article__published_at")
        .order_by("-created_at", "-id")
    )
