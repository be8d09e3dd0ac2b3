"""This project's own JSON Lines export, read back: one article a line, the whole file or
nothing (docs/FORMATS.md). Each line is read with a bound, so a giant line never sits in
memory; invisible control characters are removed and counted per line."""

import json
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime

from articles.models import Article, Correction, Country, Minister, Policy
from articles.platform.dates import publication_date_error
from articles.platform.text import strip_forbidden_data
from articles.wire.plaintext import ImportFailed


@dataclass
class ExportImport:
    created: list
    skipped: int = 0
    removed: dict = field(default_factory=dict)  # line number: control characters removed


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


def import_export_lines(*, lines, name):
    """Recreate articles from this project's JSON Lines export; the whole file or nothing.

    Returns an ExportImport. An article whose slug already exists is skipped, so
    importing the same export twice creates nothing the second time.
    """
    result = ExportImport(created=[])
    with transaction.atomic():
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
            try:
                # A revision per article: each article's history is its own.
                with reversion.create_revision():
                    reversion.set_comment(f"Imported from export file {name}, line {number}")
                    article = _article_from_record(record)
            except ValidationError as error:
                problems = "; ".join(
                    f"{name}: {message}" for name, messages in error.message_dict.items()
                    for message in messages
                ) if hasattr(error, "error_dict") else "; ".join(error.messages)
                raise ImportFailed(f"invalid article record: {problems}", number) from error
            except (KeyError, TypeError, ValueError) as error:
                raise ImportFailed(f"invalid article record: {error}", number) from error
            if article is None:
                result.skipped += 1
            else:
                result.created.append(article)
    return result


# Fields of an export line that hold a headline or names: direction controls go too.
NAME_FIELDS = frozenset({"headline", "dateline", "authors", "ministers", "policies"})


def _checked_time(value, field_name):
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(f"bad {field_name} {value!r}")
    error = publication_date_error(moment)
    if error:
        raise ValueError(f"{field_name} {error}")
    return moment


def _article_from_record(record):
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    slug = record["slug"]
    if Article.objects.filter(slug=slug).exists():
        return None
    status = record.get("status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        raise ValueError(f"unknown status {status!r}")
    published_at = None
    if record.get("published_at"):
        published_at = _checked_time(record["published_at"], "published_at")
    countries = list(Country.objects.filter(code__in=record.get("countries") or []))
    missing = set(record.get("countries") or []) - {c.code for c in countries}
    if missing:
        raise ValueError(f"unknown country codes {sorted(missing)}")
    article = Article(
        headline=record["headline"],
        slug=slug,
        status=status,
        published_at=published_at,
        dateline=record.get("dateline") or "",
        standfirst=record.get("standfirst") or "",
        body=record.get("body") or "",
        bylines=", ".join(record.get("authors") or []),
        headline_needs_review=bool(record.get("headline_needs_review")),
        fingerprint=record.get("fingerprint") or None,
    )
    if article.fingerprint and Article.objects.filter(fingerprint=article.fingerprint).exists():
        return None  # the same wire copy is already here under another slug
    article.full_clean(exclude=["fingerprint", "image"], validate_unique=False)
    article.save()
    article.countries.set(countries)
    article.ministers.set([_tag_named(Minister, name) for name in record.get("ministers") or []])
    article.policies.set([_tag_named(Policy, name) for name in record.get("policies") or []])
    for correction in record.get("corrections") or []:
        created_at = _checked_time(correction["created_at"], "correction created_at")
        Correction.objects.create(
            article=article,
            kind=correction.get("kind") or Correction.Kind.CORRECTION,
            note=correction["note"],
            created_at=created_at,
        )
    return article


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
