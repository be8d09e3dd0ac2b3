"""Plain builders for test data: each makes one valid object, overridable by keyword."""

import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Article, Author, Country, Image, Minister, Policy

_counter = itertools.count(1)


def make_user(username=None, role=None, **kwargs):
    username = username or f"user{next(_counter)}"
    user = User.objects.create_user(
        username=username, password="correct horse battery", is_staff=True, **kwargs
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def make_editor(username="priya"):
    return make_user(username, role=EDITOR, first_name="Priya", last_name="Sharma")


def make_reporter(username="arun"):
    return make_user(username, role=REPORTER, first_name="Arun", last_name="Kumar")


def country(code):
    return Country.objects.get(code=code)


def make_minister(name="Sergey Lavrov", **kwargs):
    kwargs.setdefault("office", "Minister of Foreign Affairs")
    return Minister.objects.create(name=name, **kwargs)


def make_policy(name="Make in India", **kwargs):
    kwargs.setdefault("description", "India's manufacturing programme.")
    return Policy.objects.create(name=name, **kwargs)


def make_article(
    headline=None,
    *,
    status=Article.Status.PUBLISHED,
    published_at=None,
    countries=(),
    ministers=(),
    policies=(),
    authors=("Arun Kumar",),
    **kwargs,
):
    n = next(_counter)
    headline = headline or f"India and Russia talk trade, round {n}"
    if published_at is None and status == Article.Status.PUBLISHED:
        published_at = timezone.now() - timedelta(hours=n)
    kwargs.setdefault("slug", f"story-{n}")
    kwargs.setdefault("standfirst", "Ministers met in Moscow to discuss trade.")
    kwargs.setdefault("body", "<p>Ministers met in Moscow on Wednesday.</p>")
    article = Article.objects.create(
        headline=headline, status=status, published_at=published_at, **kwargs
    )
    if authors:
        article.set_authors(Author.objects.named(authors))
    if countries:
        article.countries.set([country(c) if isinstance(c, str) else c for c in countries])
    if ministers:
        article.ministers.set(list(ministers))
    if policies:
        article.policies.set(list(policies))
    return article


def picture_bytes(width=1600, height=1000, fmt="JPEG", **save_options):
    """An encoded picture of a few colour bands (compresses like a simple photo)."""
    import io

    from PIL import Image as PILImage
    from PIL import ImageDraw

    picture = PILImage.new("RGB", (width, height), (30, 80, 120))
    draw = ImageDraw.Draw(picture)
    for i in range(0, width, max(width // 12, 1)):
        draw.rectangle([i, height // 3, i + width // 24, height], fill=(200, 120 + i % 100, 40))
    draw.ellipse([width // 3, height // 6, width // 2, height // 2], fill=(240, 220, 90))
    out = io.BytesIO()
    picture.save(out, format=fmt, **save_options)
    return out.getvalue()


def make_image(alt_text="Cranes over the port of Chennai", *, width=1600, height=1000,
               name="port.jpg", by=None, **kwargs):
    """An image of the library, stored with its upload's renditions."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.editorial.images import image_save

    upload = SimpleUploadedFile(name, picture_bytes(width, height), "image/jpeg")
    image = Image(file=upload, alt_text=alt_text, **kwargs)
    return image_save(image=image, by=by, new_file=True)
