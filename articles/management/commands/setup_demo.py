"""python manage.py setup_demo — demo vocabulary, demo wire stories and demo accounts.

Run by `make run` after migrate. The published stories get pictures the project draws
(maps and abstract graphics, credited "Newsroom graphics"). Safe to run again: the
vocabulary load is idempotent, wire stories already imported are skipped (and keep their
pictures), and the demo accounts get their password reset.

The demo wire files carry fixed dates in late 2024. So that the home page looks alive,
their dates are shifted at import (here only, never by import_articles) so the last
published story is dated yesterday and the others fall a week apart before it. Two stories
arrive in review and one is scheduled for tomorrow morning, so the editors' desk has work.
The demo editor pins a lead story (not the newest) and orders three top stories, unless
someone has arranged the front page already.
"""

import datetime
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.editorial import images
from articles.editorial.front_page import front_page_set
from articles.editorial.roles import EDITOR, REPORTER
from articles.models import Article, Author, FrontPageSlot, Image
from articles.platform.graphics import draw_map, draw_pattern
from articles.platform.text import html_to_text
from articles.tagging import get_vocabulary
from articles.tagging.vocabulary import VocabularyError, load_vocabulary, read_vocabulary_file
from articles.wire.files import import_file
from articles.wire.headlines import first_sentence
from articles.wire.plaintext import parse_wire

DEMO = Path(__file__).resolve().parent.parent.parent / "demo"
IN_REVIEW = {"11_agnipath_review.txt", "12_eaeu_trade.txt"}
SCHEDULED = "09_bri_ports.txt"
# The demo desk's (fictional) writers: name, role, bio; and the bylines they share out.
DEMO_AUTHORS = {
    "Arun Kumar": ("Diplomatic correspondent",
                   "Arun covers India's foreign ministry and its neighbours from New Delhi. "
                   "Before the desk he reported on shipping from Mumbai for ten years."),
    "Meera Iyer": ("Trade editor",
                   "Meera follows trade agreements, corridors and the money behind them. "
                   "She reads customs tables so readers need not."),
    "Lena Fischer": ("Europe correspondent",
                     "Lena reports on the European Union's dealings with Asia from Brussels, "
                     "with a particular eye on energy and sanctions."),
}
DEMO_BYLINES = [["Arun Kumar"], ["Meera Iyer"], ["Lena Fischer"], ["Arun Kumar", "Lena Fischer"]]
# Typed notes on three published stories: (kind, note), shown with their time.
DEMO_NOTES = {
    "03_quad_japan.txt": ("correction", "An earlier version of this story gave the number "
                          "of coastguard ships taking part as twelve. It is ten."),
    "06_uae_cepa.txt": ("clarification", "This story has been changed to make clear that "
                        "the growth figure is for goods trade only, not services."),
    "08_vienna_talks.txt": ("update", "The delegations agreed late on Friday to meet again "
                            "in Vienna next month."),
}

# Published demo stories got an editor's headline; the wire's first sentence becomes
# the standfirst. Stories in review keep the derived headline, flagged for review.
EDITED_HEADLINES = {
    "01_russia_defence.txt": "India and Russia to build fighter-jet parts together",
    "02_instc_rail.txt": "First full run of the North–South corridor's eastern line",
    "03_quad_japan.txt": "Japan and India widen Quad coastguard training",
    "04_grain_turkiye.txt": "Türkiye seeks a new Black Sea grain arrangement",
    "05_global_gateway.txt": "EU to fund a data cable under the Caspian",
    "06_uae_cepa.txt": "India–UAE trade up a fifth under the CEPA",
    "07_png_police.txt": "Australia to train Papua New Guinea's police",
    "08_vienna_talks.txt": "No return to the nuclear deal in sight at Vienna talks",
    "09_bri_ports.txt": "China eases loan terms for a Pakistani port",
    "10_lavrov_visit.txt": "Lavrov promises Jaishankar discounted oil",
    "13_pacific_fisheries.txt": "Australia and Fiji to patrol Fiji's fishing grounds together",
}
# The demo stories' pictures, drawn by articles.platform.graphics: (kind, caption).
DEMO_IMAGES = {
    "01_russia_defence.txt": ("pattern", "Joint production is to start within two years."),
    "02_instc_rail.txt": ("map", "The corridor links ports on the Caspian and the Gulf."),
    "03_quad_japan.txt": ("map", "Coastguard crews will train in each other's waters."),
    "04_grain_turkiye.txt": ("map", "Grain ships cross the Black Sea to the Bosphorus."),
    "05_global_gateway.txt": ("map", "The cable would run under the Caspian Sea."),
    "06_uae_cepa.txt": ("pattern", "Trade between the two has grown for three years."),
    "07_png_police.txt": ("map", "Training is to begin in Port Moresby."),
    "08_vienna_talks.txt": ("pattern", "Delegations met for a fourth round in Vienna."),
    "09_bri_ports.txt": ("map", "The port sits on the Arabian Sea."),
    "10_lavrov_visit.txt": ("map", "Oil shipments are to rise over the winter."),
    "13_pacific_fisheries.txt": ("map", "The patrols will cover Fiji's outer islands."),
}
DEMO_IMAGE_CREDIT = "Newsroom graphics"
# The demo front page: the lead story, then the top stories in order.
FRONT_PAGE = ["01_russia_defence.txt", "10_lavrov_visit.txt", "06_uae_cepa.txt",
              "03_quad_japan.txt"]
