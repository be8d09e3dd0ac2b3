"""Builds the POST data the article admin form expects, as a browser would send it."""

from django.utils import timezone

from articles.models import Article


def article_post_data(article=None, **overrides):
    """Form data for the add form, or for the change form of `article` as it is now."""
    data = {
        "headline": "Ministers agree to revive the northern trade route",
        "slug": "ministers-agree-to-revive-the-northern-trade-route",
        "standfirst": "Talks in Moscow end with a plan.",
        "body": "<p>The ministers met for three hours.</p>",
        "dateline": "Moscow",
        "bylines": "Arun Kumar",
        "image_alt": "",
        "image_caption": "",
        "image_credit": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "version": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        article = Article.objects.get(pk=article.pk)
        data.update(
            headline=article.headline,
            slug=article.slug,
            standfirst=article.standfirst,
            body=article.body,
            dateline=article.dateline,
            bylines=article.bylines,
            status=article.status,
            version=str(article.version),
            countries=[str(t.pk) for t in article.countries.all()],
            ministers=[str(t.pk) for t in article.ministers.all()],
            policies=[str(t.pk) for t in article.policies.all()],
            **{"corrections-INITIAL_FORMS": str(article.corrections.count()),
               "corrections-TOTAL_FORMS": str(article.corrections.count())},
        )
        for i, correction in enumerate(article.corrections.all()):
            data[f"corrections-{i}-id"] = str(correction.pk)
            data[f"corrections-{i}-article"] = str(article.pk)
            data[f"corrections-{i}-kind"] = correction.kind
            data[f"corrections-{i}-note"] = correction.note
        if article.headline_needs_review:
            data["headline_needs_review"] = "on"
        if article.published_at:
            local = timezone.localtime(article.published_at)
            data["published_at_0"] = local.strftime("%Y-%m-%d")
            data["published_at_1"] = local.strftime("%H:%M:%S")
    data.update(overrides)
    return data
