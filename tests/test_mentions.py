"""Mentions: every reference a story makes beyond its subjects is kept, with its
evidence; an editor's removal sticks; imports find them, exports carry them and restore
them as they were."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from articles.editorial import mentions
from articles.models import AmbiguousMention, Article, MentionedCountry, MentionedMinister
from articles.public.mentioned import mention_listing_rows
from articles.wire.exporting import export_lines
from articles.wire.jsonl import import_export_lines
from articles.wire.plaintext import ImportFailed, import_wire_text
from tests.factories import country, make_article, make_minister

pytestmark = pytest.mark.django_db

BODY = ("<p>India and Russia signed a grain deal in New Delhi on Monday.</p>"
        "<p>The talks followed a visit to Brazil by Sergey Lavrov.</p>")


def mentioned(article, model=MentionedCountry):
    rows = model.objects.filter(article=article, dismissed=False).select_related("tag")
    return {getattr(row.tag, "code", None) or row.tag.name for row in rows}


@pytest.fixture
def lavrov():
    return make_minister("Sergey Lavrov", aliases=["Lavrov"])


def test_a_reference_that_is_not_a_subject_is_a_mention_with_its_evidence(lavrov):
    article = make_article(body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(article)
    assert "IN" not in mentioned(article)
    assert {"RU", "BR"} <= mentioned(article)
    assert mentioned(article, MentionedMinister) == {"Sergey Lavrov"}
    row = MentionedCountry.objects.get(article=article, tag=country("BR"))
    [evidence] = row.evidence
    assert evidence["text"] == "Brazil"
    assert evidence["field"] == "body"
    assert evidence["paragraph"] == 1
    assert row.published_at == article.published_at


def test_a_story_with_no_references_has_no_mentions():
    article = make_article(headline="Rain", standfirst="", body="<p>It rained.</p>")
    mentions.refresh_article_mentions(article)
    assert mentioned(article) == set()


def test_a_subject_is_never_also_a_mention(lavrov):
    article = make_article(body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(article)
    assert "RU" in mentioned(article)
    article.countries.add(country("RU"))
    assert "RU" not in mentioned(article)
    mentions.refresh_article_mentions(article)
    assert "RU" not in mentioned(article)


def test_an_editors_removal_sticks_when_mentions_are_found_again(lavrov):
    from tests.factories import make_editor

    article = make_article(body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(article)
    row = MentionedCountry.objects.get(article=article, tag=country("BR"))
    mentions.mention_dismiss(article=article, plural="countries", row_id=row.pk,
                             by=make_editor())
    mentions.refresh_article_mentions(article)
    mentions.refresh_all_mentions()
    assert "BR" not in mentioned(article)
    assert MentionedCountry.objects.get(pk=row.pk).dismissed


def test_mentions_follow_the_articles_publication_time(lavrov):
    article = make_article(body=BODY, countries=["IN"], status=Article.Status.REVIEW)
    mentions.refresh_article_mentions(article)
    assert MentionedCountry.objects.filter(article=article).published().count() == 0
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now()
    article.save()
    assert MentionedCountry.objects.filter(article=article).published().count() >= 2


WIRE = ("date 2024-03-04 India and Russia signed a grain deal on Monday, officials "
        "said.\n\nThe talks followed a visit to Brazil by Sergey Lavrov.\n")


def test_a_wire_import_stores_the_mentions_it_finds(lavrov):
    result = import_wire_text(raw=WIRE.encode(), name="grain.txt", publish=True)
    article = result.article
    assert {"IN", "RU", "BR"} <= set(article.countries.values_list("code", flat=True))
    assert mentioned(article) == set()
    assert not article.ministers.exists()
    assert mentioned(article, MentionedMinister) == {"Sergey Lavrov"}
    [evidence] = MentionedMinister.objects.get(article=article).evidence
    assert evidence == {"text": "Sergey Lavrov", "field": "body", "paragraph": 1,
                        "offset": evidence["offset"]}


def test_an_export_carries_mentions_and_its_import_restores_them_as_they_were(lavrov):
    article = make_article(body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(article)
    exported = json.loads("".join(export_lines()))
    assert exported["mentions"]["countries"] == sorted(mentioned(article))
    assert exported["mentions"]["ministers"] == ["Sergey Lavrov"]
    # The text no longer names Brazil: the restore keeps what was exported anyway.
    exported["body"] = "<p>Nothing here.</p>"
    Article.objects.all().delete()
    import_export_lines(lines=[json.dumps(exported)], name="export.jsonl")
    restored = Article.objects.get()
    assert mentioned(restored) == set(exported["mentions"]["countries"])
    assert mentioned(restored, MentionedMinister) == {"Sergey Lavrov"}


def test_a_removed_mention_is_exported_and_stays_removed_after_the_import(lavrov):
    from tests.factories import make_editor

    article = make_article(body=BODY, countries=["IN"])
    mentions.refresh_article_mentions(article)
    row = MentionedMinister.objects.get(article=article)
    mentions.mention_dismiss(article=article, plural="ministers", row_id=row.pk,
                             by=make_editor())
    exported = json.loads("".join(export_lines()))
    assert exported["mentions"]["ministers"] == []
    assert exported["mentions_removed"]["ministers"] == ["Sergey Lavrov"]
    Article.objects.all().delete()
    # Listed as both: a mention, not an error.
    exported["mentions_removed"]["countries"] = exported["mentions"]["countries"][:1]
    import_export_lines(lines=[json.dumps(exported)], name="export.jsonl")
    restored = Article.objects.get()
    mentions.refresh_article_mentions(restored)
    assert mentioned(restored, MentionedMinister) == set()
    assert MentionedMinister.objects.get(article=restored).dismissed
    assert mentioned(restored) == set(exported["mentions"]["countries"])


@pytest.mark.parametrize("mentions_value, message", [
    ({"ministers": ["Nobody Known"]}, "unknown minister 'Nobody Known' in mentions"),
    ({"countries": ["XX"]}, "unknown country codes in mentions ['XX']"),
    ({"people": []}, "mentions must be an object"),
    ({"countries": "IN"}, "mentions countries must be a list"),
    (["IN"], "mentions must be an object"),
])
def test_an_export_line_naming_an_unknown_mention_is_refused_by_name(mentions_value, message):
    line = json.dumps({"headline": "Talks", "slug": "talks", "status": "draft",
                       "mentions": mentions_value})
    with pytest.raises(ImportFailed) as failure:
        import_export_lines(lines=[line], name="export.jsonl")
    assert message in str(failure.value)
    assert not Article.objects.exists()
    assert not MentionedCountry.objects.exists()


def test_recompute_mentions_command_finds_every_articles_mentions(lavrov):
    articles = [make_article(body=BODY, countries=["IN"]) for _ in range(3)]
    out, err = StringIO(), StringIO()
    call_command("recompute_mentions", stdout=out, stderr=err)
    for article in articles:
        assert "BR" in mentioned(article)
    assert "3 articles" in out.getvalue()


def test_a_vocabulary_change_recomputes_mentions_in_the_background(
        django_capture_on_commit_callbacks):
    article = make_article(body="<p>India signed.</p><p>Officials briefed Sergey Lavrov.</p>",
                           countries=["IN"])
    mentions.refresh_article_mentions(article)
    assert not MentionedMinister.objects.exists()
    # A new minister: the worker (inline under NEWSROOM_TASKS_SYNC) finds him once the
    # write is committed; however many entries one transaction writes, one task.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            make_minister("Sergey Lavrov")
            make_minister("Wang Yi")
    assert len(callbacks) == 1
    assert mentioned(article, MentionedMinister) == {"Sergey Lavrov"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_tags_mention_listing_reads_its_own_index(lavrov):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            plan = mention_listing_rows(lavrov)[:20].explain()
        finally:
            cursor.execute("SET enable_seqscan = on")
    assert "mentionedminister_latest" in plan, plan
    assert "Sort" not in plan, plan


def test_a_shared_surname_the_story_does_not_settle_is_stored_with_its_candidates():
    rajnath = make_minister("Rajnath Singh", aliases=["Singh"])
    manmohan = make_minister("Manmohan Singh", aliases=["Singh"])
    article = make_article(body="<p>India will spend more.</p><p>Mr Singh told parliament.</p>",
                           countries=["IN"])
    mentions.refresh_article_mentions(article)
    [name] = AmbiguousMention.objects.filter(article=article)
    assert (name.taxonomy, name.text, name.paragraph) == ("ministers", "Singh", 1)
    assert sorted(name.candidates) == sorted([rajnath.pk, manmohan.pk])
    assert not MentionedMinister.objects.filter(article=article).exists()
    # Once an editor tags one of them, the name is settled.
    article.ministers.add(rajnath)
    mentions.refresh_article_mentions(article)
    assert not AmbiguousMention.objects.filter(article=article).exists()
