"""Article addresses: the slug made from a headline, and the addresses an article has left.

An article's address is ``/<yyyy>/<mm>/<dd>/<slug>/`` (the date of its publication time in
the newsroom's zone). Once readers may have seen it, a move (a new slug, a new date) keeps
the old one as a ``RetiredAddress`` that answers 301 to wherever the article is now, for
good: no other article may take a retired slug.
"""

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from articles.models.vocabulary import DASHES

SLUG_MAX = 200  # Article.slug's max_length
# A slug made from a headline keeps to whole words and leaves room for a -2, -3...
SLUG_WORDS_MAX = 80


def slug_base(text, *, fallback):
    """slugify(text), cut to a length that leaves room for a -2, -3..."""
    base = slugify(DASHES.sub(" ", text))
    if len(base) > SLUG_WORDS_MAX:
        base = base[: SLUG_WORDS_MAX + 1].rsplit("-", 1)[0]
    return base[: SLUG_MAX - 8].strip("-") or fallback


def slugs_in_use(slugs, *, article_id=None):
    """Those of ``slugs`` that another article has, now or as a retired address."""
    from articles.models.articles import Article

    slugs = set(slugs)
    live = Article.objects.filter(slug__in=slugs).exclude(pk=article_id)
    retired = RetiredAddress.objects.filter(slug__in=slugs).exclude(article_id=article_id)
    return (set(live.values_list("slug", flat=True))
            | set(retired.values_list("slug", flat=True)))


def free_slug(text, *, fallback, taken=(), article_id=None):
    """slugify(text), with -2, -3... added while another article has it (now or as a
    retired address) or it is one of ``taken`` (the slugs of a batch not stored yet)."""
    base = slug_base(text, fallback=fallback)
    slug, number = base, 1
    while slug in taken or slugs_in_use([slug], article_id=article_id):
        number += 1
        slug = f"{base}-{number}"
    return slug


class RetiredAddress(models.Model):
    """An address an article had while readers could see it, and has left."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="retired_addresses")
    published_on = models.DateField(help_text="The date in the address.")
    slug = models.SlugField(max_length=SLUG_MAX)
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["published_on", "slug"],
                                               name="retired_address_unique")]
        indexes = [models.Index(fields=["slug"], name="retired_address_slug_idx")]
        verbose_name_plural = "retired addresses"

    def __str__(self):
        return f"{self.published_on:%Y/%m/%d}/{self.slug}/"


def address_refusal(slug, *, article_id=None):
    """Why an article may not take ``slug`` (another article has it, now or as an
    address that still leads there), or None."""
    from articles.models.articles import Article

    other = Article.objects.filter(slug=slug).exclude(pk=article_id).only("headline").first()
    if other is not None:
        return f"Another article, “{other.headline}”, has this address. Choose another."
    retired = (RetiredAddress.objects.filter(slug=slug).exclude(article_id=article_id)
               .select_related("article").only("article__headline").first())
    if retired is not None:
        return (f"This was the address of “{retired.article.headline}”, and it still leads "
                "there: no other article may take it. Choose another.")
    return None
