"""Public pages. Thin: each view picks a published queryset and the selectors' reads."""

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from articles.caching import dependencies
from articles.editorial import workflow
from articles.models import TAXONOMIES, Article, Correction
from articles.platform.dates import day_start, local_period
from articles.public import bylines, mentioned, selectors
from articles.public.country_facts import country_facts
from articles.public.coverage import (
    bilateral_coverage,
    coverage_chart,
    coverage_csv,
    tag_coverage,
)
from articles.public.front_page import front_page
from articles.public.highlight import result_cards_html
from articles.public.jsonld import article_json_ld, author_json_ld, share_url
from articles.public.pagination import ListingPaginator
from articles.public.search import (
    SearchParams,
    SearchResults,
    country_options,
    highlighter_for,
    ranked_search,
    search_dependencies,
    search_query_string,
    tags_named_in,
)


def local_day_range(year, month=None, day=None):
    """``platform.dates.local_period()`` of an address: Http404 for an impossible date
    (2023/02/30, month 13, year 0)."""
    try:
        return local_period(year, month, day)
    except ValueError as error:
        raise Http404("No such date.") from error


class ArticleListView(ListView):
    """A paginated listing of published articles shown as cards.

    Subclasses give ``articles()``; a bad or out-of-range ?page= is a 404 (ListView).
    """

    paginate_by = settings.NEWSROOM_PAGE_SIZE
    paginator_class = ListingPaginator
    empty_is_404 = False
    # Search results say how many there are; other listings need only their pages.
    count_exactly = False

    def articles(self):
        return selectors.listing()

    def get_queryset(self):
        return self.articles()

    def dependency_keys(self):
        """What the listing shows (``articles.caching.dependencies``): its cards add
        their articles."""
        return {dependencies.PUBLISHED}

    def get_feed_url(self):
        return None

    def page_cards(self, object_list, page):
        """The page's cards; its rows remembered as its count is (``listing_key``)."""
        return selectors.referenced_cards(
            object_list, key=(self.listing_key(), page.number, self.paginate_by),
            depends_on=self.dependency_keys())

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(
            queryset, per_page, count_key=self.listing_key(),
            depends_on=self.dependency_keys(), newest_first=self.lists_newest_first(queryset),
            count_exactly=self.count_exactly, anchor_rows=self.anchor_rows(),
            known_count=self.known_count(), **kwargs,
        )

    def known_count(self):
        """A callable giving the listing's size from a read the page makes anyway
        (ListingPaginator), or None."""
        return None

    def reach(self):
        return ListingPaginator.reach(self.paginate_by)

    def anchor_rows(self):
        """Where deep pages start can come from a cheaper source (ListingPaginator)."""
        return None

    def lists_newest_first(self, articles):
        """Listings come from ``selectors.listing()``, newest first."""
        return True

    def listing_key(self):
        """Names the listing for its remembered count and anchors: only what selects its
        articles, so made-up query parameters cannot multiply the entries."""
        return self.request.path

    def get_context_data(self, **kwargs):
        dependencies.record(*self.dependency_keys())
        context = super().get_context_data(**kwargs)
        context["cards"] = self.page_cards(context["object_list"], context["page_obj"])
        if self.empty_is_404 and not context["cards"]:
            # Checked on the page already fetched (ListView's allow_empty costs a query).
            raise Http404("Nothing has been published here.")
        context["feed_url"] = self.get_feed_url()
        return context


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stories = front_page()
        context.update(
            lead=stories.lead,
            lead_cards=[stories.lead] if stories.lead else [],
            top=stories.top,
            cards=stories.latest,
            most_covered=selectors.most_covered(),
            feed_url=reverse("articles:latest-feed"),
        )
        return context


