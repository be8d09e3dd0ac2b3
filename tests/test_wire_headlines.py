"""Wire headlines: the first sentence, and when it is long, cut where a clause ends, at
most about 90 characters, never inside a name."""

from pathlib import Path

import pytest

from articles.tagging import get_vocabulary
from articles.wire.headlines import HEADLINE_MAX, WHOLE_SENTENCE_MAX, derive_headline
from articles.wire.plaintext import parse_wire
from tests.factories import make_policy

CORPUS = sorted((Path(__file__).parent / "data" / "corpus").glob("*.txt"))


def test_a_sentence_a_little_over_90_characters_stays_whole():
    paragraph = ("Ministers from Kazakhstan and India agreed on Thursday to study a new rail "
                 "link through Iran. It would shorten freight times.")
    assert derive_headline(paragraph).endswith("a new rail link through Iran")


def test_a_long_sentence_is_cut_where_a_clause_ends():
    paragraph = ("The Reserve Bank of India kept its policy rate unchanged on Friday as "
                 "inflation eased, while Governor Shaktikanta Das warned that global risks "
                 "to the outlook remained. Markets rose.")
    assert derive_headline(paragraph) == (
        "The Reserve Bank of India kept its policy rate unchanged on Friday as inflation eased")


def test_a_cut_before_a_clause_word_beats_one_mid_phrase():
    paragraph = ("China pledged fresh loans for Pakistan's ports on Wednesday at a forum in "
                 "Beijing while officials in Islamabad sought further support.")
    assert derive_headline(paragraph) == (
        "China pledged fresh loans for Pakistan's ports on Wednesday at a forum in Beijing")


def test_a_capitalised_name_of_several_words_is_never_split():
    paragraph = ("Ministers from both countries met on Thursday to discuss progress on the "
                 "International North-South Transport Corridor linking Mumbai and Moscow.")
    headline = derive_headline(paragraph)
    assert len(headline) <= HEADLINE_MAX
    assert headline == "Ministers from both countries met on Thursday to discuss progress"


@pytest.mark.django_db
def test_a_vocabulary_name_is_never_split():
    make_policy("Make in India", aliases=["Made in India"])
    paragraph = ("The defence ministry ordered two hundred armoured vehicles on Monday under "
                 "the Make in India programme for domestic manufacturers of military kit.")
    assert derive_headline(paragraph).endswith("under the Make")  # a lower-case "in"
    assert derive_headline(paragraph, vocabulary=get_vocabulary()) == (
        "The defence ministry ordered two hundred armoured vehicles on Monday")


def test_an_introductory_phrase_gives_way_to_the_main_clause():
    paragraph = ("At a meeting with External Affairs Minister S Jaishankar in Moscow, Russian "
                 "Foreign Minister Sergey Lavrov on Wednesday backed India's plan to build "
                 "more military equipment at home.")
    assert derive_headline(paragraph).startswith("Russian Foreign Minister Sergey Lavrov on "
                                                 "Wednesday backed")


def test_a_description_after_a_name_is_left_out():
    paragraph = ("Jordan Bardella, the 28-year-old president of the National Rally, said on "
                 "Monday that his party was ready to govern France after it topped the "
                 "European election.")
    assert derive_headline(paragraph) == (
        "Jordan Bardella said on Monday that his party was ready to govern France")


def test_a_quotation_cut_short_is_closed():
    paragraph = ('"Make in India is not a slogan, it is a mission for the next generation of '
                 'engineers and factory workers across the country," the prime minister said.')
    assert derive_headline(paragraph) == '"Make in India is not a slogan"'


@pytest.mark.parametrize("path", CORPUS, ids=lambda path: path.name)
def test_every_corpus_headline_fits_and_ends_on_a_whole_word(path):
    wire = parse_wire(path.read_text(encoding="utf-8-sig"))
    headline = wire.headline()
    assert 10 <= len(headline) <= WHOLE_SENTENCE_MAX
    words = " ".join(wire.paragraphs[0].split()).replace(",", "").split()
    assert headline.replace(",", "").split()[-1].strip('"”') in words
