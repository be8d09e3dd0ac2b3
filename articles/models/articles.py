"""Articles, their corrections, and the visibility rule: ``Article.objects.published()``."""

from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from taggit.managers import TaggableManager

from articles.models.addresses import RetiredAddress, free_slug
from articles.models.authors import ArticleAuthor
from articles.models.mentions import MENTION_MODELS
from articles.models.vocabulary import (
    NAME_TEXT,
    PLAIN_TEXT,
    TaggedCountry,
    TaggedMinister,
    TaggedPolicy,
)
from articles.platform.sanitising import sanitise_html
from articles.platform.text import html_to_text

SUMMARY_WORDS = 40  # words of the body that stand in for a missing standfirst
# Newest first, the id settling articles published at the same moment: every listing,
# feed and sitemap, the admin's list and the index that serves them.
NEWEST_FIRST = ("-published_at", "-id")
UPDATE_GRACE = timedelta(minutes=10)  # saves this soon after publication are not updates


class NameList(models.Aggregate):
    """Names joined with commas: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "GROUP_CONCAT"
    template = "%(function)s(%(expressions)s, ', ')"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="STRING_AGG", **extra_context)


def _tag_names(through):
    return models.Subquery(
        through.objects.filter(content_object=models.OuterRef("pk"))
        .order_by()
        .values("content_object")
        .annotate(names=NameList("tag__name"))
        .values("names")
    )


def staff_reference():
    """Who did something to a row: kept as empty when that account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Public means published with a publication time that has come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now()
        )

    def withdrawn(self):
        """Taken off the site after being published: its address answers 410 Gone."""
        return self.filter(status=Article.Status.WITHDRAWN, published_at__isnull=False)

    def scheduled(self, now=None):
        """Published, but with a publication time still to come."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now()
        )

    def newest_first(self):
        """Newest first; articles published at the same moment by id, newest too."""
        return self.order_by(*NEWEST_FIRST)

    def with_tags(self):
        """Prefetch the three taxonomies so listings tag each card without N+1."""
        return self.prefetch_related("countries", "ministers", "policies")

    def with_tag_names(self):
        """Annotate each taxonomy's names as one string, for lists that only show them."""
        return self.annotate(
            country_names=_tag_names(TaggedCountry),
            minister_names=_tag_names(TaggedMinister),
            policy_names=_tag_names(TaggedPolicy),
        )

    def with_author_names(self):
        """Annotate the authors' names in byline order as one string (``author_names``)."""
        if connection.vendor == "postgresql":
            names = StringAgg("author__name", ", ", order_by=("position", "id"))
        else:  # SQLite 3.40 cannot order inside an aggregate: the rows' scan order
            names = NameList("author__name")
        return self.annotate(author_names=models.Subquery(
            ArticleAuthor.objects.filter(article=models.OuterRef("pk"))
            .order_by().values("article")
            .annotate(names=names).values("names")
        ))


