"""The Content-Security-Policy in a real browser: nothing on any page breaks it, the admin
keeps working under it, and the watch that says so catches what the policy blocks.

The watch records every ``securitypolicyviolation`` event (through a binding Playwright
installs outside the page's policy), every console error (Chromium logs each blocked
inline script or style there), every warning about a policy header the browser cannot
read, and every uncaught script error, across every page a browser context opens.
"""

import re
import time

import pytest
from django.conf import settings
from django.test import Client

from articles.models import Article, Minister
from articles.platform import csp
from tests.admin_pages import move_caret
from tests.factories import country, make_article, make_editor, make_minister, make_policy
from tests.public_data import add_correction, build_newsroom
from tests.signing_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_SCRIPT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI,
    document: event.documentURI, source: event.sourceFile, line: event.lineNumber,
    sample: event.sample,
  });
}, true);
"""


class CSPWatch:
    """What a browser context reports about its pages: policy violations and errors."""

    def __init__(self, context):
        self.violations = []
        self.errors = []
        self.expected_failures = set()
        context.expose_binding(
            "__reportCspViolation", lambda _source, violation: self.violations.append(violation)
        )
        context.add_init_script(WATCH_SCRIPT)
        context.on("console", self._console)
        context.on("weberror", lambda error: self.errors.append(f"uncaught: {error.error}"))

    def _console(self, message):
        # Chromium warns (not errs) about a header it cannot read, such as an unknown
        # Permissions-Policy feature.
        if message.type != "error" and not (
            message.type == "warning" and re.search(r"Policy|policy", message.text)
        ):
            return
        location = message.location.get("url", "")
        # Logged too: a page asked for on purpose with an error status (the 404 page).
        # Every page names its icon, so no /favicon.ico is asked for (and 404s) any more.
        if message.text.startswith("Failed to load resource") and (
            location in self.expected_failures
        ):
            return
        self.errors.append(f"{location}: {message.text}")

    def expect_failure(self, url):
        self.expected_failures.add(url)

    @staticmethod
    def settle(page):
        """Let events already dispatched by the page reach the watch."""
        page.wait_for_load_state("load")
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")

    def problems(self):
        return [f"violation: {v}" for v in self.violations] + self.errors


def watched_context(browser, live_server, user=None, **options):
    """A browser context watched for violations; logged in as ``user`` by session cookie
    (the login form is not what these tests are about). ``options`` go to Playwright."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **options})
    if user is not None:
        client = sign_in(Client(), user)  # past the second step, as the admin requires
        context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url,
        }])
    return context, CSPWatch(context)


def visit(page, watch, url, status=200):
    if status != 200:
        watch.expect_failure(url)
    response = page.goto(url)
    assert response.status == status, url
    watch.settle(page)
    return response


def public_paths(room, article):
    return [
        "/",
        article.get_absolute_url(),
        "/countries/",
        room.india.get_absolute_url(),
        "/countries/india/russia/",
        "/ministers/",
        room.lavrov.get_absolute_url(),
        "/policies/",
        room.energy.get_absolute_url(),
        "/archive/",
        f"/archive/{article.published_at:%Y}/",
        f"/archive/{article.published_at:%Y}/{article.published_at:%m}/",
        "/search/?q=cargo+figures",
        "/search/?q=corridor&country=india&policy=Energy",
    ]


def test_no_public_page_breaks_the_policy(browser, live_server):
    """Meera reads every kind of public page, on a phone and on a desktop, uncached and
    from the page cache: the policy blocks nothing, the console stays clean."""
    room = build_newsroom(published=25)
    article = room.articles[0]
    add_correction(article)
    for width in (360, 1280):
        context, watch = watched_context(browser, live_server)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        for path in public_paths(room, article):
            visit(page, watch, live_server.url + path)
            assert page.locator("main h1").count() == 1, path
        visit(page, watch, live_server.url + "/countries/india/?page=2")
        visit(page, watch, live_server.url + "/countries/atlantis/", status=404)
        assert page.locator("h1").inner_text() == "Page not found"
        page.fill("#notfound-q", "shipping corridor")
        page.press("#notfound-q", "Enter")
        page.wait_for_url(re.compile(r"/search/\?q=shipping"))
        watch.settle(page)
        assert page.locator(".card__headline a").count() > 0
        context.close()
        assert watch.problems() == [], width


