"""Security headers over HTTP: every public page carries the strict policy (from the page
cache too), every admin page the admin's, every response a Permissions-Policy; public
pages hold no inline code and never a nonce; violation reports are logged, junk is not."""

import json
import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from csp.constants import NONE, SELF
from csp.decorators import csp_exempt
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.template import loader
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from reversion.models import Version

from articles.models import Article
from articles.platform import csp
from tests.admin_forms import article_post_data
from tests.factories import make_article, make_minister
from tests.public_data import add_correction, build_newsroom

ROOT = Path(__file__).resolve().parent.parent

PUBLIC_POLICY = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "report-uri": ["/csp-report/"],
}
ADMIN_POLICY = {**PUBLIC_POLICY, "script-src": ["'self'"], "style-src": ["'self'"]}
DENIED_FEATURES = {"camera", "microphone", "geolocation", "payment", "usb", "browsing-topics",
                   "interest-cohort", "display-capture", "serial", "hid", "midi"}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def permissions(response):
    """The Permissions-Policy header as {feature: allowlist}."""
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


def assert_public_headers(response, path):
    assert policy(response) == PUBLIC_POLICY, path
    allowed = permissions(response)
    assert {feature: allowed.get(feature) for feature in DENIED_FEATURES} == \
        dict.fromkeys(DENIED_FEATURES, "()"), path
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts (a JSON-LD data block is not
    one), style elements and attributes, event handlers, javascript: URLs, nonces."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs.items():
            if name == "style" or name == "nonce" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction"} and \
                    (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


@pytest.fixture
def room(db):
    room = build_newsroom(published=25)
    add_correction(room.articles[0])
    return room


def public_urls(room):
    article = room.articles[0]
    year, month = f"{article.published_at:%Y}", f"{article.published_at:%m}"
    return {
        "/": 200,
        article.get_absolute_url(): 200,
        "/countries/": 200,
        room.india.get_absolute_url(): 200,
        room.india.get_absolute_url() + "?page=2": 200,
        "/countries/india/russia/": 200,
        "/ministers/": 200,
        room.lavrov.get_absolute_url(): 200,
        "/policies/": 200,
        room.energy.get_absolute_url(): 200,
        "/archive/": 200,
        f"/archive/{year}/": 200,
        f"/archive/{year}/{month}/": 200,
        "/search/": 200,
        "/search/?q=cargo+figures": 200,
        "/countries/atlantis/": 404,
        "/robots.txt": 200,
        "/feeds/latest/": 200,
        room.india.get_absolute_url() + "feed/": 200,
        "/sitemap.xml": 200,
        "/news-sitemap.xml": 200,
    }


def test_every_public_page_carries_the_public_policy_and_permissions_policy(client, room):
    for url, status in public_urls(room).items():
        response = client.get(url)
        assert response.status_code == status, url
        assert_public_headers(response, url)


def test_public_pages_hold_no_inline_script_style_handler_or_nonce(client, room):
    """What the strict policy would block is not in the pages to begin with, and a page
    (cached and shared) never holds a nonce; the article's JSON-LD is a data block."""
    for url, _status in public_urls(room).items():
        response = client.get(url)
        if response["Content-Type"].startswith("text/html"):
            assert inline_code(response.content.decode()) == [], url
    assert '<script type="application/ld+json">' in \
        client.get(room.articles[0].get_absolute_url()).content.decode()
    assert inline_code(loader.get_template("500.html").render()) == []


def test_staff_preview_uses_the_public_policy(editor_client):
    draft = make_article("Draft", status=Article.Status.DRAFT)
    response = editor_client.get(reverse("articles:article-preview", args=[draft.pk]))
    assert response.status_code == 200
    assert_public_headers(response, "preview")
    assert inline_code(response.content.decode()) == []


