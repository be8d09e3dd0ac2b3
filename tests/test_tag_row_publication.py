"""Tag rows carry their article's publication time while it is published, on every path
that writes them, so the pages that read a tag's rows in index order (its latest
articles, its last publication, this month's most covered) agree with the visibility
rule, Article.objects.published()."""

import random
from datetime import timedelta

import pytest
import reversion
from django.utils import timezone

from articles.editorial import services
from articles.models import TAXONOMIES, Article, TaggedCountry
from articles.public import selectors
from tests.factories import country, make_article, make_editor, make_minister, make_policy

pytestmark = pytest.mark.django_db


def carried(article):
    """The publication times the article's tag rows carry, one per row."""
    return {
        row.published_at
        for taxonomy in TAXONOMIES.values()
        for row in taxonomy.through.objects.filter(content_object_id=article.pk)
    }


def agrees_with_visibility_rule():
    """Every taxonomy's public tag rows are the rows of the public articles."""
    public = set(Article.objects.published().values_list("pk", flat=True))
    for taxonomy in TAXONOMIES.values():
        rows = taxonomy.through.objects.published().values_list("content_object_id", flat=True)
        every = taxonomy.through.objects.values_list("content_object_id", flat=True)
        assert set(rows) == {pk for pk in every if pk in public}, taxonomy.key


def test_rows_follow_the_article_through_its_life():
    editor = make_editor()
    article = make_article(status=Article.Status.DRAFT, countries=["IN", "RU"],
                           ministers=[make_minister()], policies=[make_policy()])
    assert carried(article) == {None}
    agrees_with_visibility_rule()

    services.article_publish(article=article, by=editor)
    article.refresh_from_db()
    assert carried(article) == {article.published_at}
    agrees_with_visibility_rule()

    article.refresh_from_db()
    later = timezone.now() + timedelta(days=2)
    article.published_at = later
    article.save()
    assert carried(article) == {later}  # scheduled: carried, but not yet public
    agrees_with_visibility_rule()

    services.article_withdraw(article=article, by=editor)
    assert carried(article) == {None}
    agrees_with_visibility_rule()


def test_a_tag_added_to_a_published_story_carries_its_time():
    article = make_article(countries=["IN"])
    article.countries.add(TaggedCountry.tag_model().objects.get(code="CN"))
    assert carried(article) == {article.published_at}


def test_a_revert_keeps_the_rows_public():
    editor = make_editor()
    with reversion.create_revision():
        article = make_article(countries=["IN"])
    first = reversion.models.Version.objects.get_for_object(article).first()
    with reversion.create_revision():
        article.countries.set([TaggedCountry.tag_model().objects.get(code="RU")])
        article.save()
    services.article_revert(article=article, version=first, by=editor)
    assert [c.code for c in article.countries.all()] == ["IN"]
    assert carried(article) == {article.published_at}
    agrees_with_visibility_rule()


def test_a_merge_keeps_the_times_and_the_pages_that_read_them():
    kept, merged = make_minister("Sergey Lavrov"), make_minister("S. Lavrov")
    old = make_article(ministers=[merged], published_at=timezone.now() - timedelta(days=3))
    services.tag_merge(keep=kept, merged=[merged])
    assert carried(old) == {old.published_at}
    assert [link.name for link in selectors.most_covered()["minister"]] == ["Sergey Lavrov"]


def test_most_covered_and_the_tag_sitemap_count_only_public_articles():
    india_policy = make_policy("Act East")
    make_article(policies=[india_policy], published_at=timezone.now() - timedelta(days=1))
    make_article(policies=[make_policy("Look West")], status=Article.Status.DRAFT)
    make_article(policies=[make_policy("Go North")],
                 published_at=timezone.now() + timedelta(days=1))  # scheduled
    make_article(policies=[make_policy("Old Deal")],
                 published_at=timezone.now() - timedelta(days=90))  # outside the window
    assert [link.name for link in selectors.most_covered()["policy"]] == ["Act East"]

    from articles.public.sitemaps import TagSitemap

    policies = [slug for kind, slug, _lastmod in TagSitemap().items() if kind == "policy"]
    assert policies == ["act-east", "old-deal"]


def test_related_articles_come_from_each_tags_latest_public_stories():
    shared = make_policy("Green Corridor")
    story = make_article(policies=[shared], countries=["IN"])
    near = make_article(policies=[shared], countries=["IN"],
                        published_at=timezone.now() - timedelta(days=2))
    also = make_article(countries=["IN"], published_at=timezone.now() - timedelta(days=1))
    make_article(policies=[shared], status=Article.Status.DRAFT)
    tags = selectors.article_tags(story, fresh=True)
    related = selectors.related_articles(story, tags, fresh=True)
    # The shared policy weighs three times a shared country.
    assert [a.pk for a in related] == [near.pk, also.pk]