def test_search_results_page_shows_highlights_without_breaking_the_policy(browser, live_server):
    room = build_newsroom(published=3)
    context, watch = watched_context(browser, live_server)
    page = context.new_page()
    visit(page, watch, live_server.url + "/search/?q=freight+tariffs")
    assert page.locator(".card__headline a").count() == 3
    assert page.locator(".card-list mark").count() > 0
    page.get_by_text("Filters").click()
    page.select_option("#f-country", room.india.slug)
    page.click(".search-form button[type=submit]")
    page.wait_for_url(re.compile(r"country=india"))
    watch.settle(page)
    context.close()
    assert watch.problems() == []


def test_staff_preview_of_a_draft_breaks_nothing(browser, live_server):
    editor = make_editor()
    draft = make_article("Draft seen in preview", status=Article.Status.DRAFT,
                         countries=["IN"])
    context, watch = watched_context(browser, live_server, editor)
    page = context.new_page()
    visit(page, watch, f"{live_server.url}/preview/{draft.pk}/")
    assert page.locator(".preview-banner").count() == 1
    context.close()
    assert watch.problems() == []


def pick(page, select_id, typed, choice):
    """Choose ``choice`` in the select2 box next to ``select_id`` by typing ``typed``."""
    page.click(f"#{select_id} + .select2")
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=choice).first.click()