def test_a_page_served_from_the_cache_carries_the_same_headers(client, room):
    """The headers are added outside the page cache, so a hit (and a 304) has them too."""
    for url in ("/", room.articles[0].get_absolute_url(), room.india.get_absolute_url()):
        first = client.get(url)
        second = client.get(url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit"), url
        assert_public_headers(second, url)
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert second["Permissions-Policy"] == first["Permissions-Policy"]
        not_modified = client.get(url, headers={"If-None-Match": second["ETag"]})
        assert not_modified.status_code == 304
        assert policy(not_modified) == PUBLIC_POLICY
        assert not_modified["Permissions-Policy"] == first["Permissions-Policy"]


def admin_urls(room):
    article = room.articles[0]
    make_minister("Sergei Lavrov")
    version = Version.objects.get_for_object(article).first()
    return [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_changelist") + "?status=live&country="
        + str(room.india.pk),
        reverse("admin:articles_article_add"),
        reverse("admin:articles_article_change", args=[article.pk]),
        reverse("admin:articles_article_history", args=[article.pk]),
        reverse("admin:articles_article_revision", args=[article.pk, version.pk]),
        reverse("admin:articles_article_recoverlist"),
        reverse("admin:articles_country_changelist"),
        reverse("admin:articles_country_change", args=[room.india.pk]),
        reverse("admin:articles_minister_changelist"),
        reverse("admin:articles_minister_add") + "?_popup=1&_to_field=id",
        reverse("admin:articles_policy_changelist"),
        reverse("admin:password_change"),
        reverse("admin:autocomplete") + "?term=ind&app_label=articles&model_name=article"
        "&field_name=countries",
    ]


def test_every_admin_page_carries_the_admin_policy(editor_client, room):
    article = room.articles[0]
    editor_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                       article_post_data(article, standfirst="Edited once."))
    for url in admin_urls(room):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == ADMIN_POLICY, url
        assert "camera=()" in response["Permissions-Policy"], url
    merge = editor_client.post(reverse("admin:articles_minister_changelist"), {
        "action": "merge", "_selected_action": [room.lavrov.pk, room.jaishankar.pk],
    })
    assert "Keep which entry?" in merge.content.decode()
    assert policy(merge) == ADMIN_POLICY


def test_the_admin_login_page_carries_the_admin_policy(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert policy(response) == ADMIN_POLICY


def test_neither_policy_allows_unsafe_code(client, editor_client, db):
    for response in (client.get("/robots.txt"), editor_client.get(reverse("admin:index"))):
        header = response["Content-Security-Policy"]
        for word in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "strict-dynamic", "*",
                     "data:", "http:", "https:"):
            assert word not in header.split(), word


