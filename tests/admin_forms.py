"""Builds the POST data the article admin form expects, as a browser would send it.

``workflow`` is the button pressed (``save``, ``publish``, ``schedule`` …); left out, the
form saves, as a POST without a button does.
"""

from articles.models import Article


def article_post_data(article=None, **overrides):
    """Form data for the add form, or for the change form of `article` as it is now."""
    data = {
        "headline": "Ministers agree to revive the northern trade route",
        "slug": "ministers-agree-to-revive-the-northern-trade-route",
        "standfirst": "Talks in Moscow end with a plan.",
        "body": "<p>The ministers met for three hours.</p>",
        "dateline": "Moscow",
        "source": "",
        "hero_image": "",
        "version": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "article_authors-TOTAL_FORMS": "0",
        "article_authors-INITIAL_FORMS": "0",
        "article_authors-MIN_NUM_FORMS": "0",
        "article_authors-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        article = Article.objects.get(pk=article.pk)
        data.update(
            headline=article.headline,
            slug=article.slug,
            standfirst=article.standfirst,
            body=article.body,
            dateline=article.dateline,
            source=article.source,
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
        rows = list(article.article_authors.all())
        data["article_authors-INITIAL_FORMS"] = data["article_authors-TOTAL_FORMS"] = \
            str(len(rows))
        for i, row in enumerate(rows):
            data[f"article_authors-{i}-id"] = str(row.pk)
            data[f"article_authors-{i}-article"] = str(article.pk)
            data[f"article_authors-{i}-author"] = str(row.author_id)
            data[f"article_authors-{i}-position"] = str(row.position)
        if article.headline_needs_review:
            data["headline_needs_review"] = "on"
    data.update(overrides)
    return data