def test_the_admin_works_under_its_policy(browser, live_server):
    """Priya goes through the desk, the list (filters and the tag-filter box), an article
    (body editor, tag autocomplete, the + button's popup, Save), a new article, the
    history, the vocabularies and a merge: every control works and nothing is blocked."""
    editor = make_editor()
    lavrov = make_minister("Sergey Lavrov", country=country("RU"), aliases=["Lavrov"])
    make_minister("Sergei Lavrov", country=country("RU"))
    make_policy("Maritime corridor")
    article = make_article("Corridor talks resume", status=Article.Status.REVIEW,
                           countries=["IN"], ministers=[lavrov],
                           body="<p>First paragraph.</p>")
    make_article("Zambia copper exports", countries=["ZM"])
    base = live_server.url
    context, watch = watched_context(browser, live_server, editor)
    page = context.new_page()

    visit(page, watch, f"{base}/admin/")
    assert page.locator(".desk .module").count() >= 4
    assert page.locator(".desk", has_text="Corridor talks resume").count() == 1
    # The desk's stylesheet applies: its panels sit side by side.
    assert page.locator(".desk").evaluate("el => getComputedStyle(el).display") == "grid"

    visit(page, watch, f"{base}/admin/articles/article/?status=review")
    assert page.locator("#result_list", has_text="Corridor talks resume").count() == 1
    pick(page, "tag-filter-country", "zam", "Zambia")
    page.wait_for_url(f"**country={country('ZM').pk}**")
    watch.settle(page)
    assert "status=review" in page.url
    visit(page, watch, f"{base}/admin/articles/article/?status=live")
    assert page.locator("#result_list", has_text="Zambia copper exports").count() == 1
    page.locator("#changelist-search input[name=q]").fill("Zambia")
    page.press("#changelist-search input[name=q]", "Enter")
    page.wait_for_url("**q=Zambia**")
    watch.settle(page)

    change = f"{base}/admin/articles/article/{article.pk}/change/"
    visit(page, watch, change)
    page.locator(".ProseMirror.nr-body").click()
    move_caret(page, "Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Delegates agreed")
    page.keyboard.press("Shift+Home")
    page.get_by_role("button", name="bold", exact=True).click()
    page.locator("button[data-name=bold].active").wait_for()
    page.locator(".prose-menubar__selected").click()
    page.locator(".prose-menubar__picker [data-name=heading2]").click()
    # The textarea the form posts follows the editor (a function: the policy forbids eval).
    page.wait_for_function(
        "text => document.querySelector('#id_body').value.includes(text)",
        arg="<h2><strong>Delegates agreed</strong></h2>")
    pick(page, "id_countries", "Russ", "Russia")
    with page.expect_popup() as popup_info:
        page.click("#add_id_ministers")
    popup = popup_info.value
    watch.settle(popup)
    popup.fill("#id_name", "Wang Yi")
    popup.fill("#id_office", "Minister of Foreign Affairs")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    assert page.locator("#id_ministers option:checked", has_text="Wang Yi").count() == 1
    page.click(".nr-workflow button[value=save]")
    page.wait_for_selector(".messagelist .success")
    watch.settle(page)
    page.fill("#id_standfirst", "Talks on the corridor resumed after a pause.")
    page.click(".nr-workflow button[value=save]")
    page.wait_for_selector(".messagelist .success")
    watch.settle(page)
    article.refresh_from_db()
    assert "Delegates agreed" in article.body
    assert set(article.countries.values_list("code", flat=True)) == {"IN", "RU"}
    assert set(article.ministers.values_list("name", flat=True)) == {"Sergey Lavrov",
                                                                     "Wang Yi"}

    visit(page, watch, f"{base}/admin/articles/article/add/")
    page.fill("#id_headline", "Port talks open in Chennai")
    page.locator("#id_headline").blur()
    assert page.input_value("#id_slug") == "port-talks-open-in-chennai"
    page.locator(".ProseMirror.nr-body").click()
    page.keyboard.type("The first ship docked at dawn.")
    page.fill("#id_source", "Reuters")
    pick(page, "id_countries", "Ind", "India")
    page.click(".nr-workflow button[value=save]")
    page.wait_for_selector(".messagelist .success")
    watch.settle(page)
    created = Article.objects.get(slug="port-talks-open-in-chennai")
    assert "The first ship docked at dawn." in created.body

    visit(page, watch, f"{base}/admin/articles/article/{article.pk}/history/")
    assert page.locator("#change-history tbody tr").count() >= 2
    # The history's stylesheet applies: added words are marked green.
    added = page.locator("#change-history ins").first
    assert added.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(220, 245, 227)"
    page.locator("#change-history tbody tr th a").last.click()
    watch.settle(page)
    # The revert page compares that version with the article now.
    assert page.locator(".revert-confirm input[type=submit]").count() == 1
    visit(page, watch, f"{base}/admin/articles/article/recover/")

    for path in ("country", "minister", "policy"):
        visit(page, watch, f"{base}/admin/articles/{path}/")
        assert page.locator("#result_list").count() == 1
    visit(page, watch, f"{base}/admin/articles/country/{country('IN').pk}/change/")
    visit(page, watch, f"{base}/admin/articles/minister/{lavrov.pk}/change/")
    page.click("#id_in_office_from + .datetimeshortcuts a")  # "Today"
    assert page.input_value("#id_in_office_from") != ""
    page.click("#calendarlink0")
    assert page.locator("#calendarbox0").is_visible()
    watch.settle(page)

    visit(page, watch, f"{base}/admin/articles/minister/?q=Lavrov")
    page.locator("#result_list input.action-select").nth(0).check()
    page.locator("#result_list input.action-select").nth(1).check()
    page.select_option("select[name=action]", "merge")
    page.click("button[name=index]")
    page.wait_for_selector("input[name=keep]")
    watch.settle(page)
    page.click(".submit-row input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    watch.settle(page)
    assert Minister.objects.filter(name__in=["Sergey Lavrov", "Sergei Lavrov"]).count() == 1

    context.close()
    assert watch.problems() == []


def test_admin_login_page_breaks_nothing(browser, live_server):
    context, watch = watched_context(browser, live_server)
    page = context.new_page()
    visit(page, watch, f"{live_server.url}/admin/login/")
    assert page.locator("#id_username").count() == 1
    context.close()
    assert watch.problems() == []


def password_step(page, watch, url, editor, next_step):
    """Sign in with the password at ``url`` and wait for the two-factor step."""
    visit(page, watch, url)
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_selector(next_step)
    watch.settle(page)


def test_sign_in_two_factor_and_account_pages_break_nothing(browser, live_server):
    """The whole first sign-in (password, set-up with its QR code, backup codes), the
    account page, signing in again with a code, and a withdrawn story's 410 page."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    editor = make_editor()
    story = make_article("Story withdrawn later", status=Article.Status.WITHDRAWN,
                         published_at=make_article().published_at,
                         withdrawal_note="It relied on a source we could not verify.")
    context, watch = watched_context(browser, live_server)
    page = context.new_page()
    password_step(page, watch, f"{live_server.url}/admin/", editor, "#setup-form")
    assert page.locator(".nr-qr svg").is_visible()
    key = b32decode(page.inner_text("#totp-secret").replace(" ", ""))
    page.fill("#id_code", f"{TOTP(key).token():06d}")
    page.click("#setup-form input[type=submit]")
    page.locator("#backup-codes li").first.wait_for()
    watch.settle(page)
    page.get_by_role("link", name="I have stored them: continue").click()
    page.wait_for_selector(".desk")
    visit(page, watch, f"{live_server.url}/admin/account/")
    context.close()

    again, watch_again = watched_context(browser, live_server)
    page = again.new_page()
    password_step(page, watch_again, f"{live_server.url}/admin/login/", editor, "#verify-form")
    visit(page, watch_again, f"{live_server.url}{story.get_absolute_url()}", status=410)
    assert "could not verify" in page.content()
    again.close()
    assert watch.problems() == [] and watch_again.problems() == []


PLANTED = (
    '<script>document.documentElement.dataset.planted = "script ran";</script>'
    '<p style="color: red">planted style</p>'
    '<style>body { background: red; }</style>'
    '<img src="/static/favicon.svg" alt="" '
    'onload="document.documentElement.dataset.handler = \'handler ran\'">'
)


def plant(page, url):
    """Serve ``url`` with its real headers (the real policy) and planted inline code."""
    def fulfil(route):
        response = route.fetch()
        body = response.text().replace("</body>", PLANTED + "</body>")
        route.fulfill(response=response, body=body)
    page.route(url, fulfil)


@pytest.mark.parametrize("path", ["/", "/admin/"])
def test_the_watch_catches_what_the_policy_blocks(browser, live_server, path, caplog,
                                                  monkeypatch):
    """Inline script, style and an event handler planted in a real page, served with the
    page's own policy: none of it runs, and the watch (and the report log) says so."""
    monkeypatch.setattr(csp, "budget", csp.LogBudget(per_minute=100))
    build_newsroom(published=2)
    context, watch = watched_context(browser, live_server, make_editor())
    page = context.new_page()
    url = live_server.url + path
    plant(page, url)
    visit(page, watch, url)
    assert page.evaluate("document.documentElement.dataset.planted") is None
    assert page.evaluate("document.documentElement.dataset.handler") is None
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    directives = {violation["directive"] for violation in watch.violations}
    assert {"script-src-elem", "script-src-attr", "style-src-elem",
            "style-src-attr"} <= directives
    assert watch.problems()
    assert any("Content Security Policy" in error for error in watch.errors)
    # The browser also reported them to the policy's report-uri, which logged them.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and "script-src-elem" not in caplog.text:
        time.sleep(0.1)
    assert "Content-Security-Policy violation: script-src-elem" in caplog.text
    context.close()


def test_the_watch_catches_a_policy_header_the_browser_cannot_read(browser, live_server):
    """A Permissions-Policy feature Chromium does not know is a warning in its console."""
    context, watch = watched_context(browser, live_server)
    page = context.new_page()
    url = live_server.url + "/robots.txt"

    def unknown_feature(route):
        response = route.fetch()
        headers = {**response.headers, "permissions-policy": "document-domain=()"}
        route.fulfill(response=response, headers=headers)

    page.route(url, unknown_feature)
    visit(page, watch, url)
    context.close()
    assert any("Permissions-Policy" in error for error in watch.errors)
