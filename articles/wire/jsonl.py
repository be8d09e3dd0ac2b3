"""This project's own JSON Lines export, read back: one article a line, the whole file or
nothing (docs/FORMATS.md). Each line is read with a bound, so a giant line never sits in
memory; invisible control characters are removed and counted per line."""

import json
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from articles.caching.invalidation import invalidate
from articles.models import (
    MENTION_MODELS,
    TAXONOMIES_BY_PLURAL,
    Article,
    Author,
    Correction,
    Country,
    Minister,
    Policy,
    RetiredAddress,
    slugs_in_use,
)
from articles.models.authors import free_author_slug
from articles.platform.dates import publication_date_error
from articles.platform.text import strip_forbidden_data
from articles.wire.batches import NewArticle, store_articles
from articles.wire.media import ImageRestorer
from articles.wire.plaintext import ImportFailed

CHUNK_SIZE = 500  # lines stored together, within the file's one transaction


@dataclass
class ExportImport:
    created: int = 0
    skipped: int = 0
    removed: dict = field(default_factory=dict)  # line number: control characters removed
    images_missing: int = 0  # images left out: their file was neither given nor stored


def export_file_lines(handle, *, max_bytes=None):
    """The decoded lines of an export file opened in binary, each read with a bound:
    one line is one article, held to the wire files' size limit, so a giant line is
    refused (ImportFailed with its number) without ever being held in memory."""
    max_bytes = max_bytes or settings.NEWSROOM_IMPORT_MAX_BYTES
    number = 0
    while raw := handle.readline(max_bytes + 1):
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            raise ImportFailed(
                f"line is over the limit of {max_bytes} bytes (NEWSROOM_IMPORT_MAX_BYTES)",
                number,
            )
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ImportFailed(
                f"not UTF-8 text (invalid byte 0x{raw[error.start]:02x})", number
            ) from error


def import_export_lines(*, lines, name, progress=None, chunk_size=CHUNK_SIZE, media=None):
    """Recreate articles from this project's JSON Lines export; the whole file or nothing.

    Returns an ExportImport. An article whose slug already exists is skipped, so
    importing the same export twice creates nothing the second time. The lines are read
    as they come, ``chunk_size`` at a time (articles.wire.batches stores each chunk), so
    memory does not grow with the file; ``progress(articles)`` is called after each.
    ``media``: the folder holding the export's image files (``export_articles --media``).
    """
    result = ExportImport()
    tags = _TagLookup()
    tags.images = ImageRestorer(media)
    with transaction.atomic():
        chunk = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ImportFailed(f"invalid JSON: {error.msg}", number) from error
            record, removed = strip_forbidden_data(record, name_keys=NAME_FIELDS)
            if removed:
                result.removed[number] = removed
            chunk.append((number, record))
            if len(chunk) == chunk_size:
                _restore_chunk(chunk, name=name, tags=tags, result=result, progress=progress)
                chunk = []
        _restore_chunk(chunk, name=name, tags=tags, result=result, progress=progress)
    result.images_missing = tags.images.missing
    return result


def _restore_chunk(chunk, *, name, tags, result, progress):
    """Store a chunk's articles together, skipping those already here; one invalidation."""
    slugs = {r["slug"] for _, r in chunk if isinstance(r, dict) and isinstance(r.get("slug"), str)}
    slugs |= {old["slug"] for _, r in chunk if isinstance(r, dict)
              for old in r.get("retired_addresses") or []
              if isinstance(old, dict) and isinstance(old.get("slug"), str)}
    prints = {r["fingerprint"] for _, r in chunk
              if isinstance(r, dict) and isinstance(r.get("fingerprint"), str)}
    here = _Here(
        slugs=slugs_in_use(slugs),  # a retired address, too, belongs to its article
        fingerprints=set(Article.objects.filter(fingerprint__in=prints)
                         .values_list("fingerprint", flat=True)),
        wire_uris=set(Article.objects.filter(wire_uri__in=_wire_uris(chunk))
                      .values_list("wire_uri", flat=True)),
    )
    new = []
    for number, record in chunk:
        try:
            # A revision per article: each article's history is its own.
            made = _article_from_record(
                record, here=here, tags=tags,
                comment=f"Imported from export file {name}, line {number}",
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{name}: {message}" for name, messages in error.message_dict.items()
                for message in messages
            ) if hasattr(error, "error_dict") else "; ".join(error.messages)
            raise ImportFailed(f"invalid article record: {problems}", number) from error
        except (KeyError, TypeError, ValueError) as error:
            raise ImportFailed(f"invalid article record: {error}", number) from error
        if made is None:
            result.skipped += 1
        else:
            new.append(made)
    invalidate(store_articles(new))
    result.created += len(new)
    if progress and chunk:
        progress(len(new))