def render_article(request, article, *, preview=False):
    dependencies.record(dependencies.article(article.pk))
    # A preview reads everything now: a draft's changes renew no remembered value.
    # Its tags, and what it mentions besides (for its JSON-LD), in one query.
    tags, mentions = mentioned.article_subjects_and_mentions(article, fresh=preview)
    corrections = selectors.article_corrections(article, fresh=preview)
    authors = bylines.article_authors(article, fresh=preview)
    updated_at = article.update_time(corrections)
    summary = article.summary
    context = {
        "article": article,
        "authors": authors,
        "tags": tags,
        **{tax.plural: [t for t in tags if t.kind == tax.key] for tax in TAXONOMIES.values()},
        "corrections": [c for c in corrections if c.kind in Correction.ABOVE_BODY],
        "updates": [c for c in corrections if c.kind not in Correction.ABOVE_BODY],
        "updated_at": updated_at,
        "summary": summary,
        "related": selectors.related_articles(article, tags, fresh=preview),
        "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
        "json_ld": article_json_ld(
            request, article, tags, authors=authors, corrections=corrections,
            mentions=mentions, summary=summary,
            modified=updated_at or article.published_at or article.updated_at,
        ),
        "image_url": share_url(request, article),
        "preview": preview,
        "fresh": preview,  # {% remember %} fragments rendered now too
    }
    return render(request, "articles/article_detail.html", context)


def article_detail(request, year, month, day, slug):
    start, end, first_day = local_day_range(year, month, day)
    at_address = Article.objects.filter(published_at__gte=start, published_at__lt=end,
                                        slug=slug)
    article = at_address.published().select_related("hero_image").first()
    if article is None:
        withdrawn = at_address.withdrawn().only("withdrawal_note").first()
        if withdrawn is None:
            moved = selectors.article_moved_from(first_day, slug)
            if moved is None:
                raise Http404("No article at this address.")
            # Permanent, and cached until the article changes (it may move again).
            dependencies.record(dependencies.article(moved.pk))
            return redirect(moved, permanent=True)
        return render(request, "articles/article_withdrawn.html",
                      {"note": withdrawn.withdrawal_note}, status=410)
    return render_article(request, article)


@never_cache
@staff_member_required
def article_preview(request, pk):
    """Staff see an article they may see, in any state, exactly as readers would; never
    cached."""
    article = get_object_or_404(
        workflow.visible_articles(request.user).select_related("hero_image"), pk=pk)
    response = render_article(request, article, preview=True)
    response["Cache-Control"] = "no-cache, no-store, private, max-age=0"
    response["X-Robots-Tag"] = "noindex"
    return response


class TagIndexView(TemplateView):
    """A–Z of one taxonomy with published-article counts."""

    template_name = "articles/tag_index.html"
    kind = None

    def get_context_data(self, **kwargs):
        dependencies.record(dependencies.PUBLISHED)  # the counts
        context = super().get_context_data(**kwargs)
        tags = list(selectors.tag_index(self.kind))
        letters = {}
        for tag in tags:
            letters.setdefault(tag.name[:1].upper(), []).append(tag)
        context.update(kind=self.kind, title=TAXONOMIES[self.kind].label,
                       letters=sorted(letters.items()))
        return context


def bilateral_links(country, related, limit=5):
    """(country TagLink, bilateral page URL) for the countries most covered with this one."""
    links = []
    for other in related:
        if len(links) == limit:
            break
        if other.kind == "country":
            first, second = sorted((country.slug, other.slug))
            url = reverse("articles:bilateral", kwargs={"slug": first, "other": second})
            links.append((other, url))
    return links


