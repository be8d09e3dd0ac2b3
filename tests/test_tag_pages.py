"""Tag pages with facts and coverage charts: a country's capital, region, flag and
ministers; a minister's office and time in office; a policy's description and the
countries most covered with it; on each (and on bilateral pages) a chart of stories per
month over 24 months, with the same numbers as CSV at ``<tag URL>coverage.csv``."""

import csv
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from articles.editorial import services
from articles.management.commands.setup_demo import DEMO
from articles.models import Article, Minister, Policy
from articles.public.country_facts import country_facts, flag_of
from articles.public.coverage import month_starts
from articles.tagging.vocabulary import load_vocabulary, read_vocabulary_file
from tests.factories import (
    country,
    make_article,
    make_editor,
    make_image,
    make_minister,
    make_policy,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def read_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(response.content.decode().splitlines()))
    assert rows[0] == ["month", "stories"]
    return {month: int(n) for month, n in rows[1:]}


def hidden_table(html):
    """The chart's visually hidden table, as {"June 2026": stories}."""
    table = html[html.index('<div class="visually-hidden"><table>'):html.index("</table>")]
    return {month: int(n) for month, n in
            re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table)}


@pytest.fixture
def coverage_room():
    """India covered in three months of the window, once before it, and by articles
    readers cannot see (scheduled, withdrawn, draft) that must not count."""
    with time_machine.travel(NOW, tick=False):
        russia = country("RU")
        times = {
            "2026-06": [NOW - timedelta(days=1), NOW - timedelta(days=2)],
            "2026-03": [datetime(2026, 3, 10, tzinfo=UTC)],
            "2024-07": [datetime(2024, 7, 1, 6, tzinfo=UTC)],  # the window's first month
            "2024-06": [datetime(2024, 6, 20, tzinfo=UTC)],  # before the window
        }
        for month, moments in times.items():
            for i, moment in enumerate(moments):
                make_article(f"Delhi talks {month} {i}", slug=f"delhi-{month}-{i}",
                             published_at=moment, countries=["IN", russia])
        make_article("Scheduled", slug="scheduled", published_at=NOW + timedelta(days=3),
                     countries=["IN", russia])
        make_article("Draft", slug="draft", status=Article.Status.DRAFT, countries=["IN"])
        withdrawn = make_article("Withdrawn", slug="withdrawn",
                                 published_at=NOW - timedelta(days=3), countries=["IN"])
        services.article_withdraw(article=withdrawn, by=make_editor(), reason="Legal")
    cache.clear()
    return times


def test_the_window_is_the_24_months_up_to_this_one():
    months = month_starts(date(2026, 6, 15))
    assert len(months) == 24
    assert months[0] == date(2024, 7, 1) and months[-1] == date(2026, 6, 1)