@dataclass
class _Here:
    """What a chunk must not store again: slugs and fingerprints already in the database
    (earlier chunks of the file included) or earlier in the chunk."""

    slugs: set
    fingerprints: set
    wire_uris: set  # agency items (wire.lifecycle): one story each


def _wire_uris(chunk):
    return {r["wire"].get("uri") for _, r in chunk if isinstance(r, dict)
            and isinstance(r.get("wire"), dict) and isinstance(r["wire"].get("uri"), str)}


class _TagLookup:
    """The file's tags by ISO code or name, each looked up (or created) once, and its
    images (an ImageRestorer), each restored once."""

    def __init__(self):
        self.countries = dict(Country.objects.values_list("code", "pk"))
        self.named = {Minister: {}, Policy: {}}
        self.images = None  # the file's ImageRestorer
        self.named_authors = {}

    def country_ids(self, codes):
        missing = set(codes) - self.countries.keys()
        if missing:
            raise ValueError(f"unknown country codes {sorted(missing)}")
        return [self.countries[code] for code in codes]

    def authors(self, record):
        """The record's authors in byline order: ``author_details`` (name, slug, role,
        bio) when the export has them, else the ``authors`` names, else an older
        export's comma-separated ``bylines``. Found by slug, else by name; created
        (validated) when missing."""
        details = record.get("author_details")
        if details is None:
            names = record.get("authors")
            if names is None:
                names = str(record.get("bylines") or "").split(",")
            details = [{"name": name} for name in names]
        found = []
        for detail in details:
            author = self._author(detail)
            if author is not None and author not in found:
                found.append(author)
        return found

    def _author(self, detail):
        if not isinstance(detail, dict):
            raise ValueError("an author is not a JSON object")
        name = " ".join(str(detail.get("name") or "").split())
        slug = str(detail.get("slug") or "")
        if not name:
            return None
        author = None
        if slug:
            author = Author.objects.filter(slug=slug).first()
        elif name in self.named_authors:
            return self.named_authors[name]
        else:
            author = Author.objects.filter(name=name).order_by("id").first()
        if author is None:
            author = Author(name=name, slug=slug or free_author_slug(name),
                            role=detail.get("role") or "", bio=detail.get("bio") or "")
            try:
                author.full_clean(exclude=["user"])
            except ValidationError as error:
                raise ValueError(f"author {name[:40]!r}: {' '.join(error.messages)}") from error
            author.save()
        self.named_authors.setdefault(name, author)
        return author

    def named_ids(self, model, names):
        known = self.named[model]
        ids = []
        for name in names:
            name = " ".join(str(name).split())
            if name not in known:
                known[name] = _tag_named(model, name).pk
            ids.append(known[name])
        return ids


    def mentioned_ids(self, mentions, *, subjects):
        """An export's mentions as {plural: [tag ids]}: entries already in the
        vocabulary (a mention never creates one: an unknown name is an error naming it),
        less the article's subjects."""
        if mentions is None:
            return {}
        if not isinstance(mentions, dict) or set(mentions) - set(MENTION_MODELS):
            raise ValueError("mentions must be an object with countries, ministers and "
                             "policies lists")
        found = {}
        for plural, names in mentions.items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise ValueError(f"mentions {plural} must be a list of names")
            if plural == "countries":
                missing = set(names) - self.countries.keys()
                if missing:
                    raise ValueError(f"unknown country codes in mentions {sorted(missing)}")
                ids = [self.countries[code] for code in names]
            else:
                ids = [self._known_id(TAXONOMIES_BY_PLURAL[plural].model, name)
                       for name in names]
            found[plural] = [i for i in dict.fromkeys(ids) if i not in subjects.get(plural, ())]
        return found

    def _known_id(self, model, name):
        name = " ".join(name.split())
        known = self.named[model]
        if name not in known:
            tag = model.objects.named(name, slug=True).first()
            if tag is None:
                raise ValueError(f"unknown {model._meta.verbose_name} {name[:40]!r} in "
                                 "mentions (a mention never adds to the vocabulary)")
            known[name] = tag.pk
        return known[name]


# Fields of an export line that hold a headline or names: direction controls go too.
NAME_FIELDS = frozenset({"headline", "dateline", "authors", "ministers", "policies",
                         "bylines", "source", "name", "role"})


