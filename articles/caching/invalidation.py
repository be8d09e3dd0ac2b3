"""The one entry point through which writes make cached public pages stale.

``invalidate(keys, purge=paths)`` names what a write changed: dependency keys (an
article, a tag) and, for a page taken down (a withdrawal), its address to purge. Its
implementation today renews the site-wide content generation (``articles.caching``);
``purge`` also marks the page gone, so its last good copy is never served again, and
asks each configured nginx to fetch the page afresh (``NEWSROOM_PROXY_REFRESH_URLS``).

A write that readers cannot see invalidates nothing: saving a draft, tagging it,
correcting it (see the receivers at the end). Inside a transaction the work waits for
the commit (and is also done at once, so this process never serves a page rendered
before the write); a rolled-back write invalidates nothing more.

When the shared cache does not take the invalidation (Redis down or stalled), it is
retried; if it still fails, it is kept in the database (``PendingInvalidation``) and by a
background thread that retries until Redis answers, this process stops serving cached
pages meanwhile (``has_unapplied``), and the person who made the write is told
(``collect_failures``). Any later write, and ``/readyz``, also apply what is pending.
"""

import contextlib
import contextvars
import logging
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from articles.caching import state

log = logging.getLogger("newsroom.cache")

# Pauses before each new attempt at a failed invalidation, in seconds.
RETRY_PAUSES = (0.05, 0.2)
RETRY_EVERY = 0.1
RETRY_FOR = 3600
REFRESH_HEADER = "X-Newsroom-Refresh"
SCHEME_HEADER = "X-Newsroom-Scheme"
FAILURE_MESSAGE = (
    "Saved. The public site's cache did not answer, so readers' copies of the pages "
    "this change affects could not be replaced at once; they are served fresh from the "
    "database meanwhile, and the change reaches the cache as soon as it answers again."
)


def invalidate(keys, *, purge=()):
    """Make cached copies of what depends on ``keys`` stale; delete those of ``purge``.

    ``keys`` name what changed ("article:12", "country:5"); ``purge`` lists public
    addresses taken down, whose copies must not survive anywhere.
    """
    keys, paths = set(keys), set(purge)
    if not keys and not paths:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _apply_or_keep(keys, paths)
        return
    # Now, for this process (and tests, whose transaction never commits) ...
    state.bump_content_generation()
    state.mark_gone(paths)
    # ... and once committed, for everyone: a page another server rendered meanwhile from
    # the data before the commit must not outlive it.
    for _sids, func, _robust in connection.run_on_commit:
        if isinstance(func, _AfterCommit):
            func.keys |= keys
            func.paths |= paths
            return
    transaction.on_commit(_AfterCommit(keys, paths))


class _AfterCommit:
    """The invalidations of one transaction, applied together when it commits."""

    def __init__(self, keys, paths):
        self.keys, self.paths = keys, paths

    def __call__(self):
        _apply_or_keep(self.keys, self.paths)


def _apply(keys, paths):
    """One attempt; True if the shared cache took it (and every proxy refreshed)."""
    return (state.bump_content_generation() and state.mark_gone(paths)
            and refresh_proxies(paths))


def _apply_or_keep(keys, paths):
    apply_pending()
    for pause in (0, *RETRY_PAUSES):
        time.sleep(pause)
        if _apply(keys, paths):
            return True
    _keep(keys, paths)
    return False


# -- what could not be applied ------------------------------------------------------

_unapplied = []  # [(keys, paths, id of its PendingInvalidation row or None)]
_unapplied_lock = threading.Lock()
_retrier = None
_wake = threading.Event()
_failures = contextvars.ContextVar("newsroom_invalidation_failures", default=None)


def has_unapplied():
    """True while an invalidation made by this process has not reached the shared cache."""
    return bool(_unapplied)