class TagDetailView(ArticleListView):
    """One country, minister or policy: its description and its articles, newest first."""

    template_name = "articles/tag_detail.html"
    kind = None
    empty_is_404 = True  # an entry nobody has written about is not a page for readers
    merged_suffix = ""  # where under a merged-away entry's new address this page lives

    def get(self, request, *args, **kwargs):
        self.tag, self.ministers = find_tag(self.kind, kwargs["slug"])
        if self.tag is None:
            return redirect_merged(self.kind, kwargs["slug"], suffix=self.merged_suffix)
        return super().get(request, *args, **kwargs)

    @cached_property
    def coverage(self):
        return tag_coverage(self.tag, reach=self.reach())

    def known_count(self):
        return lambda: self.coverage.counted

    def articles(self):
        return selectors.articles_tagged(self.tag)

    def anchor_rows(self):
        return selectors.tag_listing_rows(self.tag)

    def dependency_keys(self):
        return {dependencies.tag(self.kind, self.tag.pk)}

    def get_feed_url(self):
        return reverse(f"articles:{self.kind}-feed", kwargs={"slug": self.tag.slug})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.kind == "minister" and self.tag.in_office_from and not self.tag.in_office_to:
            # "In office since … (3 years, 2 months)": rendered afresh each day.
            dependencies.record_until(
                day_start(timezone.localdate() + timedelta(days=1)).timestamp())
        related = selectors.co_occurring_tags(self.tag)
        context.update(
            kind=self.kind,
            tag=self.tag,
            often_with=related[:8],
            bilateral=bilateral_links(self.tag, related) if self.kind == "country" else [],
            facts=country_facts(self.tag.code) if self.kind == "country" else None,
            ministers=self.ministers,
            top_countries=[t for t in related if t.kind == "country"][:6]
            if self.kind == "policy" else [],
            chart=first_page_chart(context["page_obj"], lambda: self.coverage),
            coverage_url=reverse(f"articles:{self.kind}-coverage",
                                 kwargs={"slug": self.tag.slug}),
            mentions_url=mentions_address(self.kind, self.tag),
        )
        return context


def first_page_chart(page, coverage):
    """The coverage chart, on a listing's first page only: its deep pages start from
    anchors and need not read the coverage at all."""
    return coverage_chart(coverage()) if page.number == 1 else None


def find_tag(kind, slug):
    """(the entry with this slug or None, its country's ministers for a country)."""
    if kind == "country":
        return selectors.country_with_ministers(slug)
    return selectors.tag_by_slug(kind, slug), []


def redirect_merged(kind, slug, suffix=""):
    """A merged-away entry lives on as an alias of the one it was merged into: 301 there
    (to ``suffix`` under its address), else Http404."""
    merged_into = selectors.tag_with_alias_slug(TAXONOMIES[kind].model, slug)
    if merged_into is None:
        raise Http404("No such entry.")
    return redirect(merged_into.get_absolute_url() + suffix, permanent=True)