def test_related_articles_score_every_tag_shared_by_the_newest_candidates(monkeypatch):
    """The ranking checked against a plain reading of its rule, on a mixed archive with
    a window of four: the candidates are the newest four of each of the story's tags'
    four latest public stories; each is scored by every tag it shares (a minister or a
    policy three, a country one), a tag whose own window it has left included."""
    monkeypatch.setattr(selectors, "RELATED_CANDIDATES", 4)
    rng = random.Random(7)
    ministers = [make_minister(f"Minister {i}") for i in range(3)]
    policies = [make_policy(f"Policy {i}") for i in range(2)]
    now = timezone.now()
    for i in range(30):
        state = {"status": Article.Status.DRAFT} if i % 9 == 4 else {
            "published_at": now + timedelta(days=1) if i % 11 == 5 else now - timedelta(hours=i)}
        make_article(countries=rng.sample(["IN", "RU", "FR", "CN"], rng.randint(0, 3)),
                     ministers=rng.sample(ministers, rng.randint(0, 2)),
                     policies=rng.sample(policies, rng.randint(0, 1)), **state)
    # The newest story and the oldest share a rare policy and India: India's window
    # (the story itself and India's three newest others) has left the oldest behind.
    rare = make_policy("Rare Deal")
    make_article(countries=["IN"], policies=[rare], published_at=now - timedelta(minutes=1))
    make_article(countries=["IN"], policies=[rare], published_at=now - timedelta(days=30))
    public = list(Article.objects.published().newest_first())
    tags_of = {a.pk: {(t.kind, t.pk) for t in selectors.article_tags(a, fresh=True)}
               for a in public}
    weight = {kind: taxonomy.weight for kind, taxonomy in TAXONOMIES.items()}
    scored_outside_a_window = 0
    for story in public:
        windows = {tag: [a.pk for a in public if tag in tags_of[a.pk]][:4]
                   for tag in tags_of[story.pk]}
        in_a_window = set().union(*windows.values())
        candidates = [a for a in public if a.pk in in_a_window and a.pk != story.pk][:4]
        scores = {a.pk: sum(weight[kind] for kind, _pk in tags_of[story.pk] & tags_of[a.pk])
                  for a in candidates}
        expected = sorted(candidates, key=lambda a: (-scores[a.pk], -a.published_at.timestamp(),
                                                     -a.pk))[:4]
        related = selectors.related_articles(
            story, selectors.article_tags(story, fresh=True), fresh=True)
        assert [(a.pk, a.score) for a in related] == [(a.pk, scores[a.pk]) for a in expected]
        scored_outside_a_window += sum(
            1 for a in expected for tag, pks in windows.items()
            if tag in tags_of[a.pk] and a.pk not in pks)
    assert scored_outside_a_window  # the archive holds the case the rule is about


def test_often_covered_with_counts_the_tags_latest_public_stories(monkeypatch):
    monkeypatch.setattr(selectors, "CO_OCCURRENCE_WINDOW", 2)
    lavrov = make_minister()
    now = timezone.now()
    make_article(countries=["RU", "IN"], ministers=[lavrov], published_at=now - timedelta(hours=1))
    make_article(countries=["RU", "FR"], published_at=now - timedelta(hours=2))
    make_article(countries=["RU", "CN"], policies=[make_policy("Grain Deal")],
                 published_at=now - timedelta(hours=3))  # beyond the window of two
    make_article(countries=["RU", "JP"], status=Article.Status.DRAFT)
    make_article(countries=["RU", "DE"], published_at=now + timedelta(days=1))  # scheduled
    links = selectors.co_occurring_tags(country("RU"))
    assert sorted(link.name for link in links) == ["France", "India", "Sergey Lavrov"]


def test_a_tags_deep_pages_start_where_its_own_rows_say(client, monkeypatch):
    """Deep pages of a tag read their starts from the tag's rows: the same pages as the
    listing itself gives, drafts and scheduled stories left out."""
    from django.core.cache import cache

    from articles.public import pagination, views

    monkeypatch.setattr(views.ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(pagination, "KEYSET_FROM_PAGE", 1)
    moment = timezone.now() - timedelta(days=1)
    for i in range(7):
        make_article(f"Nepal story {i}", countries=["NP"],
                     published_at=moment - timedelta(hours=i // 2))
    make_article("Nepal draft", countries=["NP"], status=Article.Status.DRAFT)
    make_article("Nepal later", countries=["NP"],
                 published_at=timezone.now() + timedelta(days=1))
    cache.clear()
    newest = Article.objects.published().newest_first()
    headlines = []
    for page in (1, 2, 3, 4):
        response = client.get("/countries/nepal/", {"page": page})
        assert response.status_code == 200
        headlines += [card.article.headline for card in response.context["cards"]]
    assert headlines == [a.headline for a in newest]