def _checked_time(value, field_name):
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"bad {field_name} {value!r}")
    error = publication_date_error(moment)
    if error:
        raise ValueError(f"{field_name} {error}")
    return moment


def _article_from_record(record, *, here, tags, comment):
    """The NewArticle a record makes, checked; None if its slug or fingerprint is here."""
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    slug = record["slug"]
    if slug in here.slugs:
        return None
    status = record.get("status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        raise ValueError(f"unknown status {status!r}")
    published_at = None
    if record.get("published_at"):
        published_at = _checked_time(record["published_at"], "published_at")
    country_ids = tags.country_ids(record.get("countries") or [])
    article = Article(
        headline=record["headline"],
        slug=slug,
        status=status,
        published_at=published_at,
        dateline=record.get("dateline") or "",
        standfirst=record.get("standfirst") or "",
        body=record.get("body") or "",
        source=record.get("source") or "",
        headline_needs_review=bool(record.get("headline_needs_review")),
        fingerprint=record.get("fingerprint") or None,
        hero_image=tags.images.image_for(record.get("image")),
        **_wire_fields(record),
    )
    if article.fingerprint in here.fingerprints or (
            article.wire_uri and article.wire_uri in here.wire_uris):
        return None  # the same wire copy is already here under another slug
    article.hold_for_embargo()  # which is what the one check constraint asks
    # Not validate_constraints: Django checks a constraint with a query, and a savepoint
    # around it, per line (8.7 s of a 28 s restore of 1,500 lines, profiled).
    article.full_clean(exclude=["fingerprint", "hero_image"], validate_unique=False,
                       validate_constraints=False)
    made = NewArticle(article, comment=comment, authors=tags.authors(record), tags={
        "countries": country_ids,
        "ministers": tags.named_ids(Minister, record.get("ministers") or []),
        "policies": tags.named_ids(Policy, record.get("policies") or []),
    })
    made.mentions = tags.mentioned_ids(record.get("mentions"), subjects=made.tags)
    # A name listed as both is a mention.
    made.mentions_removed = tags.mentioned_ids(record.get("mentions_removed"), subjects={
        plural: [*made.tags.get(plural, ()), *made.mentions.get(plural, ())]
        for plural in MENTION_MODELS})
    for correction in record.get("corrections") or []:
        kind = correction.get("kind") or Correction.Kind.CORRECTION
        if kind not in Correction.Kind.values:
            raise ValueError(f"unknown correction kind {kind!r}")
        made.corrections.append(Correction(
            kind=kind,
            note=correction["note"],
            created_at=_checked_time(correction["created_at"], "correction created_at"),
        ))
    made.retired = _retired_addresses(record.get("retired_addresses") or [], here)
    here.slugs.add(slug)
    if article.fingerprint:
        here.fingerprints.add(article.fingerprint)
    if article.wire_uri:
        here.wire_uris.add(article.wire_uri)
    return made


def _wire_fields(record):
    """The embargo and the agency item's identity an export carries (wire.exporting)."""
    fields = {}
    if record.get("embargo_until"):
        fields["embargo_until"] = _checked_time(record["embargo_until"], "embargo_until")
    wire = record.get("wire")
    if wire:
        if not isinstance(wire, dict) or not isinstance(wire.get("uri"), str):
            raise ValueError("wire must be an object with a uri")
        version = wire.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or not 0 < version < 2**31:
            raise ValueError("wire version must be a whole number from 1")
        fields.update(wire_uri=wire["uri"][:255], wire_version=version,
                      taken_over=bool(wire.get("taken_over")))
    return fields


def _retired_addresses(entries, here):
    """The addresses an exported article had left, checked; one another article has
    (now, or left before) stays with that article."""
    retired = []
    for entry in entries:
        old = RetiredAddress(slug=entry["slug"],
                             published_on=date.fromisoformat(entry["published_on"]))
        old.full_clean(exclude=["article"], validate_unique=False)
        error = publication_date_error(old.published_on)
        if error:
            raise ValueError(f"retired address date {error}")
        if old.slug not in here.slugs:
            here.slugs.add(old.slug)
            retired.append(old)
    return retired


def _tag_named(model, name):
    """The minister or policy this name names (an export made before a merge names the
    entry merged away, now an alias of the one kept), created (and first validated, so
    an empty or overlong name fails the line) when there is none."""
    name = " ".join(str(name).split())
    tag = model.objects.named(name, slug=True).first()
    if tag is None:
        tag = model(name=name)
        try:
            tag.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            raise ValueError(f"{model._meta.verbose_name} {name[:40]!r}: "
                             f"{' '.join(error.messages)}") from error
        tag.save()
    return tag
