"""Readers and mentions: a tag's page says how many stories also mention it and links to
them (a paginated list and its feed); an article's JSON-LD names its subjects in
``about`` and its mentions in ``mentions``; pages change when mentions do."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.editorial import mentions, services
from articles.models import Article, MentionedCountry, MentionedMinister
from articles.public.views import TagMentionsView
from tests.factories import country, make_article, make_editor, make_minister

pytestmark = pytest.mark.django_db

PASSING = "<p>India and Russia signed a grain deal.</p><p>Officials briefed Sergey Lavrov.</p>"


@pytest.fixture
def lavrov():
    return make_minister("Sergey Lavrov", aliases=["Lavrov"], country=country("RU"))


def story(n, **kwargs):
    kwargs.setdefault("published_at", timezone.now() - timedelta(hours=n))
    article = make_article(f"Grain deal, part {n}", slug=f"grain-{n}", body=PASSING,
                           countries=["IN", "RU"], **kwargs)
    mentions.refresh_article_mentions(article)
    return article


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_a_tag_page_says_how_many_stories_also_mention_it(client, lavrov):
    about = make_article("Lavrov visits Delhi", ministers=[lavrov])
    for n in range(3):
        story(n)
    story(9, status=Article.Status.REVIEW)  # not public: not counted
    story(10, published_at=timezone.now() + timedelta(days=1))  # scheduled: not yet
    html = client.get(lavrov.get_absolute_url()).content.decode()
    assert '<a href="/ministers/sergey-lavrov/mentions/">Also mentioned in 3 stories</a>' in html
    assert about.headline in html


def test_the_mentions_page_lists_the_stories_newest_first_with_a_feed(client, lavrov):
    stories = [story(n) for n in range(3)]
    html = client.get("/ministers/sergey-lavrov/mentions/").content.decode()
    assert "<h1 class=\"page-title\">Also mentioning Sergey Lavrov</h1>" in html
    positions = [html.index(s.headline) for s in stories]
    assert positions == sorted(positions)
    assert 'href="/ministers/sergey-lavrov/mentions/feed/"' in html
    feed = client.get("/ministers/sergey-lavrov/mentions/feed/")
    assert feed.status_code == 200
    body = feed.content.decode()
    assert all(s.headline in body for s in stories)
    assert "Also mentioning Sergey Lavrov" in body


def test_the_mentions_page_paginates_and_a_bad_page_is_a_404(client, lavrov, monkeypatch):
    for n in range(3):
        story(n)
    monkeypatch.setattr(TagMentionsView, "paginate_by", 2)
    first = client.get("/ministers/sergey-lavrov/mentions/").content.decode()
    second = client.get("/ministers/sergey-lavrov/mentions/?page=2").content.decode()
    assert "Grain deal, part 0" in first and "Grain deal, part 2" not in first
    assert "Grain deal, part 2" in second
    for bad in ("?page=99", "?page=abc", "?page=0", "?page=%00"):
        assert client.get(f"/ministers/sergey-lavrov/mentions/{bad}").status_code == 404


def test_a_tag_nobody_mentions_has_no_mentions_page(client, lavrov):
    assert client.get("/ministers/sergey-lavrov/mentions/").status_code == 404
    assert client.get("/ministers/nobody-at-all/mentions/").status_code == 404
    assert client.get("/ministers/nobody-at-all/mentions/feed/").status_code == 404


def test_a_removed_mention_leaves_the_list(client, lavrov):
    first, second = story(0), story(1)
    row = MentionedMinister.objects.get(article=first)
    mentions.mention_dismiss(article=first, plural="ministers", row_id=row.pk,
                             by=make_editor())
    html = client.get("/ministers/sergey-lavrov/mentions/").content.decode()
    assert first.headline not in html and second.headline in html


def test_json_ld_carries_subjects_in_about_and_mentions_in_mentions(client, lavrov):
    article = story(0)
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert {"@type": "Place", "name": "India",
            "url": "http://testserver/countries/india/"} in data["about"]
    assert data["mentions"] == [{"@type": "Person", "name": "Sergey Lavrov",
                                 "url": "http://testserver/ministers/sergey-lavrov/"}]
    assert all(item["name"] != "Sergey Lavrov" for item in data["about"])


def test_a_story_that_mentions_nothing_has_no_mentions_in_json_ld(client):
    article = make_article("Rain", body="<p>It rained.</p>", countries=["IN"])
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert "mentions" not in data


def test_pages_follow_mentions_as_they_change(client, lavrov):
    make_article("Lavrov visits Delhi", ministers=[lavrov])
    article = story(0)
    pages = [lavrov.get_absolute_url(), "/ministers/sergey-lavrov/mentions/",
             "/ministers/sergey-lavrov/mentions/feed/", article.get_absolute_url()]
    for url in pages:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
    # An editor makes Lavrov a subject: he is no longer only mentioned.
    row = MentionedMinister.objects.get(article=article)
    mentions.mention_promote(article=article, plural="ministers", row_id=row.pk,
                             by=make_editor())
    assert "Also mentioned in" not in client.get(pages[0]).content.decode()
    assert client.get(pages[1]).status_code == 404
    assert article.headline not in client.get(pages[2]).content.decode()
    data = json_ld(client.get(pages[3]).content.decode())
    assert "mentions" not in data
    assert "Sergey Lavrov" in {item["name"] for item in data["about"]}


def test_a_withdrawal_takes_the_story_off_the_mentions_page(client, lavrov):
    first, second = story(0), story(1)
    url = "/ministers/sergey-lavrov/mentions/"
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    services.article_withdraw(article=first, by=make_editor())
    html = client.get(url).content.decode()
    assert first.headline not in html and second.headline in html
    assert MentionedMinister.objects.get(article=first).published_at is None


def test_a_new_mention_changes_the_tag_page(client, lavrov):
    make_article("Lavrov visits Delhi", ministers=[lavrov])
    story(0)
    url = lavrov.get_absolute_url()
    assert "Also mentioned in 1 story<" in client.get(url).content.decode()
    story(1)
    assert "Also mentioned in 2 stories<" in client.get(url).content.decode()


def test_deleting_a_story_changes_the_count_of_what_it_mentioned(client, lavrov):
    make_article("Lavrov visits Delhi", ministers=[lavrov])
    first, _second = story(0), story(1)
    url = lavrov.get_absolute_url()
    assert "Also mentioned in 2 stories<" in client.get(url).content.decode()
    first.delete()
    assert "Also mentioned in 1 story<" in client.get(url).content.decode()


def test_a_mention_of_a_country_is_a_place(client, lavrov):
    article = make_article("Talks", body="<p>Talks in Moscow.</p><p>Brazil watched.</p>",
                           countries=["RU"])
    MentionedCountry.objects.create(article=article, tag=country("BR"),
                                    published_at=article.published_at)
    data = json_ld(client.get(article.get_absolute_url()).content.decode())
    assert {"@type": "Place", "name": "Brazil",
            "url": "http://testserver/countries/brazil/"} in data["mentions"]
