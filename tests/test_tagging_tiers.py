"""Both tiers of the auto-tagger: subjects (what a story is about), mentions (every other
reference, with evidence) and ambiguous names (several candidates, neither tagged)."""

import pytest

from articles.tagging import Ambiguous, CompiledVocabulary, Evidence, find_references, suggest_tags
from tests.factories import make_article, make_minister
from tests.test_tagging import COUNTRIES, MINISTERS, POLICIES


@pytest.fixture(scope="module")
def vocabulary():
    return CompiledVocabulary(countries=COUNTRIES, ministers=MINISTERS, policies=POLICIES)


def names(tier):
    return {taxonomy: [s.name for s in items] for taxonomy, items in tier.items()}


def test_a_minister_named_once_in_passing_is_a_mention_with_its_evidence(vocabulary):
    body = (
        "<p>Trade talks resumed in Moscow on Monday.</p>"
        "<p>Officials praised the rapport built by Wang Yi over the years.</p>"
    )
    references = vocabulary.references(body=body)

    assert names(references.subjects)["ministers"] == []
    (wang,) = references.mentions["ministers"]
    text = "Trade talks resumed in Moscow on Monday.\nOfficials praised the rapport built by"
    assert wang.name == "Wang Yi"
    assert wang.evidence == [Evidence("Wang Yi", "body", len(text) + 1, 1)]
    assert references.ambiguous == []


def test_subjects_are_exactly_what_suggest_tags_returns(vocabulary):
    body = "<p>Sergey Lavrov met S. Jaishankar. Moscow said Made in India was discussed.</p>"
    references = vocabulary.references(headline="Lavrov in talks", body=body)
    assert names(references.subjects) == names(vocabulary.tag(headline="Lavrov in talks",
                                                              body=body))
    assert names(references.subjects) == {
        "countries": ["Russia"], "ministers": ["Sergey Lavrov", "S. Jaishankar"],
        "policies": ["Make in India"],
    }
    assert names(references.mentions) == {"countries": [], "ministers": [], "policies": []}


def test_a_surname_two_ministers_share_is_ambiguous_when_neither_is_named(vocabulary):
    body = "<p>India will spend more.</p><p>Mr Singh told parliament on Monday.</p>"
    references = vocabulary.references(body=body)

    assert references.subjects["ministers"] == references.mentions["ministers"] == []
    offset = "India will spend more.\nMr Singh".index("Singh")
    assert references.ambiguous == [Ambiguous("ministers", "Singh", 1, offset, (3, 4))]


def test_a_shared_surname_goes_to_the_one_named_in_full_and_is_ambiguous_with_both(
    vocabulary,
):
    one = vocabulary.references(body="<p>Rajnath Singh spoke. Later Mr Singh left.</p>")
    assert names(one.subjects)["ministers"] == ["Rajnath Singh"]
    assert one.ambiguous == []

    both = vocabulary.references(
        body="<p>Rajnath Singh and Jitendra Singh spoke. Later Mr Singh left.</p>"
    )
    assert [a.candidates for a in both.ambiguous] == [(3, 4)]
    assert [a.text for a in both.ambiguous] == ["Singh"]


def test_a_story_with_no_references_has_empty_tiers(vocabulary):
    references = vocabulary.references(headline="Rain", body="<p>It rained all day.</p>")
    assert references.subjects == references.mentions == {
        "countries": [], "ministers": [], "policies": []
    }
    assert references.ambiguous == []
    assert vocabulary.references().ambiguous == []


@pytest.mark.django_db
def test_find_references_reads_the_article_and_creates_no_tag():
    make_minister("Narendra Modi")
    make_minister("Piyush Goyal")
    article = make_article(body=(
        "<p>Trade talks resumed on Monday.</p>"
        "<p>Commerce Minister Piyush Goyal said a deal could close within a year.</p>"
        "<p>He also praised the rapport between Prime Minister Narendra Modi and his hosts.</p>"
    ))
    from articles.models import Minister

    before = Minister.objects.count()
    references = find_references(article)

    assert names(references.subjects) == names(suggest_tags(article))
    assert names(references.mentions)["ministers"] == ["Narendra Modi"]
    assert references.mentions["ministers"][0].evidence[0].paragraph == 2
    assert Minister.objects.count() == before
    assert not article.ministers.exists()
