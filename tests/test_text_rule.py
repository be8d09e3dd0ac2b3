"""The one rule for invisible characters (articles.platform.text): what it forbids, where."""

import pytest
from django.core.exceptions import ValidationError

from articles.platform.text import (
    PlainTextValidator,
    find_forbidden,
    output_data,
    output_text,
    strip_forbidden,
    strip_forbidden_data,
    visible_controls,
)

FORBIDDEN_EVERYWHERE = [
    "\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f",
    "\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff", "\ud800", "\udfff",
]
DIRECTION_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                      "\u2066", "\u2067", "\u2068", "\u2069"]
# Right-to-left names and everyday punctuation: nothing here is forbidden anywhere.
WELCOME = [
    "وزير الخارجية فيصل بن فرحان", "יאיר לפיד", "Sergey Lavrov", "王毅", "Türkiye",
    "S. Jaishankar — “Make in India”", "tab\tand\nnewline", "emoji 🇮🇳", "\u200f\u200e",
    "\u00a0non-breaking", "\u00ad soft hyphen",
]


@pytest.mark.parametrize("char", FORBIDDEN_EVERYWHERE)
def test_controls_noncharacters_and_surrogates_are_found_with_their_position(char):
    found = find_forbidden(f"Lavrov{char}s visit")
    assert found.char == char and found.position == 7
    assert found.code == f"U+{ord(char):04X}"
    assert find_forbidden(f"ab{char}", names=True).position == 3


@pytest.mark.parametrize("char", DIRECTION_CONTROLS)
def test_direction_controls_are_forbidden_in_names_only(char):
    assert find_forbidden(f"Minister{char}name") is None
    found = find_forbidden(f"Minister{char}name", names=True)
    assert found.position == 9
    assert "text-direction control" in found.describe()


@pytest.mark.parametrize("text", WELCOME)
def test_right_to_left_letters_and_ordinary_text_pass(text):
    assert find_forbidden(text, names=True) is None
    PlainTextValidator(names=True)(text)


def test_browser_line_ends_are_not_control_characters():
    assert find_forbidden("one\r\ntwo\rthree") is None
    assert strip_forbidden("one\r\ntwo\rthree") == ("one\ntwo\nthree", 0)


def test_the_validator_names_the_character_and_its_position():
    with pytest.raises(ValidationError) as refused:
        PlainTextValidator()("Headline with \x01 inside")
    assert refused.value.messages == [
        "This text contains an invisible control character (U+0001) at position 15, just "
        "after “Headline with”; retype the text there."
    ]


def test_the_validator_checks_each_alias():
    PlainTextValidator(names=True)(["Lavrov", "لافروف"])
    with pytest.raises(ValidationError, match=r"Line 2 .*U\+202E RIGHT-TO-LEFT OVERRIDE"):
        PlainTextValidator(names=True)(["Lavrov", "Lav\u202erov"])


def test_stripping_counts_what_it_removed_and_keeps_words_apart():
    assert strip_forbidden("Sergey\x0bLavrov\x01") == ("Sergey Lavrov", 2)
    assert strip_forbidden("Lav\u202erov", names=True) == ("Lavrov", 1)
    assert strip_forbidden("Lav\u202erov") == ("Lav\u202erov", 0)


def test_stripping_a_parsed_file_applies_the_names_rule_under_name_keys():
    data = {"headline": "A\u202eB\x01", "body": "<p>\u2067x\u2069\x02</p>",
            "ministers": ["M\u202d", "N"], "count": 3}
    cleaned, removed = strip_forbidden_data(data, name_keys={"headline", "ministers"})
    assert cleaned == {"headline": "AB", "body": "<p>\u2067x\u2069</p>",
                       "ministers": ["M", "N"], "count": 3}
    assert removed == 4


def test_output_text_is_fit_for_xml_and_json():
    assert output_text("Tab\tnew\nline\x01\x0c\ud800\uffff") == "Tab\tnew\nline "
    assert output_data({"a": ["x\x01", {"b": "y\x7f"}], "n": 1}) == {
        "a": ["x", {"b": "y"}], "n": 1}


def test_visible_controls_names_what_cannot_be_seen():
    assert visible_controls("Lav\x01rov\u202e") == "Lav[U+0001]rov[U+202E]"


def test_every_forbidden_character_of_the_whole_code_space_is_removed_and_named():
    """The quick first look (a few ranges) misses none of what the rule forbids: each
    character the rule names is removed from a story, in a name and in running text,
    and a form's check names it."""
    from articles.platform.text import CONTROLS, CONTROLS_IN_NAMES

    for pattern, names in ((CONTROLS, False), (CONTROLS_IN_NAMES, True)):
        # A carriage return is a line end: normalised to a newline, not removed.
        forbidden = [c for c in map(chr, range(0x110000)) if pattern.match(c) and c != "\r"]
        assert len(forbidden) > 2000  # the C0 and C1 controls, surrogates, noncharacters
        for char in forbidden:
            assert strip_forbidden(f"Talks{char} in Delhi", names=names)[1] == 1, hex(ord(char))
            found = find_forbidden(f"Talks{char} in Delhi", names=names)
            assert (found.position, found.char) == (6, char), hex(ord(char))
