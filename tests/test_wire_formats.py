"""import_articles reads IPTC ninjs and NewsML-G2 by their content: the agency's headline,
by-line, dateline, body, subjects (mapped by the vocabulary's codes), embargo and
pictures; bad files fail alone with a clear reason and leave nothing behind."""

import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, Image, Policy
from articles.wire.items import sniff_format
from tests.factories import picture_bytes
from tests.test_importing import run, write

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "data" / "wire"


@pytest.fixture
def samples(tmp_path):
    for sample in SAMPLES.iterdir():
        shutil.copy(sample, tmp_path / sample.name)
    (tmp_path / "port.jpg").write_bytes(picture_bytes(800, 500))
    return tmp_path


def test_format_is_read_from_the_content_not_the_name():
    assert sniff_format(b'\xef\xbb\xbf {"uri": "x"}') == "ninjs"
    assert sniff_format(b"[{}]") == "ninjs"
    assert sniff_format(b'<?xml version="1.0"?><newsItem/>') == "newsml"
    assert sniff_format(b'{"id": 1, "headline": "H", "slug": "h"}\n') == "jsonl"
    assert sniff_format(b"date 2024-01-01 Text.") == "text"


def test_ninjs_item_becomes_a_story_with_its_picture(samples):
    policy = Policy.objects.create(name="Sagarmala", codes=["medtop:20000523"])
    renamed = samples / "port-deal.data"  # any name: the content says ninjs
    (samples / "ninjs_port.json").rename(renamed)

    code, out, err = run(str(renamed))

    article = Article.objects.get()
    assert code == 0, err
    assert article.headline == "India and Sweden sign a port modernisation pact"
    assert article.headline_needs_review is False
    assert article.standfirst == "The agreement covers cranes, dredging and training."
    assert article.dateline == "Chennai"
    assert [author.name for author in article.ordered_authors()] == ["Meera Iyer", "Tomas Lind"]
    assert article.source == "Agency Desk"
    assert article.body.startswith("<p>India and Sweden signed an agreement")
    assert article.wire_uri == "urn:newsroom-test:agency:2024:port-deal"
    assert article.wire_version == 1
    assert list(article.policies.all()) == [policy]
    image = Image.objects.get()
    assert article.hero_image == image
    assert (image.credit, image.usage_terms, str(image.usage_ends)) == (
        "Agency Photo Desk", "Editorial use only", "2024-06-30")
    assert image.alt_text == "Cranes at the port of Chennai"
    assert "pictures missing: urn:newsroom-test:agency:2024:port-aerial: not fetched" in out
    assert out.strip().endswith("imported 1, skipped 0, failed 0")


def test_newsml_item_becomes_a_story_with_its_embargo(samples):
    code, out, err = run(str(samples / "newsml_summit.xml"), "--no-autotag")

    article = Article.objects.get()
    assert code == 0, err
    assert article.headline == "Central Asian ministers meet to plan a rail corridor"
    assert article.dateline == "Astana"
    assert [author.name for author in article.ordered_authors()] == ["Aigerim Sadykova"]
    assert article.source == "Newsroom Test Agency"
    assert article.standfirst == "Five countries agree on a timetable."
    assert "Ignored" not in article.body
    assert "<strong>rail corridor</strong>" in article.body
    assert '<a href="https://example.com/"' in article.body
    assert article.embargo_until.isoformat() == "2024-03-15T12:00:00+00:00"
    assert article.wire_version == 2


def test_published_wire_story_is_held_until_its_embargo(samples):
    code, _, err = run(str(samples / "newsml_summit.xml"), "--publish", "--no-autotag")
    assert code == 0, err

    article = Article.objects.get()
    assert article.published_at == article.embargo_until


def test_a_list_of_ninjs_items_is_stored_whole_or_not_at_all(tmp_path):
    good = '{"uri": "urn:a", "headlines": [{"value": "First story of the list"}]}'
    bad = '{"uri": "urn:b", "headlines": [{"value": "Second"}], "pubstatus": "maybe"}'
    path = write(tmp_path, "list.json", f"[{good}, {bad}]")

    code, _, err = run(str(path))

    assert code == 1
    assert "item 2: not valid ninjs 2.2 at pubstatus" in err
    assert not Article.objects.exists()


