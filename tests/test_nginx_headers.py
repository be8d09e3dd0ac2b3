"""docs/nginx.conf as written: uploads are never sniffed or run as pages, static files are
never sniffed. nginx serves both itself, so no app server is needed here."""

import os
import shutil
import urllib.error
import urllib.request

import pytest

from bench.proxies import Nginx
from tests.servers import free_port

MEDIA_POLICY = "default-src 'none'; sandbox; frame-ancestors 'none'"
# An upload that tries to run script when opened on its own: it asks for a "beacon".
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>new Image().src = "/media/beacon-svg";</script></svg>')
HTML = b'<!doctype html><p>hi</p><script>new Image().src = "/media/beacon-html";</script>'


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    """nginx running docs/nginx.conf with local ports and folders; yields its base URL."""
    if not shutil.which("nginx"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs nginx (apt-get install nginx)")
        pytest.skip("nginx is not installed")
    work = tmp_path_factory.mktemp("nginx")
    (work / "static" / "css").mkdir(parents=True)
    (work / "static" / "css" / "site.css").write_text("body { margin: 0; }\n")
    (work / "media").mkdir()
    (work / "media" / "drawing.svg").write_bytes(SVG)
    (work / "media" / "page.html").write_bytes(HTML)
    # nginx serves both folders itself: no app server behind it is needed.
    proxy = Nginx(port=free_port(), upstream_port=free_port(),
                  static_root=work / "static", media_root=work / "media")
    try:
        yield f"http://127.0.0.1:{proxy.port}"
    finally:
        proxy.stop()


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


@pytest.mark.parametrize("name, content_type", [("drawing.svg", "image/svg+xml"),
                                                ("page.html", "text/html")])
def test_uploads_are_served_unsniffed_in_a_sandbox_without_script(nginx, name, content_type):
    status, headers = fetch(f"{nginx}/media/{name}")
    assert status == 200
    assert headers["Content-Type"].startswith(content_type)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == MEDIA_POLICY


def test_a_missing_upload_is_not_sniffed_either(nginx):
    status, headers = fetch(f"{nginx}/media/missing.svg")
    assert status == 404
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_not_sniffed(nginx):
    status, headers = fetch(f"{nginx}/static/css/site.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.browser
def test_an_uploaded_svg_or_html_file_runs_no_script_in_a_browser(nginx, browser):
    """Opened directly, neither upload runs its script; the same bytes without the
    media location's headers do (so the check can fail)."""
    context = browser.new_context()
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    for name in ("drawing.svg", "page.html"):
        page.goto(f"{nginx}/media/{name}")
        page.wait_for_timeout(300)
    assert not [url for url in asked if "beacon" in url]

    def without_headers(route):
        response = route.fetch()
        route.fulfill(status=200, body=response.body(),
                      headers={"Content-Type": response.headers["content-type"]})

    page.route("**/media/*.*", without_headers)
    page.goto(f"{nginx}/media/drawing.svg")
    page.wait_for_timeout(300)
    assert [url for url in asked if url.endswith("/media/beacon-svg")]
    context.close()