def _keep(keys, paths):
    global _retrier
    log.warning("Could not invalidate cached pages (%s%s): kept to retry.",
                ", ".join(sorted(keys))[:200], f"; purge {sorted(paths)}" if paths else "")
    row_id = None
    try:
        from articles.models import PendingInvalidation

        row_id = PendingInvalidation.objects.create(keys=sorted(keys), paths=sorted(paths)).pk
    except DatabaseError:
        log.exception("Could not record the pending invalidation in the database either.")
    with _unapplied_lock:
        _unapplied.append((keys, paths, row_id))
        if _retrier is None or not _retrier.is_alive():
            _retrier = threading.Thread(target=_retry, name="newsroom-invalidation",
                                        daemon=True)
            _retrier.start()
    _wake.set()
    failures = _failures.get()
    if failures is not None:
        failures.append(FAILURE_MESSAGE)


def _retry():
    deadline = time.monotonic() + RETRY_FOR
    try:
        while time.monotonic() < deadline:
            _wake.wait(RETRY_EVERY)
            _wake.clear()
            with _unapplied_lock:
                items = list(_unapplied)
            if not items:
                return
            keys = set().union(*(item[0] for item in items))
            paths = set().union(*(item[1] for item in items))
            if _apply(keys, paths):
                with _unapplied_lock:
                    del _unapplied[:len(items)]
                _forget_rows([item[2] for item in items if item[2] is not None])
                log.warning("Applied %d invalidation(s) kept while the cache was down.",
                            len(items))
        log.error("Gave up retrying invalidations after %d s; cached pages expire by "
                  "themselves (NEWSROOM_PAGE_CACHE_TIMEOUT).", RETRY_FOR)
    finally:
        connections.close_all()


def _forget_rows(row_ids):
    from articles.models import PendingInvalidation

    try:
        PendingInvalidation.objects.filter(pk__in=row_ids).delete()
    except DatabaseError:
        log.exception("Could not delete applied pending invalidations.")


def apply_pending():
    """Apply invalidations that any process kept in the database; how many are left."""
    from articles.models import PendingInvalidation

    try:
        rows = list(PendingInvalidation.objects.using("default").order_by("pk")[:100])
    except DatabaseError:
        return None
    if not rows:
        return 0
    keys = set().union(*(row.keys for row in rows))
    paths = set().union(*(row.paths for row in rows))
    if not _apply(keys, paths):
        return len(rows)
    _forget_rows([row.pk for row in rows])
    return PendingInvalidation.objects.using("default").count()


@contextlib.contextmanager
def collect_failures():
    """Collect, for the code inside, messages about invalidations that could not be made."""
    token = _failures.set([])
    try:
        yield _failures.get()
    finally:
        _failures.reset(token)


