"""The author and corrections pages in a real browser: axe-core's WCAG 2.1 A and AA rules
find nothing, at a phone's width and a desktop's, and nothing scrolls sideways."""


import pytest

from articles.models import Author, Correction
from tests.accessibility import axe_violations, require_axe
from tests.factories import make_article, make_image
from tests.test_csp_browser import visit, watched_context

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_author_corrections_and_article_pages_have_no_axe_violations(
    browser, live_server, width
):
    require_axe()
    for i in range(3):
        article = make_article(f"Ports deal signed, part {i}",
                               authors=["Meera Iyer", "Arun Kumar"])
    Author.objects.filter(name="Meera Iyer").update(
        role="Trade editor", bio="Meera follows trade agreements and the money behind them.",
        photo=make_image("Meera Iyer at her desk", width=800, height=1000))
    Correction.objects.create(article=article, kind="correction", note="The port is Kandla.")
    Correction.objects.create(article=article, kind="clarification", note="Goods only.")
    Correction.objects.create(article=article, kind="update", note="Ratified on Friday.")
    # Playwright injects axe as an inline script, which the site's policy would refuse.
    context, watch = watched_context(browser, live_server, bypass_csp=True,
                                     viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ["/authors/", "/authors/meera-iyer/", "/corrections/",
                 article.get_absolute_url()]:
        visit(page, watch, live_server.url + path)
        violations = axe_violations(page)
        assert violations == [], f"{path}: " + "\n".join(violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    context.close()