@pytest.mark.parametrize(("content", "reason"), [
    ('{"uri": "urn:a",\n "headlines": [}', "line 2: invalid JSON"),
    ('{"headlines": [{"value": "No uri"}]}', "'uri' is a required property"),
    ('{"uri": "urn:a", "headlines": []}', "no headline"),
    ('{"uri": "urn:a", "headlines": [{"value": "H"}], "version": "two"}',
     "version 'two' is not a whole number"),
    ('{"uri": "urn:a", "headlines": [{"value": "H"}], "embargoed": "9999-01-01T00:00:00Z"}',
     "outside the accepted publication dates"),
    ('<?xml version="1.0"?>\n<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">\n<a></b>',
     "line 3: invalid XML: mismatched tag"),
    ('<rss version="2.0"><channel/></rss>', "unknown NewsML-G2 profile"),
    ('<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g"><itemMeta>'
     '<itemClass qcode="ninat:video"/></itemMeta></newsItem>', "unknown NewsML-G2 profile"),
    ('<?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<newsItem>&x;</newsItem>', "external reference is refused"),
    ('<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
     '<!ENTITY c "&b;&b;&b;&b;">]><newsItem>&c;</newsItem>', "entity declarations"),
])
def test_bad_agency_files_fail_alone_with_the_reason(tmp_path, content, reason):
    bad = write(tmp_path, "a-bad.xml", content)
    good = write(tmp_path, "b-good.txt", "date 2024-03-14 A good story follows the bad one.")

    code, out, err = run(str(bad), str(good))

    assert code == 1
    assert f"{bad}: failed:" in err and reason in err
    assert Article.objects.count() == 1
    assert out.strip().endswith("imported 1, skipped 0, failed 1")


def test_oversized_agency_file_is_refused(tmp_path, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 100
    path = write(tmp_path, "big.json", '{"uri": "urn:a", "headlines": [{"value": "'
                 + "x" * 200 + '"}]}')

    code, _, err = run(str(path))

    assert code == 1 and "over the limit of 100" in err
    assert not Article.objects.exists()


def test_vocabulary_file_carries_codes(tmp_path):
    path = write(tmp_path, "v.json", '{"policies": [{"name": "Sagarmala", '
                 '"codes": ["medtop:20000523", "wikidata:Q7399095"]}]}')

    call_command("load_vocabulary", str(path), stdout=__import__("io").StringIO())

    assert Policy.objects.get().codes == ["medtop:20000523", "wikidata:Q7399095"]


def test_a_picture_stops_showing_when_its_usage_terms_end(samples, client):
    with time_machine.travel("2024-06-30 12:00Z", tick=False):
        run(str(samples / "ninjs_port.json"), "--publish")
        article = Article.objects.get()
        assert "<picture" in client.get(article.get_absolute_url()).content.decode()
    with time_machine.travel("2024-07-01 12:00Z", tick=False):
        page = client.get(article.get_absolute_url()).content.decode()
        assert "<picture" not in page and "og:image" not in page
        assert '"image"' not in page


def test_newsml_package_brings_its_picture_with_credit_terms_and_end(samples):
    (samples / "dam.jpg").write_bytes(picture_bytes(900, 600))

    code, out, err = run(str(samples / "newsml_package.xml"), "--no-autotag")

    article = Article.objects.get()
    assert code == 0, err
    assert article.body == ("<p>Negotiators agreed a draft on sharing the river's water in "
                            "the dry season.</p>")
    assert article.source == "Newsroom Test Agency"
    image = article.hero_image
    assert (image.caption, image.alt_text) == ("The dam's spillway in the dry season",) * 2
    assert (image.credit, image.usage_terms, str(image.usage_ends)) == (
        "Test Agency Pictures", "News use only, no archive sales", "2024-09-30")
    assert "dam-aerial: not fetched: data:image/jpeg" in out


def test_an_editor_gives_a_policy_its_codes_and_a_bad_code_is_refused(editor_client):
    add = reverse("admin:articles_policy_add")
    refused = editor_client.post(add, {"name": "Sagarmala", "description": "",
                                       "aliases": "", "codes": "medtop 20000523"})
    assert refused.status_code == 200 and not Policy.objects.exists()
    assert "is not a code like medtop:20000523" in refused.content.decode()

    editor_client.post(add, {"name": "Sagarmala", "description": "", "aliases": "",
                             "codes": "medtop:20000523\nwikidata:Q7399095"})

    assert Policy.objects.get().codes == ["medtop:20000523", "wikidata:Q7399095"]