def test_a_country_chart_and_csv_count_only_what_readers_can_see(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        counts = read_csv(client, "/countries/india/coverage.csv")
        page = client.get("/countries/india/")
    assert len(counts) == 24
    assert list(counts)[0] == "2024-07" and list(counts)[-1] == "2026-06"
    assert counts["2026-06"] == 2  # not the scheduled, withdrawn or draft ones
    assert counts["2026-03"] == 1
    assert counts["2024-07"] == 1
    assert sum(counts.values()) == 4  # June 2024 is before the window
    expected = Article.objects.published(NOW).filter(
        tagged_countries__tag__code="IN", published_at__gte=datetime(2024, 7, 1, tzinfo=UTC)
    ).count()
    assert sum(counts.values()) == expected
    html = page.content.decode()
    table = hidden_table(html)
    assert table["June 2026"] == 2 and table["March 2026"] == 1 and table["May 2026"] == 0
    assert sum(table.values()) == 4
    assert "<title id=\"coverage-title\">Stories per month about India, July 2024 to " \
        "June 2026</title>" in html
    assert "4 stories in the last 24 months; the busiest month was June 2026, with 2." in html
    # One bar per month with stories, each saying its month and number.
    assert html.count('<rect class="coverage__bar"') == 3
    assert "<title>Jun 2026: 2</title>" in html
    # The listing's size came from the same query: five published stories in all.
    assert page.context["paginator"].count == 5


def test_a_bilateral_page_charts_the_stories_about_both(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        make_article("India alone", slug="india-alone", published_at=NOW - timedelta(days=5),
                     countries=["IN"])
        cache.clear()
        counts = read_csv(client, "/countries/india/russia/coverage.csv")
        page = client.get("/countries/india/russia/")
        india = read_csv(client, "/countries/india/coverage.csv")
    assert counts["2026-06"] == 2 and sum(counts.values()) == 4
    assert india["2026-06"] == 3
    assert hidden_table(page.content.decode())["June 2026"] == 2
    assert 'href="/countries/india/russia/coverage.csv"' in page.content.decode()


def test_months_are_counted_in_the_newsrooms_time_zone(client, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    # 31 May 20:00 UTC is 1 June 01:30 in Delhi.
    with time_machine.travel(NOW, tick=False):
        make_article("Late night in Delhi", slug="late-night",
                     published_at=datetime(2026, 5, 31, 20, 0, tzinfo=UTC), countries=["IN"])
        counts = read_csv(client, "/countries/india/coverage.csv")
    assert counts["2026-06"] == 1 and counts["2026-05"] == 0


def test_the_csv_follows_a_new_publication(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        assert read_csv(client, "/countries/india/coverage.csv")["2026-06"] == 2
        assert client.get("/countries/india/coverage.csv")["X-Page-Cache"] == "hit"
        make_article("Another Delhi story", slug="another", published_at=NOW - timedelta(hours=1),
                     countries=["IN"])
        assert read_csv(client, "/countries/india/coverage.csv")["2026-06"] == 3
        assert hidden_table(client.get("/countries/india/").content.decode())["June 2026"] == 3


@pytest.mark.parametrize("url", ["/countries/india/", "/countries/india/russia/"])
def test_a_pages_chart_follows_a_new_publication(client, coverage_room, url, settings):
    """The chart's drawing is remembered with the page's data, and forgotten with it."""
    settings.NEWSROOM_PAGE_CACHE = False
    with time_machine.travel(NOW, tick=False):
        assert hidden_table(client.get(url).content.decode())["June 2026"] == 2
        assert hidden_table(client.get(url).content.decode())["June 2026"] == 2
        make_article("Another Delhi story", slug="another", published_at=NOW - timedelta(hours=1),
                     countries=["IN", "RU"])
        html = client.get(url).content.decode()
    assert hidden_table(html)["June 2026"] == 3
    assert "<title>Jun 2026: 3</title>" in html


@pytest.mark.parametrize("url", [
    "/countries/atlantis/coverage.csv",
    "/ministers/nobody/coverage.csv",
    "/policies/no-such-policy/coverage.csv",
    "/countries/india/atlantis/coverage.csv",
    "/countries/india/india/coverage.csv",
    "/countries/india/coverage.csv/extra",
    "/countries/" + "a" * 3000 + "/coverage.csv",
    "/ministers/%C3%A9%00/coverage.csv",
    "/policies/make-in-india%0A/coverage.csv",
])
def test_coverage_of_something_unknown_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_coverage_ignores_query_strings_and_orders_the_pair(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        plain = client.get("/countries/india/coverage.csv").content
        odd = client.get("/countries/india/coverage.csv?page=x&months=%00&format=json")
        assert odd.status_code == 200 and odd.content == plain
        swapped = client.get("/countries/russia/india/coverage.csv")
    assert swapped.status_code == 301
    assert swapped["Location"] == "/countries/india/russia/coverage.csv"


def test_a_tag_with_no_recent_story_gets_an_empty_chart(client):
    with time_machine.travel(NOW, tick=False):
        make_article("Old news", slug="old-news", published_at=datetime(2020, 1, 5, tzinfo=UTC),
                     countries=["BR"])
        page = client.get("/countries/brazil/")
        counts = read_csv(client, "/countries/brazil/coverage.csv")
    assert page.status_code == 200
    assert "No stories in the last 24 months." in page.content.decode()
    assert set(counts.values()) == {0}


def test_a_country_page_gives_its_capital_region_flag_and_ministers(client):
    india = country("IN")
    jaishankar = make_minister("S. Jaishankar", office="Minister of External Affairs",
                               country=india)
    make_minister("Piyush Goyal", office="Minister of Commerce", country=india)
    make_minister("Former Minister", office="Minister of Finance", country=india,
                  in_office_from=date(2014, 5, 26), in_office_to=date(2019, 5, 30))
    make_minister("Sergey Lavrov", country=country("RU"))
    make_article("Delhi hosts talks", countries=[india], ministers=[jaishankar])
    html = client.get("/countries/india/").content.decode()
    assert "<dt>Capital</dt><dd>New Delhi</dd>" in html
    assert "<dt>Region</dt><dd>Southern Asia</dd>" in html
    assert 'role="img" aria-label="Flag of India">\U0001F1EE\U0001F1F3</span>' in html
    ministers = html[html.index('id="ministers-heading"'):]
    ministers = ministers[:ministers.index("</section>")]
    # A minister with articles links to their page; one without has no page to link to.
    assert '<a href="/ministers/s-jaishankar/">S. Jaishankar</a>' in ministers
    assert "Piyush Goyal" in ministers and "/ministers/piyush-goyal/" not in ministers
    assert "Minister of Finance, until 2019" in ministers
    assert ministers.index("Piyush Goyal") < ministers.index("Former Minister")
    assert "Sergey Lavrov" not in ministers


def test_a_country_page_links_its_most_covered_bilateral_pages(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/countries/india/").content.decode()
    assert '<a href="/countries/india/russia/">India–Russia relations</a>' in html


def test_country_facts_come_from_the_package_for_every_code():
    assert flag_of("gb") == "\U0001F1EC\U0001F1E7"
    assert flag_of("1X") == "" and flag_of("GBR") == ""
    assert country_facts("AQ").capital == ""  # Antarctica has none
    assert country_facts("TR") .capital == "Ankara"


def test_a_minister_page_gives_office_country_and_time_in_office(client):
    with time_machine.travel(NOW, tick=False):
        minister = make_minister("S. Jaishankar", office="Minister of External Affairs",
                                 country=country("IN"), in_office_from=date(2024, 6, 10))
        make_article("Jaishankar in Moscow", ministers=[minister],
                     published_at=NOW - timedelta(days=40))
        html = client.get("/ministers/s-jaishankar/").content.decode()
    assert 'Minister of External Affairs, <a href="/countries/india/">India</a>' in html
    assert 'In office since <time datetime="2024-06-10">10 June 2024</time> (2\xa0years' in html
    assert hidden_table(html)["May 2026"] == 1
    assert 'href="/ministers/s-jaishankar/coverage.csv"' in html


def test_a_former_ministers_page_gives_their_term(client):
    minister = make_minister("Mevlüt Çavuşoğlu", country=country("TR"),
                             in_office_from=date(2015, 11, 24), in_office_to=date(2023, 6, 3))
    make_article("A former minister speaks", ministers=[minister])
    html = client.get(minister.get_absolute_url()).content.decode()
    assert ('In office from <time datetime="2015-11-24">24 November 2015</time> until '
            '<time datetime="2023-06-03">3 June 2023</time>') in html


def test_a_policy_page_gives_its_description_and_countries_most_covered(client):
    energy = make_policy("Energy cooperation", description="Oil, gas and nuclear deals.")
    for i in range(3):
        make_article(f"Energy story {i}", slug=f"energy-{i}", policies=[energy],
                     countries=["RU"] + (["IN"] if i else []))
    html = client.get("/policies/energy-cooperation/").content.decode()
    assert '<p class="page-header__about">Oil, gas and nuclear deals.</p>' in html
    countries = html[html.index('id="countries-heading"'):]
    countries = countries[:countries.index("</section>")]
    assert countries.index("Russia") < countries.index("India")
    assert '<span class="count">3 stories</span>' in countries
    assert hidden_table(html) and sum(hidden_table(html).values()) == 3
    assert read_csv(client, "/policies/energy-cooperation/coverage.csv")


def test_the_chart_is_inline_svg_without_scripts_or_style_attributes(client, coverage_room):
    with time_machine.travel(NOW, tick=False):
        html = client.get("/countries/india/").content.decode()
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert 'role="img" aria-labelledby="coverage-title coverage-desc"' in chart
    assert "style=" not in chart and "<script" not in chart


def test_the_chart_is_on_a_listings_first_page_only(client, settings):
    for i in range(settings.NEWSROOM_PAGE_SIZE + 1):
        make_article(f"Story {i}", slug=f"story-p{i}", countries=["IN"])
    assert "coverage__chart" in client.get("/countries/india/").content.decode()
    second = client.get("/countries/india/?page=2")
    assert second.status_code == 200
    assert "coverage__chart" not in second.content.decode()


def test_a_ministers_first_story_links_them_from_their_countrys_page(client):
    india = country("IN")
    goyal = make_minister("Piyush Goyal", office="Minister of Commerce", country=india)
    make_article("Delhi hosts talks", slug="delhi-hosts", countries=[india])
    link = '<a href="/ministers/piyush-goyal/">'
    assert link not in client.get("/countries/india/").content.decode()
    make_article("Goyal in Dubai", slug="goyal-dubai", countries=[india], ministers=[goyal])
    assert link in client.get("/countries/india/").content.decode()


def test_a_merged_away_names_coverage_leads_to_its_entrys(client):
    make_minister("Sergey Lavrov", aliases=["Sergei Lavrov"])
    response = client.get("/ministers/sergei-lavrov/coverage.csv")
    assert response.status_code == 301
    assert response["Location"] == "/ministers/sergey-lavrov/coverage.csv"


def test_the_vocabulary_file_gives_terms_and_descriptions_the_pages_show(client):
    load_vocabulary(data={
        "ministers": [{"name": "Hakan Fidan", "office": "Minister of Foreign Affairs",
                       "country": "TR", "in_office_from": "2023-06-04"},
                      {"name": "Mevlüt Çavuşoğlu", "country": "TR",
                       "in_office_from": "2015-11-24", "in_office_to": "2023-06-04"}],
        "policies": [{"name": "Black Sea Grain Initiative",
                      "description": "Grain by sea from Ukraine's ports."}],
    })
    fidan = Minister.objects.get(name="Hakan Fidan")
    grain = Policy.objects.get(name="Black Sea Grain Initiative")
    make_article("Grain talks in Istanbul", countries=["TR"], ministers=[fidan],
                 policies=[grain])
    turkey = client.get(country("TR").get_absolute_url()).content.decode()
    assert turkey.index("Hakan Fidan") < turkey.index("Mevlüt Çavuşoğlu")
    assert "In office since" in client.get(fidan.get_absolute_url()).content.decode()
    assert "Grain by sea from Ukraine&#x27;s ports." in client.get(
        grain.get_absolute_url()).content.decode()


def test_the_demo_vocabulary_loads_with_its_ministers_terms():
    load_vocabulary(data=read_vocabulary_file(DEMO / "vocabulary.json"))
    former = Minister.objects.get(name="Mevlüt Çavuşoğlu")
    assert former.in_office_to == date(2023, 6, 4)
    assert Minister.objects.filter(in_office_from__isnull=False).count() >= 15
    assert not Policy.objects.filter(description="").exists()


def test_a_ministers_photo_shows_on_their_page_and_follows_its_edits(client):
    photo = make_image("S. Jaishankar at a press conference", width=800, height=1000)
    minister = make_minister("S. Jaishankar", country=country("IN"), photo=photo)
    make_article("Jaishankar in Moscow", ministers=[minister])
    html = client.get(minister.get_absolute_url()).content.decode()
    start = html.index('<header class="page-header">')
    header = html[start:html.index("</header>", start)]
    assert '<picture class="picture picture--portrait">' in header
    assert 'alt="S. Jaishankar at a press conference"' in header
    assert 'loading="lazy"' in header
    photo.alt_text = "S. Jaishankar speaking in Delhi"
    photo.save()
    assert 'alt="S. Jaishankar speaking in Delhi"' in client.get(
        minister.get_absolute_url()).content.decode()


def test_a_minister_page_with_a_photo_stays_within_the_query_budget(
    client, django_assert_max_num_queries
):
    minister = make_minister("S. Jaishankar", photo=make_image("A portrait"))
    for i in range(3):
        make_article(f"Story {i}", slug=f"photo-{i}", ministers=[minister], countries=["IN"])
    cache.clear()
    with django_assert_max_num_queries(6):
        assert client.get(minister.get_absolute_url()).status_code == 200


def test_an_editor_gives_a_minister_a_photo_in_the_vocabulary_admin(editor_client, client):
    photo = make_image("Piyush Goyal at a trade fair")
    goyal = make_minister("Piyush Goyal", office="Minister of Commerce", country=country("IN"))
    make_article("Goyal in Dubai", ministers=[goyal])
    response = editor_client.post(
        reverse("admin:articles_minister_change", args=[goyal.pk]),
        {"name": "Piyush Goyal", "office": "Minister of Commerce and Industry",
         "country": country("IN").pk, "aliases": "Goyal", "in_office_from": "2017-09-03",
         "in_office_to": "", "photo": photo.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    goyal.refresh_from_db()
    assert goyal.photo == photo and goyal.in_office_from == date(2017, 9, 3)
    html = client.get(goyal.get_absolute_url()).content.decode()
    assert 'alt="Piyush Goyal at a trade fair"' in html
    assert "Minister of Commerce and Industry" in html


def test_a_minister_new_to_the_vocabulary_joins_their_countrys_page(client):
    make_article("Delhi hosts talks", countries=["IN"])
    assert "Nirmala Sitharaman" not in client.get("/countries/india/").content.decode()
    assert client.get("/countries/india/")["X-Page-Cache"] == "hit"
    make_minister("Nirmala Sitharaman", office="Minister of Finance", country=country("IN"))
    assert "Nirmala Sitharaman" in client.get("/countries/india/").content.decode()
    # A new minister of another country leaves this page cached.
    make_minister("Sergey Lavrov", country=country("RU"))
    assert client.get("/countries/india/")["X-Page-Cache"] == "hit"
