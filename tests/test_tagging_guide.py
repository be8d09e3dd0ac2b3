"""The annotation guide's rules (../shared/TAGGING-GUIDE.md), one behaviour per case, on
every ISO country with no country aliases from the newsroom: what the product itself
must know (names, short forms, demonyms, capitals, seats of power, national bodies)."""

import pytest

from articles.tagging import CompiledVocabulary
from articles.tagging.countries import iso_countries

COUNTRIES = [(index, code, name, []) for index, (code, name) in enumerate(iso_countries(), 1)]
CODES = {index: code for index, code, _, _ in COUNTRIES}
ID = {code: index for index, code in CODES.items()}
MINISTERS = [
    (1, "Sergey Lavrov", ["Lavrov"], ID["RU"]),
    (2, "S. Jaishankar", ["Jaishankar"], ID["IN"]),
    (3, "Volodymyr Zelenskyy", [], ID["UA"]),
]
POLICIES = [
    (1, "Belt and Road Initiative", ["BRI"]),
    (2, "Chennai–Vladivostok Maritime Corridor", []),
    (3, "India–UK free trade agreement", []),
    (4, "European Green Deal", []),
    (5, "India–UAE Comprehensive Economic Partnership Agreement", ["CEPA"]),
    (6, "Make in India", ["Made in India"]),
]


@pytest.fixture(scope="module")
def vocabulary():
    return CompiledVocabulary(countries=COUNTRIES, ministers=MINISTERS, policies=POLICIES)


def references(vocabulary, text):
    """Subjects ∪ mentions, as codes and names: what the guide counts."""
    found = vocabulary.references(body=f"<p>{text}</p>")
    union = {"countries": [], "ministers": [], "policies": []}
    for tier in (found.subjects, found.mentions):
        for taxonomy, items in tier.items():
            union[taxonomy] += [
                CODES[s.tag_id] if taxonomy == "countries" else s.name for s in items
            ]
    return {taxonomy: sorted(names) for taxonomy, names in union.items()}


def countries(vocabulary, text):
    return references(vocabulary, text)["countries"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The US and the USA and America agreed.", ["US"]),
        ("South Korea said. Korean carmakers cut output.", ["KR"]),
        ("Brazilian exporters and Japanese carmakers and Qatari mediators.", ["BR", "JP", "QA"]),
        ("Kazakh, Kyrgyz, Uzbek and Tajik officials met.", ["KG", "KZ", "TJ", "UZ"]),
        ("Argentine farmers and Icelandic fishermen.", ["AR", "IS"]),
        ("Tokyo said it would respond.", ["JP"]),
        ("Talks between Ottawa and Canberra stalled.", ["AU", "CA"]),
        ("The Élysée declined to comment.", ["FR"]),
        ("Downing Street said no. The Pentagon said yes.", ["GB", "US"]),
        ("The Bank of Korea and the Bank of England held rates.", ["GB", "KR"]),
        ("The Knesset and the Bundestag voted.", ["DE", "IL"]),
        ("Officials in Beijing said no.", ["CN"]),
        ("In Moscow, the central bank raised rates.", ["RU"]),
        ("Fighting in eastern Congo and Sino-Japanese ties.", ["CD", "CN", "JP"]),
        ("The Republic of Congo and the Israel Defense Forces.", ["CG", "IL"]),
        ("Jordan's Ayman Safadi said Jordan would help.", ["JO"]),
        ("Indo-Russian ties, Indo-Pak talks and Sino-US trade.", ["CN", "IN", "PK", "RU", "US"]),
    ],
)
def test_names_demonyms_capitals_and_national_bodies_refer_to_countries(
    vocabulary, text, expected
):
    assert countries(vocabulary, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "A ship in the Gulf of Mexico sank.",
        "Tension in the South China Sea rose.",
        "Ferries crossed the English Channel and the Irish Sea.",
        "Fishing boats in the Sea of Japan and the Taiwan Strait.",
        "Lake Chad is shrinking.",
        "Navies patrol the Indo-Pacific.",
        "ASEAN, NATO, the African Union and BRICS met.",
        "The China-Pakistan Economic Corridor was built.",
        "The Philippines-Japan Economic Partnership Agreement was cited.",
        "The US-Mexico-Canada Agreement took effect.",
        "The Organization of American States met.",
        "Voters in New Mexico and New Jersey went to the polls.",
        "Lebanon, Pennsylvania, is a small town.",
        "A player called Chad scored. Mr Jordan agreed.",
        "Turkey is best roasted slowly.",
        "She bought china plates and a french window.",
        "Spanish flu, Turkish delight and Dutch courage.",
        "He cited Yugoslavia, the Soviet Union, East Germany and Austria-Hungary.",
        "The British Empire and the Russian Empire.",
        "Protests in Catalonia, Scotland and Northern Ireland grew.",
        "Israel Katz said so.",
        "Talks were held in Vienna.",
        "The Paris Agreement and the Minsk accords were cited by a Washington-based group.",
    ],
)
def test_features_blocs_pacts_homonyms_and_idioms_are_no_country(vocabulary, text):
    assert countries(vocabulary, text) == []


