"""A wire item's life: the first version becomes a story, a later one updates it (or,
once an editor has taken the story over, waits on the desk as a proposed update), a
kill (pubStatus withheld or canceled) withdraws it at once, and an older or repeated
version is skipped. Each item is stored with ordinary saves, so the cache's receivers
invalidate (and purge, for a kill or a scheduled time) what readers see.
"""

from dataclasses import dataclass

import reversion
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.editorial import mentions
from articles.editorial.images import image_save
from articles.editorial.wire_updates import copy_fields, note_update, set_bylines
from articles.models import TAXONOMIES, Article, Image, WireUpdate, free_slug
from articles.platform.pictures import PictureRefused
from articles.platform.text import strip_forbidden
from articles.tagging import suggest_tags
from articles.wire.plaintext import ImportFailed

IMPORTED, UPDATED, PROPOSED, WITHDRAWN, SKIPPED = (
    "imported", "updated", "proposed", "withdrawn", "skipped")


@dataclass
class ItemOutcome:
    kind: str
    article: Article | None
    message: str
    removed: int = 0  # control characters removed


def store_items(items, *, publish=False, autotag=True, vocabulary=None, name=""):
    """Store a file's items, all or none (ImportFailed names the item at fault)."""
    with transaction.atomic():
        return [store_item(item, publish=publish, autotag=autotag, vocabulary=vocabulary,
                           name=name) for item in items]


def store_item(item, *, publish=False, autotag=True, vocabulary=None, name=""):
    """Create, update, propose, withdraw or skip, as the item's version and status say."""
    text, removed = _clean(item)
    with transaction.atomic(), reversion.create_revision():
        article = Article.objects.select_for_update().filter(wire_uri=item.uri).first()
        source = f"{item.format} item {item.uri[:120]}, version {item.version}"
        if article is None:
            if item.killed:
                return ItemOutcome(SKIPPED, None, f"skipped ({item.pubstatus}: {source} was "
                                   "never imported, so there is nothing to withdraw)")
            article = _create(item, text, publish=publish)
            _tag(article, item, autotag=autotag, vocabulary=vocabulary)
            if autotag:
                mentions.refresh_article_mentions(article)
            missing = _attach_pictures(article, item)
            reversion.set_comment(f"Imported from {source}" + (f" ({name})" if name else ""))
            note = f"; pictures missing: {'; '.join(missing)}" if missing else ""
            return ItemOutcome(IMPORTED, article,
                               f"imported as #{article.pk} ({article.display_status.lower()}"
                               f"{note}): {article.headline}", removed)
        newest = max([article.wire_version or 0, *WireUpdate.objects.filter(
            article=article).values_list("wire_version", flat=True)])
        if item.version <= newest:
            return ItemOutcome(SKIPPED, article, f"skipped (version {item.version} of "
                               f"{item.uri[:120]} is not newer than version {newest}, "
                               f"#{article.pk})")
        if item.killed:
            _withdraw(article, item)
            reversion.set_comment(f"Withdrawn: the agency's {source} is {item.pubstatus}")
            return ItemOutcome(WITHDRAWN, article,
                               f"withdrawn #{article.pk} ({item.pubstatus} by the agency)")
        if article.taken_over:
            article.wire_updates.pending().update(dismissed=True)
            WireUpdate.objects.create(article=article, wire_version=item.version,
                                      **{k: v for k, v in text.items() if k != "source"})
            return ItemOutcome(PROPOSED, article, f"proposed to the desk as an update of "
                               f"#{article.pk} (an editor has taken it over)", removed)
        copy_fields(article, text)
        article.source = text["source"] or article.source
        article.wire_version = item.version
        article.embargo_until = item.embargo_until or article.embargo_until
        _save(article)
        set_bylines(article, text["bylines"])
        if autotag:
            mentions.refresh_article_mentions(article)
        note_update(article, item.version)
        reversion.set_comment(f"Updated from {source}")
        return ItemOutcome(UPDATED, article, f"updated #{article.pk} to version "
                           f"{item.version}: {article.headline}", removed)