# Memorable, and strong enough for AUTH_PASSWORD_VALIDATORS (checked before they are set).
ACCOUNTS = [
    ("editor", "teal-harbour-morning", EDITOR, "Priya", "Sharma"),
    ("reporter", "amber-river-deadline", REPORTER, "Arun", "Kumar"),
]


class Command(BaseCommand):
    help = (
        "Load the demo vocabulary and wire stories and create the demo editor and reporter "
        "accounts (passwords printed). Only with DEBUG on, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("setup_demo creates accounts with known passwords; it runs "
                               "only with DEBUG=1 (or --force).")
        try:
            summary = load_vocabulary(data=read_vocabulary_file(DEMO / "vocabulary.json"))
        except VocabularyError as error:
            raise CommandError(f"demo vocabulary: {error}") from error
        self.stdout.write(f"Demo vocabulary: {summary}")
        self.import_stories()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /admin/):"))
        for username, password, role, first, last in ACCOUNTS:
            self.reset_account(username, password, role, first, last)
            self.stdout.write(f"  {role.lower():<9} username: {username:<9} password: {password}")
        self.arrange_front_page()

    def arrange_front_page(self):
        """The demo editor pins the front page, once: an arrangement made since is kept."""
        if FrontPageSlot.objects.exists():
            return
        headlines = [EDITED_HEADLINES[name] for name in FRONT_PAGE]
        found = {a.headline: a for a in Article.objects.published().filter(headline__in=headlines)}
        front_page_set(articles=[found.get(headline) for headline in headlines],
                       by=User.objects.get(username=ACCOUNTS[0][0]))
        self.stdout.write(f"Front page: “{headlines[0]}” leads, {len(headlines) - 1} top "
                          "stories pinned (Front page in the admin).")

    def import_stories(self):
        files = sorted((DEMO / "wire").glob("*.txt"))
        published = [f for f in files if f.name not in IN_REVIEW]
        latest = max(parse_wire(f.read_text(encoding="utf-8")).date for f in published)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        shift = yesterday - latest
        vocabulary = get_vocabulary()
        counts = {"imported": 0, "skipped": 0, "failed": 0}
        for path in files:
            publish = path.name not in IN_REVIEW
            result = import_file(path, publish=publish, autotag=True, vocabulary=vocabulary,
                                 shift=shift)
            counts[result.outcome] += 1
            if result.outcome == "failed":
                self.stderr.write(f"{path.name}: {result.message}")
            for article in result.articles:
                self.finish(article, path.name, publish)
        self.stdout.write(
            f"Demo stories: imported {counts['imported']}, skipped {counts['skipped']}, "
            f"failed {counts['failed']}"
        )

    def finish(self, article, name, published):
        """Published demo stories have had their headline reviewed; one is scheduled."""
        if not published:
            return
        article.headline_needs_review = False
        if name in EDITED_HEADLINES:
            article.standfirst = first_sentence(html_to_text(article.body).split("\n")[0])
            article.headline = EDITED_HEADLINES[name]
            article.follow_headline()
        article.hero_image = self.demo_image(name)
        if name == SCHEDULED:
            tomorrow = timezone.localdate() + datetime.timedelta(days=1)
            article.published_at = datetime.datetime.combine(
                tomorrow, datetime.time(9, 0), tzinfo=timezone.get_current_timezone()
            )
        # A version of its own, so the history does not credit these edits to whoever
        # saves the story next.
        with reversion.create_revision():
            reversion.set_comment("Edited by the demo desk: headline, standfirst, bylines, "
                                  "image")
            article.save(update_fields=[
                "headline", "slug", "standfirst", "headline_needs_review", "published_at",
                "hero_image",
            ])
        # Wire copy carries no byline; the demo desk credits its own (fictional) reporters.
        names = DEMO_BYLINES[int(name[:2]) % len(DEMO_BYLINES)]  # "03_quad_japan.txt"
        article.set_authors([demo_author(author) for author in names])
        if name in DEMO_NOTES:
            kind, note = DEMO_NOTES[name]
            article.corrections.create(
                kind=kind, note=note,
                created_at=max(article.published_at, timezone.now() - datetime.timedelta(hours=3)),
            )

    def demo_image(self, name):
        """The picture the project draws for a demo story (None for one without)."""
        if name not in DEMO_IMAGES:
            return None
        kind, caption = DEMO_IMAGES[name]
        data, alt_text = (draw_map if kind == "map" else draw_pattern)(name)
        upload = ContentFile(data, name=f"demo-{Path(name).stem.replace('_', '-')}.jpg")
        return images.image_save(
            image=Image(file=upload, alt_text=alt_text, caption=caption,
                        credit=DEMO_IMAGE_CREDIT, usage_terms="The newsroom's own."),
            by=None, new_file=True)

    @transaction.atomic
    def reset_account(self, username, password, role, first_name, last_name):
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first_name, last_name
        user.email = f"{username}@newsroom.invalid"
        user.is_staff = True
        user.is_active = True
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(f"demo password for {username}: {' '.join(error.messages)}") \
                from error
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        # The demo reporter writes as one of the demo authors.
        Author.objects.filter(name=user.get_full_name(), user__isnull=True).update(user=user)


def demo_author(name):
    """The demo author of this name, with their role and bio."""
    role, bio = DEMO_AUTHORS[name]
    author = Author.objects.named([name])[0]
    if (author.role, author.bio) != (role, bio):
        author.role, author.bio = role, bio
        author.save(update_fields=["role", "bio"])
    return author