def test_turkey_the_bird_and_turkey_the_country_in_one_story(vocabulary):
    text = "Turkey is best roasted slowly. Turkey said it would veto the plan."
    assert countries(vocabulary, text) == ["TR"]


def test_a_capital_hosting_talks_its_country_takes_part_in_counts(vocabulary):
    assert countries(vocabulary, "Jaishankar met Lavrov in Moscow.") == ["RU"]
    assert countries(vocabulary, "Jaishankar met Iran's envoy in Vienna.") == ["IR"]


def test_a_minister_adds_no_country_by_itself(vocabulary):
    assert countries(vocabulary, "Sergey Lavrov said so.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Belt-and-Road money dried up.", ["Belt and Road Initiative"]),
        ("Beijing's BRI loans were cut.", ["Belt and Road Initiative"]),
        ("Work on the Chennai-Vladivostok corridor began.",
         ["Chennai–Vladivostok Maritime Corridor"]),
        ("The Vladivostok–Chennai route opened.", ["Chennai–Vladivostok Maritime Corridor"]),
        ("A free trade pact between India and the UK was signed.",
         ["India–UK free trade agreement"]),
        ("The India-UK FTA was signed.", ["India–UK free trade agreement"]),
        ("The UK-India trade deal was signed.", ["India–UK free trade agreement"]),
        ("The Made in India label sells.", ["Make in India"]),
        ("The European Green Deal was attacked.", ["European Green Deal"]),
        ("CEPA talks resumed between India and the UAE.",
         ["India–UAE Comprehensive Economic Partnership Agreement"]),
    ],
)
def test_names_acronyms_and_descriptive_forms_refer_to_policies(vocabulary, text, expected):
    assert references(vocabulary, text)["policies"] == expected


@pytest.mark.parametrize(
    "text",
    [
        "Goods made in India sold well.",
        "A green deal between two firms was signed.",
        "The UAE-Israel CEPA came into force.",
        "The Indonesia-Australia agreement (IA-CEPA) took effect.",
        "The Central European Pipeline Agreement (CEPA) was signed. CEPA helps.",
        "Talks on an India-UK agreement on visas began.",
        "Delegates met at the Belt and Road Forum.",
    ],
)
def test_generic_words_and_other_bodies_sharing_an_acronym_are_no_policy(vocabulary, text):
    assert references(vocabulary, text)["policies"] == []


@pytest.mark.parametrize(
    "text",
    ["Volodymyr Zelensky said.", "President Zelenskyy said.", "Zelenskiy said so.",
     "V. Zelenskyy said.", "PM Zelenskyy said."],
)
def test_a_surname_in_another_transliteration_names_the_minister(vocabulary, text):
    assert references(vocabulary, text)["ministers"] == ["Volodymyr Zelenskyy"]