def csv_response(coverage, filename):
    response = HttpResponse(coverage_csv(coverage), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def tag_coverage_csv(request, kind, slug):
    """A tag's stories per month, as its page's chart shows them."""
    tag, _ = find_tag(kind, slug)
    if tag is None:
        return redirect_merged(kind, slug, suffix="coverage.csv")
    dependencies.record(dependencies.tag(kind, tag.pk))
    coverage = tag_coverage(tag, reach=ListingPaginator.reach(settings.NEWSROOM_PAGE_SIZE))
    return csv_response(coverage, f"{tag.slug}-coverage.csv")


def mentions_address(kind, tag):
    return reverse(f"articles:{kind}-mentions", kwargs={"slug": tag.slug})


class TagMentionsView(TagDetailView):
    """The stories that mention a country, minister or policy without being about it,
    newest first (``<tag URL>mentions/``)."""

    template_name = "articles/tag_mentions.html"

    merged_suffix = "mentions/"

    def known_count(self):
        # Not the tag page's coverage (the stories about it): its lookup counted the
        # stories that mention it.
        return lambda: self.tag.mention_count

    def articles(self):
        return mentioned.articles_mentioning(self.tag)

    def anchor_rows(self):
        return mentioned.mention_listing_rows(self.tag)

    def dependency_keys(self):
        return {dependencies.mentions(self.kind, self.tag.pk)}

    def get_feed_url(self):
        return reverse(f"articles:{self.kind}-mentions-feed", kwargs={"slug": self.tag.slug})

    def get_context_data(self, **kwargs):
        context = ArticleListView.get_context_data(self, **kwargs)
        context.update(kind=self.kind, tag=self.tag)
        return context


def bilateral_pair(slug, other):
    """The two countries of a bilateral page, or Http404; tells if the order is canonical."""
    if slug == other:
        raise Http404("A country has no bilateral page with itself.")
    first, second = (selectors.tag_by_slug("country", s) for s in (slug, other))
    if first is None or second is None:
        raise Http404("No such country.")
    return first, second, slug < other


class BilateralView(ArticleListView):
    """Articles tagged with both countries; the pair's canonical order is A–Z by slug."""

    template_name = "articles/bilateral.html"
    empty_is_404 = True  # two countries never covered together have no page

    def get(self, request, *args, **kwargs):
        self.first, self.second, canonical = bilateral_pair(kwargs["slug"], kwargs["other"])
        if not canonical:
            url = reverse("articles:bilateral",
                          kwargs={"slug": self.second.slug, "other": self.first.slug})
            query = request.META.get("QUERY_STRING")
            return redirect(f"{url}?{query}" if query else url, permanent=True)
        return super().get(request, *args, **kwargs)

    @cached_property
    def coverage(self):
        return bilateral_coverage(self.first, self.second, reach=self.reach())

    def known_count(self):
        return lambda: self.coverage.counted

    def articles(self):
        return selectors.articles_tagged_both(self.first, self.second)

    def dependency_keys(self):
        return {dependencies.tag("country", self.first.pk),
                dependencies.tag("country", self.second.pk)}

    def get_feed_url(self):
        return reverse("articles:bilateral-feed",
                       kwargs={"slug": self.first.slug, "other": self.second.slug})

    def get_context_data(self, **kwargs):
        coverage_url = reverse("articles:bilateral-coverage",
                               kwargs={"slug": self.first.slug, "other": self.second.slug})
        context = super().get_context_data(**kwargs)
        context.update(
            first=self.first, second=self.second,
            pair_name=f"{self.first.name} and {self.second.name}",
            chart=first_page_chart(context["page_obj"], lambda: self.coverage),
            coverage_url=coverage_url,
        )
        return context


def bilateral_coverage_csv(request, slug, other):
    """Two countries' stories together per month, as their page's chart shows them."""
    first, second, canonical = bilateral_pair(slug, other)
    if not canonical:
        return redirect("articles:bilateral-coverage", slug=second.slug, other=first.slug,
                        permanent=True)
    dependencies.record(dependencies.tag("country", first.pk),
                        dependencies.tag("country", second.pk))
    coverage = bilateral_coverage(first, second,
                                  reach=ListingPaginator.reach(settings.NEWSROOM_PAGE_SIZE))
    return csv_response(coverage, f"{first.slug}-{second.slug}-coverage.csv")


class ArchiveView(ArticleListView):
    """Articles published in one year or one month, newest first."""

    template_name = "articles/archive.html"

    def get(self, request, *args, **kwargs):
        self.start, self.end, self.first_day = local_day_range(
            kwargs["year"], kwargs.get("month")
        )
        self.month = kwargs.get("month")
        return super().get(request, *args, **kwargs)

    def articles(self):
        return selectors.listing(
            Article.objects.published().filter(
                published_at__gte=self.start, published_at__lt=self.end
            )
        )

    def dependency_keys(self):
        month = int(self.month) if self.month else None
        return {dependencies.archive(int(self.kwargs["year"]), month)}

    def get_feed_url(self):
        if self.month:
            return reverse("articles:archive-month-feed",
                           kwargs={"year": self.kwargs["year"], "month": self.month})
        return reverse("articles:archive-year-feed", kwargs={"year": self.kwargs["year"]})

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context["paginator"].count:
            # An empty period is no page: crawlers must not find endless empty years.
            raise Http404("Nothing was published in this period.")
        months = []
        if not self.month:
            months = Article.objects.published().filter(
                published_at__gte=self.start, published_at__lt=self.end
            ).datetimes("published_at", "month", order="DESC")
        context.update(first_day=self.first_day, month=self.month, months=months,
                       year=self.kwargs["year"])
        return context


class ArchiveIndexView(TemplateView):
    """The years that have published articles, newest first."""

    template_name = "articles/archive_index.html"

    def get_context_data(self, **kwargs):
        dependencies.record(dependencies.PUBLISHED)
        context = super().get_context_data(**kwargs)
        context["years"] = Article.objects.published().datetimes(
            "published_at", "year", order="DESC"
        )
        return context


class SearchView(ArticleListView):
    """Search results with highlighted snippets and filters by tag and date."""

    template_name = "articles/search.html"
    count_exactly = True

    def get(self, request, *args, **kwargs):
        self.params = SearchParams.from_query_dict(request.GET)
        self.matching_tags = tags_named_in(self.params.q)
        return super().get(request, *args, **kwargs)

    def listing_key(self):
        return f"{self.request.path}?{self.params!r}"

    def dependency_keys(self):
        """search_dependencies(), and the searches for its words (PostgreSQL)."""
        words = getattr(getattr(self, "object_list", None), "word_keys", frozenset())
        return search_dependencies(self.params, self.matching_tags) | words

    def articles(self):
        if self.params.is_empty:
            return Article.objects.none()
        return ranked_search(self.params, self.matching_tags)

    def lists_newest_first(self, articles):
        """Ranked results (PostgreSQL) come best first; the others newest first."""
        return not isinstance(articles, SearchResults)

    def page_cards(self, object_list, page):
        return selectors.cards(object_list)

    def get_feed_url(self):
        if self.params.is_empty:
            return None
        return f"{reverse('articles:search-feed')}?{search_query_string(self.request.GET)}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.params.q and context["cards"]:
            highlighter = highlighter_for(self.object_list, self.params.q)
            context["results_html"] = result_cards_html(context["cards"], highlighter)
        ranked = self.object_list if isinstance(self.object_list, SearchResults) else None
        context.update(
            params=self.params,
            matching_tags=self.matching_tags,
            search_window=None if ranked is None else ranked.window,
            search_reach=None if ranked is None else ranked.reach,
            country_options=country_options(self.params.country),
            page_query=search_query_string(self.request.GET),
        )
        return context


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


class AuthorIndexView(TemplateView):
    """Every author with published articles, A-Z."""

    template_name = "articles/author_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(authors=bylines.author_index(), **kwargs)


class AuthorDetailView(ArticleListView):
    """One author: their role and bio, and their articles, newest first."""

    template_name = "articles/author_detail.html"
    empty_is_404 = True  # an author with nothing published has no page for readers

    def get(self, request, *args, **kwargs):
        self.author = bylines.author_by_slug(kwargs["slug"])
        if self.author is None:
            raise Http404("No such author.")
        return super().get(request, *args, **kwargs)

    def articles(self):
        return bylines.articles_by(self.author)

    def dependency_keys(self):
        return {dependencies.author(self.author.pk), dependencies.author_articles(self.author.pk)}

    def get_feed_url(self):
        return reverse("articles:author-feed", kwargs={"slug": self.author.slug})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author, json_ld=author_json_ld(self.request, self.author), **kwargs)


class CorrectionsView(ListView):
    """Every correction and clarification of a public article, newest first."""

    template_name = "articles/corrections.html"
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    paginator_class = ListingPaginator
    context_object_name = "corrections"

    def get_queryset(self):
        return bylines.public_corrections()

    def get_paginator(self, queryset, per_page, **kwargs):
        return super().get_paginator(queryset, per_page, count_key=self.request.path,
                                     depends_on=self.dependency_keys(), **kwargs)

    def dependency_keys(self):
        """The page's notes, and which articles are public (a withdrawal removes theirs)."""
        return {dependencies.CORRECTIONS, dependencies.PUBLISHED}

    def get_context_data(self, **kwargs):
        dependencies.record(*self.dependency_keys())
        return super().get_context_data(**kwargs)
