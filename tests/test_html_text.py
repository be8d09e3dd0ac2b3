"""Stored HTML read as plain text: one function (articles.platform.text.html_to_text) for
the auto-tagger, summaries, search snippets and the history's word diff."""

from articles.editorial.history import word_diff
from articles.models import Article
from articles.platform.text import html_to_text

BODY = ('<p>Talks on <em>Make in</em> Ind<b>ia</b> &amp; the &quot;corridor&quot;.</p>'
        '<h2>Next</h2><ul><li>Tariffs cut</li><li>Quotas<br>raised</li></ul>')


def test_a_body_reads_one_block_a_line_with_words_whole_and_references_decoded():
    assert html_to_text(BODY) == (
        'Talks on Make in India & the "corridor".\nNext\nTariffs cut\nQuotas\nraised\n'
    )


def test_text_read_as_one_run_of_words_gets_a_space_where_a_block_ends():
    assert " ".join(html_to_text(BODY, block_end=" ").split()) == (
        'Talks on Make in India & the "corridor". Next Tariffs cut Quotas raised'
    )


def test_every_tag_can_stand_as_one_space_keeping_each_tags_place():
    text = html_to_text("<p>a <em>b</em></p><p>c</p>", block_end=" ", tag=" ")
    assert text == " a  b   c "


def test_nothing_to_read_is_empty_text():
    assert html_to_text(None) == html_to_text("") == ""


def test_a_summary_from_a_list_keeps_its_items_apart():
    article = Article(standfirst="", body="<ul><li>Tariffs cut</li><li>Quotas raised</li></ul>")
    assert article.summary == "Tariffs cut Quotas raised"


def test_the_history_compares_a_body_as_the_words_readers_see():
    old = "<p>R&amp;D ends.</p><p>Talks</p>"
    new = "<p>R&amp;D ends.</p><p>Talks resume</p>"
    assert word_diff(old, new, markup=True) == (
        'R&amp;D ends. <span class="diff-paragraph"></span> Talks <ins>resume</ins>')


def test_the_history_compares_a_headline_as_typed_markup_and_all():
    assert word_diff("Ties", "Ties <b>", markup=False) == "Ties <ins>&lt;b&gt;</ins>"