class InvalidationReportMiddleware:
    """Tells the editor, in the admin's messages, when a save could not refresh the
    public site's cache at once (see ``collect_failures``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return self.get_response(request)
        with collect_failures() as failures:
            response = self.get_response(request)
        for message in dict.fromkeys(failures):
            messages.warning(request, message, fail_silently=True)
        return response


# -- nginx --------------------------------------------------------------------------


def refresh_proxies(paths):
    """Make each configured nginx fetch these pages afresh, replacing its cached copy
    (docs/nginx.conf lets the app's addresses bypass its cache). True if all did."""
    proxies = settings.NEWSROOM_PROXY_REFRESH_URLS
    if not paths or not proxies:
        return True
    site = urlsplit(settings.NEWSROOM_SITE_URL or f"http://{settings.ALLOWED_HOSTS[0]}")
    refreshed = True
    for proxy in proxies:
        for path in paths:
            request = urllib.request.Request(
                proxy.rstrip("/") + path,
                headers={"Host": site.netloc, REFRESH_HEADER: "1", SCHEME_HEADER: site.scheme},
            )
            try:
                urllib.request.urlopen(request, timeout=2).close()
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    refreshed = False
            except OSError as error:
                log.warning("Could not refresh %s on %s: %s", path, proxy, error)
                refreshed = False
    return refreshed


# -- what each write changes ----------------------------------------------------------


def article_keys(article_id):
    return {f"article:{article_id}"}


def tag_keys(taxonomy_kind, tag_ids):
    return {f"{taxonomy_kind}:{tag_id}" for tag_id in tag_ids}


def _public_facing():
    from articles.models import Article

    # Live, scheduled (the schedule decides when pages change) or withdrawn (its
    # address answers 410 with the newsroom's note).
    return (Article.Status.PUBLISHED, Article.Status.WITHDRAWN)


def _article_saving(sender, instance, raw=False, **kwargs):
    """An article about to be saved: invalidate if readers see it before or after."""
    if raw:
        return
    before = None
    if not instance._state.adding and instance.pk is not None:
        before = (
            sender.objects.using("default").filter(pk=instance.pk)
            .values_list("status", "slug", "published_at").first()
        )
    facing = _public_facing()
    if instance.status not in facing and (before is None or before[0] not in facing):
        return
    invalidate(article_keys(instance.pk), purge=_taken_down(sender, instance, before))


def _taken_down(model, instance, before):
    """The address readers knew, if this save takes it down or moves it."""
    if before is None or before[0] != model.Status.PUBLISHED or before[2] is None:
        return ()
    if (instance.status, instance.slug, instance.published_at) == before:
        return ()
    return (model(slug=before[1], published_at=before[2]).get_absolute_url(),)


def _article_deleted(sender, instance, **kwargs):
    if instance.status in _public_facing():
        purge = ()
        if instance.status == sender.Status.PUBLISHED and instance.published_at:
            purge = (instance.get_absolute_url(),)
        invalidate(article_keys(instance.pk), purge=purge)


def _any_public_facing(article_ids):
    from articles.models import Article

    return Article.objects.using("default").filter(
        pk__in=article_ids, status__in=_public_facing()
    ).exists()


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Tags added to or removed from articles (taggit's managers send this)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from articles.models import TAXONOMIES

    kind = next(t.kind for t in TAXONOMIES.values() if t.through is sender)
    if not reverse:
        if instance.status in _public_facing():
            invalidate(article_keys(instance.pk) | tag_keys(kind, pk_set or ()))
    elif pk_set is None or _any_public_facing(pk_set):
        invalidate(tag_keys(kind, [instance.pk]))


def _tag_row_changed(sender, instance, **kwargs):
    """A through row saved or deleted directly (a merge, a cascade)."""
    from articles.models import TAXONOMIES

    if _any_public_facing([instance.content_object_id]):
        kind = next(t.kind for t in TAXONOMIES.values() if t.through is sender)
        invalidate(article_keys(instance.content_object_id)
                   | tag_keys(kind, [instance.tag_id]))


def _correction_changed(sender, instance, **kwargs):
    if _any_public_facing([instance.article_id]):
        invalidate(article_keys(instance.article_id))


def _vocabulary_changed(sender, instance, created=False, **kwargs):
    """A renamed or deleted entry changes every page that names it; a new one, nothing
    yet (no article carries it)."""
    from articles.models import TAXONOMIES

    if not created:
        kind = next(t.kind for t in TAXONOMIES.values() if t.model is sender)
        invalidate(tag_keys(kind, [instance.pk]))


def connect_signals():
    """Cache bookkeeping for every row public pages show (not core logic: nothing else
    listens). ``QuerySet.update()`` and bulk writes send no signals: code that uses them
    calls ``invalidate()`` itself."""
    from articles.models import TAXONOMIES, Article, Correction

    receivers = [
        (pre_save, _article_saving, Article),
        (post_delete, _article_deleted, Article),
        (post_save, _correction_changed, Correction),
        (post_delete, _correction_changed, Correction),
    ]
    for taxonomy in TAXONOMIES.values():
        receivers += [
            (m2m_changed, _tags_changed, taxonomy.through),
            (post_save, _tag_row_changed, taxonomy.through),
            (post_delete, _tag_row_changed, taxonomy.through),
            (post_save, _vocabulary_changed, taxonomy.model),
            (post_delete, _vocabulary_changed, taxonomy.model),
        ]
    for signal, receiver, model in receivers:
        signal.connect(receiver, sender=model,
                       dispatch_uid=f"invalidation-{receiver.__name__}-{model.__name__}")
