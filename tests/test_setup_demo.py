"""setup_demo: the demo newsroom `make run` serves, safe to set up twice."""

import io

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from articles.editorial import images
from articles.models import Article, FrontPageSlot, Minister
from articles.models.images import CROPS, FULL

pytestmark = pytest.mark.django_db

DEMO_PASSWORDS = [("editor", "teal-harbour-morning"), ("reporter", "amber-river-deadline")]


def setup_demo():
    out = io.StringIO()
    call_command("setup_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def _debug(settings, monkeypatch):
    settings.DEBUG = True
    # Hashing demo passwords at full strength would dominate this file's run time, and
    # so would every picture's renditions: one each is made here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(images, "UPLOAD_RENDITIONS", {crop: () for crop in CROPS.values()}
                        | {FULL: (800,)})


def test_demo_has_published_review_and_scheduled_stories_with_tags():
    output = setup_demo()

    assert "Demo stories: imported 13, skipped 0, failed 0" in output
    assert Article.objects.published().count() == 10
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.filter(status=Article.Status.REVIEW).count() == 2
    assert Minister.objects.filter(name="S. Jaishankar").exists()
    story = Article.objects.get(headline="Lavrov promises Jaishankar discounted oil")
    assert story.standfirst.startswith("Sergey Lavrov told S. Jaishankar")
    assert story.slug == "lavrov-promises-jaishankar-discounted-oil"
    assert set(story.countries.values_list("code", flat=True)) == {"IN", "RU"}
    assert set(story.ministers.names()) == {"S. Jaishankar", "Sergey Lavrov"}
    assert set(story.policies.names()) == {"Chennai–Vladivostok Maritime Corridor"}
    # A story that names a minister once in passing: his mentions page lists it.
    fisheries = Article.objects.get(slug__startswith="australia-and-fiji")
    assert set(fisheries.ministers.names()) == {"Penny Wong"}
    assert list(fisheries.mentioned_ministers.values_list("tag__name", flat=True)) == [
        "S. Jaishankar"]


def test_each_demo_story_s_history_ends_at_what_it_shows():
    """The desk's edits after the import are a version of their own: the next editor's
    save is not shown changing the headline and standfirst."""
    from reversion.models import Version

    setup_demo()
    for article in Article.objects.exclude(status=Article.Status.REVIEW):
        latest = Version.objects.get_for_object(article).first()
        assert latest.field_dict["headline"] == article.headline
        assert latest.field_dict["standfirst"] == article.standfirst


def test_latest_published_demo_story_is_recent():
    setup_demo()
    latest = Article.objects.published().order_by("-published_at").first()
    from django.utils import timezone

    assert (timezone.now() - latest.published_at).days <= 1


def sign_in_request():
    return RequestFactory().post("/admin/login/", REMOTE_ADDR="127.0.0.1")


def test_demo_accounts_are_printed_and_can_sign_in():
    output = setup_demo()
    for username, password in DEMO_PASSWORDS:
        assert f"username: {username}" in output and password in output
        user = authenticate(sign_in_request(), username=username, password=password)
        assert user is not None and user.is_staff
    editor = authenticate(sign_in_request(), username="editor", password="teal-harbour-morning")
    assert editor.groups.filter(name="Editor").exists()


def test_demo_passwords_pass_the_password_validators():
    """The demo shows what a good password looks like: each passes every validator."""
    setup_demo()
    for username, password in DEMO_PASSWORDS:
        validate_password(password, User.objects.get(username=username))


def test_a_demo_password_the_validators_refuse_stops_the_command(monkeypatch):
    from articles.management.commands import setup_demo as command

    monkeypatch.setattr(command, "ACCOUNTS", [("editor", "editor", "Editor", "Priya", "Sharma")])
    with pytest.raises(CommandError, match="demo password for editor"):
        setup_demo()


def test_the_demo_front_page_has_a_pinned_lead_that_is_not_the_newest_story(client):
    setup_demo()

    slots = list(FrontPageSlot.objects.values_list("position", "article__headline"))
    assert slots == [
        (1, "India and Russia to build fighter-jet parts together"),
        (2, "Lavrov promises Jaishankar discounted oil"),
        (3, "India–UAE trade up a fifth under the CEPA"),
        (4, "Japan and India widen Quad coastguard training"),
    ]
    html = client.get("/").content.decode()
    lead = html.split('class="front__lead"')[1].split('class="front__top"')[0]
    assert "India and Russia to build fighter-jet parts together" in lead
    assert Article.objects.published().first().headline not in lead


def test_running_twice_changes_nothing_but_passwords():
    setup_demo()
    before = list(Article.objects.order_by("id").values("id", "status", "published_at"))

    output = setup_demo()

    assert "Demo stories: imported 0, skipped 13, failed 0" in output
    assert list(Article.objects.order_by("id").values("id", "status", "published_at")) == before
    assert FrontPageSlot.objects.count() == 4


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("setup_demo", stdout=io.StringIO())


def test_published_demo_stories_have_pictures_the_project_drew():
    setup_demo()
    published = Article.objects.published().select_related("hero_image")
    assert published.exists()
    for article in published:
        image = article.hero_image
        assert image is not None, article.headline
        assert image.alt_text and image.credit == "Newsroom graphics"
        assert "full-800.jpg" in image.renditions
def test_demo_has_authors_with_bios_and_typed_corrections():
    from articles.models import Author, Correction

    setup_demo()
    authors = Author.objects.filter(article_rows__isnull=False).distinct()
    assert authors.count() == 3 and all(author.bio and author.role for author in authors)
    assert Author.objects.get(name="Arun Kumar").user.username == "reporter"
    assert set(Correction.objects.values_list("kind", flat=True)) == {
        "correction", "clarification", "update"}
    setup_demo()  # again: nothing doubled
    assert Correction.objects.count() == 3 and Author.objects.count() == 3
