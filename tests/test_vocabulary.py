"""load_vocabulary: validates the whole file first, writes in one go, idempotent."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from articles.models import Country, Minister, Policy
from articles.tagging.vocabulary import VocabularyError, load_vocabulary
from tests.factories import make_minister

pytestmark = pytest.mark.django_db

VOCABULARY = {
    "countries": [{"code": "IN", "aliases": ["Indian", "New Delhi"]}],
    "ministers": [
        {
            "name": "S. Jaishankar",
            "office": "Minister of External Affairs",
            "country": "IN",
            "aliases": ["S Jaishankar", "Jaishankar"],
        },
        {"name": "Sergey Lavrov", "country": "RU", "aliases": ["Sergei Lavrov"]},
    ],
    "policies": [
        {"name": "Make in India", "aliases": ["Made in India"], "description": "One sentence."}
    ],
}


def write(tmp_path, data, name="vocabulary.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_load_creates_ministers_policies_and_country_aliases(tmp_path, capsys):
    call_command("load_vocabulary", write(tmp_path, VOCABULARY))

    jaishankar = Minister.objects.get(name="S. Jaishankar")
    assert jaishankar.slug == "s-jaishankar"
    assert jaishankar.country.code == "IN"
    assert jaishankar.office == "Minister of External Affairs"
    assert jaishankar.aliases == ["S Jaishankar", "Jaishankar"]
    assert Policy.objects.get(slug="make-in-india").aliases == ["Made in India"]
    assert Country.objects.get(code="IN").aliases == ["Indian", "New Delhi"]
    assert "ministers created 2" in capsys.readouterr().out


def test_loading_twice_changes_nothing(tmp_path):
    path = write(tmp_path, VOCABULARY)
    call_command("load_vocabulary", path)
    before = list(Minister.objects.values()), list(Policy.objects.values())

    call_command("load_vocabulary", path)

    assert (list(Minister.objects.values()), list(Policy.objects.values())) == before
    assert Country.objects.get(code="IN").aliases == ["Indian", "New Delhi"]


def test_reload_updates_office_and_adds_aliases(tmp_path):
    call_command("load_vocabulary", write(tmp_path, VOCABULARY))
    changed = {"ministers": [{"name": "Sergey Lavrov", "office": "Foreign Minister",
                              "aliases": ["Lavrov"]}]}

    call_command("load_vocabulary", write(tmp_path, changed, "v2.json"))

    lavrov = Minister.objects.get(name="Sergey Lavrov")
    assert lavrov.office == "Foreign Minister"
    assert lavrov.aliases == ["Sergei Lavrov", "Lavrov"]
    assert lavrov.country.code == "RU"


def test_a_merged_spelling_updates_the_surviving_minister(tmp_path):
    make_minister("Sergey Lavrov", aliases=["Sergei Lavrov"])

    call_command("load_vocabulary", write(tmp_path, {"ministers": [{"name": "Sergei Lavrov"}]}))

    assert list(Minister.objects.values_list("name", flat=True)) == ["Sergey Lavrov"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"countries": [{"code": "XX"}]}, "countries[0].code: unknown ISO 3166-1 country code"),
        ({"ministers": [{"office": "Minister"}]}, "ministers[0].name: required"),
        ({"ministers": [{"name": "A B", "country": "ZZ"}]}, "ministers[0].country: unknown"),
        ({"ministers": [{"name": "A B", "aliases": "AB"}]}, "ministers[0].aliases: must be a list"),
        ({"policies": [{"name": "P", "aliases": ["ok", 3]}]}, "policies[0].aliases[1]: must be"),
        ({"policies": {"name": "P"}}, "policies: must be a list"),
        ({"ministers": [{"name": "A B", "in_office_from": "2023-02-30"}]}, "in_office_from"),
        ([], "top level: must be an object"),
    ],
)
def test_invalid_file_names_the_place_and_changes_nothing(tmp_path, data, message):
    valid_first = dict(VOCABULARY, **(data if isinstance(data, dict) else {}))
    with pytest.raises(CommandError) as error:
        call_command("load_vocabulary", write(tmp_path, valid_first if data else data))
    assert message in str(error.value)
    assert "nothing changed" in str(error.value)
    assert not Minister.objects.exists()
    assert not Policy.objects.exists()
    assert Country.objects.get(code="IN").aliases == []


def test_unknown_sections_and_fields_are_ignored_with_a_warning(tmp_path):
    data = dict(VOCABULARY, people=[], ministers=[{"name": "Wang Yi", "slug": "wang-yi",
                                                   "country": "China"}])
    err = io.StringIO()

    call_command("load_vocabulary", write(tmp_path, data), stdout=io.StringIO(), stderr=err)

    assert "people: unknown section, ignored" in err.getvalue()
    assert "ministers[0].slug: unknown field, ignored" in err.getvalue()
    assert Minister.objects.get(name="Wang Yi").country.code == "CN"


def test_an_alias_two_ministers_share_loads_with_a_warning_listing_them(tmp_path):
    data = {"ministers": [
        {"name": "Wang Yi", "aliases": ["Mr Wang"]},
        {"name": "Wang Wentao", "aliases": ["Wentao", "Mr Wang"]},
    ]}
    out, err = io.StringIO(), io.StringIO()

    call_command("load_vocabulary", write(tmp_path, data), stdout=out, stderr=err)

    assert sorted(Minister.objects.values_list("name", flat=True)) == ["Wang Wentao", "Wang Yi"]
    assert Minister.objects.get(name="Wang Wentao").aliases == ["Wentao", "Mr Wang"]
    assert err.getvalue().count("\n") == 1
    assert "'mr wang' is shared by 2 ministers: 'Wang Yi' (ministers[0].aliases[0]), " \
        "'Wang Wentao' (ministers[1].aliases[1])" in err.getvalue()
    assert "ministers created 2" in out.getvalue()


def test_an_alias_shared_with_a_minister_already_in_the_database_loads_with_a_warning():
    make_minister("Sergey Lavrov", aliases=["Lavrov"])
    summary = load_vocabulary(data={"ministers": [{"name": "Ivan Lavrov", "aliases": ["Lavrov"]}]})
    assert summary.warnings == [
        "ministers: 'lavrov' is shared by 2 ministers: 'Sergey Lavrov' (the database), "
        "'Ivan Lavrov' (ministers[0].aliases[0]); a story gets the one it names in full, "
        "none if both or neither"
    ]
    assert Minister.objects.get(name="Ivan Lavrov").aliases == ["Lavrov"]


def test_an_acronym_two_policies_share_loads_with_a_warning():
    summary = load_vocabulary(data={"policies": [
        {"name": "Comprehensive Economic Partnership Agreement", "aliases": ["CEPA"]},
        {"name": "Comprehensive Energy Partnership Accord", "aliases": ["CEPA"]},
    ]})
    assert Policy.objects.count() == 2
    assert [w.split(":")[0] for w in summary.warnings] == ["policies"]
    assert "'cepa' is shared by 2 policies" in summary.warnings[0]


def test_a_file_with_a_shared_alias_and_a_malformed_entry_is_refused_whole():
    data = {"ministers": [
        {"name": "Kim Min-seok", "aliases": ["Mr Kim"]},
        {"name": "Kim Jung-ho", "aliases": ["Mr Kim"]},
        {"name": "Lee Jae", "in_office_from": "yesterday"},
    ]}
    with pytest.raises(VocabularyError) as error:
        load_vocabulary(data=data)
    assert error.value.errors == ["ministers[2].in_office_from: must be a date YYYY-MM-DD"]
    assert not Minister.objects.exists()


def test_a_name_that_is_only_an_alias_several_entries_share_is_refused_named():
    make_minister("Kim Min-seok", aliases=["Mr Kim"])
    make_minister("Kim Jung-ho", aliases=["Mr Kim"])
    with pytest.raises(VocabularyError) as error:
        load_vocabulary(data={"ministers": [{"name": "Mr Kim", "office": "Minister"}]})
    assert error.value.errors == [
        "ministers[0].name: 'Mr Kim' is an alias shared by several ministers; give the "
        "entry's own name"
    ]
    assert Minister.objects.count() == 2


def test_bad_json_reports_line_and_column(tmp_path):
    path = write(tmp_path, '{"ministers": [\n  {"name": "A B",}\n]}')
    with pytest.raises(CommandError) as error:
        call_command("load_vocabulary", path)
    assert "line 2, column" in str(error.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("load_vocabulary", str(tmp_path / "nope.json"))
