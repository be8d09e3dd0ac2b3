"""Finding an entry from typed text is one verb, taggit-style: ``Minister.objects.named()``
(and on Country and Policy), aliases included. The search filters, the vocabulary loader
and the export importer all use it, so none of them can drift from the others."""

import io
import json

import pytest
from django.core.management import call_command

from articles.editorial import services
from articles.models import Article, Country, Minister, Policy
from tests.factories import country, make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def lavrov():
    return make_minister("Sergey Lavrov", aliases=["Lavrov", "Сергей Лавров"])


def test_an_entry_is_named_by_its_name_whatever_the_case_and_spacing(lavrov):
    assert list(Minister.objects.named("  sergey \t LAVROV ")) == [lavrov]


def test_an_entry_is_named_by_a_whole_alias_in_any_script(lavrov):
    assert list(Minister.objects.named("lavrov")) == [lavrov]
    assert list(Minister.objects.named("Сергей  Лавров")) == [lavrov]
    assert not Minister.objects.named("Lavro").exists()
    assert not Minister.objects.named("Sergey").exists()


def test_a_fragment_names_nothing_else():
    assert list(Country.objects.named("oman")) == [country("OM")]


def test_a_slug_names_an_entry_only_when_the_caller_asks(lavrov):
    assert not Minister.objects.named("sergey-lavrov").exists()
    assert list(Minister.objects.named("sergey-lavrov", slug=True)) == [lavrov]
    assert not Minister.objects.named("!!!", slug=True).exists()
    assert not Minister.objects.named("   ").exists()


def test_the_entry_called_so_comes_before_one_with_the_alias():
    alias_holder = make_policy("Act East", aliases=["Look East"])
    called = make_policy("Look East")
    assert list(Policy.objects.named("look east")) == [called, alias_holder]


def test_named_is_lazy_and_filters_as_a_subquery(lavrov):
    article = make_article(ministers=[lavrov])
    assert list(Article.objects.filter(ministers__in=Minister.objects.named("Lavrov"))) == [
        article
    ]


def test_taggit_still_finds_and_creates_tags_through_the_manager(lavrov):
    article = make_article()
    article.ministers.add("Sergey Lavrov", "Wang Yi")
    assert sorted(article.ministers.names()) == ["Sergey Lavrov", "Wang Yi"]
    assert Minister.objects.get_by_natural_key("Wang Yi").slug == "wang-yi"


def test_an_export_made_before_a_merge_restores_onto_the_kept_entry(tmp_path):
    """Restoring an old export into a database with today's vocabulary does not bring
    back the merged-away minister: the importer finds it as the kept one's alias."""
    kept = make_minister("Subrahmanyam Jaishankar")
    merged = make_minister("S. Jaishankar")
    make_article("Talks in Delhi", slug="talks-in-delhi", ministers=[merged])
    export = tmp_path / "before-merge.jsonl"
    call_command("export_articles", "--output", str(export), stdout=io.StringIO())
    assert json.loads(export.read_text(encoding="utf-8"))["ministers"] == ["S. Jaishankar"]

    services.tag_merge(keep=kept, merged=[merged])
    Article.objects.all().delete()
    call_command("import_articles", str(export), stdout=io.StringIO())

    restored = Article.objects.get(slug="talks-in-delhi")
    assert list(restored.ministers.all()) == [kept]
    assert list(Minister.objects.values_list("name", flat=True)) == ["Subrahmanyam Jaishankar"]


def test_the_search_filter_takes_a_typed_alias(client, lavrov):
    make_article("Lavrov in Delhi", ministers=[lavrov])
    make_article("Someone else in Delhi")
    page = client.get("/search/", {"minister": "LAVROV"}).content.decode()
    assert "Lavrov in Delhi" in page and "Someone else in Delhi" not in page