def use_nonce(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')


def test_an_admin_page_that_uses_a_nonce_gets_it_in_its_policy(rf):
    request = rf.get(reverse("admin:index"))
    response = csp.CSPMiddleware(use_nonce)(request)
    nonce = str(request.csp_nonce)
    assert len(nonce) >= 22
    directives = policy(response)
    assert f"'nonce-{nonce}'" in directives["script-src"]
    assert f"'nonce-{nonce}'" in directives["style-src"]


def test_an_admin_page_that_uses_no_nonce_sends_none(rf):
    response = csp.CSPMiddleware(lambda request: HttpResponse("ok"))(rf.get("/admin/x/"))
    assert "nonce-" not in response["Content-Security-Policy"]


def test_a_public_page_never_gets_a_nonce_even_if_a_template_asked(rf):
    """The public policy has no nonce to give: an inline script stays blocked."""
    response = csp.CSPMiddleware(use_nonce)(rf.get("/"))
    assert policy(response) == PUBLIC_POLICY


def test_a_view_exempt_from_the_policy_gets_no_header(rf):
    response = csp.CSPMiddleware(csp_exempt()(lambda request: HttpResponse("ok")))(rf.get("/"))
    assert "Content-Security-Policy" not in response


def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(rf):
    """As django-csp: the header is written, so a late nonce would not be in it."""
    request = rf.get("/")
    csp.CSPMiddleware(lambda request: HttpResponse("ok"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


@pytest.mark.parametrize("path", ["/", "/admin/x/"])
def test_a_changed_policy_is_sent_at_once_with_its_report_only_twin(rf, settings, path):
    """The public headers are built once per process, and built again when the policy
    in settings changes; the report-only policy is sent beside it, as django-csp does."""
    assert policy(csp.CSPMiddleware(lambda r: HttpResponse("ok"))(rf.get("/"))) == PUBLIC_POLICY
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "img-src": ["data:"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [NONE]}}
    ours = csp.CSPMiddleware(lambda r: HttpResponse("ok"))(rf.get(path))
    theirs = DjangoCSPMiddleware(lambda r: HttpResponse("ok"))(rf.get(path))
    for header in ("Content-Security-Policy", "Content-Security-Policy-Report-Only"):
        if path == "/":
            assert ours[header] == theirs[header]
    assert ours["Content-Security-Policy-Report-Only"] == "default-src 'none'"
    if path == "/":
        assert policy(ours) == {"default-src": ["'self'"], "img-src": ["data:"]}
    else:
        assert policy(ours) == ADMIN_POLICY


def test_a_policy_that_excludes_paths_still_excludes_them(rf, settings):
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": [SELF]}, "EXCLUDE_URL_PREFIXES": ["/legacy/"]}
    middleware = csp.CSPMiddleware(lambda r: HttpResponse("ok"))
    assert "Content-Security-Policy" not in middleware(rf.get("/legacy/page/"))
    assert policy(middleware(rf.get("/"))) == {"default-src": ["'self'"]}


PUBLIC_TEMPLATES = [
    path for path in (ROOT / "templates").rglob("*")
    if path.is_file() and path.relative_to(ROOT / "templates").parts[0]
    not in {"admin", "reversion"}
]
ADMIN_TEMPLATES = [
    path for path in (ROOT / "templates").rglob("*")
    if path.is_file() and path.relative_to(ROOT / "templates").parts[0] in {"admin", "reversion"}
]
INLINE_CODE = re.compile(
    r"<style\b|\sstyle=|\son[a-z]+\s*=|javascript:"
    r"|<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", PUBLIC_TEMPLATES, ids=lambda p: p.name)
def test_public_templates_hold_no_inline_code_or_nonce(path):
    text = path.read_text()
    assert INLINE_CODE.findall(text) == []
    assert "csp_nonce" not in text


@pytest.mark.parametrize("path", ADMIN_TEMPLATES, ids=lambda p: p.name)
def test_admin_templates_run_inline_code_only_with_a_nonce(path):
    offending = [match for match in INLINE_CODE.findall(path.read_text())
                 if 'nonce="{{ request.csp_nonce }}"' not in match]
    assert offending == []


@pytest.mark.parametrize("path", sorted((ROOT / "static").rglob("*.js")), ids=lambda p: p.name)
def test_our_scripts_write_no_inline_styles_handlers_or_eval(path):
    """Styles set through element.style are allowed; markup with style= or on…= is not."""
    text = path.read_text()
    for pattern in (r"style=", r"\son[a-z]+=", r"setAttribute\(\s*[\"'](style|on)",
                    r"\beval\(", r"new Function\(", r"javascript:"):
        assert re.search(pattern, text) is None, pattern


# --- violation reports --------------------------------------------------------------

REPORT = {"csp-report": {
    "document-uri": "https://news.example.org/2026/01/02/story/",
    "violated-directive": "script-src-elem",
    "effective-directive": "script-src-elem",
    "original-policy": "default-src 'self'",
    "blocked-uri": "inline",
    "source-file": "https://news.example.org/2026/01/02/story/",
    "line-number": 14,
}}


@pytest.fixture
def budget(monkeypatch):
    fresh = csp.LogBudget(per_minute=100)
    monkeypatch.setattr(csp, "budget", fresh)
    return fresh


def post_report(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(reverse("csp-report"), data=data, content_type=content_type)


def test_a_browser_report_is_logged_without_a_csrf_token(db, budget, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="articles.platform.csp"):
        response = post_report(client, REPORT)
    assert response.status_code == 204
    assert ("Content-Security-Policy violation: script-src-elem blocked 'inline' on "
            "https://news.example.org/2026/01/02/story/") in caplog.text
    assert "line 14" in caplog.text


def test_a_reporting_api_batch_is_logged(client, db, budget, caplog):
    batch = [
        {"type": "csp-violation", "url": "https://news.example.org/", "body": {
            "documentURL": "https://news.example.org/", "effectiveDirective": "style-src-attr",
            "blockedURL": "inline", "sourceFile": "https://news.example.org/", "lineNumber": 3,
        }},
        {"type": "deprecation", "body": {"id": "x"}},
    ]
    with caplog.at_level(logging.WARNING, logger="articles.platform.csp"):
        response = post_report(client, batch, "application/reports+json")
    assert response.status_code == 204
    assert caplog.text.count("Content-Security-Policy violation") == 1
    assert "style-src-attr blocked 'inline'" in caplog.text


def test_report_fields_reach_the_log_as_one_short_printable_line(client, db, budget, caplog):
    forged = {"csp-report": {**REPORT["csp-report"],
                             "blocked-uri": "https://x.example/\nCRITICAL forged line\u202e" +
                             "a" * 5000}}
    with caplog.at_level(logging.WARNING, logger="articles.platform.csp"):
        assert post_report(client, forged).status_code == 204
    [record] = [r for r in caplog.records if r.name == "articles.platform.csp"]
    message = record.getMessage()
    assert "\n" not in message and "\u202e" not in message
    assert len(message) < 1000


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[]", b"{}", b"null", b"42", b'"csp-report"',
    b'{"csp-report": null}', b'{"csp-report": {}}', b'{"csp-report": []}',
    b'{"csp-report": {"blocked-uri": "inline"}}', b"\xff\xfe\x00",
    b"[" * 8000 + b"]" * 8000,
    b'[{"type": "csp-violation", "body": "x"}]',
])
def test_junk_is_refused_and_logs_nothing(client, db, budget, caplog, body):
    with caplog.at_level(logging.WARNING, logger="articles.platform.csp"):
        response = post_report(client, body)
    assert response.status_code in (400, 413)
    assert "Content-Security-Policy violation" not in caplog.text


def test_an_oversized_report_is_refused_unread(client, db, budget):
    huge = {"csp-report": {**REPORT["csp-report"], "script-sample": "x" * 20_000}}
    assert post_report(client, huge).status_code == 413


def test_the_report_endpoint_takes_only_posts(client, db):
    assert client.get(reverse("csp-report")).status_code == 405
    assert client.put(reverse("csp-report"), data=b"{}").status_code == 405


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner,
                                                                 max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(["effective-directive", "violated-directive", "blocked-uri",
                          "document-uri", "source-file", "line-number", "csp-report", "body",
                          "type", "effectiveDirective", "blockedURL"])


@hypothesis_settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300) | JSON.map(lambda v: json.dumps(v).encode())
       | st.dictionaries(FIELDS, JSON, max_size=5).map(
           lambda d: json.dumps({"csp-report": d}).encode()),
       content_type=st.sampled_from(["application/csp-report", "application/reports+json",
                                     "application/json", "text/plain",
                                     "multipart/form-data; boundary=x"]))
def test_no_post_to_the_report_endpoint_is_a_server_error(client, db, monkeypatch, body,
                                                           content_type):
    monkeypatch.setattr(csp, "budget", csp.LogBudget(per_minute=0))
    response = post_report(client, body, content_type)
    assert response.status_code in (204, 400, 413)


def test_a_flood_of_reports_is_logged_at_most_so_often_then_summarised(client, db, monkeypatch,
                                                                        caplog):
    now = [1000.0]
    monkeypatch.setattr(csp, "budget", csp.LogBudget(per_minute=3, clock=lambda: now[0]))
    with caplog.at_level(logging.WARNING, logger="articles.platform.csp"):
        for _ in range(10):
            assert post_report(client, REPORT).status_code == 204
        assert caplog.text.count("Content-Security-Policy violation") == 3
        now[0] += 61
        post_report(client, REPORT)
    assert caplog.text.count("Content-Security-Policy violation") == 4
    assert "7 earlier report(s) not logged" in caplog.text
