"""A small newsroom for the public-site tests: tagged articles plus unpublished ones."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from articles.models import Article, Correction, MentionedCountry, MentionedPolicy
from tests.factories import country, make_article, make_minister, make_policy


@dataclass
class Newsroom:
    india: object
    russia: object
    china: object
    lavrov: object
    jaishankar: object
    make_in_india: object
    energy: object
    articles: list = field(default_factory=list)
    draft: object = None
    scheduled: object = None


def build_newsroom(published=20):
    """``published`` public articles tagged India, Russia, two ministers, two policies."""
    india, russia, china = country("IN"), country("RU"), country("CN")
    lavrov = make_minister("Sergey Lavrov", country=russia, aliases=["Lavrov", "Sergei Lavrov"])
    jaishankar = make_minister(
        "S. Jaishankar", office="Minister of External Affairs", country=india,
        aliases=["Jaishankar"],
    )
    make_in_india = make_policy("Make in India", aliases=["Made in India"])
    energy = make_policy("Energy cooperation", description="Oil, gas and nuclear deals.")
    room = Newsroom(india, russia, china, lavrov, jaishankar, make_in_india, energy)
    now = timezone.now()
    for i in range(published):
        room.articles.append(make_article(
            f"Delegates weigh shipping corridor, session {i}",
            slug=f"corridor-session-{i}",
            published_at=now - timedelta(hours=i + 1),
            standfirst=f"Negotiators spent day {i} on freight tariffs.",
            body=f"<p>Officials from both capitals reviewed cargo figures, round {i}.</p>",
            countries=[india, russia] + ([china] if i % 3 == 0 else []),
            ministers=[lavrov, jaishankar],
            policies=[energy] + ([make_in_india] if i % 2 == 0 else []),
        ))
    # Stories that name China or Make in India without being about it: their mentions.
    for i, article in enumerate(room.articles):
        if i % 3:
            MentionedCountry.objects.create(article=article, tag=china,
                                            published_at=article.published_at)
        if i % 2:
            MentionedPolicy.objects.create(article=article, tag=make_in_india,
                                           published_at=article.published_at)
    room.draft = make_article(
        "Unfinished draft about a secret summit", slug="secret-summit-draft",
        status=Article.Status.DRAFT, countries=[india],
    )
    room.scheduled = make_article(
        "Embargoed story about a future summit", slug="future-summit",
        published_at=now + timedelta(days=1), countries=[india, russia],
    )
    return room


def add_correction(article, note="An earlier version misspelt a minister's name."):
    return Correction.objects.create(article=article, note=note)