def _clean(item):
    """The item's texts without forbidden characters, and how many went."""
    removed, text = 0, {}
    for key, value, names in (("headline", item.headline, True),
                              ("standfirst", item.standfirst, False),
                              ("body", item.body, False), ("dateline", item.dateline, True),
                              ("bylines", ", ".join(item.bylines)[:255], True),
                              ("source", item.source[:120], True)):
        text[key], count = strip_forbidden(value, names=names)
        removed += count
    return text, removed


def _create(item, text, *, publish):
    article = Article(
        **{name: value for name, value in text.items() if name != "bylines"},
        slug=free_slug(text["headline"], fallback="wire"),
        status=Article.Status.PUBLISHED if publish else Article.Status.REVIEW,
        published_at=(item.created_at or timezone.now()) if publish else None,
        embargo_until=item.embargo_until,
        wire_uri=item.uri,
        wire_version=item.version,
    )
    _save(article)
    set_bylines(article, text["bylines"])
    return article


def _save(article):
    article.hold_for_embargo()
    try:
        article.full_clean(exclude=["slug", "hero_image"], validate_unique=False)
    except ValidationError as error:
        raise ImportFailed("; ".join(f"{field}: {' '.join(messages)}" for field, messages
                                     in error.message_dict.items())) from error
    article.version = (article.version or 0) + (1 if article.pk else 0)
    article.save()


def _withdraw(article, item):
    """Off the site at once, whoever has taken it over; what waits on the desk goes."""
    article.status = Article.Status.WITHDRAWN
    article.wire_version = item.version
    article.version += 1
    article.save()
    article.wire_updates.pending().update(dismissed=True)


def _tag(article, item, *, autotag, vocabulary):
    """The tags the agency's subject codes name; the auto-tagger fills the taxonomies
    the agency named nothing in."""
    codes = set(item.codes)
    suggested = suggest_tags(article, vocabulary=vocabulary) if autotag else {}
    for taxonomy in TAXONOMIES.values():
        coded = _coded(taxonomy.model, codes) if codes else []
        if not coded:
            coded = list(taxonomy.model.objects.filter(
                pk__in=[s.tag_id for s in suggested.get(taxonomy.plural, ())]))
        if coded:
            getattr(article, taxonomy.plural).add(*coded)


def _coded(model, codes):
    found = Q()
    for code in codes:
        found |= Q(codes__icontains=f'"{code}"')
    country_codes = [c.split(":", 1)[1].upper() for c in codes if c.startswith("iso3166-1a2:")]
    if country_codes and hasattr(model, "code"):
        found |= Q(code__in=country_codes)
    return list(model.objects.filter(found))


def _attach_pictures(article, item):
    """Each delivered picture with a file beside the item into the image library; the
    first leads the story. Returns why the others are missing."""
    missing = []
    for picture in item.pictures:
        if picture.path is None:
            missing.append(f"{picture.uri[:80]}: {picture.missing}")
            continue
        image = Image(
            caption=strip_forbidden(picture.caption[:300])[0],
            alt_text=strip_forbidden((picture.alt_text or picture.caption)[:250])[0],
            credit=strip_forbidden(picture.credit[:150], names=True)[0],
            usage_terms=strip_forbidden(picture.usage_terms[:300])[0],
            usage_ends=picture.usage_ends,
        )
        try:
            with picture.path.open("rb") as handle, transaction.atomic():
                image.file = File(handle, name=picture.path.name)
                image_save(image=image, by=None, new_file=True)
        except (PictureRefused, OSError) as error:
            missing.append(f"{picture.uri[:80]}: {error}")
            continue
        if article.hero_image_id is None and image.alt_text:
            article.hero_image = image
            article.save(update_fields=["hero_image", "updated_at"])
    return missing
