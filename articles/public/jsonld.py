"""schema.org structured data for an article page."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.safestring import mark_safe

from articles.caching import dependencies
from articles.platform.text import output_data
from articles.public.selectors import image_shown

# Characters that could end the <script> element the JSON sits in.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def share_url(request, article):
    """The absolute address of the article's picture for sharing (a 1200 px rendition),
    or "" when it has none."""
    image = article.hero_image
    if not image_shown(image):
        return ""
    dependencies.record(dependencies.image(image.pk))
    return request.build_absolute_uri(image.share_url())


def author_json_ld(request, author):
    """schema.org ProfilePage of an author's page, its main entity the Person."""
    url = request.build_absolute_uri(author.get_absolute_url())
    person = {"@type": "Person", "name": author.name, "url": url}
    if author.role:
        person["jobTitle"] = author.role
    if author.bio:
        person["description"] = author.bio
    if author.photo is not None:
        person["image"] = request.build_absolute_uri(author.photo.share_url())
    return _script_safe({"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
                         "mainEntity": person})


def _script_safe(data):
    """JSON of ``data``, safe inside a <script> tag, without control characters."""
    text = json.dumps(output_data(data), cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


# What each taxonomy's entries are in schema.org's words.
SCHEMA_TYPES = {"country": "Place", "minister": "Person", "policy": "Thing"}


def _things(request, tags):
    return [{"@type": SCHEMA_TYPES.get(tag.kind, "Thing"), "name": tag.name,
             "url": request.build_absolute_uri(tag.url)} for tag in tags]


def article_json_ld(request, article, tags, *, authors=(), corrections=(), mentions=(),
                    summary, modified):
    """schema.org NewsArticle for the article, safe to place inside a <script> tag."""
    url = request.build_absolute_uri(article.get_absolute_url())
    publisher = {"@type": "NewsMediaOrganization", "name": settings.NEWSROOM_NAME,
                 "url": request.build_absolute_uri(reverse("articles:home"))}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "description": summary,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": article.published_at,
        "dateModified": modified,
        # Wire copy has no byline: the newsroom itself is then the author.
        "author": [{"@type": "Person", "name": author.name,
                    "url": request.build_absolute_uri(author.url)} for author in authors]
        or [publisher],
        "publisher": publisher,
        # Its subjects (its tags), and the other entries it names.
        "about": _things(request, tags),
        "keywords": [tag.name for tag in tags],
        "inLanguage": settings.NEWSROOM_LANGUAGE,
    }
    if mentions:
        data["mentions"] = _things(request, mentions)
    notes = [c for c in corrections if c.kind in c.ABOVE_BODY]
    if notes:
        data["correction"] = [{"@type": "CorrectionComment", "text": c.note,
                               "datePublished": c.created_at} for c in notes]
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if image_shown(article.hero_image):
        data["image"] = [share_url(request, article)]
    # Stored text is written without control characters, whatever got into the row.
    return _script_safe(data)