# History records the article with its tags and byline; the search vector is derived,
# not history.
@reversion.register(
    follow=("tagged_countries", "tagged_ministers", "tagged_policies", "article_authors"),
    exclude=("search_vector",),
)
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    headline = models.CharField(max_length=200, validators=NAME_TEXT)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's address. It follows the headline until "
        "the article is published; change it after that only if you must: the old address "
        "keeps leading here.",
    )
    standfirst = models.TextField(
        blank=True, help_text="One or two sentences under the headline; also the summary "
        "shown in listings, feeds and search engines.",
        validators=PLAIN_TEXT,
    )
    body = models.TextField(
        blank=True, help_text="Paragraphs, subheads, bold and italic, links, lists and "
        "quotes. Text pasted from a word processor keeps its paragraphs, bold and italic; "
        "anything else is removed when you save.",
        validators=PLAIN_TEXT,
    )
    dateline = models.CharField(
        max_length=100, blank=True, help_text="Where the story was filed, e.g. Moscow.",
        validators=NAME_TEXT,
    )
    authors = models.ManyToManyField(
        "articles.Author", through="articles.ArticleAuthor", related_name="articles",
        blank=True,
    )
    source = models.CharField(
        max_length=120, blank=True, validators=NAME_TEXT,
        help_text="The agency wire copy came from, e.g. Reuters; empty for the newsroom's "
        "own stories.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="Leave empty to publish now. A future time schedules the article.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = staff_reference()
    updated_by = staff_reference()
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save; a stale edit is refused."
    )
    headline_needs_review = models.BooleanField(
        default=False,
        help_text="Set on wire imports, whose headline is derived from the first "
        "sentence. Cleared when an editor saves a new headline.",
    )
    withdrawal_note = models.TextField(
        "note to readers on withdrawal", blank=True,
        help_text="Shown at the article's address after it is withdrawn, e.g. why. "
        "Leave empty to say only that the article was withdrawn.",
        validators=PLAIN_TEXT,
    )
    hero_image = models.ForeignKey(
        "articles.Image", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="image",
        help_text="The picture at the top of the story, from the image library. It needs "
        "alt text.",
    )
    fingerprint = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False,
        help_text="Hash of the imported wire text; stops the same copy importing twice.",
    )
    embargo_until = models.DateTimeField(
        "embargoed until", null=True, blank=True,
        help_text="No reader, feed, search or API sees the story before this time, "
        "whatever its status: publishing it earlier schedules it for this time.",
    )
    wire_uri = models.CharField(
        "wire item", max_length=255, unique=True, null=True, blank=True, editable=False,
        help_text="The agency's identifier of the item this story came from.",
    )
    wire_version = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text="The version of the agency's item the story holds.",
    )
    taken_over = models.BooleanField(
        default=False,
        help_text="Set when an editor changes a wire story's headline or body: later "
        "versions from the agency wait on the desk as proposed updates instead of "
        "replacing the text.",
    )
    search_vector = SearchVectorField(null=True, editable=False)

    countries = TaggableManager(
        "countries", through=TaggedCountry, blank=True, related_name="articles",
        help_text="Countries the story is about.",
    )
    ministers = TaggableManager(
        "ministers", through=TaggedMinister, blank=True, related_name="articles",
        help_text="Ministers the story is about.",
    )
    policies = TaggableManager(
        "policies", through=TaggedPolicy, blank=True, related_name="articles",
        help_text="Policies and programmes the story is about.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = list(NEWEST_FIRST)
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            # The admin's list in its own order (every status, newest first).
            models.Index(fields=list(NEWEST_FIRST), name="article_newest_idx"),
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
        ]
        constraints = [
            # The embargo rule lives in the publication time, so published() stays the
            # one visibility rule (and the tag rows' copied time follows it).
            models.CheckConstraint(
                condition=models.Q(embargo_until__isnull=True)
                | ~models.Q(status="published") | models.Q(published_at__isnull=True)
                | models.Q(published_at__gte=models.F("embargo_until")),
                name="article_published_after_embargo",
            ),
        ]
        permissions = [
            ("publish_article", "Can publish, schedule and withdraw articles"),
            ("edit_any_article", "Can edit articles written by others"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # Sanitise here so no path (admin, import, shell) can store unsafe markup.
        self.sanitise()
        self.hold_for_embargo()
        adding = self._state.adding
        left = None if adding else self._address_left(kwargs.get("update_fields"))
        super().save(*args, **kwargs)
        if left is not None:
            self._retire(*left)
        listed_at = self.listed_at
        if not adding and listed_at != getattr(self, "_listed_at_saved", None):
            self.carry_publication_time()
        self._listed_at_saved = listed_at

    def get_absolute_url(self):
        local = timezone.localtime(self.published_at or timezone.now())
        return reverse("articles:article-detail", kwargs={
            "year": f"{local.year:04d}", "month": f"{local.month:02d}",
            "day": f"{local.day:02d}", "slug": self.slug,
        })

    @property
    def address_seen(self):
        """Readers may have seen the article at its address (its publication time has
        come): from then on the slug no longer follows the headline, and a move keeps
        the old address leading here (``RetiredAddress``)."""
        return self.published_at is not None and self.published_at <= timezone.now()

    def follow_headline(self):
        """Take the address the headline makes, numbered if another article has it."""
        self.slug = free_slug(self.headline, fallback=self.slug or "article",
                              article_id=self.pk)

    def _address_left(self, update_fields):
        """The (slug, publication time) of the address readers may have seen and this
        save leaves, or None."""
        if update_fields is not None and not {"slug", "published_at"} & set(update_fields):
            return None
        saved = Article.objects.filter(pk=self.pk).values_list("slug", "published_at").first()
        if saved is None or saved[1] is None or saved[1] > timezone.now():
            return None
        if _address(*saved) == _address(self.slug, self.published_at):
            return None
        return saved

    def _retire(self, slug, published_at):
        """Keep the address left leading here, and free the one taken if it was retired."""
        RetiredAddress.objects.update_or_create(
            published_on=timezone.localdate(published_at), slug=slug,
            defaults={"article": self, "retired_at": timezone.now()},
        )
        if self.published_at is not None:
            self.retired_addresses.filter(
                published_on=timezone.localdate(self.published_at), slug=self.slug).delete()

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        article._listed_at_saved = article.listed_at if "status" in field_names \
            and "published_at" in field_names else None
        return article

    def carry_publication_time(self):
        """Give the article's tag and mention rows its ``listed_at`` (save() does it on a
        change)."""
        for through in (TaggedCountry, TaggedMinister, TaggedPolicy):
            through.objects.filter(content_object_id=self.pk).update(published_at=self.listed_at)
        for mentioned in MENTION_MODELS.values():
            mentioned.objects.filter(article_id=self.pk).update(published_at=self.listed_at)

    @property
    def listed_at(self):
        """The publication time the article's tag rows carry: set while it is published
        (``TagRow.published_at``; ``TagRowQuerySet.published()`` reads the rule there)."""
        return self.published_at if self.status == self.Status.PUBLISHED else None

    def hold_for_embargo(self):
        """A published story's publication time is never before its embargo: publishing
        an embargoed story schedules it for the embargo time. True if it moved."""
        if (self.embargo_until and self.status == self.Status.PUBLISHED
                and self.published_at is not None and self.published_at < self.embargo_until):
            self.published_at = self.embargo_until
            return True
        return False

    @property
    def under_embargo(self):
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    def sanitise(self):
        """Make the body safe markup; save() does it, and so must a bulk insert."""
        self.body = sanitise_html(self.body)

    def sanitised_body(self):
        return sanitise_html(self.body)

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def display_status(self):
        if self.is_scheduled:
            return "Scheduled"
        return self.get_status_display()

    def update_time(self, corrections=()):
        """When readers are told the article was updated: the latest note, else a later save.

        A save counts only if it came after publication and after the article was first
        written: importing an old wire story is not an update of it.
        """
        if corrections:
            return corrections[-1].created_at
        if (
            self.published_at
            and self.updated_at - self.published_at > UPDATE_GRACE
            and self.updated_at - self.created_at > UPDATE_GRACE
        ):
            return self.updated_at
        return None

    @property
    def summary(self):
        """The standfirst, or for wire copy without one the opening words of the body."""
        if self.standfirst:
            return self.standfirst
        # A space where paragraphs end, so "programme.</p><p>Mr" reads "programme. Mr".
        words = html_to_text(self.body, block_end=" ").split()
        return Truncator(" ".join(words)).words(SUMMARY_WORDS)

    def ordered_authors(self):
        """The article's authors in byline order (one query)."""
        return [row.author for row in self.article_authors.select_related("author")]

    def set_authors(self, authors):
        """Make ``authors`` the article's authors, in this order."""
        self.article_authors.all().delete()
        for position, author in enumerate(authors):  # saved one by one: signals tell caches
            ArticleAuthor.objects.create(article=self, author=author, position=position)


class Correction(models.Model):
    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    # Shown in a box above the body; updates follow the story, below it.
    ABOVE_BODY = (Kind.CORRECTION, Kind.CLARIFICATION)

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=16, choices=Kind.choices, default=Kind.CORRECTION, db_index=True,
        help_text="A correction fixes an error, a clarification makes something clearer "
        "(both shown above the story and on the corrections page); an update adds news "
        "(shown below the story).",
    )
    note = models.TextField(
        help_text="Shown to readers on the article, with its time.", validators=PLAIN_TEXT
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="correction_newest_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"


def _address(slug, published_at):
    return slug, published_at and timezone.localdate(published_at)


def _carry_publication_time(sender, instance, raw=False, **kwargs):
    """A new or restored tag row carries its article's publication time (``TagRow``)."""
    try:
        instance.published_at = instance.content_object.listed_at
    except Article.DoesNotExist:
        pass  # a recovery may write the rows before their article: it calls
        # carry_publication_time() once the article is back


for _through in (TaggedCountry, TaggedMinister, TaggedPolicy):
    models.signals.pre_save.connect(_carry_publication_time, sender=_through,
                                    dispatch_uid=f"publication-time-{_through.__name__}")
