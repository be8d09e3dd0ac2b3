"""The Taxonomy registry: each vocabulary's key, plural, label and model in one place,
read by the pages, the admin, the tagger and the history instead of copies of them."""

from dataclasses import replace

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Value
from django.test.utils import CaptureQueriesContext

from articles.editorial.history import Snapshot, compare
from articles.models import TAXONOMIES, Article, Country, taxonomy_of, union_over_taxonomies
from articles.tagging import CompiledVocabulary
from tests.factories import make_article, make_minister, make_policy

pytestmark = pytest.mark.django_db


def test_each_taxonomy_names_the_manager_and_rows_the_models_have():
    assert [(t.key, t.plural, t.label) for t in TAXONOMIES.values()] == [
        ("country", "countries", "Countries"),
        ("minister", "ministers", "Ministers"),
        ("policy", "policies", "Policies"),
    ]
    for taxonomy in TAXONOMIES.values():
        manager = Article._meta.get_field(taxonomy.plural)
        assert manager.remote_field.through is taxonomy.through
        assert taxonomy.through._meta.get_field("tag").related_model is taxonomy.model
        relation = taxonomy.through._meta.get_field("content_object").remote_field
        assert relation.related_name == taxonomy.article_relation
        assert taxonomy_of(taxonomy.model) is taxonomy_of(taxonomy.through) is taxonomy


def test_one_query_reads_the_rows_of_all_three_taxonomies():
    article = make_article(countries=["IN", "RU"], ministers=[make_minister("Sergey Lavrov")],
                           policies=[make_policy("Make in India")])
    rows = union_over_taxonomies(lambda tax: (
        tax.through.objects.filter(content_object=article)
        .annotate(kind=Value(tax.key)).values_list("kind", "tag__name")
    ))
    with CaptureQueriesContext(connection) as queries:
        found = sorted(rows)
    assert len(queries) == 1
    assert found == [("country", "India"), ("country", "Russia"),
                     ("minister", "Sergey Lavrov"), ("policy", "Make in India")]


def test_the_tagger_names_its_suggestions_by_the_registrys_plurals():
    vocabulary = CompiledVocabulary(countries=[(1, "IN", "India", [])], ministers=[],
                                    policies=[])
    found = vocabulary.tag(headline="India signs")
    assert list(found) == [t.plural for t in TAXONOMIES.values()]
    assert [s.name for s in found[TAXONOMIES["country"].plural]] == ["India"]


@pytest.fixture
def renamed(monkeypatch):
    """The country taxonomy relabelled: whatever reads the registry shows the new label."""
    monkeypatch.setitem(TAXONOMIES, "country", replace(TAXONOMIES["country"], label="Nations"))
    cache.clear()


def test_the_tag_index_heading_is_the_registrys_label(client, renamed):
    make_article(countries=["IN"])
    page = client.get("/countries/").content.decode()
    assert '<h1 class="page-title">Nations</h1>' in page


def test_the_history_names_a_taxonomy_by_its_label(renamed):
    india = Country.objects.get(code="IN")
    empty = {t.plural: frozenset() for t in TAXONOMIES.values()}
    before = Snapshot({}, empty)
    after = Snapshot({}, {**empty, "countries": frozenset([india.pk])})
    names = {t.plural: {} for t in TAXONOMIES.values()}
    names["countries"] = {india.pk: "India"}
    assert compare(before, after, names) == [("Nations", "+ India")]
