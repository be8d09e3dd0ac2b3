"""The auto-tagger's rules, one behaviour per test, on a small in-memory vocabulary."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles import tagging
from articles.editorial.services import apply_suggestions
from articles.tagging import CompiledVocabulary, Evidence, suggest_tags
from tests.factories import country, make_article, make_minister, make_policy

COUNTRIES = [
    (1, "IN", "India", []),
    (2, "RU", "Russia", []),
    (3, "GE", "Georgia", []),
    (4, "JO", "Jordan", []),
    (5, "CN", "China", []),
    (6, "TR", "Türkiye", []),
    (7, "US", "United States", []),
    (8, "GN", "Guinea", []),
    (9, "PG", "Papua New Guinea", []),
    (10, "AT", "Austria", []),
    (11, "KZ", "Kazakhstan", []),
    (12, "IT", "Italy", []),
]
MINISTERS = [
    (1, "Sergey Lavrov", ["Sergei Lavrov"]),
    (2, "S. Jaishankar", ["Jaishankar"]),
    (3, "Rajnath Singh", []),
    (4, "Jitendra Singh", []),
    (5, "Mevlüt Çavuşoğlu", []),
    (6, "Wang Yi", []),
]
POLICIES = [
    (1, "Make in India", ["Made in India"]),
    (2, "International North–South Transport Corridor", []),
    (3, "Skill India programme", []),
    (4, "Quadrilateral Security Dialogue", ["Quad"]),
    (5, "India–EAEU free trade agreement", []),
]


@pytest.fixture(scope="module")
def vocabulary():
    return CompiledVocabulary(countries=COUNTRIES, ministers=MINISTERS, policies=POLICIES)


def tags(vocabulary, body, **fields):
    result = vocabulary.tag(body=f"<p>{body}</p>", **fields)
    return {taxonomy: [s.name for s in items] for taxonomy, items in result.items()}


def countries(vocabulary, body):
    return tags(vocabulary, body)["countries"]


def test_evidence_gives_phrase_field_and_offset(vocabulary):
    result = vocabulary.tag(
        headline="Lavrov in talks", standfirst="", body="<p>Sergey Lavrov's visit.</p>"
    )
    (lavrov,) = result["ministers"]
    assert lavrov.evidence == [
        Evidence("Lavrov", "headline", 0),
        Evidence("Sergey Lavrov", "body", 0),
    ]


def test_surname_and_mr_surname_after_the_full_name(vocabulary):
    text = "Sergei Lavrov spoke.\nMr Lavrov and Lavrov’s aide."
    result = vocabulary.tag(body=f"<p>{text}</p>")
    evidence = result["ministers"][0].evidence
    assert [(e.phrase, e.offset) for e in evidence] == [
        ("Sergei Lavrov", 0),
        ("Lavrov", text.index("Lavrov and")),
        ("Lavrov", text.index("Lavrov’s")),
    ]


def test_a_surname_alone_names_the_one_minister_who_has_it(vocabulary):
    assert tags(vocabulary, "Mr Lavrov said nothing.")["ministers"] == ["Sergey Lavrov"]
    assert tags(vocabulary, "Lavrov said nothing.")["ministers"] == ["Sergey Lavrov"]


def test_a_surname_someone_else_in_the_story_carries_is_not_the_minister(vocabulary):
    assert tags(vocabulary, "Ivan Lavrov, a banker, spoke. Mr Lavrov said no.")[
        "ministers"] == []
    assert tags(vocabulary, "Talks on Lavrov Street ended.")["ministers"] == []


def test_alias_listed_as_one_word_counts_alone(vocabulary):
    assert tags(vocabulary, "Jaishankar said so.")["ministers"] == ["S. Jaishankar"]


def test_initials_with_or_without_dots(vocabulary):
    assert tags(vocabulary, "S Jaishankar spoke.")["ministers"] == ["S. Jaishankar"]


def test_shared_surname_tags_neither_unless_one_is_named(vocabulary):
    assert tags(vocabulary, "Mr Singh said the budget would rise.")["ministers"] == []
    named = tags(vocabulary, "Rajnath Singh spoke. Later Mr Singh left.")["ministers"]
    assert named == ["Rajnath Singh"]


def test_a_surname_after_another_given_name_is_someone_else(vocabulary):
    result = tags(vocabulary, "Sergey Lavrov met Ivan Lavrov, no relation.")
    assert result["ministers"] == ["Sergey Lavrov"]
    lavrov = vocabulary.tag(body="<p>Sergey Lavrov met Ivan Lavrov.</p>")["ministers"][0]
    assert [e.phrase for e in lavrov.evidence] == ["Sergey Lavrov"]


def test_full_name_in_another_spelling_tags_the_minister(vocabulary):
    result = vocabulary.tag(body="<p>Sergej Lavrov arrived. Mr Lavrov spoke.</p>")
    (lavrov,) = result["ministers"]
    assert [e.phrase for e in lavrov.evidence] == ["Sergej Lavrov", "Lavrov"]
    assert tags(vocabulary, "Jitendar Singh spoke.")["ministers"] == ["Jitendra Singh"]
    assert tags(vocabulary, "Manmohan Singh spoke.")["ministers"] == []


def test_title_and_given_name_first_order(vocabulary):
    assert tags(vocabulary, "Wang Yi arrived. Mr Wang said.")["ministers"] == ["Wang Yi"]
    assert tags(vocabulary, "A spokesman, Mr Wang, said.")["ministers"] == []


def test_unicode_names_match_with_or_without_diacritics(vocabulary):
    assert tags(vocabulary, "Mevlut Cavusoglu spoke.")["ministers"] == ["Mevlüt Çavuşoğlu"]
    assert countries(vocabulary, "Turkey and Türkiye and Turkiye.") == ["Türkiye"]


def test_quotes_case_and_inflection_in_policy_names(vocabulary):
    assert tags(vocabulary, "the ‘Made In India’ drive")["policies"] == ["Make in India"]
    assert tags(vocabulary, "MAKE IN INDIA")["policies"] == ["Make in India"]
    assert tags(vocabulary, "the Skill India program")["policies"] == ["Skill India programme"]
    assert tags(vocabulary, "two Skill India programmes")["policies"] == ["Skill India programme"]


def test_dash_hyphen_and_word_order_variants_of_policy_names(vocabulary):
    for text in [
        "the International North-South Transport Corridor",
        "the international north south transport corridor",
        "the North–South International Transport Corridor",
        "the India-EAEU free trade agreement",
    ]:
        assert tags(vocabulary, text)["policies"], text


def test_longest_match_wins(vocabulary):
    assert countries(vocabulary, "Papua New Guinea voted.") == ["Papua New Guinea"]
    result = tags(vocabulary, "the Make in India push")
    assert result["policies"] == ["Make in India"]
    assert result["countries"] == []


def test_one_word_policy_alias_needs_a_capital(vocabulary):
    assert tags(vocabulary, "The Quad met.")["policies"] == ["Quadrilateral Security Dialogue"]
    assert tags(vocabulary, "riders on quad bikes")["policies"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Dinner was served on fine china.",
        "The china cabinet was empty.",
        "They roasted a turkey.",
        "Ships crossed the Indian Ocean.",
        "Governor Kemp of Georgia met donors in Atlanta.",
        "Atlanta, Georgia, hosted the fair.",
        "Michael Jordan retired.",
        "Ms Jordan said so. Jordan later left.",
        "The Eurasian Economic Union met.",
        "It is up to us to act.",
        "Talks were held in Vienna.",
        "Latin American leaders met.",
    ],
)
def test_false_friends_tag_no_country(vocabulary, text):
    assert countries(vocabulary, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Georgia's president met the Georgian parliament.", ["Georgia"]),
        ("King Abdullah of Jordan spoke in Amman.", ["Jordan"]),
        ("China said so.", ["China"]),
        ("Moscow said the talks would go on.", ["Russia"]),
        ("Officials in Vienna said no.", ["Austria"]),
        ("The U.S. and the US agreed.", ["United States"]),
        ("Chinese and Russians", ["China", "Russia"]),
        ("Indians in India's capital", ["India"]),
        ("Astana and Kazakhstani firms", ["Kazakhstan"]),
    ],
)
def test_names_demonyms_capitals_and_acronyms_find_countries(vocabulary, text, expected):
    assert countries(vocabulary, text) == expected


def test_a_blocking_phrase_that_is_a_policy_name_still_tags_the_policy():
    vocabulary = CompiledVocabulary(
        countries=COUNTRIES, ministers=[], policies=[(1, "Eurasian Economic Union", [])]
    )
    result = tags(vocabulary, "Russia hosted the Eurasian Economic Union summit.")
    assert result == {"countries": ["Russia"], "ministers": [],
                      "policies": ["Eurasian Economic Union"]}


def test_georgia_the_us_state_is_recognised_from_anywhere_in_the_story(vocabulary):
    story = "<p>Georgia will send a trade mission abroad.</p><p>The governor said so.</p>"
    assert vocabulary.tag(body=story)["countries"] == []
    story += "<p>Tbilisi was not amused.</p>"
    assert [s.name for s in vocabulary.tag(body=story)["countries"]] == ["Georgia"]


@pytest.mark.parametrize(
    "text",
    ["Air India flew to India.", "India Today said India would.", "The Jordan Valley in Jordan."],
)
def test_a_name_after_a_capitalised_word_does_not_hide_the_country(vocabulary, text):
    assert countries(vocabulary, text) in (["India"], ["Jordan"])


def test_country_codes_are_not_words(vocabulary):
    assert countries(vocabulary, "IT spending and IN stock") == []


@pytest.mark.django_db
def test_vocabulary_is_rebuilt_when_a_tag_or_alias_changes():
    article = make_article(body="<p>Talks with Dave and the Gati Shakti plan.</p>")
    assert suggest_tags(article)["ministers"] == []

    lammy = make_minister("David Lammy")
    assert suggest_tags(article)["ministers"] == []
    lammy.aliases = ["Dave"]
    lammy.save()
    assert [s.name for s in suggest_tags(article)["ministers"]] == ["David Lammy"]

    make_policy("PM Gati Shakti", aliases=["Gati Shakti plan"])
    assert [s.name for s in suggest_tags(article)["policies"]] == ["PM Gati Shakti"]


@pytest.mark.django_db
def test_vocabulary_is_rebuilt_after_an_edit_that_keeps_every_length():
    """A rename to a name of the same length is still noticed."""
    article = make_article(body="<p>Sergey Shoigu spoke.</p>")
    minister = make_minister("Sergey Lavrov", aliases=["Lavrov"])
    assert suggest_tags(article)["ministers"] == []
    minister.name, minister.aliases = "Sergey Shoigu", ["Shoigu"]
    minister.save()
    assert [s.name for s in suggest_tags(article)["ministers"]] == ["Sergey Shoigu"]


@pytest.mark.django_db
def test_compiled_vocabulary_is_reused_while_nothing_changes():
    first = tagging.get_vocabulary()
    assert tagging.get_vocabulary() is first


@pytest.mark.django_db
def test_apply_adds_only_accepted_suggestions_and_never_removes():
    make_minister("Sergey Lavrov")
    make_policy("Make in India", aliases=["Made in India"])
    article = make_article(
        "Talks in brief", standfirst="", countries=["FR"],
        body="<p>Sergey Lavrov in Russia backed Made in India.</p>",
    )
    suggestions = suggest_tags(article)
    russia = country("RU")

    added = apply_suggestions(
        article=article, suggestions=suggestions, accept={f"countries:{russia.pk}"}
    )

    assert added == 1
    assert set(article.countries.values_list("code", flat=True)) == {"FR", "RU"}
    assert not article.ministers.exists()
    assert apply_suggestions(article=article, suggestions=suggestions) == 2


PIECES = ["India", "Russia’s", "  ", "\n\n", ", ", "— ", "“Sergey Lavrov”", "Mr Lavrov",
          "‘Made In India’", "talks", "…", "Türkiye", "U.S.", " \t ", "(China)",
          "Papua New Guinea", "Jaishankar's", "–", "'", " said.", "Çavuşoğlu"]


@given(st.lists(st.sampled_from(PIECES), max_size=40), st.lists(st.sampled_from(" \n")))
@settings(max_examples=300, deadline=None)
def test_evidence_offsets_point_at_the_phrase_as_written(pieces, spaces):
    vocabulary = CompiledVocabulary(countries=COUNTRIES, ministers=MINISTERS, policies=POLICIES)
    text = "".join(p + (spaces[i % len(spaces)] if spaces else " ") for i, p in enumerate(pieces))
    for items in vocabulary.tag(headline=text).values():
        for suggestion in items:
            for evidence in suggestion.evidence:
                assert text[evidence.offset:evidence.offset + len(evidence.phrase)] == (
                    evidence.phrase
                )


@pytest.mark.django_db
def test_a_minister_named_once_in_passing_is_not_suggested_but_one_quoted_is():
    """A closing aside names no subject; a minister who speaks in the story is one."""
    make_minister("Narendra Modi")
    make_minister("Piyush Goyal")
    article = make_article(body=(
        "<p>Trade talks resumed in Moscow on Monday.</p>"
        "<p>Commerce Minister Piyush Goyal said a deal could close within a year.</p>"
        "<p>He also praised the rapport between Prime Minister Narendra Modi and his hosts.</p>"
    ))
    assert [s.name for s in suggest_tags(article)["ministers"]] == ["Piyush Goyal"]
