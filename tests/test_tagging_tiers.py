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


SHARED = [
    (1, "Kim Min-seok", ["Mr Kim", "Kim"]),
    (2, "Kim Jung-ho", ["Mr Kim", "Kim"]),
    (3, "Rahul Verma", []),
    (4, "Arun Verma", []),
    (5, "Mohan Gandhi", ["Mr Gandhi"]),
]
SHARED_POLICIES = [
    (1, "Comprehensive Economic Partnership Agreement", ["CEPA"]),
    (2, "Comprehensive Energy Partnership Accord", ["CEPA"]),
]


@pytest.fixture(scope="module")
def shared():
    return CompiledVocabulary(countries=COUNTRIES, ministers=SHARED, policies=SHARED_POLICIES)


@pytest.mark.parametrize(
    ("body", "subjects", "ambiguous"),
    [
        ("Kim Min-seok arrived. Mr Kim said talks went well.", ["Kim Min-seok"], []),
        ("Kim Jung-ho arrived. Kim said talks went well.", ["Kim Jung-ho"], []),
        ("Mr Kim said talks went well.", [], [(1, 2)]),
        ("Kim Min-seok met Kim Jung-ho. Mr Kim said talks went well.",
         ["Kim Min-seok", "Kim Jung-ho"], [(1, 2)]),
        ("Arun Verma said so. Mr Verma left.", ["Arun Verma"], []),
        ("Mr Verma said so.", [], [(3, 4)]),
    ],
)
def test_a_shared_alias_goes_to_the_minister_named_in_full_else_to_neither(
    shared, body, subjects, ambiguous
):
    references = shared.references(body=f"<p>{body}</p>")
    assert names(references.subjects)["ministers"] == subjects
    assert references.mentions["ministers"] == []
    assert [a.candidates for a in references.ambiguous] == ambiguous
    assert {a.taxonomy for a in references.ambiguous} <= {"ministers"}


def test_a_surname_inside_another_persons_full_name_is_nobody(shared):
    references = shared.references(body="<p>Rahul Gandhi said Mr Gandhi was away.</p>")
    assert names(references.subjects)["ministers"] == []
    assert names(references.mentions)["ministers"] == []


def test_an_acronym_two_policies_share_follows_the_one_named_in_full(shared):
    named = shared.references(
        body="<p>The Comprehensive Economic Partnership Agreement cuts tariffs. CEPA helps.</p>"
    )
    assert [s.name for s in named.subjects["policies"]] == [
        "Comprehensive Economic Partnership Agreement"
    ]
    assert len(named.subjects["policies"][0].evidence) == 2
    alone = shared.references(body="<p>CEPA talks resumed.</p>")
    assert alone.subjects["policies"] == []
    assert [(a.taxonomy, a.text, a.candidates) for a in alone.ambiguous] == [
        ("policies", "CEPA", (1, 2))
    ]


@pytest.mark.django_db
def test_a_vocabulary_with_a_shared_alias_loads_and_the_story_decides():
    from articles.models import Minister
    from articles.tagging.vocabulary import load_vocabulary

    summary = load_vocabulary(data={"ministers": [
        {"name": "Kim Min-ho", "country": "KR", "aliases": ["Mr Kim"]},
        {"name": "Kim Tae-yun", "country": "KR", "aliases": ["Mr Kim"]},
    ]})
    assert len(summary.warnings) == 1
    named = find_references(make_article(
        body="<p>Kim Tae-yun arrived in Seoul.</p><p>Mr Kim said talks went well.</p>"))
    assert [(s.name, len(s.evidence)) for s in named.subjects["ministers"]] == [
        ("Kim Tae-yun", 2)]
    assert named.ambiguous == []

    neither = find_references(make_article(body="<p>Mr Kim said talks went well.</p>"))
    assert neither.subjects["ministers"] == neither.mentions["ministers"] == []
    (ambiguous,) = neither.ambiguous
    assert sorted(Minister.objects.get(pk=pk).name for pk in ambiguous.candidates) == [
        "Kim Min-ho", "Kim Tae-yun"]
    assert Minister.objects.count() == 2
